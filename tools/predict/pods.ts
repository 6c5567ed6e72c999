import type { Manifest } from "../../offline/manifests";
import type { PodShape } from "../../lib/podSecurity";
import { NODE_GROUP_LABEL } from "../../lib/kubernetesSpecs";
import { cpuMillis, memoryBytes } from "../../lib/quantity";

/**
 * The pods a stack will run, as plain facts the predictions share: where each runs (namespace, node
 * group), how it is labelled and which ports it serves (for network policies), what it requests and how
 * many of it there are at least and at most (for capacity), and its spec as Pod Security sees it. Pure:
 * built from the Kubernetes objects the program applies and from what the add-ons declare.
 */

/** How many copies of a pod run: a range, or one on every node of its group (a DaemonSet). */
export type PodCount = { readonly min: number; readonly max: number } | "per-node";

export interface PlannedPod {
    /** What runs it, as people read it: `Deployment api/api`, `add-on kubePrometheusStack prometheus`. */
    readonly owner: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    /** Container ports by name, for policies and Services that name a port. */
    readonly namedPorts: Readonly<Record<string, number>>;
    /** The node group its node selector asks for; absent when it may run on any node. */
    readonly nodeGroup?: string;
    /** What one pod requests: the sum over its containers, or its largest init container if that is more. */
    readonly requests: { readonly cpuMillis: number; readonly memoryBytes: number };
    readonly count: PodCount;
    /** The pod as Pod Security judges it. */
    readonly shape: PodShape;
    /** Shares the node's network: it takes no pod address and network policies do not select it. */
    readonly hostNetwork: boolean;
}

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

const quantity = (v: unknown, parse: (q: string) => number): number => {
    const n = typeof v === "number" ? parse(String(v)) : typeof v === "string" ? parse(v) : 0;
    return Number.isFinite(n) ? n : 0;
};

/** What a pod spec requests, as the scheduler adds it up (init containers run one at a time, before the rest). */
export function podRequests(spec: Obj): { cpuMillis: number; memoryBytes: number } {
    const of = (c: Obj) => {
        const r = rec(rec(c.resources).requests);
        return { cpuMillis: quantity(r.cpu, cpuMillis), memoryBytes: quantity(r.memory, memoryBytes) };
    };
    const main = list(spec.containers).map(of).reduce((a, b) => ({ cpuMillis: a.cpuMillis + b.cpuMillis, memoryBytes: a.memoryBytes + b.memoryBytes }), { cpuMillis: 0, memoryBytes: 0 });
    const init = list(spec.initContainers).map(of);
    return {
        cpuMillis: Math.max(main.cpuMillis, ...init.map((i) => i.cpuMillis)),
        memoryBytes: Math.max(main.memoryBytes, ...init.map((i) => i.memoryBytes)),
    };
}

/** Container ports by name, over every container of the pod. */
export function namedPortsOf(spec: Obj): Record<string, number> {
    return Object.fromEntries(
        list(spec.containers).flatMap((c) => list(c.ports).flatMap((p) => (typeof p.name === "string" && typeof p.containerPort === "number" ? [[p.name, p.containerPort]] : []))),
    );
}

/** The pod template of a workload object, and how many pods it asks for before any autoscaler. */
function templateOf(m: Manifest): { template: Obj; count: PodCount } | undefined {
    const spec = rec(m.spec);
    switch (m.kind) {
        case "Deployment":
        case "StatefulSet": {
            const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
            return { template: rec(spec.template), count: { min: replicas, max: replicas } };
        }
        case "DaemonSet":
            return { template: rec(spec.template), count: "per-node" };
        case "Job":
            return { template: rec(spec.template), count: { min: 0, max: typeof spec.parallelism === "number" ? spec.parallelism : 1 } };
        case "CronJob": {
            // Forbid keeps one run at a time; otherwise runs may overlap, counted here as two.
            const job = rec(rec(spec.jobTemplate).spec);
            const parallel = typeof job.parallelism === "number" ? job.parallelism : 1;
            return { template: rec(job.template), count: { min: 0, max: parallel * (spec.concurrencyPolicy === "Forbid" ? 1 : 2) } };
        }
        default:
            return undefined;
    }
}

/** Replica bounds that an HPA or a KEDA ScaledObject sets for the workload it targets, by `Kind namespace/name`. */
function autoscaled(manifests: readonly Manifest[]): Map<string, { min: number; max: number }> {
    const bounds = new Map<string, { min: number; max: number }>();
    for (const m of manifests) {
        const spec = rec(m.spec);
        const target = rec(spec.scaleTargetRef);
        const key = `${String(target.kind ?? "Deployment")} ${m.metadata.namespace ?? "default"}/${String(target.name)}`;
        if (m.kind === "HorizontalPodAutoscaler") {
            bounds.set(key, { min: typeof spec.minReplicas === "number" ? spec.minReplicas : 1, max: Number(spec.maxReplicas) });
        } else if (m.kind === "ScaledObject") {
            // KEDA scales to zero when minReplicaCount is 0 (its default), and to 100 by default at most.
            bounds.set(key, { min: typeof spec.minReplicaCount === "number" ? spec.minReplicaCount : 0, max: typeof spec.maxReplicaCount === "number" ? spec.maxReplicaCount : 100 });
        }
    }
    return bounds;
}

/** Every pod the program's own workload objects run, with autoscaler bounds applied. */
export function podsOfManifests(manifests: readonly Manifest[]): PlannedPod[] {
    const bounds = autoscaled(manifests);
    return manifests.flatMap((m) => {
        const found = templateOf(m);
        if (found === undefined) {
            return [];
        }
        const namespace = m.metadata.namespace ?? "default";
        const spec = rec(found.template.spec);
        const metadata = rec(found.template.metadata);
        const owner = `${m.kind} ${namespace}/${m.metadata.name}`;
        const pod: PlannedPod = {
            owner,
            namespace,
            labels: rec(metadata.labels) as Record<string, string>,
            namedPorts: namedPortsOf(spec),
            nodeGroup: rec(spec.nodeSelector)[NODE_GROUP_LABEL] as string | undefined,
            requests: podRequests(spec),
            count: bounds.get(owner) ?? found.count,
            shape: { metadata: { annotations: rec(metadata.annotations) as Record<string, string> }, spec: spec as unknown as PodShape["spec"] },
            hostNetwork: spec.hostNetwork === true,
        };
        return [pod];
    });
}

/** Labels of every Namespace object, by name; `kubernetes.io/metadata.name` as the API server adds it. */
export function namespaceLabels(manifests: readonly Manifest[]): Map<string, Record<string, string>> {
    return new Map(manifests.filter((m) => m.kind === "Namespace").map((m) => [m.metadata.name, { ...(m.metadata.labels ?? {}), "kubernetes.io/metadata.name": m.metadata.name }]));
}
