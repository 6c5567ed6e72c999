import type { ProgramRun, RecordedResource } from "../../offline/run";
import { DURATIONS, Duration, HELM_CHART_DURATIONS, Scenario, TimedResource, UPDATE_DURATIONS, inSequence, secondsOf } from "./durations";
import { schedule } from "./graph";
import { chartName, indexRun, label, numberAt } from "./resources";

/**
 * How long applying a change to an existing stack takes: each changed resource is updated in place, in the
 * order the dependency graph imposes (the engine updates a resource only after what it depends on), and
 * everything unchanged takes no time. For a Kubernetes version change that order is the upgrade's: the
 * control plane, then the managed add-ons that read its name, then the node groups that wait for the CNI
 * and kube-proxy, then the add-ons and Helm releases that wait for the nodes.
 */

/** One changed resource, timed. */
export interface ChangeStep {
    readonly urn: string;
    /** `type::name`. */
    readonly resource: string;
    /** The inputs that changed. */
    readonly inputs: readonly string[];
    readonly minutes: number;
    readonly startMinutes: number;
    readonly finishMinutes: number;
    /** Why that duration. */
    readonly basis: string;
    readonly estimate: boolean;
}

export interface ChangeEstimate {
    /** Steps in the order they start (then finish). */
    readonly steps: ChangeStep[];
    readonly totalMinutes: number;
    readonly rangeMinutes: { readonly min: number; readonly max: number };
}

/** Inputs whose change makes RDS modify the instance in a way that restarts or rebuilds it. */
const RDS_MODIFYING_INPUTS = ["instanceClass", "engineVersion", "allocatedStorage", "storageType", "iops", "multiAz", "parameterGroupName"];

const touches = (inputs: readonly string[], key: string) => inputs.some((p) => p === key || p.startsWith(`${key}.`) || p.startsWith(`${key}[`));

/** A managed node group's rolling update: its nodes in batches of `maxUnavailable`, one after another. */
function rollingUpdate(r: RecordedResource): TimedResource {
    const nodes = Math.max(1, numberAt(r, "scalingConfig.desiredSize") ?? numberAt(r, "scalingConfig.minSize") ?? 1);
    const percent = numberAt(r, "updateConfig.maxUnavailablePercentage");
    const perBatch = Math.max(1, numberAt(r, "updateConfig.maxUnavailable") ?? (percent === undefined ? 1 : Math.floor((nodes * percent) / 100)));
    const batches = Math.ceil(nodes / perBatch);
    const duration = inSequence(...Array.from({ length: batches }, () => UPDATE_DURATIONS.nodeGroupBatch));
    return { duration: { ...duration, source: UPDATE_DURATIONS.nodeGroupBatch.source }, basis: `rolling update: ${nodes} node(s), ${perBatch} at a time (${batches} batch${batches === 1 ? "" : "es"})` };
}

/** How long updating one resource takes, given the inputs that changed. */
export function updateDurationOf(r: RecordedResource, inputs: readonly string[]): TimedResource {
    const timed = (duration: Duration, basis: string): TimedResource => ({ duration, basis });
    switch (r.type) {
        case "eks:index:Cluster":
        case "aws:eks/cluster:Cluster":
            return touches(inputs, "version") ? timed(UPDATE_DURATIONS.eksControlPlaneUpgrade, "EKS control plane version update") : timed(UPDATE_DURATIONS.inPlace, "cluster setting");
        case "aws:eks/addon:Addon":
            return timed(UPDATE_DURATIONS.eksAddonUpdate, touches(inputs, "addonVersion") ? "EKS managed add-on version update" : "EKS managed add-on update");
        case "aws:eks/nodeGroup:NodeGroup":
            // A new version, AMI or launch template replaces every node; scaling settings do not.
            return ["version", "releaseVersion", "launchTemplate", "amiType"].some((k) => touches(inputs, k)) ? rollingUpdate(r) : timed(UPDATE_DURATIONS.inPlace, "node group setting");
        case "aws:rds/instance:Instance": {
            // A class or version change builds the instance anew underneath (Multi-AZ: the standby first, then a failover).
            const d = r.inputs.multiAz === true ? DURATIONS.rdsMultiAz : DURATIONS.rdsSingleAz;
            return RDS_MODIFYING_INPUTS.some((k) => touches(inputs, k))
                ? timed({ ...d, estimate: true }, "RDS modification, as long as creating the instance")
                : timed(UPDATE_DURATIONS.inPlace, "database setting");
        }
        case "kubernetes:helm.sh/v3:Release": {
            const name = chartName(r);
            const known = name === undefined ? undefined : HELM_CHART_DURATIONS[name];
            return known ? timed(known, `helm upgrade ${name}`) : timed(DURATIONS.helmOther, `helm upgrade ${name ?? "(unnamed)"}, not measured`);
        }
        default:
            return r.custom ? timed(UPDATE_DURATIONS.inPlace, "update in place") : timed(DURATIONS.instant, "component");
    }
}

/** Changed resources as steps of the change, timed with `scenario` durations; everything else is instant. */
function changeSchedule(run: ProgramRun, changed: ReadonlyMap<string, readonly string[]>, scenario: Scenario) {
    const index = indexRun(run);
    return schedule(
        run.resources.map((r) => {
            const inputs = changed.get(r.urn);
            return {
                id: r.urn,
                parent: r.parent !== undefined && index.byUrn.has(r.parent) ? r.parent : undefined,
                after: r.provider !== undefined && index.byUrn.has(r.provider) ? [...r.dependencies, r.provider] : r.dependencies,
                seconds: inputs === undefined ? 0 : secondsOf(updateDurationOf(r, inputs).duration, scenario),
            };
        }),
    );
}

/**
 * The changed resources with what follows from them: a node group whose launch template gets a new version
 * rolls its nodes although its own inputs show no change until the template is applied.
 */
function withFollowers(run: ProgramRun, changed: ReadonlyMap<string, readonly string[]>): ReadonlyMap<string, readonly string[]> {
    const all = new Map(changed);
    for (const r of run.resources) {
        if (r.type === "aws:eks/nodeGroup:NodeGroup" && !touches(all.get(r.urn) ?? [], "launchTemplate") && (r.inputDependencies.launchTemplate ?? []).some((u) => changed.has(u))) {
            all.set(r.urn, [...(all.get(r.urn) ?? []), "launchTemplate"]);
        }
    }
    return all;
}

/** The time a change takes, and each changed resource's place in it. `changed` maps URNs to changed input paths. */
export function estimateChange(run: ProgramRun, direct: ReadonlyMap<string, readonly string[]>): ChangeEstimate {
    const changed = withFollowers(run, direct);
    const typical = changeSchedule(run, changed, "typical");
    const steps = run.resources
        // Components finish with their children; a packaged one (the EKS cluster) stands for them.
        .filter((r) => changed.has(r.urn) && (r.custom || r.remote))
        .map((r) => {
            const inputs = changed.get(r.urn) as readonly string[];
            const timed = updateDurationOf(r, inputs);
            const times = typical.times.get(r.urn);
            const seconds = secondsOf(timed.duration, "typical");
            return {
                urn: r.urn,
                resource: label(r),
                inputs,
                minutes: seconds / 60,
                startMinutes: (times?.startSeconds ?? 0) / 60,
                finishMinutes: (times?.finishSeconds ?? seconds) / 60,
                basis: timed.basis,
                estimate: Boolean(timed.duration.estimate),
            };
        })
        .sort((a, b) => a.startMinutes - b.startMinutes || a.finishMinutes - b.finishMinutes || a.resource.localeCompare(b.resource));
    return {
        steps,
        totalMinutes: typical.totalSeconds / 60,
        rangeMinutes: { min: changeSchedule(run, changed, "min").totalSeconds / 60, max: changeSchedule(run, changed, "max").totalSeconds / 60 },
    };
}
