import * as path from "path";
import type { Settings } from "../../config/schema";
import type { RecordedResource } from "../../offline/run";
import { policyTable } from "../../policies/pack";
import { costByComponent } from "../estimate";
import { PRICE_REGION, PRICES_AS_OF } from "../estimate/prices";
import { ciProjectName } from "../../config/names";
import { stackPrefix } from "../../lib/naming";
import { RUNNER_WORKFLOWS } from "../../components/ci/runnerPolicy";
import { PROJECT, type Plan } from "./build";
import { CONNECTIVITY_POLICY, predictionAttention, renderPredictions } from "./predictions";
import { Style, fitList, style, table } from "./style";
import { LAPTOP_NODE, LAPTOP_NODE_LABEL } from "../predict/localStack";

/** A top-level component's name as people read it: every `service-*` is "services", every `secrets-*` "service secrets". */
export function groupName(topLevelName: string): string {
    return topLevelName.replace(/^service-.*/, "services").replace(/^secrets-.*/, "service secrets");
}

/** The component a registration belongs to, grouped for people. */
export function componentOf(r: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>): string {
    let top = r;
    while (top.parent && byUrn.has(top.parent)) {
        top = byUrn.get(top.parent) as RecordedResource;
    }
    return top.type.startsWith("pulumi:providers:") ? "providers" : groupName(top.name);
}

/** The network in a line: the VPC the stack creates, or the one it uses. */
function networkSettings(s: Settings): string {
    const n = s.network;
    const endpoints = `interface endpoints ${n.interfaceEndpoints ? "on" : "off"}`;
    if (n.existing !== undefined) {
        return `existing VPC ${n.existing.vpcId} (${n.cidr}) in ${n.existing.availabilityZones.join(", ")}: no VPC, subnet, NAT or flow-log resources; ${endpoints}`;
    }
    return `${n.cidr} in ${n.availabilityZones} zones, ${n.natGateways === "single" ? "1 NAT gateway" : "a NAT gateway per zone"}, ${endpoints}`;
}

/** One line of the key settings of each component, for the inventory. */
export function keySettings(s: Settings, stack = "dev"): Record<string, string> {
    const ng = (g: Settings["cluster"]["nodeGroups"]["system"]) => `${g.desiredSize}×${g.instanceTypes.join("|")} ${g.capacityType.toLowerCase().replace("_", "-")} (${g.minSize}–${g.maxSize})`;
    const db = s.database;
    const cache = s.cache;
    const enabled = Object.entries(s.addons).filter(([, a]) => a.enabled).map(([k]) => k);
    return {
        network: networkSettings(s),
        encryption: `5 customer-managed KMS keys with rotation, ${s.encryption.keyDeletionWindowDays}-day deletion window`,
        cluster: `EKS ${s.cluster.version}, API endpoint ${s.cluster.endpointPublicAccess ? `public to ${s.cluster.publicAccessCidrs.join(", ")}` : "private"}; system ${ng(s.cluster.nodeGroups.system)}; apps ${ng(s.cluster.nodeGroups.apps)}`,
        database: `PostgreSQL ${db.engineVersion} ${db.instanceClass}, ${db.multiAz ? "Multi-AZ" : "single-AZ"}, ${db.readReplicas} read replica(s), backups ${db.backupRetentionDays} d, deletion protection ${db.deletionProtection ? "on" : "off"}`,
        cache: `${cache.engine} ${cache.engineVersion} ${cache.nodeType}, ${cache.clusterMode ? `${cache.shards} shard(s)` : "1 shard"} × ${1 + cache.replicasPerShard} node(s), snapshots ${cache.snapshotRetentionDays} d`,
        broker: `RabbitMQ ${s.broker.engineVersion} ${s.broker.instanceType}, ${s.broker.deploymentMode}`,
        addons: `${enabled.length} Helm releases: ${enabled.join(", ")}`,
        services: `${s.services.length}: ${s.services.map((x) => `${x.name} (${x.kind})`).join(", ")}`,
        ci: `runner for ${s.ci.repository}: CodeBuild project ${ciProjectName(stackPrefix(PROJECT, stack))} (${s.ci.computeType}, jobs up to ${s.ci.buildTimeoutMinutes} min) in the private subnets, started by jobs of ${RUNNER_WORKFLOWS.join(", ")}`,
    };
}

const usd = (n: number) => `${n < 0 ? "-" : ""}$${Math.abs(n).toFixed(2)}`;

export interface ReportOptions {
    /** Colour the report (a terminal that has not asked for NO_COLOR). Defaults to false. */
    readonly color?: boolean;
    /** Characters a line may take before lists are cut. Defaults to 120. */
    readonly width?: number;
}

const SUMMARIES = new Map([...policyTable().map((p) => [p.name, p.summary] as const), [CONNECTIVITY_POLICY.name, CONNECTIVITY_POLICY.summary] as const]);

/** What fails the plan or would destroy something, first, so that nobody scrolls for it. */
function attention(plan: Plan, st: Style, nameOf: (urn?: string) => string): string[] {
    const out: string[] = [];
    const mandatory = plan.violations.filter((v) => v.level === "mandatory");
    if (mandatory.length > 0) {
        out.push(st.red(`  ✗ ${mandatory.length} mandatory policy violation(s):`));
        out.push(...table(mandatory.map((v) => [st.bold(v.policy), `${nameOf(v.resource)}: ${v.message}`]), [], "      "));
    }
    const s = plan.settings;
    if (s.budget > 0 && plan.cost.monthlyUsd > s.budget) {
        out.push(st.red(`  ✗ budget: the estimate ${usd(plan.cost.monthlyUsd)}/month exceeds platform:budget ${usd(s.budget)} by ${usd(plan.cost.monthlyUsd - s.budget)}`));
    }
    for (const x of plan.diff?.destructive ?? []) {
        const line = `  ${plan.allowReplace ? "!" : "✗"} ${x.action.toUpperCase()} ${x.resource.type} ${x.resource.name}${x.inputs.length ? ` (${x.inputs.join(", ")})` : ""}: loses ${x.loss}${plan.allowReplace ? " [allowed]" : ""}`;
        out.push(plan.allowReplace ? st.yellow(line) : st.red(line));
    }
    out.push(...predictionAttention(plan.predictions, st));
    for (const p of plan.manifests.problems) {
        out.push(st.red(`  ✗ invalid ${p.manifest.kind} ${p.manifest.metadata.namespace ?? ""}/${p.manifest.metadata.name}: ${p.problems.join("; ")}`));
    }
    return out;
}

/** Advisories grouped by rule: how many, on which resources, and what the rule asks. */
function advisories(plan: Plan, st: Style, nameOf: (urn?: string) => string, width: number): string[] {
    const byRule = new Map<string, string[]>();
    for (const v of plan.violations.filter((x) => x.level === "advisory")) {
        byRule.set(v.policy, [...(byRule.get(v.policy) ?? []), nameOf(v.resource)]);
    }
    const rules = [...byRule].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
    const ruleWidth = Math.max(0, ...rules.map(([r]) => r.length));
    const rows = rules.map(([rule, where]) => {
        const unique = [...new Set(where)];
        return [st.yellow(rule), String(where.length), fitList(unique, Math.max(30, width - ruleWidth - 12))];
    });
    const lines = table(rows, ["left", "right"]);
    return lines.flatMap((line, i) => {
        const summary = SUMMARIES.get(rules[i][0]);
        return summary === undefined ? [line] : [line, st.dim(`${" ".repeat(ruleWidth + 4)}${summary}`)];
    });
}

/** What a diff replaces through what it is built on (its update times follow, step by step). */
function changeReview(plan: Plan, st: Style): string[] {
    // Stateful ones are listed under "Needs attention" already.
    const stateful = new Set((plan.diff?.destructive ?? []).map((d) => d.resource.urn));
    const following = (plan.diff?.replaced ?? []).filter((r) => !r.direct && !stateful.has(r.resource.urn));
    // Objects in a replaced cluster all follow its provider: one line for them, not one each.
    const viaProvider = following.filter((r) => r.because.length === 1 && r.because[0].startsWith("provider ← "));
    const out = following
        .filter((r) => !viaProvider.includes(r))
        .map((r) => st.yellow(`  ± ${r.resource.type} ${r.resource.name} is replaced with what it is built on: ${r.because.join(", ")}`));
    for (const because of [...new Set(viaProvider.map((r) => r.because[0]))]) {
        const n = viaProvider.filter((r) => r.because[0] === because).length;
        out.push(st.yellow(`  ± ${n} Kubernetes object(s) are created anew in the new cluster (${because})`));
    }
    return out;
}

/** The plan as a person reads it: what needs attention first, then the inventory, policies, cost, time and manifests. */
export function renderReport(plan: Plan, options: ReportOptions = {}): string {
    const st = style(options.color ?? false);
    const width = options.width ?? 120;
    const out: string[] = [];
    const s = plan.settings;
    const byUrn = new Map(plan.run.resources.map((r) => [r.urn, r]));
    const nameOf = (urn?: string) => (urn === undefined ? "stack" : (byUrn.get(urn)?.name ?? urn));
    const where = s.environment === "local" ? `kubeconfig context ${s.local.context === "" ? "(current)" : s.local.context}` : s.region;
    out.push(st.bold(`Plan of stack ${plan.stack} (environment ${s.environment}, ${where}) from ${path.relative(process.cwd(), plan.configFile) || plan.configFile}`));
    if (plan.esc.environments.length > 0) {
        const placeholders = plan.esc.placeholders.length > 0 ? `; planned with a placeholder for ${plan.esc.placeholders.join(", ")}` : "";
        out.push(`Imports the Pulumi ESC environment(s) ${plan.esc.environments.join(", ")}, which the offline plan does not open (no login, no credentials): values they set are not seen${placeholders}`);
    }

    const urgent = attention(plan, st, nameOf);
    out.push("", urgent.length === 0 ? `Needs attention: ${st.green("nothing")}` : st.bold("Needs attention:"), ...urgent);

    const counts = new Map<string, number>();
    for (const r of plan.run.resources) {
        const c = componentOf(r, byUrn);
        counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const custom = plan.run.resources.filter((r) => r.custom).length;
    out.push("", st.bold(`Resources: ${plan.run.resources.length}`) + ` (${custom} cloud and Kubernetes resources, ${plan.run.resources.length - custom} components)`);
    const settings = keySettings(s, plan.stack);
    out.push(...table([...counts].sort((a, b) => b[1] - a[1]).map(([component, n]) => [component, String(n), settings[component] ?? ""]), ["left", "right"]));

    const mandatory = plan.violations.filter((v) => v.level === "mandatory");
    const advisory = plan.violations.filter((v) => v.level === "advisory");
    const rules = new Set(advisory.map((v) => v.policy)).size;
    out.push("", st.bold("Policies:") + ` ${mandatory.length === 0 ? "0 mandatory" : st.red(`${mandatory.length} mandatory (above)`)}, ${advisory.length} advisory violation(s)${rules > 0 ? ` of ${rules} rule(s)` : ""}`);
    out.push(...advisories(plan, st, nameOf, width));

    const applied = plan.cost.region === PRICE_REGION ? "" : `, applied to ${plan.cost.region}, whose prices may differ`;
    const basis = s.environment === "local" ? "a local stack runs on your own machine: it creates nothing that bills" : `${PRICE_REGION} on-demand list prices of ${PRICES_AS_OF}${applied}; 730 h/month, node groups at their desired size`;
    out.push("", st.bold(`Estimated cost: ${usd(plan.cost.monthlyUsd)} per month`) + ` (${basis})`);
    const costs = new Map<string, number>();
    for (const c of costByComponent(plan.cost)) {
        costs.set(groupName(c.component), (costs.get(groupName(c.component)) ?? 0) + c.monthlyUsd);
    }
    const costRows = [...costs].sort((a, b) => b[1] - a[1]).map(([component, monthlyUsd]) => [component, usd(monthlyUsd)]);
    if (s.budget > 0) {
        const over = plan.cost.monthlyUsd > s.budget;
        costRows.push(["budget", usd(s.budget), over ? st.red("EXCEEDED") : st.green("within")]);
    }
    out.push(...table(costRows, ["left", "right"]));
    if (plan.costAtMaximum.monthlyUsd !== plan.cost.monthlyUsd) {
        out.push(`  up to ${usd(plan.costAtMaximum.monthlyUsd)} per month with every node group at its maximum size (what autoscaling can spend)`);
    }
    // The runner bills by the build minute, on an assumed volume: show what the figure is made of.
    const runnerItems = plan.cost.items.filter((i) => i.component === "ci").sort((a, b) => b.monthlyUsd - a.monthlyUsd);
    if (runnerItems.length > 0) {
        out.push("  ci, the in-VPC runner:", ...table(runnerItems.map((i) => [i.resource, usd(i.monthlyUsd), st.dim(i.basis)]), ["left", "right"], "    "));
    }
    for (const w of plan.cost.warnings.filter((x) => !x.startsWith(`prices are ${PRICE_REGION}`))) {
        out.push(`  note: ${w}`);
    }

    const d = plan.deploy;
    out.push("", st.bold(`Estimated first deploy: ${d.criticalPathMinutes.toFixed(1)} min`) + ` (range ${d.rangeMinutes.min.toFixed(1)}–${d.rangeMinutes.max.toFixed(1)}); critical path:`);
    out.push(...table(d.path.map((p) => [`${p.startMinutes.toFixed(1)} → ${p.finishMinutes.toFixed(1).padStart(5)} min`, p.resource, st.dim(p.basis)]), ["right"]));
    const runner = plan.run.resources.find((r) => r.type === "platform:ci:Runner");
    const runnerReady = runner === undefined ? undefined : d.finishMinutes.get(runner.urn);
    if (runnerReady !== undefined) {
        out.push(`  in-VPC runner ${runner?.name} ready after ${runnerReady.toFixed(1)} min: what a new stack's bootstrap waits for before deploying the rest from inside the VPC`);
    }

    const nodeTypes = new Map(
        s.environment === "local" ? [[LAPTOP_NODE.name, LAPTOP_NODE_LABEL]] : Object.entries(s.cluster.nodeGroups).map(([group, g]) => [group, g.instanceTypes.join("|")]),
    );
    out.push("", ...renderPredictions(plan.predictions, nodeTypes, st));

    const m = plan.manifests;
    const valid = m.problems.length === 0 ? st.green("all valid against their schemas") : st.red(`${m.problems.length} invalid, listed above`);
    out.push("", st.bold(`Kubernetes manifests: ${m.objects} objects`) + ` in ${Object.keys(m.files).length} files under ${path.relative(process.cwd(), m.dir) || m.dir}/ (${valid})`);

    if (plan.diff) {
        const diff = plan.diff;
        out.push("", st.bold("Change against the base plan:") + ` ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed; cost ${diff.costDeltaUsd >= 0 ? "+" : ""}${usd(diff.costDeltaUsd)} per month`);
        out.push(...diff.added.map((r) => st.green(`  + ${r.type} ${r.name}`)));
        out.push(...diff.removed.map((r) => st.red(`  - ${r.type} ${r.name}`)));
        out.push(...diff.changed.map((c) => `  ~ ${c.resource.type} ${c.resource.name}: ${c.inputs.join(", ")}`));
        out.push(...changeReview(plan, st));
        const change = plan.change;
        if (change && change.steps.length > 0) {
            out.push("", st.bold(`Estimated time to apply the changes: ${change.totalMinutes.toFixed(1)} min`) + ` (range ${change.rangeMinutes.min.toFixed(1)}–${change.rangeMinutes.max.toFixed(1)}), in dependency order:`);
            out.push(...table(change.steps.map((s) => [`${s.startMinutes.toFixed(1)} → ${s.finishMinutes.toFixed(1).padStart(5)} min`, s.resource, st.dim(`${s.basis}${s.estimate ? " (estimate)" : ""}`)]), ["right"]));
        }
    } else if (plan.diffSkipped !== undefined) {
        out.push("", `No comparison: ${plan.diffSkipped}`);
    }

    out.push("", plan.failures.length === 0 ? st.green("Result: OK") : st.red(`Result: FAILED (exit ${plan.exitCode}): ${plan.failures.map((f) => f.reason).join("; ")}`));
    return out.join("\n");
}
