import type { RecordedResource } from "../../offline/run";
import { PLANNED_NODES_ANNOTATION } from "../../components/cluster/nodePools";
import { AUTO_MODE_FEE, AUTO_MODE_NODE_DISK_GB, HOURS_PER_MONTH, PRICES, formatPrice } from "./prices";
import { Line, MONTH, Pricer, PricingContext, instancesLine, monthly, plural } from "./pricers";
import { annotationOf } from "./ingress";
import { arrayAt, stringAt } from "./resources";

/** Type tokens of the NodePools that Karpenter and EKS Auto Mode read, and of Karpenter's EC2NodeClass. */
export const NODE_POOL_TYPE = "kubernetes:karpenter.sh/v1:NodePool";
export const EC2_NODE_CLASS_TYPE = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

/** The API group of Auto Mode's NodeClass: a pool that references it runs managed instances. */
const AUTO_MODE_NODE_CLASS_GROUP = "eks.amazonaws.com";

/**
 * What a recorded NodePool may run, read from its spec: the instance and capacity types its requirements
 * allow, the CPU and memory its `limits` stop at, and the nodes it is planned to run (the
 * `platform.io/planned-nodes` annotation, the desired size of the node group it stands for). A pool
 * without limits has no ceiling (`undefined`), which is what the capacity analysis must know.
 */
export interface RecordedPoolCapacity {
    readonly pool: string;
    readonly instanceTypes: readonly string[];
    readonly capacityTypes: readonly string[];
    readonly cpu?: number;
    readonly memoryGiB?: number;
    readonly plannedNodes?: number;
    /** `{ group, kind, name }` of the NodeClass the pool launches with. */
    readonly nodeClassRef: { readonly group?: string; readonly kind?: string; readonly name?: string };
}

/** Values of one `In` requirement of the pool's node template. */
function requirement(r: RecordedResource, key: string): string[] {
    const reqs = (arrayAt(r, "spec.template.spec.requirements") ?? []) as { key?: unknown; operator?: unknown; values?: unknown }[];
    const found = reqs.find((q) => q.key === key && q.operator === "In");
    return Array.isArray(found?.values) ? found.values.filter((v): v is string => typeof v === "string") : [];
}

/** `16`, `"16"`, `"16000m"` → 16 vCPUs. */
function cpuOf(value: unknown): number | undefined {
    const s = String(value ?? "");
    const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(s);
    return m === null ? undefined : Number(m[1]) / (m[2] === "m" ? 1000 : 1);
}

const MEMORY_UNITS: Readonly<Record<string, number>> = { Ki: 1 / 1024 ** 2, Mi: 1 / 1024, Gi: 1, Ti: 1024 };

/** `"64Gi"`, `"1Ti"` → GiB. */
function memoryOf(value: unknown): number | undefined {
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)$/.exec(String(value ?? ""));
    return m === null ? undefined : Number(m[1]) * (MEMORY_UNITS[m[2]] as number);
}

export function recordedPoolCapacity(r: RecordedResource): RecordedPoolCapacity {
    const raw = annotationOf(r, PLANNED_NODES_ANNOTATION);
    const planned = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
    const spec = (r.inputs.spec ?? {}) as { limits?: { cpu?: unknown; memory?: unknown }; template?: { spec?: { nodeClassRef?: Record<string, unknown> } } };
    const ref = spec.template?.spec?.nodeClassRef ?? {};
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    return {
        pool: stringAt(r, "metadata.name") ?? r.name,
        instanceTypes: requirement(r, "node.kubernetes.io/instance-type"),
        capacityTypes: requirement(r, "karpenter.sh/capacity-type"),
        cpu: spec.limits?.cpu === undefined ? undefined : cpuOf(spec.limits.cpu),
        memoryGiB: spec.limits?.memory === undefined ? undefined : memoryOf(spec.limits.memory),
        plannedNodes: planned,
        nodeClassRef: { group: str(ref.group), kind: str(ref.kind), name: str(ref.name) },
    };
}

/** GB of EBS per node of a pool: the sum of its EC2NodeClass's volumes, or Auto Mode's default NodeClass size. */
function poolDiskGb(pool: RecordedPoolCapacity, ctx: PricingContext): { gb: number; from: string; estimate: boolean } | undefined {
    if (pool.nodeClassRef.group === AUTO_MODE_NODE_CLASS_GROUP) {
        return { gb: AUTO_MODE_NODE_DISK_GB.value, from: "Auto Mode NodeClass default", estimate: true };
    }
    const nodeClass = ctx.index.run.resources.find((c) => c.type === EC2_NODE_CLASS_TYPE && stringAt(c, "metadata.name") === pool.nodeClassRef.name);
    const volumes = ((nodeClass === undefined ? undefined : arrayAt(nodeClass, "spec.blockDeviceMappings")) ?? []) as { ebs?: { volumeSize?: unknown } }[];
    const sizes = volumes.map((v) => memoryOf(v.ebs?.volumeSize));
    if (nodeClass === undefined || sizes.length === 0 || sizes.some((s) => s === undefined)) {
        return undefined;
    }
    return { gb: (sizes as number[]).reduce((a, b) => a + b, 0), from: `EC2NodeClass ${pool.nodeClassRef.name}`, estimate: false };
}

/**
 * A NodePool at its planned size: its instances (Karpenter launches the cheapest on-demand type that fits, so
 * the cheapest listed type prices on-demand pools; spot pools are priced as node groups are), their volumes
 * and, on Auto Mode's NodeClass, the management fee per instance. A pool with no planned size is reported
 * and left out: what it runs depends on the pods alone.
 */
export const nodePool: Pricer = (r, ctx) => {
    const pool = recordedPoolCapacity(r);
    if (pool.plannedNodes === undefined) {
        ctx.warn(`${r.type}::${r.name}: no ${PLANNED_NODES_ANNOTATION} annotation; its nodes are not priced`);
        return [];
    }
    if (pool.plannedNodes === 0) {
        return [];
    }
    const count = pool.plannedNodes;
    const spot = pool.capacityTypes.includes("spot");
    const instances = instancesLine(r, ctx, { count, types: pool.instanceTypes, spot, onDemandPick: "cheapest", sized: "planned nodes" });
    if (instances === undefined) {
        return [];
    }
    const lines: Line[] = [instances.line];
    const disk = poolDiskGb(pool, ctx);
    if (disk === undefined) {
        ctx.warn(`${r.type}::${r.name}: no volume sizes on its NodeClass; its volumes are not priced`);
    } else {
        lines.push(monthly(count * disk.gb, `GB gp3 (${plural(count, "node")} × ${disk.gb} GB, ${disk.from})`, PRICES.ebsGp3, `${r.name} volumes`, disk.estimate));
    }
    if (pool.nodeClassRef.group === AUTO_MODE_NODE_CLASS_GROUP) {
        // The fee is charged per instance on its on-demand price, however the instance is bought.
        const fee = instances.price.usd * AUTO_MODE_FEE.value;
        lines.push({
            resource: `${r.name} Auto Mode fee`,
            monthlyUsd: count * fee * HOURS_PER_MONTH,
            basis: `${count} × ${instances.type} × ${formatPrice(instances.price)} on-demand × ${AUTO_MODE_FEE.value * 100} % Auto Mode fee × ${MONTH} (estimate)`,
            estimate: true,
        });
    }
    return lines;
};

export const NODE_POOL_PRICERS: Readonly<Record<string, Pricer>> = { [NODE_POOL_TYPE]: nodePool };
