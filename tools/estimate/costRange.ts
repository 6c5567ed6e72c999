import type { ProgramRun } from "../../offline/run";
import { CostEstimate, CostOptions, estimateCost } from "./cost";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

/**
 * The run as it would bill with every node group scaled out to its maximum size: what autoscaling can
 * spend. Only the node groups' desired size changes, so the difference from the estimate at desired size
 * is the instances and root volumes the autoscaler may add.
 */
export function atMaximumSize(run: ProgramRun): ProgramRun {
    return {
        ...run,
        resources: run.resources.map((r) => {
            const scaling = r.inputs.scalingConfig as { maxSize?: unknown } | undefined;
            if (r.type !== NODE_GROUP || typeof scaling?.maxSize !== "number") {
                return r;
            }
            return { ...r, inputs: { ...r.inputs, scalingConfig: { ...scaling, desiredSize: scaling.maxSize } } };
        }),
    };
}

/** The monthly estimate at node groups' maximum size (see {@link atMaximumSize}). */
export function estimateCostAtMaximum(run: ProgramRun, options: CostOptions = {}): CostEstimate {
    return estimateCost(atMaximumSize(run), options);
}
