import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { scopeOf, Value } from "../support/githubExpressions";
import {
    awsCredentialProblems,
    expressionsInRunSteps,
    IN_VPC_LABEL,
    isBootstrapStep,
    Job,
    jobPermissionProblems,
    loadWorkflow,
    needsOf,
    pinProblems,
    REPO_ROOT,
    runsOn,
    secretsOutsideEnvironments,
    Step,
    stepsOf,
    stepTouchesCluster,
    topLevelPermissionProblems,
    unknownScripts,
    uses,
    Workflow,
    WORKFLOW_FILES,
    workflowText,
} from "../support/workflows";

const SCRIPTS = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/** Node.js 26 is the active LTS line from 2026-10-28, supported until 2029-04-30 (https://github.com/nodejs/Release, schedule). */
const NODE_LTS = 26;

/** What a job's `needs` would give it when every stack has a runner: enough to evaluate its runs-on. */
function scopeFor(job: Job): ReturnType<typeof scopeOf> {
    const flat: Record<string, Value> = { "github.run_id": 123, "github.run_attempt": 2, "matrix.stack": "dev" };
    for (const need of needsOf(job)) {
        flat[`needs.${need}.outputs.runner`] = "platform-dev-ci";
        flat[`needs.${need}.outputs.runners`] = JSON.stringify({ dev: "platform-dev-ci" });
        flat[`needs.${need}.outputs.stacks`] = JSON.stringify(["dev"]);
    }
    return scopeOf(flat);
}

describe("workflows: the checks themselves", () => {
    const job = (steps: Step[], permissions?: Job["permissions"]): Job => ({ steps, permissions });
    const awsStep: Step = { uses: "aws-actions/configure-aws-credentials@v4", with: { "role-to-assume": "arn:aws:iam::123456789012:role/x", "aws-region": "us-east-1" } };
    const commentStep: Step = { uses: "actions/github-script@v7", with: { script: "await github.rest.issues.createComment({ body })" } };
    const wf = (permissions: Job["permissions"], jobs: Record<string, Job>): Workflow => ({ on: { push: null }, permissions, jobs });

    it("rejects a workflow without top-level permissions, with write-all, or with more than contents: read", () => {
        assert.equal(topLevelPermissionProblems(wf(undefined, {})).length, 1);
        assert.equal(topLevelPermissionProblems(wf("write-all", {})).length, 1);
        assert.equal(topLevelPermissionProblems(wf({ contents: "write" }, {})).length, 1);
        assert.equal(topLevelPermissionProblems(wf({ contents: "read", "pull-requests": "write" }, {})).length, 1);
        assert.deepEqual(topLevelPermissionProblems(wf({ contents: "read" }, {})), []);
    });

    it("rejects id-token, pull-requests and issues write in jobs that do not use them, and any other write", () => {
        const bad = wf(
            { contents: "read" },
            {
                oidcNoAws: job([{ run: "npm test" }], { "id-token": "write" }),
                prNoComment: job([awsStep], { "pull-requests": "write", "id-token": "write" }),
                issuesNoIssue: job([{ run: "echo" }], { issues: "write" }),
                contentsWrite: job([{ run: "git push" }], { contents: "write" }),
                writeAll: job([], "write-all"),
            },
        );
        assert.deepEqual(jobPermissionProblems(bad), [
            "oidcNoAws: id-token: write without configuring AWS credentials",
            "prNoComment: pull-requests: write without writing a comment or an issue",
            "issuesNoIssue: issues: write without writing a comment or an issue",
            "contentsWrite: contents: write",
            "writeAll: permissions are write-all",
        ]);
        assert.deepEqual(jobPermissionProblems(wf({ contents: "read" }, { ok: job([awsStep, commentStep], { "id-token": "write", "pull-requests": "write" }) })), []);
    });

    it("rejects static AWS keys and a credentials step without a role", () => {
        const bad = wf(
            { contents: "read" },
            {
                keys: job([{ uses: "aws-actions/configure-aws-credentials@v4", with: { "aws-access-key-id": "${{ secrets.KEY }}", "aws-secret-access-key": "${{ secrets.SECRET }}" } }]),
                env: { steps: [{ run: "aws s3 ls", env: { AWS_ACCESS_KEY_ID: "x" } }], env: { AWS_SECRET_ACCESS_KEY: "y" } },
            },
        );
        assert.equal(awsCredentialProblems(bad).length, 4, awsCredentialProblems(bad).join("\n"));
        assert.deepEqual(awsCredentialProblems(wf({ contents: "read" }, { ok: job([awsStep]) })), []);
    });

    it("finds npm scripts that package.json does not define", () => {
        const w = wf({ contents: "read" }, { j: job([{ run: "npm ci\nnpm run plan -- --stack dev\nnpm run deploy-everything" }]) });
        assert.deepEqual(unknownScripts(w, { plan: "x" }), ["deploy-everything"]);
    });

    it("accepts only actions pinned to a 40-hex commit with their version in a comment", () => {
        const sha = "de0fac2e4500dabe0009e67214ff5f5447ce83dd";
        assert.deepEqual(pinProblems(`      - uses: actions/checkout@${sha} # v6.0.2\n      - uses: ./local-action`), []);
        assert.equal(pinProblems("      - uses: actions/checkout@v6").length, 1, "a tag moves");
        assert.equal(pinProblems(`      - uses: actions/checkout@${sha.slice(0, 12)} # v6.0.2`).length, 1, "a short SHA can become ambiguous");
        assert.equal(pinProblems(`      - uses: actions/checkout@${sha}`).length, 1, "no version comment");
        assert.equal(pinProblems(`        uses: actions/checkout@${sha.toUpperCase()} # v6`).length, 1);
    });

    it("finds expressions written into shell scripts and secrets in jobs without an environment", () => {
        const w = wf({ contents: "read" }, { a: job([{ name: "echo title", run: 'echo "${{ github.event.pull_request.title }}"' }, { run: "echo ok", env: { T: "${{ secrets.T }}" } }]) });
        assert.deepEqual(expressionsInRunSteps(w), ["echo title"]);
        assert.deepEqual(secretsOutsideEnvironments(w), ["a"]);
        assert.deepEqual(secretsOutsideEnvironments(wf({ contents: "read" }, { a: { environment: "production", steps: [{ run: "x", env: { T: "${{ secrets.T }}" } }] } })), []);
    });

    it("tells the steps that reach a live stack from those that do not", () => {
        assert.equal(stepTouchesCluster({ uses: "pulumi/actions@x", with: { command: "up" } }), true);
        assert.equal(stepTouchesCluster({ uses: "pulumi/actions@x" }), false, "installing the CLI");
        assert.equal(stepTouchesCluster({ run: "pulumi refresh --preview-only --stack dev" }), true);
        assert.equal(stepTouchesCluster({ run: "kubectl get pods" }), true);
        assert.equal(stepTouchesCluster({ run: "node .github/scripts/drift-check.cjs org/dev out.json" }), true, "through a repository script");
        assert.equal(stepTouchesCluster({ run: "npm run plan -- --stack dev" }), false, "the offline plan");
        assert.equal(isBootstrapStep({ run: '.github/scripts/bootstrap.sh "$STACK_REF" .github/bootstrap-targets.txt "$RUNNER"' }), true);
    });
});

describe("workflows", () => {
    it("are the five the pipeline consists of", () => {
        assert.deepEqual(WORKFLOW_FILES, ["deploy.yml", "drift.yml", "preview.yml", "pull-request-comment.yml", "pull-request.yml"]);
    });

    for (const file of WORKFLOW_FILES) {
        describe(file, () => {
            const wf = loadWorkflow(file);

            it("sets top-level permissions to contents: read at most", () => {
                assert.deepEqual(topLevelPermissionProblems(wf), []);
            });

            it("grants write scopes only to the jobs that use them", () => {
                assert.deepEqual(jobPermissionProblems(wf), []);
            });

            it("gets AWS credentials only by assuming a role over OIDC", () => {
                assert.deepEqual(awsCredentialProblems(wf), []);
                assert.doesNotMatch(workflowText(file), /aws-access-key-id|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
            });

            it("runs only npm scripts that package.json defines", () => {
                assert.deepEqual(unknownScripts(wf, SCRIPTS), []);
            });

            it("never runs on pull_request_target, which hands a write token to code from forks", () => {
                assert.ok(!("pull_request_target" in wf.on));
            });

            it("pins every action to a full commit SHA, with its version in a comment", () => {
                assert.deepEqual(pinProblems(workflowText(file)), []);
                assert.ok(stepsOf(wf).some((s) => s.uses), "the check saw no uses: at all");
            });

            it(`sets up Node.js ${NODE_LTS} (LTS) wherever it sets up Node.js`, () => {
                for (const s of stepsOf(wf).filter((x) => uses(x, "actions/setup-node"))) {
                    assert.equal(s.with?.["node-version"], NODE_LTS);
                }
            });

            it("passes expressions to shell scripts through env, never into the script text", () => {
                assert.deepEqual(expressionsInRunSteps(wf), []);
            });

            it("uses secrets only in jobs bound to an environment, whose protection rules guard them", () => {
                assert.deepEqual(secretsOutsideEnvironments(wf), []);
            });

            it("runs every job that reaches a live stack on the stack's in-VPC runner", () => {
                for (const [name, job] of Object.entries(wf.jobs)) {
                    const steps = job.steps ?? [];
                    const touching = steps.filter((s) => stepTouchesCluster(s) && !isBootstrapStep(s));
                    if (touching.length === 0) {
                        continue;
                    }
                    const label = runsOn(job, scopeFor(job));
                    const m = IN_VPC_LABEL.exec(label);
                    assert.ok(m, `${file} ${name} reaches the stack but runs on ${label}`);
                    assert.equal(m[1], "platform-dev-ci", `${name}: the project comes from the runner lookup`);
                    assert.deepEqual([m[2], m[3]], ["123", "2"], `${name}: one label per run attempt`);
                    assert.ok(!steps.some(isBootstrapStep), `${name} mixes the bootstrap with in-VPC work`);
                }
            });
        });
    }

    it("use the policy pack directory that exists", () => {
        assert.ok(fs.existsSync(path.join(REPO_ROOT, "policies", "PulumiPolicy.yaml")));
    });
});
