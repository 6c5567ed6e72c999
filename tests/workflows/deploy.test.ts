import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { stackRun } from "../harness";
import { condition, interpolate, Scope, scopeOf, Status, Value } from "../support/githubExpressions";
import { configuresAws, environmentOf, IN_VPC_LABEL, isBootstrapStep, loadWorkflow, needsOf, REPO_ROOT, runsOn, Step, stepTouchesCluster, uses } from "../support/workflows";

const wf = loadWorkflow("deploy.yml");
const { check, bootstrap, deploy } = wf.jobs;

/** Each way the workflow starts, and the stack it must deploy. */
const EVENTS: [string, Record<string, Value>, string][] = [
    ["push to main", { "github.event_name": "push" }, "dev"],
    ["published release", { "github.event_name": "release" }, "prod"],
    ["dispatch of prod", { "github.event_name": "workflow_dispatch", "inputs.stack": "prod", "inputs.bootstrap": false }, "prod"],
    ["dispatch of staging", { "github.event_name": "workflow_dispatch", "inputs.stack": "staging", "inputs.bootstrap": false }, "staging"],
    ["dispatch of dev", { "github.event_name": "workflow_dispatch", "inputs.stack": "dev", "inputs.bootstrap": false }, "dev"],
];

/** What the check job hands the later jobs for an event, evaluated as the runner would. */
function checkOutputs(event: Record<string, Value>): Record<string, string> {
    const stack = interpolate(String(check.env?.STACK), scopeOf(event));
    const scope = scopeOf({ ...event, "env.STACK": stack, "steps.runner.outputs.runner": `platform-${stack}-ci` });
    return Object.fromEntries(Object.entries(check.outputs ?? {}).map(([k, v]) => [k, interpolate(v, scope)]));
}

/** The scope of a job that needs the check job (and, for deploy, the bootstrap). */
function laterScope(event: Record<string, Value>, more: Record<string, Value> = {}, status?: Status): Scope {
    const outputs = checkOutputs(event);
    const flat: Record<string, Value> = { ...event, "github.run_id": 987, "github.run_attempt": 1, "needs.check.result": "success", ...more };
    for (const [k, v] of Object.entries(outputs)) {
        flat[`needs.check.outputs.${k}`] = v;
    }
    return scopeOf(flat, status);
}

const step = (steps: Step[] | undefined, test: (s: Step) => boolean): number => (steps ?? []).findIndex(test);

describe("deploy.yml", () => {
    it("runs on a push to main, a published release, and by hand for any stack, with a bootstrap switch", () => {
        assert.deepEqual((wf.on.push as { branches: string[] }).branches, ["main"]);
        assert.ok("release" in wf.on);
        const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[]; default?: unknown }> }).inputs;
        assert.deepEqual(inputs.stack.options, ["dev", "staging", "prod"]);
        assert.equal(inputs.bootstrap.type, "boolean");
        assert.equal(inputs.bootstrap.default, false);
    });

    for (const [event, ctx, stack] of EVENTS) {
        it(`${event}: deploys ${stack} in its environment, on its in-VPC runner, with the policy pack`, () => {
            const outputs = checkOutputs(ctx);
            assert.equal(outputs.stack, stack);
            assert.equal(outputs.environment, { dev: "development", staging: "staging", prod: "production" }[stack]);
            const scope = laterScope(ctx, { "needs.bootstrap.result": "skipped" });
            assert.equal(condition(deploy.if, scope), true);
            assert.equal(interpolate(String(environmentOf(deploy)), scope), outputs.environment);
            const label = IN_VPC_LABEL.exec(runsOn(deploy, scope));
            assert.ok(label, runsOn(deploy, scope));
            assert.equal(label[1], `platform-${stack}-ci`);
            const up = (deploy.steps ?? []).find((s) => uses(s, "pulumi/actions") && s.with?.command === "up") as Step;
            assert.equal(up.with?.policyPacks, "policies");
            const env = { ...scope.context.env as object, STACK: stack, STACK_REF: `acme/${stack}` } as Record<string, Value>;
            assert.equal(interpolate(String(up.with?.["stack-name"]), { context: { ...scope.context, env } }), `acme/${stack}`);
            const configs = interpolate(String(up.with?.policyPackConfigs ?? ""), { context: { ...scope.context, env } });
            if (stack === "prod") {
                const enforced = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, configs), "utf8")) as { all?: string };
                assert.equal(enforced.all, "mandatory", "prod runs with every rule mandatory");
            } else {
                assert.equal(configs, "");
            }
        });
    }

    it("tests and plans offline, with no credentials, before any job touches the account", () => {
        const runs = (check.steps ?? []).map((s) => s.run ?? "");
        assert.ok(runs.includes("npm test"));
        assert.ok(runs.some((r) => /npm run plan -- --stack "\$STACK"/.test(r)));
        assert.ok(!configuresAws(check) && check.environment === undefined && !JSON.stringify(check).includes("secrets."));
        assert.deepEqual(needsOf(bootstrap), ["check"]);
        assert.deepEqual(needsOf(deploy), ["check", "bootstrap"]);
    });

    it("deploys only after a passing check and a bootstrap that passed or did not run, and never after a cancellation", () => {
        const push = EVENTS[0][1];
        const when = (bootstrapResult: string, checkResult = "success", status: Status = "success") =>
            condition(deploy.if, laterScope(push, { "needs.bootstrap.result": bootstrapResult, "needs.check.result": checkResult }, status));
        assert.equal(when("skipped"), true);
        assert.equal(when("success"), true);
        assert.equal(when("failure", "success", "failure"), false);
        assert.equal(when("skipped", "failure", "failure"), false);
        assert.equal(when("skipped", "success", "cancelled"), false);
    });

    it("checks that the cluster answers before pulumi up, with the credentials already set", () => {
        const steps = deploy.steps;
        const aws = step(steps, (s) => uses(s, "aws-actions/configure-aws-credentials"));
        const reach = step(steps, (s) => /\.github\/scripts\/reach-cluster\.sh "\$STACK_REF"/.test(s.run ?? ""));
        const up = step(steps, (s) => uses(s, "pulumi/actions") && s.with?.command === "up");
        assert.ok(aws >= 0 && reach > aws && up > reach, `${aws} < ${reach} < ${up}`);
    });

    describe("bootstrap of a new stack", () => {
        it("runs only when dispatched with bootstrap ticked", () => {
            const prod = EVENTS[2][1];
            assert.equal(condition(bootstrap.if, laterScope({ ...prod, "inputs.bootstrap": true })), true);
            assert.equal(condition(bootstrap.if, laterScope(prod)), false);
            assert.equal(condition(bootstrap.if, laterScope(EVENTS[0][1])), false, "a push never bootstraps");
        });

        it("runs on a hosted runner, in the stack's environment, and only the bootstrap script reaches the stack", () => {
            const scope = laterScope({ ...EVENTS[2][1], "inputs.bootstrap": true });
            assert.equal(runsOn(bootstrap, scope), "ubuntu-latest");
            assert.equal(interpolate(String(environmentOf(bootstrap)), scope), "production");
            const steps = bootstrap.steps ?? [];
            assert.deepEqual(
                steps.filter(stepTouchesCluster).map((s) => s.run),
                ['.github/scripts/bootstrap.sh "$STACK_REF" .github/bootstrap-targets.txt "$RUNNER" "$POLICY_CONFIG"'],
            );
            assert.ok(steps.some(isBootstrapStep));
            assert.equal(interpolate(String(bootstrap.env?.POLICY_CONFIG), scope), "policies/enforce-all.json");
            assert.equal(interpolate(String(bootstrap.env?.RUNNER), scope), "platform-prod-ci");
        });
    });
});

describe("bootstrap targets", () => {
    const lines = fs
        .readFileSync(path.join(REPO_ROOT, ".github", "bootstrap-targets.txt"), "utf8")
        .split("\n")
        .map((l) => l.replace(/#.*/, "").trim())
        .filter(Boolean);
    // Pulumi's target globs: `**` is any text, `*` any text without `:` (pkg/resource/deploy, UrnTargets).
    const globs = lines.map((g) => new RegExp(`^${g.split("**").map((part) => part.split("*").map((x) => x.replace(/[.+?^${}()|[\]\\$]/g, "\\$&")).join("[^:]*")).join(".*")}$`));
    const targeted = (urn: string) => globs.some((g) => g.test(urn));

    it("are URN patterns", () => {
        assert.ok(lines.length > 0);
        for (const l of lines) {
            assert.match(l, /^urn:pulumi:[^:]*::[^:]*::\S+$/, l);
        }
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: cover the network and the in-VPC runner with all they depend on, and nothing of the cluster, data stores or workloads`, async () => {
            const run = await stackRun(stack);
            const picked = run.resources.filter((r) => targeted(r.urn));
            assert.ok(picked.some((r) => r.type === "platform:network:Network"));
            assert.ok(picked.some((r) => r.type === "awsx:ec2:Vpc"));
            assert.ok(picked.some((r) => r.type === "aws:codebuild/project:Project" && r.inputs.name === `platform-${stack}-ci`), "the in-VPC runner's project");
            assert.ok(picked.some((r) => r.type === "aws:codebuild/webhook:Webhook"), "and its webhook");
            assert.ok(targeted(`urn:pulumi:${stack}::platform::pulumi:pulumi:Stack::platform-${stack}`), "the stack's root resource");
            for (const r of picked) {
                for (const needed of [r.parent, r.provider, ...r.dependencies].filter((u): u is string => u !== undefined)) {
                    assert.ok(targeted(needed), `${r.urn} needs ${needed}, which the bootstrap would not create`);
                }
            }
            const outside = /^(kubernetes:|eks:|platform:(cluster|data|apps|addons):)|pulumi:providers:kubernetes/;
            assert.deepEqual(
                picked.filter((r) => outside.test(r.type) || /platform:cluster:Cluster/.test(r.urn)).map((r) => r.urn),
                [],
            );
        });
    }
});
