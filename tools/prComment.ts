import * as fs from "fs";

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

const money = (n: number) => `$${n.toFixed(2)}`;
const signed = (n: number) => `${n >= 0 ? "+" : "−"}${money(Math.abs(n))}`;
const shortName = (urn: string) => urn.split("::").slice(-1)[0];

/** One Markdown comment summarising the offline plans of a pull request, one section per stack. */
export function renderComment(plans: PlanJson[]): string {
    const lines = [MARKER, "### Offline plan", "", "| stack | monthly cost | change | mandatory | advisory | first deploy | result |", "|---|---|---|---|---|---|---|"];
    for (const p of plans) {
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
    return `${lines.join("\n")}\n`;
}

if (require.main === module) {
    const files = process.argv.slice(2);
    if (files.length === 0) {
        console.error("Usage: ts-node tools/prComment.ts <plan.json>...");
        process.exit(2);
    }
    process.stdout.write(renderComment(files.map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as PlanJson)));
}
