import { Allocatable, allocatable } from "../../config/nodeCapacity";
import type { PlannedPod } from "./pods";

/**
 * Whether the pods fit their node groups: per group, the pods pinned to it (and every DaemonSet, one per
 * node) at their minimum and at their maximum counts, packed first-fit by decreasing size onto the group
 * at its maximum size, each node counted as its weakest listed instance type (the group may launch any of
 * them). It fails when even the minimum does not fit, or when a pod is larger than the largest type; it
 * warns when the maximum does not fit. Pods pinned to no group are packed on what the groups leave free.
 */

export interface NodeGroupFacts {
    /** The group's value of the node-group label (`system`, `apps`). */
    readonly name: string;
    readonly instanceTypes: readonly string[];
    readonly minSize: number;
    readonly desiredSize: number;
    readonly maxSize: number;
    /** What one node offers, for a node that is no EC2 type (a laptop cluster's). Defaults to the weakest listed type's figures. */
    readonly node?: Allocatable;
}

interface Demand {
    readonly cpuMillis: number;
    readonly memoryBytes: number;
    readonly pods: number;
}

export interface GroupCapacity {
    readonly group: string;
    readonly maxSize: number;
    /** Allocatable of one node, as its weakest listed type. */
    readonly node: Allocatable;
    /** Allocatable of the group at its maximum size. */
    readonly capacity: Demand;
    readonly atMinimum: Demand & { readonly fits: boolean };
    readonly atMaximum: Demand & { readonly fits: boolean };
    /** Pods whose requests exceed the largest listed type: never schedulable. */
    readonly tooLarge: string[];
}

export interface Capacity {
    readonly groups: GroupCapacity[];
    /** Pods no group can take: pinned to a group the stack does not have. */
    readonly homeless: string[];
    /** Why the plan fails: the minimum does not fit, or a pod is too large. */
    readonly failures: string[];
    /** What may not be schedulable at the maximum. */
    readonly warnings: string[];
}

/** The weakest node of the group: the least of each measure over its listed types. */
export function weakestNode(types: readonly string[]): Allocatable {
    const all = types.map(allocatable);
    return { cpuMillis: Math.min(...all.map((a) => a.cpuMillis)), memoryBytes: Math.min(...all.map((a) => a.memoryBytes)), pods: Math.min(...all.map((a) => a.pods)) };
}

function strongestNode(types: readonly string[]): Allocatable {
    const all = types.map(allocatable);
    return { cpuMillis: Math.max(...all.map((a) => a.cpuMillis)), memoryBytes: Math.max(...all.map((a) => a.memoryBytes)), pods: Math.max(...all.map((a) => a.pods)) };
}

/** Packs the pods first-fit by decreasing size onto `nodes` nodes whose free room is given; true when all fit. */
export function packs(pods: readonly { cpuMillis: number; memoryBytes: number }[], free: Demand[]): boolean {
    const sorted = [...pods].sort((a, b) => b.memoryBytes - a.memoryBytes || b.cpuMillis - a.cpuMillis);
    for (const p of sorted) {
        const node = free.findIndex((f) => f.cpuMillis >= p.cpuMillis && f.memoryBytes >= p.memoryBytes && f.pods >= 1);
        if (node < 0) {
            return false;
        }
        const f = free[node];
        free[node] = { cpuMillis: f.cpuMillis - p.cpuMillis, memoryBytes: f.memoryBytes - p.memoryBytes, pods: f.pods - 1 };
    }
    return true;
}

const copies = (pod: PlannedPod, bound: "min" | "max"): number => (pod.count === "per-node" ? 0 : pod.count[bound]);
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)}Gi`;

/** Judges the pods against the node groups; see the module comment. */
export function evaluateCapacity(pods: readonly PlannedPod[], groups: readonly NodeGroupFacts[]): Capacity {
    const failures: string[] = [];
    const warnings: string[] = [];
    const perNode = pods.filter((p) => p.count === "per-node" && !p.hostNetwork);
    const perNodeHost = pods.filter((p) => p.count === "per-node" && p.hostNetwork);
    const names = new Set(groups.map((g) => g.name));
    const homeless = pods.filter((p) => p.nodeGroup !== undefined && !names.has(p.nodeGroup)).map((p) => p.owner);
    const unpinned = pods.filter((p) => p.nodeGroup === undefined && p.count !== "per-node");
    const leftovers: Record<"min" | "max", Demand[]> = { min: [], max: [] };
    const results = groups.map((g): GroupCapacity => {
        const node = g.node ?? weakestNode(g.instanceTypes);
        // DaemonSets take their share of every node before anything else is placed; host-network ones take no pod address.
        const reserved = (p: readonly PlannedPod[]) => p.reduce((a, x) => ({ cpuMillis: a.cpuMillis + x.requests.cpuMillis, memoryBytes: a.memoryBytes + x.requests.memoryBytes }), { cpuMillis: 0, memoryBytes: 0 });
        const daemons = reserved([...perNode, ...perNodeHost]);
        const room: Demand = { cpuMillis: node.cpuMillis - daemons.cpuMillis, memoryBytes: node.memoryBytes - daemons.memoryBytes, pods: node.pods - perNode.length };
        const pinned = pods.filter((p) => p.nodeGroup === g.name && p.count !== "per-node");
        const largest = g.node ?? strongestNode(g.instanceTypes);
        const tooLarge = pinned.filter((p) => p.requests.cpuMillis > largest.cpuMillis - daemons.cpuMillis || p.requests.memoryBytes > largest.memoryBytes - daemons.memoryBytes).map((p) => p.owner);
        const judge = (bound: "min" | "max") => {
            const list = pinned.flatMap((p) => Array.from({ length: copies(p, bound) }, () => p.requests));
            const free = Array.from({ length: g.maxSize }, () => ({ ...room }));
            const fits = packs(list, free);
            leftovers[bound].push(...free);
            const total = list.reduce((a, r) => ({ cpuMillis: a.cpuMillis + r.cpuMillis, memoryBytes: a.memoryBytes + r.memoryBytes }), { cpuMillis: 0, memoryBytes: 0 });
            return { cpuMillis: total.cpuMillis + daemons.cpuMillis * g.maxSize, memoryBytes: total.memoryBytes + daemons.memoryBytes * g.maxSize, pods: list.length + perNode.length * g.maxSize, fits };
        };
        const atMinimum = judge("min");
        const atMaximum = judge("max");
        const capacity = { cpuMillis: node.cpuMillis * g.maxSize, memoryBytes: node.memoryBytes * g.maxSize, pods: node.pods * g.maxSize };
        if (tooLarge.length > 0) {
            failures.push(`node group ${g.name}: ${tooLarge.join(", ")} request(s) more than its largest type (${g.instanceTypes.join("|")}) offers`);
        }
        const used = (d: Demand) => `${d.cpuMillis}m CPU, ${gib(d.memoryBytes)}, ${d.pods} pods`;
        const of = `${g.maxSize} × ${g.instanceTypes.join("|")} offer ${used(capacity)}`;
        if (!atMinimum.fits) {
            failures.push(`node group ${g.name}: its pods at their minimum (${used(atMinimum)}) do not fit; ${of}`);
        } else if (!atMaximum.fits) {
            warnings.push(`node group ${g.name}: its pods at their maximum (${used(atMaximum)}) do not fit; ${of}`);
        }
        return { group: g.name, maxSize: g.maxSize, node, capacity, atMinimum, atMaximum, tooLarge };
    });
    for (const bound of ["min", "max"] as const) {
        const list = unpinned.flatMap((p) => Array.from({ length: copies(p, bound) }, () => p.requests));
        if (!packs(list, leftovers[bound])) {
            (bound === "min" ? failures : warnings).push(`pods pinned to no node group (${unpinned.map((p) => p.owner).join(", ")}) do not fit in what the groups leave free at their ${bound === "min" ? "minimum" : "maximum"}`);
        }
    }
    if (homeless.length > 0) {
        failures.push(`${homeless.join(", ")}: pinned to a node group the stack does not have`);
    }
    return { groups: results, homeless, failures, warnings };
}
