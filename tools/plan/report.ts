import * as path from "path";
import type { Settings } from "../../config/schema";
import type { RecordedResource } from "../../offline/run";
import { costByComponent } from "../estimate";
import type { Plan } from "./build";

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

/** One line of the key settings of each component, for the inventory. */
export function keySettings(s: Settings): Record<string, string> {
    const ng = (g: Settings["cluster"]["nodeGroups"]["system"]) => `${g.desiredSize}×${g.instanceTypes.join("|")} ${g.capacityType.toLowerCase().replace("_", "-")} (${g.minSize}–${g.maxSize})`;
    const db = s.database;
    const cache = s.cache;
    const enabled = Object.entries(s.addons).filter(([, a]) => a.enabled).map(([k]) => k);
    return {
        network: `${s.network.cidr} in ${s.network.availabilityZones} zones, ${s.network.natGateways === "single" ? "1 NAT gateway" : "a NAT gateway per zone"}, interface endpoints ${s.network.interfaceEndpoints ? "on" : "off"}`,
        encryption: `5 customer-managed KMS keys with rotation, ${s.encryption.keyDeletionWindowDays}-day deletion window`,
        cluster: `EKS ${s.cluster.version}, API endpoint ${s.cluster.endpointPublicAccess ? `public to ${s.cluster.publicAccessCidrs.join(", ")}` : "private"}; system ${ng(s.cluster.nodeGroups.system)}; apps ${ng(s.cluster.nodeGroups.apps)}`,
        database: `PostgreSQL ${db.engineVersion} ${db.instanceClass}, ${db.multiAz ? "Multi-AZ" : "single-AZ"}, ${db.readReplicas} read replica(s), backups ${db.backupRetentionDays} d, deletion protection ${db.deletionProtection ? "on" : "off"}`,
        cache: `${cache.engine} ${cache.engineVersion} ${cache.nodeType}, ${cache.clusterMode ? `${cache.shards} shard(s)` : "1 shard"} × ${1 + cache.replicasPerShard} node(s), snapshots ${cache.snapshotRetentionDays} d`,
        broker: `RabbitMQ ${s.broker.engineVersion} ${s.broker.instanceType}, ${s.broker.deploymentMode}`,
        addons: `${enabled.length} Helm releases: ${enabled.join(", ")}`,
        services: `${s.services.length}: ${s.services.map((x) => `${x.name} (${x.kind})`).join(", ")}`,
    };
}

const usd = (n: number) => `${n < 0 ? "-" : ""}$${Math.abs(n).toFixed(2)}`;
const pad = (text: string, width: number) => text.padEnd(width);

/** The plan as a person reads it. */
export function renderReport(plan: Plan): string {
    const out: string[] = [];
    const s = plan.settings;
    const byUrn = new Map(plan.run.resources.map((r) => [r.urn, r]));
    out.push(`Plan of stack ${plan.stack} (environment ${s.environment}, ${s.region}) from ${path.relative(process.cwd(), plan.configFile) || plan.configFile}`);

    const counts = new Map<string, number>();
    for (const r of plan.run.resources) {
        const c = componentOf(r, byUrn);
        counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const custom = plan.run.resources.filter((r) => r.custom).length;
    out.push("", `Resources: ${plan.run.resources.length} (${custom} cloud and Kubernetes resources, ${plan.run.resources.length - custom} components)`);
    const settings = keySettings(s);
    for (const [component, n] of [...counts].sort((a, b) => b[1] - a[1])) {
        out.push(`  ${pad(component, 22)} ${String(n).padStart(4)}  ${settings[component] ?? ""}`.trimEnd());
    }

    const mandatory = plan.violations.filter((v) => v.level === "mandatory");
    const advisory = plan.violations.filter((v) => v.level === "advisory");
    out.push("", `Policies: ${mandatory.length} mandatory, ${advisory.length} advisory violation(s)`);
    for (const v of [...mandatory, ...advisory]) {
        const where = v.resource ? (byUrn.get(v.resource)?.name ?? v.resource) : "stack";
        out.push(`  ${pad(v.level, 9)} ${pad(v.policy, 34)} ${where}: ${v.message}`);
    }

    out.push("", `Estimated cost: ${usd(plan.cost.monthlyUsd)} per month (${plan.cost.region} on-demand prices, 730 h/month, node groups at their desired size)`);
    const costs = new Map<string, number>();
    for (const c of costByComponent(plan.cost)) {
        costs.set(groupName(c.component), (costs.get(groupName(c.component)) ?? 0) + c.monthlyUsd);
    }
    for (const [component, monthlyUsd] of [...costs].sort((a, b) => b[1] - a[1])) {
        out.push(`  ${pad(component, 22)} ${usd(monthlyUsd).padStart(10)}`);
    }
    if (s.budget > 0) {
        out.push(`  ${pad("budget", 22)} ${usd(s.budget).padStart(10)}  ${plan.cost.monthlyUsd > s.budget ? "EXCEEDED" : "within"}`);
    }
    for (const w of plan.cost.warnings) {
        out.push(`  note: ${w}`);
    }

    const d = plan.deploy;
    out.push("", `Estimated first deploy: ${d.criticalPathMinutes.toFixed(1)} min (range ${d.rangeMinutes.min.toFixed(1)}–${d.rangeMinutes.max.toFixed(1)}); critical path:`);
    for (const p of d.path) {
        out.push(`  ${p.startMinutes.toFixed(1).padStart(5)} → ${p.finishMinutes.toFixed(1).padStart(5)} min  ${pad(p.resource, 60)} ${p.basis}`);
    }

    const m = plan.manifests;
    out.push("", `Kubernetes manifests: ${m.objects} objects in ${Object.keys(m.files).length} files under ${path.relative(process.cwd(), m.dir) || m.dir}/ (${m.problems.length === 0 ? "all valid against their schemas" : `${m.problems.length} invalid`})`);
    for (const p of m.problems) {
        out.push(`  invalid ${p.manifest.kind} ${p.manifest.metadata.namespace ?? ""}/${p.manifest.metadata.name}: ${p.problems.join("; ")}`);
    }

    if (plan.diff) {
        const diff = plan.diff;
        out.push("", `Change against the base plan: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed; cost ${diff.costDeltaUsd >= 0 ? "+" : ""}${usd(diff.costDeltaUsd)} per month`);
        for (const r of diff.added) {
            out.push(`  + ${r.type} ${r.name}`);
        }
        for (const r of diff.removed) {
            out.push(`  - ${r.type} ${r.name}`);
        }
        for (const c of diff.changed) {
            out.push(`  ~ ${c.resource.type} ${c.resource.name}: ${c.inputs.join(", ")}`);
        }
        for (const x of diff.destructive) {
            out.push(`  ! ${x.action.toUpperCase()} ${x.resource.type} ${x.resource.name}${x.inputs.length ? ` (${x.inputs.join(", ")})` : ""}: loses ${x.loss}${plan.allowReplace ? " [allowed]" : ""}`);
        }
    }

    out.push("", plan.failures.length === 0 ? "Result: OK" : `Result: FAILED (exit ${plan.exitCode}): ${plan.failures.map((f) => f.reason).join("; ")}`);
    return out.join("\n");
}
