import { NODE_INSTANCE_SIZES } from "../../config/catalog";
import type { NodeGroupSettings } from "../../config/schema";
import { NODE_GROUP_LABEL } from "../../lib/kubernetesSpecs";

/**
 * NodePools (karpenter.sh/v1) for Karpenter and EKS Auto Mode, built from the same node-group settings that
 * size managed node groups, so that every compute mode offers the same instance types and the same ceiling.
 * Pure data: the plan's capacity analysis reads {@link poolCapacity} without building anything.
 */

/** The most a pool may run: its instance types, and the CPU and memory that Karpenter stops launching at. */
export interface PoolCapacity {
    readonly instanceTypes: readonly string[];
    /** Largest number of nodes of the largest type the limits allow: the managed node group's `maxSize`. */
    readonly maxNodes: number;
    /** vCPUs, as NodePool `spec.limits.cpu`. */
    readonly cpu: number;
    /** GiB, as NodePool `spec.limits.memory` (`<n>Gi`). */
    readonly memoryGiB: number;
    readonly capacityTypes: readonly ("on-demand" | "spot")[];
}

/**
 * A pool's ceiling from a node group's settings: `maxSize` nodes of its largest instance type. Karpenter
 * launches nodes until the sum over the pool's nodes reaches a limit; with these limits the pool never holds
 * more than the managed node group could.
 */
export function poolCapacity(group: NodeGroupSettings): PoolCapacity {
    const sizes = group.instanceTypes.map((t) => {
        const size = NODE_INSTANCE_SIZES[t];
        if (size === undefined) {
            throw new Error(`no size for instance type ${t} in config/catalog.ts NODE_INSTANCE_SIZES`);
        }
        return size;
    });
    return {
        instanceTypes: [...group.instanceTypes],
        maxNodes: group.maxSize,
        cpu: group.maxSize * Math.max(...sizes.map((s) => s.vcpu)),
        memoryGiB: group.maxSize * Math.max(...sizes.map((s) => s.memoryGiB)),
        // Spot where the group allows it, with on-demand as the fallback Karpenter takes when spot is short.
        capacityTypes: group.capacityType === "SPOT" ? ["spot", "on-demand"] : ["on-demand"],
    };
}

/**
 * Annotation giving the number of nodes a pool is planned to run: the `desiredSize` of the node group it stands
 * for. Karpenter ignores it; the plan prices and sizes the pool with it, as it prices node groups at their
 * desired size, and reads the ceiling from `spec.limits`.
 */
export const PLANNED_NODES_ANNOTATION = "platform.io/planned-nodes";

export function plannedNodes(group: NodeGroupSettings): Record<string, string> {
    return { [PLANNED_NODES_ANNOTATION]: String(group.desiredSize) };
}

/** Architecture names as Kubernetes labels them (`kubernetes.io/arch`). */
const KUBE_ARCH: Readonly<Record<string, string>> = { arm64: "arm64", x86_64: "amd64" };

/** Disruption settings shared by every pool: consolidation on, at most a tenth of the nodes at a time. */
export const DISRUPTION = {
    consolidationPolicy: "WhenEmptyOrUnderutilized",
    consolidateAfter: "1m",
    budgets: [{ nodes: "10%" }],
} as const;

/** Nodes are replaced after 30 days, so that none runs an old AMI for long. */
export const NODE_EXPIRY = "720h";

export interface NodePoolSpecArgs {
    /** The node group the pool stands for: `system` or `apps`; its nodes carry that node-group label. Required. */
    readonly group: "system" | "apps";
    /** Instance types, capacity type and ceiling of the group. Required. */
    readonly settings: NodeGroupSettings;
    /** `arm64` or `x86_64`. Required. */
    readonly architecture: string;
    /** The NodeClass the pool launches with: Karpenter's EC2NodeClass or Auto Mode's NodeClass. Required. */
    readonly nodeClassRef: { readonly group: string; readonly kind: string; readonly name: string };
}

/** A NodePool spec (karpenter.sh/v1): the group's instance types and capacity types, its ceiling and disruption budget. */
export function nodePoolSpec(a: NodePoolSpecArgs): Record<string, unknown> {
    const capacity = poolCapacity(a.settings);
    return {
        template: {
            metadata: { labels: { [NODE_GROUP_LABEL]: a.group } },
            spec: {
                nodeClassRef: { ...a.nodeClassRef },
                requirements: [
                    { key: "node.kubernetes.io/instance-type", operator: "In", values: [...capacity.instanceTypes] },
                    { key: "karpenter.sh/capacity-type", operator: "In", values: [...capacity.capacityTypes] },
                    { key: "kubernetes.io/arch", operator: "In", values: [KUBE_ARCH[a.architecture] ?? a.architecture] },
                ],
                expireAfter: NODE_EXPIRY,
            },
        },
        disruption: { ...DISRUPTION, budgets: DISRUPTION.budgets.map((b) => ({ ...b })) },
        limits: { cpu: String(capacity.cpu), memory: `${capacity.memoryGiB}Gi` },
    };
}
