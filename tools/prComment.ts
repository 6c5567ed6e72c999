import * as fs from "fs";
import * as path from "path";

/** Hidden marker that lets the commenting workflow find and update its own comment. */
export const MARKER = "<!-- platform-offline-plan -->";

interface PlanJson {
    stack: string;
    environment: string;
    cost: { monthlyUsd: number; budgetUsd: number };
    policy: { violations: { policy: string; level: string; resource?: string; message: string }[] };
    deploy: { criticalPathMinutes: number };
    diff?: { added: string[]; removed: string[]; changed: { resource: string; inputs: string[] }[]; destructive: { resource: string; action: string; inputs: string[]; loss: string }[]; costDeltaUsd: number };
    result: { exitCode: number; failures: { reason: string }[] };
}

/**
 * A stack whose plan produced no figures: its config was refused (the plan writes `result: "invalid-config"`
 * with the problems instead of a plan), or its JSON is missing or unreadable because the plan stopped early.
 */
export interface PlanFailure {
    readonly stack: string;
    readonly failure: "invalid-config" | "missing" | "unreadable";
    readonly reasons: string[];
}

/** What one plan file gave the comment. */
export type CommentInput = PlanJson | PlanFailure;

const isFailure = (x: CommentInput): x is PlanFailure => "failure" in x;

/** `plan-dev.json` is the plan of `dev`; other names stand for themselves. */
function stackOfFile(file: string): string {
    const base = path.basename(file, ".json");
    return base.startsWith("plan-") ? base.slice("plan-".length) : base;
}

/** One config problem as a line, whether the plan wrote it as text or as `{ key, message }`. */
function problemText(p: unknown): string {
    if (typeof p === "string") {
        return p;
    }
    if (p !== null && typeof p === "object") {
        const o = p as { key?: unknown; path?: unknown; message?: unknown };
        const key = o.key ?? o.path;
        if (typeof o.message === "string") {
            return key === undefined ? o.message : `${String(key)}: ${o.message}`;
        }
    }
    return JSON.stringify(p);
}

/** Reads one plan file, turning each way it can fail to be a plan into a {@link PlanFailure} the comment reports. */
export function readPlanFile(file: string): CommentInput {
    const stack = stackOfFile(file);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return { stack, failure: "missing", reasons: [`the plan wrote no ${path.basename(file)}: it stopped before the end (see the run's log)`] };
    }
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (e) {
        return { stack, failure: "unreadable", reasons: [`${path.basename(file)} is not JSON (${(e as Error).message})`] };
    }
    const o = (json ?? {}) as Record<string, unknown>;
    const named = typeof o.stack === "string" ? o.stack : stack;
    if (o.result === "invalid-config") {
        const problems = Array.isArray(o.problems) ? o.problems.map(problemText) : [];
        return { stack: named, failure: "invalid-config", reasons: problems.length > 0 ? problems : ["the plan refused the stack's config without saying why"] };
    }
    const plan = o as Partial<PlanJson>;
    if (typeof plan.cost?.monthlyUsd !== "number" || !Array.isArray(plan.policy?.violations) || typeof plan.deploy?.criticalPathMinutes !== "number" || typeof plan.result?.exitCode !== "number") {
        return { stack: named, failure: "unreadable", reasons: [`${path.basename(file)} is not a plan (no cost, policy, deploy or result)`] };
    }
    return plan as PlanJson;
}

const FAILURE_RESULT: Record<PlanFailure["failure"], string> = { "invalid-config": "config error", missing: "no plan", unreadable: "unreadable plan" };

const money = (n: number) => `$${n.toFixed(2)}`;
const signed = (n: number) => `${n >= 0 ? "+" : "−"}${money(Math.abs(n))}`;
const shortName = (urn: string) => urn.split("::").slice(-1)[0];

/** One Markdown comment summarising the offline plans of a pull request, one section per stack. */
export function renderComment(inputs: CommentInput[]): string {
    const lines = [MARKER, "### Offline plan", "", "| stack | monthly cost | change | mandatory | advisory | first deploy | result |", "|---|---|---|---|---|---|---|"];
    const plans = inputs.filter((x): x is PlanJson => !isFailure(x));
    for (const p of inputs) {
        if (isFailure(p)) {
            lines.push(`| ${p.stack} | — | — | — | — | — | ${FAILURE_RESULT[p.failure]} |`);
            continue;
        }
        const mandatory = p.policy.violations.filter((v) => v.level === "mandatory").length;
        const advisory = p.policy.violations.length - mandatory;
        const delta = p.diff ? signed(p.diff.costDeltaUsd) : "n/a";
        lines.push(`| ${p.stack} | ${money(p.cost.monthlyUsd)} | ${delta} | ${mandatory} | ${advisory} | ${p.deploy.criticalPathMinutes.toFixed(0)} min | ${p.result.exitCode === 0 ? "ok" : `exit ${p.result.exitCode}`} |`);
    }
    for (const f of inputs.filter(isFailure)) {
        lines.push("", `**${f.stack}: ${f.failure === "invalid-config" ? "the stack's config is invalid, so there is no plan" : "no plan to show"}**`, "");
        f.reasons.forEach((r) => lines.push(`- ${r}`));
    }
    for (const p of plans) {
        const destructive = p.diff?.destructive ?? [];
        if (destructive.length > 0) {
            lines.push("", `> [!CAUTION]`, `> **${p.stack}: this change would ${destructive.map((d) => `${d.action} \`${shortName(d.resource)}\``).join(", ")}**`);
            for (const d of destructive) {
                lines.push(`> - \`${shortName(d.resource)}\`${d.inputs.length ? ` (${d.inputs.join(", ")})` : ""}: loses ${d.loss}`);
            }
        }
        const mandatory = p.policy.violations.filter((v) => v.level === "mandatory");
        if (mandatory.length > 0) {
            lines.push("", `**${p.stack}: mandatory policy violations**`, "");
            for (const v of mandatory) {
                lines.push(`- \`${v.policy}\` ${v.resource ? `\`${shortName(v.resource)}\`` : "stack"}: ${v.message}`);
            }
        }
        if (p.diff) {
            lines.push("", `<details><summary>${p.stack}: ${p.diff.added.length} added, ${p.diff.removed.length} removed, ${p.diff.changed.length} changed</summary>`, "");
            p.diff.added.forEach((u) => lines.push(`- + \`${shortName(u)}\``));
            p.diff.removed.forEach((u) => lines.push(`- − \`${shortName(u)}\``));
            p.diff.changed.forEach((c) => lines.push(`- ~ \`${shortName(c.resource)}\`: ${c.inputs.join(", ")}`));
            lines.push("", "</details>");
        }
        for (const f of p.result.failures) {
            lines.push("", `${p.stack}: ${f.reason}`);
        }
    }
    return `${lines.join("\n")}\n`;
}

/**
 * `npm run pr-comment -- <plan.json>...`: the comment on stdout, always, so that the pull request says why a
 * stack has no figures instead of keeping an older comment. A file that is missing or is not a plan is also
 * reported on stderr, one line each, with exit 2; a refused config is a plan outcome (exit 0).
 */
export function main(files: readonly string[], io: { out: (text: string) => void; err: (text: string) => void }): number {
    if (files.length === 0) {
        io.err("Usage: npm run pr-comment -- <plan.json>...");
        return 2;
    }
    const inputs = files.map(readPlanFile);
    io.out(renderComment(inputs));
    const unusable = inputs.filter((x): x is PlanFailure => isFailure(x) && x.failure !== "invalid-config");
    unusable.forEach((f) => f.reasons.forEach((r) => io.err(`pr-comment: ${r}`)));
    return unusable.length > 0 ? 2 : 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => console.error(text) });
}
