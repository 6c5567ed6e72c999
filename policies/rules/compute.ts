import { PlatformPolicy, ofTypes, resourceRule } from "../lib/rule";
import { at, isRecord, isUnknown, list, str, strings } from "../lib/values";

/** Who runs the nodes: managed node groups and Karpenter or Auto Mode NodePools. */

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";

/** The values a NodePool's requirement on a label allows (`In` only; other operators read as undecidable). */
function requirementValues(props: Record<string, unknown>, key: string): string[] | undefined {
    const requirement = list(at(props, "spec.template.spec.requirements")).filter(isRecord).find((r) => r.key === key);
    return requirement === undefined || requirement.operator !== "In" ? undefined : strings(requirement.values);
}

export const onDemandCapacity = resourceRule({
    name: "compute-on-demand",
    summary: "Nodes are on-demand: no managed node group runs SPOT capacity and no NodePool allows spot, so that spot reclaims cannot take capacity away at once.",
    controls: ["Platform"],
    severity: "medium",
    appliesTo: ofTypes(NODE_GROUP, NODE_POOL),
    validate: (r, report) => {
        if (r.type === NODE_GROUP) {
            if (r.props.capacityType === "SPOT") {
                report("capacityType is SPOT; use ON_DEMAND (platform:cluster.nodeGroups.<group>.capacityType)");
            }
            return;
        }
        // Karpenter and Auto Mode launch on-demand only, unless the pool allows spot through this requirement.
        if ((requirementValues(r.props, "karpenter.sh/capacity-type") ?? []).includes("spot")) {
            report('allows spot through karpenter.sh/capacity-type; allow only "on-demand" (platform:cluster.nodeGroups.<group>.capacityType ON_DEMAND)');
        }
    },
});

export const nodePoolDisruptionBudget = resourceRule({
    name: "nodepool-disruption-budget",
    summary: "Every NodePool limits how many of its nodes consolidation, drift and expiry may disrupt at once (a budget below 100 %), so that an AMI rollout or a consolidation wave cannot drain the pool in one go.",
    controls: ["Platform"],
    severity: "medium",
    appliesTo: ofTypes(NODE_POOL),
    validate: (r, report) => {
        const budgets = at(r.props, "spec.disruption.budgets");
        if (isUnknown(budgets)) {
            return;
        }
        const all = list(budgets).filter(isRecord);
        if (all.length === 0) {
            report("has no spec.disruption.budgets; Karpenter's default lets 10 % go, Auto Mode's too, but the pool should say so: add { nodes: \"10%\" }");
            return;
        }
        const unbounded = all.filter((b) => b.schedule === undefined && (str(b.nodes) === "100%" || str(b.nodes) === undefined));
        if (unbounded.length > 0) {
            report(`has a budget that lets every node go at once (${JSON.stringify(unbounded[0])}); bound nodes below 100 %`);
        }
    },
});

export const nodePoolLimits = resourceRule({
    name: "nodepool-limits",
    summary: "Every NodePool sets spec.limits on CPU and memory, so that a runaway scale-out stops at a known ceiling (and a known bill).",
    controls: ["Platform"],
    severity: "medium",
    appliesTo: ofTypes(NODE_POOL),
    validate: (r, report) => {
        const limits = at(r.props, "spec.limits");
        if (isUnknown(limits)) {
            return;
        }
        const missing = ["cpu", "memory"].filter((k) => !isRecord(limits) || limits[k] === undefined);
        if (missing.length > 0) {
            report(`spec.limits lacks ${missing.join(" and ")}; set both from the node group's maxSize`);
        }
    },
});

export const COMPUTE_POLICIES: readonly PlatformPolicy[] = [onDemandCapacity, nodePoolDisruptionBudget, nodePoolLimits];
