import * as fs from "fs";

/** Hidden marker that lets the commenting workflow find and update its own comment. */
export const MARKER = "<!-- platform-offline-plan -->";

/** A plan the offline plan wrote with `--json`. */
interface PlanJson {
    stack: string;
    environment: string;
    cost: { monthlyUsd: number; budgetUsd: number };
    policy: { violations: { policy: string; level: string; resource?: string; message: string }[] };
    deploy: { criticalPathMinutes: number };
    diff?: { added: string[]; removed: string[]; changed: { resource: string; inputs: string[] }[]; destructive: { resource: string; action: string; inputs: string[]; loss: string }[]; costDeltaUsd: number };
    result: { exitCode: number; failures: { reason: string }[] };
}

/** What `--json` holds when the stack config was invalid: no plan, only the problems. */
interface InvalidConfigJson {
    stack: string;
    result: "invalid-config";
    problems: { key: string; message: string }[];
}

export type PlanFile = PlanJson | InvalidConfigJson;

const isInvalid = (p: PlanFile): p is InvalidConfigJson => p.result === "invalid-config";

const money = (n: number) => `$${n.toFixed(2)}`;
const signed = (n: number) => `${n >= 0 ? "+" : "−"}${money(Math.abs(n))}`;
const shortName = (urn: string) => urn.split("::").slice(-1)[0];

/** One Markdown comment summarising the offline plans of a pull request, one section per stack. */
export function renderComment(files: PlanFile[]): string {
    const lines = [MARKER, "### Offline plan", "", "| stack | monthly cost | change | mandatory | advisory | first deploy | result |", "|---|---|---|---|---|---|---|"];
    const plans = files.filter((p): p is PlanJson => !isInvalid(p));
    for (const p of files) {
        if (isInvalid(p)) {
            lines.push(`| ${p.stack} | — | — | — | — | — | invalid config (exit 2) |`);
            continue;
        }
        const mandatory = p.policy.violations.filter((v) => v.level === "mandatory").length;
        const advisory = p.policy.violations.length - mandatory;
        const delta = p.diff ? signed(p.diff.costDeltaUsd) : "n/a";
        lines.push(`| ${p.stack} | ${money(p.cost.monthlyUsd)} | ${delta} | ${mandatory} | ${advisory} | ${p.deploy.criticalPathMinutes.toFixed(0)} min | ${p.result.exitCode === 0 ? "ok" : `exit ${p.result.exitCode}`} |`);
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
    for (const p of files.filter(isInvalid)) {
        lines.push("", `> [!WARNING]`, `> **${p.stack}: the stack config is invalid, so there is no plan (${p.problems.length} problem(s))**`);
        for (const problem of p.problems) {
            lines.push(`> - \`${problem.key}\`: ${problem.message}`);
        }
    }
    return `${lines.join("\n")}\n`;
}

/** Reads one plan file, or says in one line why it cannot be used. */
export function readPlanFile(file: string): PlanFile | string {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return code === "ENOENT" ? `${file} does not exist; run npm run plan -- --json ${file} first` : code === "EISDIR" ? `${file} is a directory, not a plan file` : `${file} cannot be read: ${(e as Error).message}`;
    }
    let json: Partial<PlanJson & InvalidConfigJson>;
    try {
        json = JSON.parse(text) as Partial<PlanJson & InvalidConfigJson>;
    } catch (e) {
        return `${file} is not JSON (${(e as Error).message})`;
    }
    if (json?.result === "invalid-config" && typeof json.stack === "string" && Array.isArray(json.problems)) {
        return json as InvalidConfigJson;
    }
    const complete = typeof json?.stack === "string" && typeof json.cost?.monthlyUsd === "number" && Array.isArray(json.policy?.violations) && typeof json.deploy?.criticalPathMinutes === "number" && typeof json.result === "object";
    return complete ? (json as PlanJson) : `${file} is not a plan written by npm run plan -- --json (it lacks stack, cost, policy, deploy or result)`;
}

/** `npm run pr-comment -- <plan.json>...`: the comment on stdout, or exit 2 with one line per unusable file. */
export function main(files: readonly string[], io: { out: (text: string) => void; err: (text: string) => void }): number {
    if (files.length === 0) {
        io.err("Usage: npm run pr-comment -- <plan.json>...");
        return 2;
    }
    const read = files.map(readPlanFile);
    const problems = read.filter((r): r is string => typeof r === "string");
    if (problems.length > 0) {
        problems.forEach((p) => io.err(`pr-comment: ${p}`));
        return 2;
    }
    io.out(renderComment(read as PlanFile[]));
    return 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => console.error(text) });
}
