import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { condition, scopeOf } from "../support/githubExpressions";
import { BOT, FakeGitHub, Issue, runGithubScript } from "../support/githubScript";
import { environmentOf, loadWorkflow, REPO_ROOT, scriptOf, uses } from "../support/workflows";

const wf = loadWorkflow("drift.yml");
const CHECK = path.join(REPO_ROOT, ".github", "scripts", "drift-check.cjs");
const { summarize } = require(CHECK) as {
    summarize: (stack: string, stdout: string, exitCode: number, stderr: string) => { stack: string; status: string; changes: { urn: string; op: string; properties: string[] }[]; message: string };
};

const VPC = "urn:pulumi:prod::platform::platform:network:Network$awsx:ec2:Vpc$aws:ec2/vpc:Vpc::network-vpc";
const BUCKET = "urn:pulumi:prod::platform::aws:s3/bucket:Bucket::logs";

describe("drift.yml", () => {
    it("runs every day and by hand", () => {
        const schedule = wf.on.schedule as { cron: string }[];
        assert.equal(schedule.length, 1);
        assert.match(schedule[0].cron, /^\d+ \d+ \* \* \*$/);
        assert.ok("workflow_dispatch" in wf.on);
    });

    it("refreshes each stack with a preview only, in its own read-only environment", () => {
        const refresh = wf.jobs.refresh;
        const check = (refresh.steps ?? []).find((s) => s.run?.includes("drift-check.cjs"));
        assert.ok(check);
        assert.match(fs.readFileSync(CHECK, "utf8"), /spawnSync\("pulumi", \["refresh", "--preview-only", "--json"/);
        assert.equal(environmentOf(refresh), "drift-${{ matrix.stack }}");
        const aws = (refresh.steps ?? []).find((s) => uses(s, "aws-actions/configure-aws-credentials"));
        assert.equal(aws?.with?.["role-to-assume"], "${{ vars.AWS_DRIFT_ROLE_ARN }}");
        assert.equal(refresh.strategy?.["fail-fast"], false, "one stack's failure must not hide the others");
    });

    it("writes issues from a hosted job that never sees the cloud credentials", () => {
        const issues = wf.jobs.issues;
        assert.deepEqual(issues.permissions, { issues: "write" });
        assert.equal(issues["runs-on"], "ubuntu-latest");
        assert.ok(!(issues.steps ?? []).some((s) => uses(s, "aws-actions/configure-aws-credentials")));
        const scope = (runners: string, refresh: string, status: "success" | "failure" | "cancelled" = "success") =>
            scopeOf({ "needs.runners.result": runners, "needs.runners.outputs.stacks": '["dev"]', "needs.refresh.result": refresh }, status);
        assert.equal(condition(issues.if, scope("success", "failure", "failure")), true, "runs after a failed refresh, to report the others");
        assert.equal(condition(issues.if, scope("success", "success", "cancelled")), false, "not after a cancellation");
        assert.equal(condition(issues.if, scope("failure", "skipped", "failure")), false);
    });
});

describe("drift-check.cjs", () => {
    const digest = (changeSummary: Record<string, number>, steps: object[] = []) => JSON.stringify({ steps, changeSummary, duration: 1 });

    it("is in sync when every resource is the same", () => {
        assert.deepEqual(summarize("prod", digest({ same: 212 }), 0, ""), { stack: "prod", status: "in-sync", changes: [], message: "" });
    });

    it("lists what drifted: deletions and updates with a diff", () => {
        const steps = [
            { op: "update", urn: VPC, detailedDiff: { "tags.Owner": { kind: "add" } } },
            { op: "delete", urn: BUCKET },
            { op: "update", urn: "urn:pulumi:prod::platform::aws:iam/role:Role::r" },
            { op: "same", urn: "urn:pulumi:prod::platform::aws:iam/role:Role::s" },
        ];
        const s = summarize("prod", digest({ same: 210, update: 1, delete: 1 }, steps), 0, "");
        assert.equal(s.status, "drifted");
        assert.equal(s.message, "1 to update, 1 to delete");
        assert.deepEqual(s.changes, [
            { urn: VPC, op: "update", properties: ["tags.Owner"] },
            { urn: BUCKET, op: "delete", properties: [] },
        ]);
    });

    it("fails, never in sync, when pulumi fails or its output cannot be read", () => {
        assert.deepEqual(summarize("prod", "", 255, "warning: x\nerror: could not load credentials\n"), {
            stack: "prod",
            status: "failed",
            changes: [],
            message: "pulumi refresh exited 255: error: could not load credentials",
        });
        assert.equal(summarize("prod", "Refreshing (prod)...", 0, "").status, "failed");
        assert.equal(summarize("prod", JSON.stringify({ steps: [] }), 0, "").status, "failed");
        assert.equal(summarize("prod", "null", 0, "").status, "failed");
    });

    it("writes its summary and exits 1 on failure, 0 otherwise", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
        fs.writeFileSync(path.join(dir, "pulumi"), `#!/usr/bin/env bash\necho "$FAKE_DIGEST"\nexit "\${FAKE_EXIT:-0}"\n`, { mode: 0o755 });
        const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
        const out = path.join(dir, "out", "prod.json");
        execFileSync("node", [CHECK, "acme/prod", out], { env: { ...env, FAKE_DIGEST: digest({ same: 3, update: 1 }) } });
        assert.equal((JSON.parse(fs.readFileSync(out, "utf8")) as { status: string }).status, "drifted");
        assert.throws(() => execFileSync("node", [CHECK, "acme/prod", out], { env: { ...env, FAKE_DIGEST: "", FAKE_EXIT: "1" }, stdio: "pipe" }));
        assert.equal((JSON.parse(fs.readFileSync(out, "utf8")) as { status: string }).status, "failed");
    });
});

describe("drift.yml: the issue per stack", () => {
    const script = scriptOf(wf.jobs.issues);
    const summaries = (entries: Record<string, object>) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-summaries-"));
        for (const [stack, s] of Object.entries(entries)) {
            fs.writeFileSync(path.join(dir, `${stack}.json`), JSON.stringify({ stack, ...s }));
        }
        return dir;
    };
    const drifted = { status: "drifted", message: "1 to update", changes: [{ urn: VPC, op: "update", properties: ["tags.Owner"] }] };
    const driftIssue = (number: number, stack: string, by = BOT): Issue => ({ number, title: `Drift: stack ${stack}`, body: `<!-- platform-drift:${stack} -->\nold`, state: "open", user: { login: by } });
    const sync = (github: FakeGitHub, stacks: string[], dir: string) => runGithubScript(script, github, {}, { DRIFT_DIR: dir, STACKS: JSON.stringify(stacks) });

    it("opens one issue for a stack that drifted, naming what changed", async () => {
        const github = new FakeGitHub("acme/platform");
        const log = await sync(github, ["prod"], summaries({ prod: drifted }));
        assert.deepEqual(log.failed, []);
        assert.equal(github.issues.length, 1);
        assert.equal(github.issues[0].title, "Drift: stack prod no longer matches its state");
        assert.ok(github.issues[0].body.startsWith("<!-- platform-drift:prod -->\n"));
        assert.ok(github.issues[0].body.includes(`- update \`${VPC}\`: tags.Owner`));
        assert.ok(github.issues[0].body.includes("https://github.com/acme/platform/actions/runs/4242"));
    });

    it("updates the stack's open issue instead of opening another, and leaves other stacks' and people's issues", async () => {
        const mine = driftIssue(4, "prod");
        const other = driftIssue(5, "dev");
        const lookalike = driftIssue(6, "prod", "mallory");
        const github = new FakeGitHub("acme/platform", [], [lookalike, mine, other]);
        await sync(github, ["prod"], summaries({ prod: drifted }));
        assert.deepEqual(
            github.writes.map((w) => [w.method, w.number]),
            [["update", 4]],
        );
        assert.ok(mine.body.includes("tags.Owner"));
        assert.equal(other.body, "<!-- platform-drift:dev -->\nold");
        assert.equal(lookalike.body, "<!-- platform-drift:prod -->\nold");
    });

    it("closes the stack's issue with a comment once it matches again", async () => {
        const mine = driftIssue(4, "prod");
        const github = new FakeGitHub("acme/platform", [], [mine]);
        await sync(github, ["prod", "dev"], summaries({ prod: { status: "in-sync", changes: [], message: "" }, dev: { status: "in-sync", changes: [], message: "" } }));
        assert.deepEqual(
            github.writes.map((w) => [w.method, w.number, w.state]),
            [
                ["createComment", 4, undefined],
                ["update", 4, "closed"],
            ],
        );
        assert.equal(mine.state_reason, "completed");
    });

    it("leaves the issue as it is and fails when a stack's check failed or left no summary", async () => {
        const mine = driftIssue(4, "prod");
        const github = new FakeGitHub("acme/platform", [], [mine]);
        const log = await sync(github, ["prod", "dev", "staging"], summaries({ prod: { status: "failed", message: "pulumi refresh exited 255: no credentials" }, dev: drifted }));
        assert.deepEqual(
            github.writes.map((w) => [w.method, w.number]),
            [["create", 5]],
        );
        assert.equal(mine.state, "open");
        assert.equal(log.failed.length, 1);
        assert.match(log.failed[0], /did not run for: prod \(pulumi refresh exited 255: no credentials\); staging \(no readable summary/);
    });
});
