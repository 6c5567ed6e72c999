import { strict as assert } from "assert";
import type { PlatformPolicy } from "../../policies/lib/rule";
import { RuleCase, caseProblem, coverageProblems } from "../../policies/testing";

/**
 * The suite every group of rules shares: a coverage check (each rule has a compliant and a violating
 * case) and one test per case. Anything else a group tests goes in `more`, inside the same describe.
 */
export function describeRuleCases(title: string, policies: readonly PlatformPolicy[], cases: Readonly<Record<string, readonly RuleCase[]>>, more?: () => void): void {
    describe(title, () => {
        it("has a compliant and a violating case for every rule", () => {
            assert.deepEqual(coverageProblems(policies, cases), []);
        });
        for (const policy of policies) {
            describe(policy.name, () => {
                for (const c of cases[policy.name] ?? []) {
                    it(`${c.violation ? "reports" : "accepts"} ${c.title}`, () => assert.equal(caseProblem(policy, c), undefined));
                }
            });
        }
        more?.();
    });
}
