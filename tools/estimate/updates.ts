import { DURATIONS, Duration } from "./durations";

/**
 * How long the in-place updates of a change take, for the changes whose time matters: a node group's
 * rolling update, an RDS instance modification and an EKS version upgrade. Each figure carries its source.
 */

/** Typical time to replace one node of a managed node group: launch, join, drain and terminate. */
export const NODE_ROLL: Duration = {
    minSeconds: 180,
    typicalSeconds: 300,
    maxSeconds: 600,
    source: "aws-quickstart/quickstart-amazon-eks #377 (\"updates per node take ~5 min\"); aws/containers-roadmap #1560 (2–3 nodes took 30 min)",
    estimate: true,
};

/** An EKS control-plane version upgrade. */
export const CLUSTER_UPGRADE: Duration = {
    minSeconds: 20 * 60,
    typicalSeconds: 25 * 60,
    maxSeconds: 60 * 60,
    source: "terraform-aws-eks #326 (21m38s); eksctl #2096 (24m12s); eksctl PR #3310 (up to 60 min expected)",
};

/** Inputs whose change makes EKS roll a node group's nodes (a new launch template version or AMI). */
const ROLLING_INPUTS = ["launchTemplate", "version", "releaseVersion", "amiType"];
/** Inputs whose change makes RDS modify the instance in a way that restarts or rebuilds it. */
const RDS_MODIFYING_INPUTS = ["instanceClass", "engineVersion", "allocatedStorage", "storageType", "iops", "multiAz", "parameterGroupName"];

export interface UpdateStep {
    readonly resource: string;
    readonly what: string;
    readonly minutes: { readonly min: number; readonly typical: number; readonly max: number };
    readonly basis: string;
}

const touches = (changed: readonly string[], keys: readonly string[]) => changed.some((p) => keys.some((k) => p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`)));
const scaled = (d: Duration, times: number) => ({ min: (d.minSeconds * times) / 60, typical: (d.typicalSeconds * times) / 60, max: (d.maxSeconds * times) / 60 });

/**
 * Nodes a rolling update takes down at once: `maxUnavailable`, or `maxUnavailablePercentage` of the
 * nodes rounded down but at least one (the EKS NodegroupUpdateConfig semantics); one by default.
 */
export function nodesAtOnce(nodes: number, updateConfig: { maxUnavailable?: number; maxUnavailablePercentage?: number } | undefined): number {
    if (updateConfig?.maxUnavailable !== undefined) {
        return Math.max(1, updateConfig.maxUnavailable);
    }
    if (updateConfig?.maxUnavailablePercentage !== undefined) {
        return Math.max(1, Math.floor((nodes * updateConfig.maxUnavailablePercentage) / 100));
    }
    return 1;
}

interface Changeable {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly dependencies?: { readonly inputs: Record<string, string[]> };
}

/**
 * The update step of one resource, or undefined when its change is quick or not an update. `changedUrns`
 * are the other resources the change updates: a node group rolls when its launch template gets a new version.
 */
export function updateStep(resource: Changeable, changed: readonly string[], changedUrns: ReadonlySet<string> = new Set()): UpdateStep | undefined {
    const inputs = resource.inputs;
    const newTemplate = (resource.dependencies?.inputs.launchTemplate ?? []).some((u) => changedUrns.has(u));
    if (resource.type === "aws:eks/nodeGroup:NodeGroup" && (touches(changed, ROLLING_INPUTS) || newTemplate)) {
        const nodes = Number((inputs.scalingConfig as { desiredSize?: number } | undefined)?.desiredSize ?? 1);
        const atOnce = nodesAtOnce(nodes, inputs.updateConfig as never);
        const rounds = Math.ceil(nodes / atOnce);
        return { resource: resource.name, what: `rolling update of ${nodes} node(s), ${atOnce} at a time`, minutes: scaled(NODE_ROLL, rounds), basis: `${rounds} round(s) × ~5 min per node (${NODE_ROLL.source})` };
    }
    if (resource.type === "aws:rds/instance:Instance" && touches(changed, RDS_MODIFYING_INPUTS)) {
        // A class or version change builds the instance anew underneath (Multi-AZ: the standby first, then a failover).
        const d = inputs.multiAz === true ? DURATIONS.rdsMultiAz : DURATIONS.rdsSingleAz;
        return { resource: resource.name, what: "RDS modification", minutes: scaled(d, 1), basis: `as long as creating it (estimate): ${d.source}` };
    }
    if ((resource.type === "eks:index:Cluster" || resource.type === "aws:eks/cluster:Cluster") && touches(changed, ["version"])) {
        return { resource: resource.name, what: "EKS version upgrade", minutes: scaled(CLUSTER_UPGRADE, 1), basis: CLUSTER_UPGRADE.source };
    }
    return undefined;
}

/** The update steps of a diff's resources (every resource of the head plan, with the inputs that changed), longest first. */
export function updateSteps(resources: readonly Changeable[], changed: readonly { resource: Changeable; inputs: string[] }[]): UpdateStep[] {
    const changedUrns = new Set(changed.map((c) => c.resource.urn));
    const inputsOf = new Map(changed.map((c) => [c.resource.urn, c.inputs]));
    return resources.flatMap((r) => updateStep(r, inputsOf.get(r.urn) ?? [], changedUrns) ?? []).sort((a, b) => b.minutes.typical - a.minutes.typical);
}
