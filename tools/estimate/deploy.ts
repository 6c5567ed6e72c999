import type { ProgramRun } from "../../offline/run";
import { Scenario, durationOf, secondsOf } from "./durations";
import { Step, schedule, waitChain } from "./graph";
import { indexRun, label } from "./resources";

/** One resource on the critical path. */
export interface PathStep {
    /** `type::name`. */
    readonly resource: string;
    readonly urn: string;
    /** The resource's own create time. */
    readonly minutes: number;
    readonly startMinutes: number;
    readonly finishMinutes: number;
    /** Why that duration: `RDS Multi-AZ`, `EKS managed node group`… */
    readonly basis: string;
}

export interface DeployEstimate {
    /** Length of the critical path with typical durations: the estimated time of a first `pulumi up`. */
    readonly criticalPathMinutes: number;
    /** The same with every resource at its fastest and at its slowest quoted time. */
    readonly rangeMinutes: { readonly min: number; readonly max: number };
    readonly path: PathStep[];
    /** Earliest start of every resource, by URN, with typical durations. */
    readonly startMinutes: ReadonlyMap<string, number>;
    /** Earliest finish of every resource, by URN, with typical durations. */
    readonly finishMinutes: ReadonlyMap<string, number>;
    readonly warnings: string[];
}

/**
 * The run as steps: each resource waits for its recorded dependencies (inputs and `dependsOn`, components
 * already expanded to their children by the SDK) and for its explicit provider, whose configuration is
 * itself built from other resources' outputs (a cluster's kubeconfig).
 */
export function deploySteps(run: ProgramRun, scenario: Scenario = "typical"): Step[] {
    const index = indexRun(run);
    return run.resources.map((r) => ({
        id: r.urn,
        parent: r.parent !== undefined && index.byUrn.has(r.parent) ? r.parent : undefined,
        after: r.provider !== undefined && index.byUrn.has(r.provider) ? [...r.dependencies, r.provider] : r.dependencies,
        seconds: secondsOf(durationOf(r, index).duration, scenario),
    }));
}

/** Seconds to minutes, the unit a plan reports. */
const minutes = (seconds: number): number => seconds / 60;

/**
 * Time to create the stack from nothing: the longest chain of waits through the recorded dependency graph,
 * with every independent resource created in parallel as the engine does.
 */
export function estimateDeploy(run: ProgramRun): DeployEstimate {
    const index = indexRun(run);
    const typical = schedule(deploySteps(run, "typical"));
    const fastest = schedule(deploySteps(run, "min"));
    const slowest = schedule(deploySteps(run, "max"));
    const path = typical.criticalPath.map((urn) => {
        const r = index.byUrn.get(urn);
        const times = typical.times.get(urn);
        if (r === undefined || times === undefined) {
            throw new Error(`critical path names ${urn}, which the run does not record`);
        }
        const timed = durationOf(r, index);
        return {
            resource: label(r),
            urn,
            minutes: minutes(secondsOf(timed.duration, "typical")),
            startMinutes: minutes(times.startSeconds),
            finishMinutes: minutes(times.finishSeconds),
            basis: timed.basis,
        };
    });
    const warnings = typical.unknownIds.map((id) => `a dependency outside the run was ignored: ${id}`);
    return {
        criticalPathMinutes: minutes(typical.totalSeconds),
        rangeMinutes: { min: minutes(fastest.totalSeconds), max: minutes(slowest.totalSeconds) },
        path,
        startMinutes: new Map([...typical.times].map(([urn, t]) => [urn, minutes(t.startSeconds)])),
        finishMinutes: new Map([...typical.times].map(([urn, t]) => [urn, minutes(t.finishSeconds)])),
        warnings,
    };
}

/**
 * Why `later` has to wait for `earlier` during a first deploy, as a chain of `type::name` from `earlier`
 * to `later`; undefined when it does not wait. Both are URNs of the run.
 */
export function whyWaits(run: ProgramRun, later: string, earlier: string): string[] | undefined {
    const index = indexRun(run);
    const chain = waitChain(deploySteps(run), later, earlier);
    return chain?.map((urn) => {
        const r = index.byUrn.get(urn);
        return r === undefined ? urn : label(r);
    });
}
