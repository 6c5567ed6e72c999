import { strict as assert } from "assert";
import type { ProgramRun } from "../../offline/run";
import { Violation, evaluatePolicies } from "../../policies/offline";
import { KUBERNETES_VERSIONS_AS_OF } from "../../config/catalog";
import { stackRun } from "../harness";

/** Support of Kubernetes versions is judged as of the day the catalog was read, so these tests do not age. */
const AS_OF = { "eks-supported-version": { asOf: KUBERNETES_VERSIONS_AS_OF } };

/**
 * The whole pack over the shipped stacks. Prod must pass; dev's advisories are the deliberate economies
 * of a development stack, each explained in policies/README.md ("Dev advisories").
 */
const DEV_ADVISORIES = [
    "compute-on-demand",
    "elasticache-automatic-failover",
    "elasticache-backups",
    "k8s-autoscaler-min-replicas",
    "k8s-deployment-scales",
    "mq-cluster-deployment",
    "rds-backup-retention",
    "rds-deletion-protection",
    "rds-multi-az",
    "stateful-resources-protected",
];

const describeAll = (violations: Violation[]) => violations.map((v) => `${v.level} ${v.policy} ${v.resource ?? "(stack)"}: ${v.message}`).join("\n");

/** A copy of a run with one resource's inputs (and echoed outputs) changed. */
function edited(run: ProgramRun, name: string, change: Record<string, unknown>, options: { protect?: boolean } = {}): ProgramRun {
    return {
        ...run,
        resources: run.resources.map((r) =>
            r.name === name ? { ...r, inputs: { ...r.inputs, ...change }, outputs: { ...r.outputs, ...change }, protect: options.protect ?? r.protect } : r,
        ),
    };
}

describe("policies: the shipped stacks", () => {
    it("prod passes every policy", async () => {
        const violations = evaluatePolicies(await stackRun("prod"), { overrides: AS_OF });
        assert.equal(violations.filter((v) => v.level === "mandatory").length, 0, describeAll(violations));
        assert.deepEqual(violations, []);
    });

    it("dev reports only the deliberate advisories", async () => {
        const violations = evaluatePolicies(await stackRun("dev"), { overrides: AS_OF });
        assert.ok(
            violations.every((v) => v.level === "advisory"),
            describeAll(violations),
        );
        assert.deepEqual([...new Set(violations.map((v) => v.policy))].sort(), DEV_ADVISORIES, describeAll(violations));
    });

    it("dev judged as prod fails on exactly those advisories", async () => {
        const violations = evaluatePolicies(await stackRun("dev"), { environment: "prod", overrides: AS_OF });
        assert.ok(violations.every((v) => v.level === "mandatory"));
        assert.deepEqual([...new Set(violations.map((v) => v.policy))].sort(), DEV_ADVISORIES);
    });

    it("prod fails when a control regresses", async () => {
        const run = await stackRun("prod");
        const regressed = edited(edited(run, "database-primary", { publiclyAccessible: true }), "encryption-logs", {}, { protect: false });
        assert.deepEqual(
            evaluatePolicies(regressed, { overrides: AS_OF }).map((v) => [v.level, v.policy, v.resource?.split("::").pop()]),
            [
                ["mandatory", "rds-not-public", "database-primary"],
                ["mandatory", "stateful-resources-protected", "encryption-logs"],
            ],
        );
    });
});
