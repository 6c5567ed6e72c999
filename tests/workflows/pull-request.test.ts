import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MARKER, readPlanFile, renderComment } from "../../tools/prComment";
import { loadWorkflow, runsOf, stepsOf, uses, workflowText } from "../support/workflows";

const wf = loadWorkflow("pull-request.yml");

describe("pull-request.yml (offline, fork-safe)", () => {
    it("runs on pull requests", () => {
        assert.ok("pull_request" in wf.on);
    });

    it("uses no secrets and no OIDC token, so that a fork's pull request gets the same checks", () => {
        assert.doesNotMatch(workflowText("pull-request.yml"), /secrets\./);
        assert.doesNotMatch(workflowText("pull-request.yml"), /id-token/);
        assert.ok(!stepsOf(wf).some((s) => uses(s, "aws-actions/configure-aws-credentials") || uses(s, "pulumi/actions")));
    });

    it("installs with npm ci, runs npm test and the offline plan", () => {
        const runs = runsOf(wf).join("\n");
        assert.match(runs, /^\s*npm ci$/m);
        assert.match(runs, /^\s*npm test$/m);
        assert.match(runs, /npm run plan -- .*--json/);
        assert.match(runs, /--diff "\$RUNNER_TEMP\/base-\$stack\.json"/, "the pull request is planned against its base");
    });

    it("renders the comment even when a plan fails, and keeps going so the artifact is uploaded", () => {
        const plan = stepsOf(wf).find((s) => s.id === "plan");
        assert.ok(plan?.run);
        assert.match(plan.run, /npm run pr-comment -- .*> "\$RUNNER_TEMP\/comment\.md" \\\n\s+\|\| echo/);
        const upload = stepsOf(wf).find((s) => uses(s, "actions/upload-artifact"));
        assert.equal(upload?.if, "always()");
    });

    it("uploads the comment and the plans, and no pull request number for anyone to trust", () => {
        const upload = stepsOf(wf).find((s) => uses(s, "actions/upload-artifact"));
        const download = stepsOf(loadWorkflow("pull-request-comment.yml")).find((s) => uses(s, "actions/download-artifact"));
        assert.ok(upload && download);
        assert.equal(upload.with?.name, download.with?.name);
        assert.match(String(upload.with?.path), /comment\.md/);
        assert.doesNotMatch(workflowText("pull-request.yml"), /pr-number|pull_request\.number }} >/);
    });
});

describe("pr-comment: plans that are not there", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-comment-"));
    const write = (name: string, text: string) => {
        fs.writeFileSync(path.join(dir, name), text);
        return path.join(dir, name);
    };
    const good = {
        stack: "prod",
        environment: "prod",
        cost: { monthlyUsd: 1911.9, budgetUsd: 3000 },
        policy: { violations: [] },
        deploy: { criticalPathMinutes: 34.6 },
        result: { exitCode: 0, failures: [] },
    };

    it("reads a plan as a plan", () => {
        assert.deepEqual(readPlanFile(write("plan-prod.json", JSON.stringify(good))), good);
    });

    it("reports a config error with each problem, whether written as text or as { key, message }", () => {
        const file = write("plan-dev.json", JSON.stringify({ stack: "dev", result: "invalid-config", problems: ["aws:region is required", { path: "platform:budget", message: "must be positive" }, { code: 7 }] }));
        assert.deepEqual(readPlanFile(file), { stack: "dev", failure: "invalid-config", reasons: ["aws:region is required", "platform:budget: must be positive", '{"code":7}'] });
        assert.deepEqual(readPlanFile(write("plan-staging.json", JSON.stringify({ result: "invalid-config" }))), {
            stack: "staging",
            failure: "invalid-config",
            reasons: ["the plan refused the stack's config without saying why"],
        });
    });

    it("reports a missing file, a file that is not JSON and JSON that is not a plan, by the stack in its name", () => {
        assert.equal((readPlanFile(path.join(dir, "plan-qa.json")) as { failure: string }).failure, "missing");
        assert.equal((readPlanFile(path.join(dir, "plan-qa.json")) as { stack: string }).stack, "qa");
        assert.equal((readPlanFile(write("plan-broken.json", "{ not json")) as { failure: string }).failure, "unreadable");
        assert.equal((readPlanFile(write("plan-odd.json", JSON.stringify({ stack: "odd", result: { exitCode: 0 } }))) as { failure: string }).failure, "unreadable");
    });

    it("gives every stack a row, with what went wrong instead of figures", () => {
        const config = write("plan-dev.json", JSON.stringify({ stack: "dev", result: "invalid-config", problems: ["aws:region is required"] }));
        const text = renderComment([good, readPlanFile(config), readPlanFile(path.join(dir, "plan-qa.json"))]);
        assert.ok(text.startsWith(`${MARKER}\n`));
        const rows = text.split("\n").filter((l) => /^\| (prod|dev|qa) \|/.test(l));
        assert.deepEqual(rows, ["| prod | $1911.90 | n/a | 0 | 0 | 35 min | ok |", "| dev | — | — | — | — | — | config error |", "| qa | — | — | — | — | — | no plan |"]);
        assert.ok(text.includes("**dev: the stack's config is invalid, so there is no plan**"), text);
        assert.ok(text.includes("- aws:region is required"), text);
        assert.ok(text.includes("**qa: no plan to show**"), text);
    });
});
