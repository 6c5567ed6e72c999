import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MARKER, readPlanFile, renderComment } from "../../tools/prComment";
import { condition, scopeOf } from "../support/githubExpressions";
import { BOT, Comment, FakeGitHub, Issue, PullRequest, runGithubScript } from "../support/githubScript";
import { loadWorkflow, scriptOf, stepsOf, uses } from "../support/workflows";

const wf = loadWorkflow("pull-request-comment.yml");
const script = scriptOf(wf.jobs.comment);

const BASE = "acme/platform";
const FORK = "mallory/platform";
const HEAD_SHA = "1111111111111111111111111111111111111111";
const NEWER_SHA = "2222222222222222222222222222222222222222";

const pr = (number: number, headRepo: string, ref: string, sha: string, state: "open" | "closed" = "open"): PullRequest => ({
    number,
    state,
    head: { sha, ref, repo: { full_name: headRepo, owner: { login: headRepo.split("/")[0] } } },
    base: { repo: { full_name: BASE } },
});
const issue = (number: number): Issue => ({ number, title: `issue ${number}`, body: "", state: "open", user: { login: "someone" } });

/** The workflow_run payload GitHub sends when a "Pull request" run completes. */
function runEvent(over: { conclusion?: string; headRepo?: string; branch?: string; sha?: string; pullRequests?: number[] } = {}): Record<string, unknown> {
    const headRepo = over.headRepo ?? FORK;
    return {
        workflow_run: {
            id: 99,
            event: "pull_request",
            conclusion: over.conclusion ?? "success",
            head_sha: over.sha ?? HEAD_SHA,
            head_branch: over.branch ?? "feature",
            head_repository: { full_name: headRepo, owner: { login: headRepo.split("/")[0] } },
            html_url: "https://github.com/acme/platform/actions/runs/99",
            pull_requests: (over.pullRequests ?? []).map((number) => ({ number })),
        },
    };
}

/** An artifact directory as download-artifact leaves it. */
function artifact(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offline-plan-"));
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

const GREEN = `${MARKER}\n### Offline plan\n\n| stack | monthly cost |\n|---|---|\n| dev | $268.50 |\n`;

async function post(github: FakeGitHub, event: Record<string, unknown>, dir: string, outcome = "success") {
    return runGithubScript(script, github, event, { ARTIFACT_DIR: dir, ARTIFACT_OUTCOME: outcome });
}

describe("pull-request-comment.yml", () => {
    it('runs when the "Pull request" workflow completes, for pull requests only', () => {
        const trigger = wf.on.workflow_run as { workflows: string[]; types: string[] };
        assert.deepEqual(trigger.workflows, [loadWorkflow("pull-request.yml").name]);
        assert.deepEqual(trigger.types, ["completed"]);
        const job = wf.jobs.comment;
        assert.equal(condition(job.if, scopeOf({ "github.event.workflow_run.event": "pull_request" })), true);
        assert.equal(condition(job.if, scopeOf({ "github.event.workflow_run.event": "push" })), false);
    });

    it("never checks out or runs the pull request's code, since it holds a write token", () => {
        assert.ok(!stepsOf(wf).some((s) => uses(s, "actions/checkout") || s.run !== undefined));
        assert.doesNotMatch(script, /\$\{\{/, "the script reads the event from context, never from interpolated text");
    });

    it("uses the marker that renderComment writes", () => {
        assert.ok(script.includes(`"${MARKER}"`), "the marker in the script differs from tools/prComment.ts");
    });

    it("reads nothing from the artifact but the comment's text", () => {
        assert.doesNotMatch(script, /pr-number|readdirSync/);
        assert.deepEqual([...script.matchAll(/readFileSync\(([^,]+),/g)].map((m) => m[1]), ["file"]);
        assert.match(script, /const file = path\.join\(process\.env\.ARTIFACT_DIR, "comment\.md"\)/);
    });

    describe("which pull request", () => {
        it("comments on a fork's pull request found by its head, not on the issue the artifact names", async () => {
            const github = new FakeGitHub(BASE, [pr(7, FORK, "feature", HEAD_SHA)], [issue(1)]);
            const dir = artifact({ "comment.md": GREEN, "pr-number": "1\n" });
            await post(github, runEvent(), dir);
            assert.deepEqual(
                github.writes.map((w) => [w.method, w.number]),
                [["createComment", 7]],
            );
        });

        it("comments on a same-repository pull request listed by the run", async () => {
            const github = new FakeGitHub(BASE, [pr(5, BASE, "feature", HEAD_SHA)]);
            await post(github, runEvent({ headRepo: BASE, pullRequests: [5] }), artifact({ "comment.md": GREEN }));
            assert.deepEqual(
                github.writes.map((w) => [w.method, w.number]),
                [["createComment", 5]],
            );
        });

        it("ignores a listed pull request whose head is another repository's branch of the same name", async () => {
            const github = new FakeGitHub(BASE, [pr(9, BASE, "feature", "3333333333333333333333333333333333333333")]);
            await post(github, runEvent({ pullRequests: [9] }), artifact({ "comment.md": GREEN }));
            assert.deepEqual(github.writes, []);
        });

        it("ignores a number that is an issue, not a pull request", async () => {
            const github = new FakeGitHub(BASE, [], [issue(3)]);
            const log = await post(github, runEvent({ headRepo: BASE, pullRequests: [3] }), artifact({ "comment.md": GREEN }));
            assert.deepEqual(github.writes, []);
            assert.ok(log.notices.some((n) => n.includes("nothing to post")), log.notices.join("\n"));
        });

        it("posts nothing when a newer push moved the pull request's head (the newer run will post)", async () => {
            const github = new FakeGitHub(BASE, [pr(7, FORK, "feature", NEWER_SHA)]);
            await post(github, runEvent(), artifact({ "comment.md": GREEN }));
            assert.deepEqual(github.writes, []);
        });

        it("posts nothing on a closed pull request", async () => {
            const github = new FakeGitHub(BASE, [pr(7, FORK, "feature", HEAD_SHA, "closed")]);
            await post(github, runEvent(), artifact({ "comment.md": GREEN }));
            assert.deepEqual(github.writes, []);
        });

        it("updates its own comment in place and leaves a look-alike written by someone else", async () => {
            const theirs: Comment = { id: 1, issue_number: 7, body: `${MARKER}\nall green, trust me`, user: { login: "mallory", type: "User" } };
            const mine: Comment = { id: 2, issue_number: 7, body: `${MARKER}\nold`, user: { login: BOT, type: "Bot" } };
            const github = new FakeGitHub(BASE, [pr(7, FORK, "feature", HEAD_SHA)], [], [theirs, mine]);
            await post(github, runEvent(), artifact({ "comment.md": GREEN }));
            assert.deepEqual(
                github.writes.map((w) => [w.method, w.number]),
                [["updateComment", 7]],
            );
            assert.equal(theirs.body, `${MARKER}\nall green, trust me`);
            assert.match(mine.body, /passed/);
        });
    });

    describe("what it says", () => {
        const posted = async (conclusion: string, files: Record<string, string> | null, outcome = "success") => {
            const github = new FakeGitHub(BASE, [pr(7, FORK, "feature", HEAD_SHA)]);
            await post(github, runEvent({ conclusion }), files === null ? path.join(os.tmpdir(), "absent-artifact") : artifact(files), files === null ? "failure" : outcome);
            assert.equal(github.writes.length, 1);
            return github.writes[0].body as string;
        };

        it("a passing run: passed, and the plan", async () => {
            const body = await posted("success", { "comment.md": GREEN });
            assert.ok(body.startsWith(`${MARKER}\n✅ Checks of 1111111 passed`), body);
            assert.ok(body.includes("| dev | $268.50 |"));
            assert.equal(body.split(MARKER).length - 1, 1, "one marker, at the top");
        });

        it("a failed run with a plan: failed, and the plan that says why", async () => {
            const body = await posted("failure", { "comment.md": GREEN });
            assert.match(body, /❌ Checks of 1111111 failed/);
            assert.ok(body.includes("| dev | $268.50 |"));
        });

        it("a run that failed before planning: failed, and no plan, instead of keeping an older green comment", async () => {
            const body = await posted("failure", null);
            assert.match(body, /❌ Checks of 1111111 failed .*the run left no plan/);
            assert.doesNotMatch(body, /✅|\$268/);
        });

        it("a cancelled run: cancelled, with no result, even if the artifact holds a green plan", async () => {
            const body = await posted("cancelled", { "comment.md": GREEN });
            assert.match(body, /were cancelled before they finished/);
            assert.doesNotMatch(body, /✅|\$268/);
        });

        it("a run that timed out or needs approval: what GitHub recorded, with no result", async () => {
            for (const conclusion of ["timed_out", "action_required", "startup_failure"]) {
                const body = await posted(conclusion, { "comment.md": GREEN });
                assert.ok(body.includes(`ended as "${conclusion}"`), body);
                assert.doesNotMatch(body, /✅|\$268/);
            }
        });

        it("an empty, oversized or missing comment.md: says so rather than posting it", async () => {
            assert.match(await posted("success", { "comment.md": "  \n" }), /passed, but the run's comment\.md is empty/);
            assert.match(await posted("success", { "comment.md": `${MARKER}\n${"x".repeat(70000)}` }), /more than a comment holds/);
            assert.match(await posted("failure", { "plan-dev.json": "{}" }), /holds no comment\.md/);
        });

        it("a config error: the problems the plan wrote, under a failed headline", async () => {
            const dir = artifact({
                "plan-dev.json": JSON.stringify({ stack: "dev", result: "invalid-config", problems: [{ key: "platform:budget", message: "must be a number, got \"lots\"" }] }),
            });
            const comment = renderComment([readPlanFile(path.join(dir, "plan-dev.json")), readPlanFile(path.join(dir, "plan-prod.json"))]);
            const body = await posted("failure", { "comment.md": comment });
            assert.match(body, /❌ Checks of 1111111 failed/);
            assert.ok(body.includes("| dev | — | — | — | — | — | config error |"), body);
            assert.ok(body.includes('- platform:budget: must be a number, got "lots"'), body);
            assert.ok(body.includes("| prod | — | — | — | — | — | no plan |"), body);
        });
    });
});
