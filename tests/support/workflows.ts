// The GitHub Actions workflows as data, and the checks every workflow must pass. Each check returns the
// problems it finds, so that its own tests can show it catches what it should.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { interpolate, Scope } from "./githubExpressions";

/** The parts of a step these checks read. */
export interface Step {
    readonly id?: string;
    readonly name?: string;
    readonly if?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, unknown>;
    readonly "continue-on-error"?: boolean | string;
}
export type Permissions = string | Record<string, string> | undefined;
export interface Job {
    readonly name?: string;
    readonly if?: string;
    readonly needs?: string | string[];
    readonly "runs-on"?: string | string[];
    readonly environment?: string | { name: string };
    readonly permissions?: Permissions;
    readonly env?: Record<string, string>;
    readonly outputs?: Record<string, string>;
    readonly strategy?: { matrix?: Record<string, unknown>; "fail-fast"?: boolean };
    readonly steps?: Step[];
}
export interface Workflow {
    readonly name?: string;
    readonly on: Record<string, unknown>;
    readonly permissions?: Permissions;
    readonly concurrency?: { group: string; "cancel-in-progress"?: boolean };
    readonly jobs: Record<string, Job>;
}

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const WORKFLOW_DIR = path.join(REPO_ROOT, ".github", "workflows");
export const WORKFLOW_FILES = fs.readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
export const workflowText = (file: string): string => fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
export const loadWorkflow = (file: string): Workflow => parse(workflowText(file)) as Workflow;

export const stepsOf = (wf: Workflow): Step[] => Object.values(wf.jobs).flatMap((j) => j.steps ?? []);
export const runsOf = (wf: Workflow): string[] => stepsOf(wf).flatMap((s) => (s.run ? [s.run] : []));
export const uses = (step: Step, action: string): boolean => (step.uses ?? "").startsWith(`${action}@`);
export const configuresAws = (job: Job): boolean => (job.steps ?? []).some((s) => uses(s, "aws-actions/configure-aws-credentials"));
export const environmentOf = (job: Job): string | undefined => (typeof job.environment === "object" ? job.environment.name : job.environment);
export const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : typeof job.needs === "string" ? [job.needs] : job.needs);

/** The one github-script step of a job, and its script. */
export function scriptOf(job: Job): string {
    const steps = (job.steps ?? []).filter((s) => uses(s, "actions/github-script"));
    if (steps.length !== 1) {
        throw new Error(`expected one github-script step, found ${steps.length}`);
    }
    return String(steps[0].with?.script);
}

/** The label a job asks for, with its expressions evaluated. */
export function runsOn(job: Job, scope: Scope): string {
    const label = job["runs-on"];
    if (label === undefined) {
        throw new Error("job has no runs-on");
    }
    return (Array.isArray(label) ? label : [label]).map((l) => interpolate(l, scope)).join(",");
}

/** A CodeBuild-hosted runner's label: `codebuild-<project>-<run id>-<run attempt>`. */
export const IN_VPC_LABEL = /^codebuild-([A-Za-z0-9][A-Za-z0-9_-]{1,254})-(\d+)-(\d+)$/;

/** The repository scripts a run step calls (`.github/scripts/<file>`), with their text. */
function scriptsCalledBy(run: string): string[] {
    return [...run.matchAll(/\.github\/scripts\/([\w.-]+)/g)].map((m) => fs.readFileSync(path.join(REPO_ROOT, ".github", "scripts", m[1]), "utf8"));
}

const PULUMI_OPERATION = /\bpulumi\b["',\s[]*(up|preview|refresh|destroy|import)\b/;
const CLUSTER_TOOLS = /\b(kubectl|helm)\s/;

/**
 * True when a step evaluates the program against a live stack (pulumi up, preview, refresh, destroy, import),
 * directly or through a repository script, or talks to Kubernetes with kubectl or helm. Installing the CLI
 * (pulumi/actions without a command) does not count.
 */
export function stepTouchesCluster(step: Step): boolean {
    if (uses(step, "pulumi/actions")) {
        return step.with?.command !== undefined;
    }
    const texts = step.run ? [step.run, ...scriptsCalledBy(step.run)] : [];
    return texts.some((t) => PULUMI_OPERATION.test(t) || CLUSTER_TOOLS.test(t));
}

/** True when a step calls a repository script that runs `pulumi up` with an explicit target list. */
export const isBootstrapStep = (step: Step): boolean => /\.github\/scripts\/bootstrap\.sh\b/.test(step.run ?? "");

/** True when a job posts or edits a pull request or issue comment, or opens or edits an issue. */
export function writesIssues(job: Job): boolean {
    return (job.steps ?? []).some(
        (s) =>
            (uses(s, "pulumi/actions") && s.with?.["comment-on-pr"] === true) ||
            (uses(s, "actions/github-script") && /\.(createComment|updateComment|create|update)\(/.test(String(s.with?.script ?? ""))) ||
            /\bgh (pr|issue) comment\b/.test(s.run ?? ""),
    );
}

/** The top level grants nothing but reading the code; jobs ask for more where they need it. */
export function topLevelPermissionProblems(wf: Workflow): string[] {
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

/** Each job's token can do only what the job does: OIDC for AWS, writing comments or issues where it writes them. */
export function jobPermissionProblems(wf: Workflow): string[] {
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
            if (scope === "id-token") {
                if (!configuresAws(job)) {
                    problems.push(`${name}: id-token: write without configuring AWS credentials`);
                }
            } else if (scope === "pull-requests" || scope === "issues") {
                if (!writesIssues(job)) {
                    problems.push(`${name}: ${scope}: write without writing a comment or an issue`);
                }
            } else {
                problems.push(`${name}: ${scope}: write`);
            }
        }
    }
    return problems;
}

/** AWS access only by assuming a role over OIDC: no static keys in inputs or environment. */
export function awsCredentialProblems(wf: Workflow): string[] {
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
export function unknownScripts(wf: Workflow, scripts: Readonly<Record<string, string>>): string[] {
    return runsOf(wf)
        .flatMap((run) => [...run.matchAll(/\bnpm run(?:-script)? ([\w:.-]+)/g)].map((m) => m[1]))
        .filter((s) => !(s in scripts));
}

/**
 * Every `uses:` of a published action names a full 40-hex commit, which cannot be moved the way a tag can,
 * with the version it is in a comment for people and update tools. Local actions (`./`) are exempt.
 */
export function pinProblems(text: string): string[] {
    const problems: string[] = [];
    for (const line of text.split("\n")) {
        const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
        if (m === null || m[1].startsWith("./")) {
            continue;
        }
        const [, ref, rest] = m;
        if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref)) {
            problems.push(`${ref} is not pinned to a full commit SHA`);
        } else if (!/^\s+#\s*v\d+(\.\d+){0,2}\s*$/.test(rest)) {
            problems.push(`${ref} has no "# vX.Y.Z" comment naming its version`);
        }
    }
    return problems;
}

/** Run steps that write `${{ }}` into the shell, where a value with quotes or `$(...)` would run as code. */
export function expressionsInRunSteps(wf: Workflow): string[] {
    return stepsOf(wf)
        .filter((s) => s.run?.includes("${{"))
        .map((s) => s.name ?? s.run ?? "");
}

/** Secrets in jobs that name no environment: such a secret is a repository secret, readable by any branch's workflow. */
export function secretsOutsideEnvironments(wf: Workflow): string[] {
    return Object.entries(wf.jobs)
        .filter(([, job]) => JSON.stringify(job).includes("secrets.") && environmentOf(job) === undefined)
        .map(([name]) => name);
}
