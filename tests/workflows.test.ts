import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { MARKER } from "../tools/prComment";
import { ROOT } from "./harness";

/** The parts of a GitHub Actions workflow these checks read. */
interface Step {
    readonly name?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, unknown>;
}
type Permissions = string | Record<string, string> | undefined;
interface Job {
    readonly if?: string;
    readonly environment?: string | { name: string };
    readonly permissions?: Permissions;
    readonly env?: Record<string, string>;
    readonly steps?: Step[];
}
interface Workflow {
    readonly name?: string;
    readonly on: Record<string, unknown>;
    readonly permissions?: Permissions;
    readonly jobs: Record<string, Job>;
}

const DIR = path.join(ROOT, ".github", "workflows");
const text = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const load = (file: string) => parse(text(file)) as Workflow;
const FILES = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const SCRIPTS = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

// ---- GitHub expressions ------------------------------------------------------------------------------
// Conditions such as the deploy job's environment only mean something once evaluated, so the checks below
// evaluate them for each event instead of matching their text. This covers the subset the workflows use:
// literals, context paths, ==, !=, !, &&, || and parentheses, with GitHub's value-returning && and ||.

type Value = string | number | boolean | null;

function tokenize(expr: string): string[] {
    const tokens: string[] = [];
    const re = /\s*(\(|\)|&&|\|\||==|!=|!|'(?:[^']|'')*'|-?\d+(?:\.\d+)?|[A-Za-z_][\w.-]*)\s*/y;
    let at = 0;
    while (at < expr.length) {
        re.lastIndex = at;
        const m = re.exec(expr);
        if (m === null) {
            throw new Error(`cannot read the expression ${JSON.stringify(expr)} at ${at}`);
        }
        tokens.push(m[1]);
        at = re.lastIndex;
    }
    return tokens;
}

const truthy = (v: Value) => v !== null && v !== false && v !== 0 && v !== "";
const same = (a: Value, b: Value) => (typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b);

/** Evaluates one expression (the inside of `${{ }}`, or an `if:`) against a flat context such as `{"github.event_name": "push"}`. */
function evaluate(expr: string, context: Readonly<Record<string, Value>>): Value {
    const tokens = tokenize(expr);
    let i = 0;
    const primary = (): Value => {
        const t = tokens[i++];
        if (t === "(") {
            const v = or();
            if (tokens[i++] !== ")") {
                throw new Error(`missing ) in ${expr}`);
            }
            return v;
        }
        if (t === "!") {
            return !truthy(primary());
        }
        if (t.startsWith("'")) {
            return t.slice(1, -1).replace(/''/g, "'");
        }
        if (/^-?\d/.test(t)) {
            return Number(t);
        }
        if (t === "true" || t === "false") {
            return t === "true";
        }
        return t === "null" ? null : (context[t] ?? null);
    };
    const comparison = (): Value => {
        let left = primary();
        while (tokens[i] === "==" || tokens[i] === "!=") {
            const op = tokens[i++];
            const right = primary();
            left = op === "==" ? same(left, right) : !same(left, right);
        }
        return left;
    };
    const and = (): Value => {
        let left = comparison();
        while (tokens[i] === "&&") {
            i++;
            const right = comparison();
            left = truthy(left) ? right : left;
        }
        return left;
    };
    const or = (): Value => {
        let left = and();
        while (tokens[i] === "||") {
            i++;
            const right = and();
            left = truthy(left) ? left : right;
        }
        return left;
    };
    const value = or();
    if (i !== tokens.length) {
        throw new Error(`unexpected ${tokens[i]} in ${expr}`);
    }
    return value;
}

/** A workflow value with its `${{ }}` parts evaluated, as the runner would see it. */
function interpolate(template: string, context: Readonly<Record<string, Value>>): string {
    return template.replace(/\$\{\{(.*?)\}\}/g, (_, expr: string) => String(evaluate(expr, context) ?? ""));
}

// ---- Checks ------------------------------------------------------------------------------------------

const stepsOf = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps ?? []);
const runsOf = (wf: Workflow) => stepsOf(wf).flatMap((s) => (s.run ? [s.run] : []));
const uses = (step: Step, action: string) => (step.uses ?? "").startsWith(`${action}@`);
const configuresAws = (job: Job) => (job.steps ?? []).some((s) => uses(s, "aws-actions/configure-aws-credentials"));

/** True when a job posts or edits a pull request comment. */
function postsComment(job: Job): boolean {
    return (job.steps ?? []).some(
        (s) =>
            (uses(s, "pulumi/actions") && s.with?.["comment-on-pr"] === true) ||
            (uses(s, "actions/github-script") && /\.(createComment|updateComment)\(/.test(String(s.with?.script ?? ""))) ||
            /\bgh pr comment\b/.test(s.run ?? ""),
    );
}

/** The top level grants nothing but reading the code; jobs ask for more where they need it. */
function topLevelPermissionProblems(wf: Workflow): string[] {
    const p = wf.permissions;
    if (p === undefined) {
        return ["no top-level permissions: the token would get the repository's default, which may be write"];
    }
    if (typeof p === "string") {
        return [`top-level permissions are ${p}; list them (contents: read)`];
    }
    return Object.entries(p)
        .filter(([scope, level]) => !(scope === "contents" && level === "read"))
        .map(([scope, level]) => `top level grants ${scope}: ${level}; only contents: read belongs there, the rest in the job that needs it`);
}

/** Each job's token can do only what the job does: OIDC for AWS, writing comments where it comments. */
function jobPermissionProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    for (const [name, job] of Object.entries(wf.jobs)) {
        const p = job.permissions ?? wf.permissions;
        if (typeof p === "string") {
            problems.push(`${name}: permissions are ${p}`);
            continue;
        }
        for (const [scope, level] of Object.entries(p ?? {})) {
            if (level !== "write") {
                continue;
            }
            if (scope === "id-token" && !configuresAws(job)) {
                problems.push(`${name}: id-token: write without configuring AWS credentials`);
            } else if (scope === "pull-requests" && !postsComment(job)) {
                problems.push(`${name}: pull-requests: write without posting a comment`);
            } else if (scope !== "id-token" && scope !== "pull-requests") {
                problems.push(`${name}: ${scope}: write`);
            }
        }
    }
    return problems;
}

/** AWS access only by assuming a role through OIDC: no long-lived keys anywhere. */
function awsCredentialProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    for (const [name, job] of Object.entries(wf.jobs)) {
        for (const s of job.steps ?? []) {
            const keys = [...Object.keys(s.with ?? {}), ...Object.keys(s.env ?? {})];
            if (keys.some((k) => /^(aws-access-key-id|aws-secret-access-key|aws-session-token|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)$/.test(k))) {
                problems.push(`${name}: step ${s.name ?? s.uses ?? s.run} passes static AWS keys`);
            }
            if (uses(s, "aws-actions/configure-aws-credentials") && !s.with?.["role-to-assume"]) {
                problems.push(`${name}: configure-aws-credentials without role-to-assume`);
            }
        }
        for (const k of Object.keys(job.env ?? {})) {
            if (/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$/.test(k)) {
                problems.push(`${name}: job env sets ${k}`);
            }
        }
    }
    return problems;
}

/** `npm run <script>` in a run step that package.json does not define. */
function unknownScripts(wf: Workflow, scripts: Readonly<Record<string, string>>): string[] {
    return runsOf(wf)
        .flatMap((run) => [...run.matchAll(/\bnpm run(?:-script)? ([\w:.-]+)/g)].map((m) => m[1]))
        .filter((s) => !(s in scripts));
}

const pulumiSteps = (wf: Workflow) => stepsOf(wf).filter((s) => uses(s, "pulumi/actions"));

// ---- Tests -------------------------------------------------------------------------------------------

describe("workflows: the checks themselves", () => {
    const job = (steps: Step[], permissions?: Permissions): Job => ({ steps, permissions });
    const awsStep: Step = { uses: "aws-actions/configure-aws-credentials@v4", with: { "role-to-assume": "arn:aws:iam::123456789012:role/x", "aws-region": "us-east-1" } };
    const commentStep: Step = { uses: "actions/github-script@v7", with: { script: "await github.rest.issues.createComment({ body })" } };
    const wf = (permissions: Permissions, jobs: Record<string, Job>): Workflow => ({ on: { push: null }, permissions, jobs });

    it("evaluates GitHub expressions as the runner does", () => {
        const ctx = { "github.event_name": "push", "inputs.stack": null };
        assert.equal(evaluate("github.event_name == 'push' && 'dev' || inputs.stack || 'prod'", ctx), "dev");
        assert.equal(evaluate("github.event_name == 'push' && 'dev' || inputs.stack || 'prod'", { ...ctx, "github.event_name": "release" }), "prod");
        assert.equal(evaluate("(github.event_name == 'PUSH' || inputs.stack == 'dev') && 'development' || 'production'", ctx), "development");
        assert.equal(evaluate("!(github.event_name != 'push')", ctx), true);
        assert.equal(interpolate("deploy-${{ inputs.stack || 'prod' }}", ctx), "deploy-prod");
        assert.throws(() => evaluate("github.event_name === 'push'", ctx));
    });

    it("rejects a workflow without top-level permissions, with write-all, or with more than contents: read", () => {
        assert.equal(topLevelPermissionProblems(wf(undefined, {})).length, 1);
        assert.equal(topLevelPermissionProblems(wf("write-all", {})).length, 1);
        assert.deepEqual(topLevelPermissionProblems(wf({ contents: "write" }, {})).length, 1);
        assert.deepEqual(topLevelPermissionProblems(wf({ contents: "read", "pull-requests": "write" }, {})).length, 1);
        assert.deepEqual(topLevelPermissionProblems(wf({ contents: "read" }, {})), []);
    });

    it("rejects id-token and pull-requests write in jobs that do not use them, and any other write", () => {
        const bad = wf(
            { contents: "read" },
            {
                oidcNoAws: job([{ run: "npm test" }], { "id-token": "write" }),
                prNoComment: job([awsStep], { "pull-requests": "write", "id-token": "write" }),
                contentsWrite: job([{ run: "git push" }], { contents: "write" }),
                writeAll: job([], "write-all"),
            },
        );
        assert.deepEqual(jobPermissionProblems(bad), [
            "oidcNoAws: id-token: write without configuring AWS credentials",
            "prNoComment: pull-requests: write without posting a comment",
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
});

describe("workflows", () => {
    it("are the four the pipeline consists of", () => {
        assert.deepEqual(FILES, ["deploy.yml", "preview.yml", "pull-request-comment.yml", "pull-request.yml"]);
    });

    for (const file of FILES) {
        describe(file, () => {
            const wf = load(file);

            it("sets top-level permissions to contents: read at most", () => {
                assert.deepEqual(topLevelPermissionProblems(wf), []);
            });

            it("grants write scopes only to the jobs that use them", () => {
                assert.deepEqual(jobPermissionProblems(wf), []);
            });

            it("gets AWS credentials only by assuming a role over OIDC", () => {
                assert.deepEqual(awsCredentialProblems(wf), []);
                assert.doesNotMatch(text(file), /aws-access-key-id|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
            });

            it("runs only npm scripts that package.json defines", () => {
                assert.deepEqual(unknownScripts(wf, SCRIPTS), []);
            });

            it("never runs on pull_request_target, which hands a write token to code from forks", () => {
                assert.ok(!("pull_request_target" in wf.on));
            });

            it("pins every action to a version", () => {
                for (const s of stepsOf(wf).filter((x) => x.uses)) {
                    assert.match(s.uses as string, /^[\w.-]+\/[\w./-]+@[\w.-]+$/, s.uses);
                }
            });
        });
    }

    describe("pull-request.yml (offline, fork-safe)", () => {
        const wf = load("pull-request.yml");

        it("runs on pull requests", () => {
            assert.ok("pull_request" in wf.on);
        });

        it("uses no secrets and no OIDC token, so that a fork's pull request gets the same checks", () => {
            assert.doesNotMatch(text("pull-request.yml"), /secrets\./);
            assert.doesNotMatch(text("pull-request.yml"), /id-token/);
            assert.ok(!stepsOf(wf).some((s) => uses(s, "aws-actions/configure-aws-credentials") || uses(s, "pulumi/actions")));
        });

        it("installs with npm ci, runs npm test and the offline plan", () => {
            const runs = runsOf(wf).join("\n");
            assert.match(runs, /^\s*npm ci$/m);
            assert.match(runs, /^\s*npm test$/m);
            assert.match(runs, /npm run plan -- .*--json/);
            assert.match(runs, /--diff "\$RUNNER_TEMP\/base-\$stack\.json"/, "the pull request is planned against its base");
        });

        it("uploads the artifact that the commenting workflow downloads", () => {
            const upload = stepsOf(wf).find((s) => uses(s, "actions/upload-artifact"));
            const download = stepsOf(load("pull-request-comment.yml")).find((s) => uses(s, "actions/download-artifact"));
            assert.ok(upload && download);
            assert.equal(upload.with?.name, download.with?.name);
            assert.match(String(upload.with?.path), /comment\.md/);
            assert.match(String(upload.with?.path), /pr-number/);
        });
    });

    describe("pull-request-comment.yml", () => {
        const wf = load("pull-request-comment.yml");

        it('runs when the "Pull request" workflow completes, for pull requests only', () => {
            const trigger = wf.on.workflow_run as { workflows: string[]; types: string[] };
            assert.deepEqual(trigger.workflows, [load("pull-request.yml").name]);
            assert.deepEqual(trigger.workflows, ["Pull request"]);
            assert.deepEqual(trigger.types, ["completed"]);
            for (const job of Object.values(wf.jobs)) {
                assert.equal(evaluate(job.if as string, { "github.event.workflow_run.event": "pull_request" }), true);
                assert.equal(evaluate(job.if as string, { "github.event.workflow_run.event": "push" }), false);
            }
        });

        it("never checks out or runs the pull request's code, since it holds a write token", () => {
            assert.ok(!stepsOf(wf).some((s) => uses(s, "actions/checkout") || s.run !== undefined));
        });

        it("finds its own comment by the marker that renderComment writes", () => {
            const script = String(stepsOf(wf).find((s) => uses(s, "actions/github-script"))?.with?.script);
            assert.ok(script.includes(`"${MARKER}"`), "the marker in the script differs from tools/prComment.ts");
            assert.match(script, /updateComment/);
        });
    });

    describe("preview.yml", () => {
        const wf = load("preview.yml");

        it("runs on pull requests", () => {
            assert.ok("pull_request" in wf.on);
        });

        it("runs only for pull requests from this repository, never from forks", () => {
            const same = { "github.event.pull_request.head.repo.full_name": "acme/platform", "github.repository": "acme/platform" };
            const fork = { ...same, "github.event.pull_request.head.repo.full_name": "someone/platform" };
            for (const [name, job] of Object.entries(wf.jobs)) {
                assert.ok(job.if, `${name} has no condition`);
                assert.equal(truthy(evaluate(job.if, same)), true, name);
                assert.equal(truthy(evaluate(job.if, fork)), false, name);
            }
        });

        it("previews with the policy pack, with AWS access from OIDC", () => {
            const steps = pulumiSteps(wf);
            assert.ok(steps.length > 0);
            for (const s of steps) {
                assert.equal(s.with?.command, "preview");
                assert.equal(s.with?.policyPacks, "policies");
            }
            for (const job of Object.values(wf.jobs)) {
                assert.ok(configuresAws(job));
                assert.equal((job.permissions as Record<string, string>)["id-token"], "write");
            }
        });
    });

    describe("deploy.yml", () => {
        const wf = load("deploy.yml");
        const events: [string, Record<string, Value>][] = [
            ["push to main", { "github.event_name": "push" }],
            ["published release", { "github.event_name": "release" }],
            ["dispatch of prod", { "github.event_name": "workflow_dispatch", "inputs.stack": "prod" }],
            ["dispatch of dev", { "github.event_name": "workflow_dispatch", "inputs.stack": "dev" }],
        ];

        it("runs on a push to main, a published release and by hand", () => {
            assert.deepEqual((wf.on.push as { branches: string[] }).branches, ["main"]);
            assert.ok("release" in wf.on);
            assert.ok("workflow_dispatch" in wf.on);
        });

        const deployJobs = Object.entries(wf.jobs).filter(([, j]) => (j.steps ?? []).some((s) => uses(s, "pulumi/actions")));

        it("deploys dev on a push to main and prod on a release", () => {
            assert.equal(deployJobs.length, 1);
            const stack = (ctx: Record<string, Value>) => interpolate(String(deployJobs[0][1].env?.STACK), ctx);
            assert.deepEqual(events.map(([, ctx]) => stack(ctx)), ["dev", "prod", "prod", "dev"]);
        });

        for (const [event, ctx] of events) {
            it(`${event}: deploys prod only in the production environment, with every policy mandatory`, () => {
                for (const [name, job] of deployJobs) {
                    const stack = interpolate(String(job.env?.STACK), ctx);
                    const full = { ...ctx, "env.STACK": stack };
                    const environment = interpolate(typeof job.environment === "object" ? job.environment.name : String(job.environment), full);
                    const up = (job.steps ?? []).find((s) => uses(s, "pulumi/actions")) as Step;
                    assert.equal(up.with?.command, "up", name);
                    assert.equal(up.with?.policyPacks, "policies", name);
                    assert.ok(String(up.with?.["stack-name"]).endsWith("${{ env.STACK }}"), name);
                    assert.ok(configuresAws(job), name);
                    const configs = interpolate(String(up.with?.policyPackConfigs ?? ""), full);
                    if (stack === "prod") {
                        assert.equal(environment, "production", `${name} deploys prod outside the production environment`);
                        assert.ok(configs !== "", "prod must pass the enforce-all policy config");
                        const enforced = JSON.parse(fs.readFileSync(path.join(ROOT, configs), "utf8")) as { all?: string };
                        assert.equal(enforced.all, "mandatory");
                    } else {
                        assert.notEqual(environment, "production", name);
                    }
                }
            });
        }

        it("tests and plans offline before touching the account", () => {
            for (const job of Object.values(wf.jobs)) {
                const steps = job.steps ?? [];
                const firstAws = steps.findIndex((s) => uses(s, "aws-actions/configure-aws-credentials"));
                const test = steps.findIndex((s) => /^\s*npm test$/m.test(s.run ?? ""));
                const plan = steps.findIndex((s) => /npm run plan\b/.test(s.run ?? ""));
                assert.ok(test >= 0 && plan >= 0 && firstAws > plan && firstAws > test);
            }
        });
    });

    it("use the policy pack directory that exists", () => {
        assert.ok(fs.existsSync(path.join(ROOT, "policies", "PulumiPolicy.yaml")));
    });
});
