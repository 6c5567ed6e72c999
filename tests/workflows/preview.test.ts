import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { condition, evaluate, interpolate, scopeOf, Value } from "../support/githubExpressions";
import { configuresAws, environmentOf, IN_VPC_LABEL, loadWorkflow, REPO_ROOT, runsOn, stepsOf, uses, WORKFLOW_FILES, workflowText } from "../support/workflows";

const wf = loadWorkflow("preview.yml");
const { runners, preview } = wf.jobs;
const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

/** The README's table of environments: name -> its protection column. */
function environmentTable(): Map<string, string> {
    const rows = readme.split("\n").filter((l) => /^\| `[\w-]+` \|/.test(l));
    return new Map(rows.map((l) => l.split("|").map((c) => c.trim())).map((cells) => [cells[1].replace(/`/g, ""), cells[cells.length - 2]]));
}

const SAME = { "github.event.pull_request.head.repo.full_name": "acme/platform", "github.repository": "acme/platform" };
const FORK = { ...SAME, "github.event.pull_request.head.repo.full_name": "mallory/platform" };
const RUNNERS = { dev: "platform-dev-ci", staging: "platform-staging-ci", prod: "platform-prod-ci" };

function matrixScope(stack: string, extra: Record<string, Value> = {}) {
    return scopeOf({
        ...SAME,
        "github.run_id": 555,
        "github.run_attempt": 3,
        "needs.runners.outputs.stacks": JSON.stringify(Object.keys(RUNNERS)),
        "needs.runners.outputs.runners": JSON.stringify(RUNNERS),
        "matrix.stack": stack,
        "vars.PULUMI_ORG": "acme",
        ...extra,
    });
}

describe("preview.yml", () => {
    it("runs on pull requests, and no job runs for a fork's", () => {
        assert.ok("pull_request" in wf.on);
        const outputs = { "needs.runners.outputs.stacks": '["dev"]' };
        for (const [name, job] of Object.entries(wf.jobs)) {
            assert.equal(condition(job.if, scopeOf({ ...SAME, ...outputs })), true, name);
            assert.equal(condition(job.if, scopeOf({ ...FORK, ...outputs })), false, name);
        }
    });

    it("previews each stack that has a runner on that runner, and skips the job when none has", () => {
        assert.deepEqual(evaluate(String(preview.strategy?.matrix?.stack).replace(/^\$\{\{|\}\}$/g, ""), matrixScope("dev")), ["dev", "staging", "prod"]);
        for (const [stack, project] of Object.entries(RUNNERS)) {
            const m = IN_VPC_LABEL.exec(runsOn(preview, matrixScope(stack)));
            assert.deepEqual(m?.slice(1), [project, "555", "3"], stack);
        }
        assert.equal(condition(preview.if, scopeOf({ ...SAME, "needs.runners.outputs.stacks": "[]" })), false);
    });

    it("runs `pulumi preview` with the policy pack, and nothing that changes a stack", () => {
        const pulumi = (preview.steps ?? []).filter((s) => uses(s, "pulumi/actions") && s.with?.command !== undefined);
        assert.deepEqual(
            pulumi.map((s) => [s.with?.command, s.with?.policyPacks]),
            [["preview", "policies"]],
        );
        assert.equal(interpolate(String(pulumi[0].with?.["stack-name"]), { context: { env: { STACK_REF: "acme/prod" } } }), "acme/prod");
        assert.equal(interpolate(String(preview.env?.STACK_REF), matrixScope("prod")), "acme/prod");
        assert.doesNotMatch(workflowText("preview.yml"), /\bpulumi (up|destroy|refresh)\b|command: (up|destroy|refresh)/);
    });

    describe("branch code and production credentials", () => {
        it("runs the branch's code without any credential until it is in the stack's preview environment", () => {
            assert.ok(!configuresAws(runners));
            assert.equal(runners.permissions, undefined, "the top level's contents: read");
            assert.doesNotMatch(JSON.stringify(runners), /secrets\.|id-token/);
            for (const stack of Object.keys(RUNNERS)) {
                assert.equal(interpolate(String(environmentOf(preview)), matrixScope(stack)), `preview-${stack}`);
            }
        });

        it("assumes only the read-only preview role of that environment, never a deploy or drift role", () => {
            const roles = stepsOf(wf).filter((s) => uses(s, "aws-actions/configure-aws-credentials")).map((s) => s.with?.["role-to-assume"]);
            assert.deepEqual(roles, ["${{ vars.AWS_PREVIEW_ROLE_ARN }}"]);
            assert.doesNotMatch(workflowText("preview.yml"), /AWS_DEPLOY_ROLE_ARN|AWS_DRIFT_ROLE_ARN|\bproduction\b/);
        });

        it("previews staging and prod only in environments the README marks as needing a reviewer", () => {
            const table = environmentTable();
            for (const stack of ["staging", "prod"]) {
                const environment = interpolate(String(environmentOf(preview)), matrixScope(stack));
                assert.ok(table.has(environment), `the README does not list ${environment}`);
                assert.match(table.get(environment) as string, /required reviewers/, `${environment} must ask a reviewer before branch code gets its credentials`);
            }
        });

        it("shares no environment with the deploys, so approving a preview never releases deploy credentials", () => {
            for (const stack of Object.keys(RUNNERS)) {
                assert.ok(!["development", "staging", "production"].includes(interpolate(String(environmentOf(preview)), matrixScope(stack))), stack);
            }
        });

        it("lists every environment the workflows name in the README, with its protection", () => {
            const table = environmentTable();
            const named = new Set<string>();
            for (const file of WORKFLOW_FILES) {
                for (const job of Object.values(loadWorkflow(file).jobs)) {
                    const env = environmentOf(job);
                    if (env !== undefined) {
                        for (const stack of ["dev", "staging", "prod"]) {
                            const outputs = { dev: "development", staging: "staging", prod: "production" } as Record<string, string>;
                            named.add(interpolate(env, scopeOf({ "matrix.stack": stack, "needs.check.outputs.environment": outputs[stack] })));
                        }
                    }
                }
            }
            assert.deepEqual([...named].filter((e) => !table.has(e)), []);
            assert.match(table.get("production") as string, /required reviewers/);
        });
    });
});
