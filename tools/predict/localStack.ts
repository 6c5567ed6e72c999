import { TRAEFIK_PODS } from "../../components/local/addons";
import { AMQP_PORT, LOCAL_NAMESPACES, POSTGRES_PORT, RABBITMQ_POD_LABELS, VALKEY_POD_LABELS, VALKEY_PORT, VALKEY_RELEASE, databasePodLabels } from "../../components/local/stores";
import type { Settings } from "../../config/schema";
import type { PodEndpoint } from "../../lib/networkPolicy";
import { cpuMillis, memoryBytes } from "../../lib/quantity";
import type { Manifest } from "../../offline/manifests";
import type { ProgramRun } from "../../offline/run";
import type { NodeGroupFacts } from "./capacity";
import type { StoreAddress } from "./connectivity";
import type { PlannedPod } from "./pods";

/**
 * What the predictions assume of a local stack, which has no VPC and no node groups: its stores are pods
 * in the cluster (where the local backend puts them, with the labels its NetworkPolicies select), and the
 * cluster is one laptop node.
 */

/** The pod network of a kind cluster (its default `podSubnet`); the predictions give pods addresses in it. */
export const LOCAL_POD_CIDR = "10.244.0.0/16";

/**
 * The one node of a laptop cluster, as capacity judges it: an assumption, not a measurement: 4 CPUs and
 * 8 GiB given to the container runtime (kind and Docker Desktop run their node in it), and the kubelet's
 * default of 110 pods (Kubernetes documentation, kubelet `--max-pods`). Kind reserves nothing for the system.
 */
export const LAPTOP_NODE: NodeGroupFacts = {
    name: "laptop",
    instanceTypes: ["laptop node"],
    minSize: 1,
    desiredSize: 1,
    maxSize: 1,
    node: { cpuMillis: 4000, memoryBytes: 8 * 2 ** 30, pods: 110 },
};

/** How the plan's report names the laptop node. */
export const LAPTOP_NODE_LABEL = "1 node (assumed 4 CPU, 8Gi)";

/** Address of the k-th store pod: high in the pod network, clear of the catalog's pods. */
const storeIp = (k: number) => `10.244.200.${10 + k}`;

/**
 * The local stack's stores as in-cluster pods. Each database-using service has its own PostgreSQL, so a
 * service is judged against its own database, and one that uses none against another service's (or, with
 * no database user at all, against the one it would have).
 */
export function localStores(settings: Settings, namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>): StoreAddress[] {
    const pod = (namespace: string, labels: Record<string, string>, k: number): PodEndpoint => ({ namespace, namespaceLabels: namespaceLabels.get(namespace), labels, ip: storeIp(k) });
    const databaseUsers = settings.services.filter((svc) => (svc.uses ?? []).includes("database")).map((svc) => svc.name);
    const databaseOf = (service: string) => (databaseUsers.includes(service) ? service : (databaseUsers[0] ?? service));
    return [
        ...(settings.database.enabled ? [{ name: "database", port: POSTGRES_PORT, podsFor: (service: string) => pod(LOCAL_NAMESPACES.databases, databasePodLabels(databaseOf(service)), 0) }] : []),
        ...(settings.cache.enabled ? [{ name: "cache", port: VALKEY_PORT, podsFor: () => pod(LOCAL_NAMESPACES.cache, { ...VALKEY_POD_LABELS }, 1) }] : []),
        ...(settings.broker.enabled ? [{ name: "broker", port: AMQP_PORT, podsFor: () => pod(LOCAL_NAMESPACES.broker, { ...RABBITMQ_POD_LABELS }, 2) }] : []),
    ];
}

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/** The requests of a `resources` block (`requests.cpu`, `requests.memory`); what is absent requests nothing. */
function requestsOf(resources: unknown): PlannedPod["requests"] {
    const r = rec(rec(resources).requests);
    return { cpuMillis: typeof r.cpu === "string" ? cpuMillis(r.cpu) : 0, memoryBytes: typeof r.memory === "string" ? memoryBytes(r.memory) : 0 };
}

/** Local Helm releases whose pods the plan knows by the chart's values: release name → where the replica count and resources are. */
const LOCAL_RELEASES: Readonly<Record<string, (values: Obj) => { replicas: unknown; resources: unknown }>> = {
    traefik: (v) => ({ replicas: rec(v.deployment).replicas, resources: v.resources }),
    "cloudnative-pg": (v) => ({ replicas: v.replicaCount, resources: v.resources }),
    [VALKEY_RELEASE]: (v) => ({ replicas: 1, resources: v.resources }),
};

/**
 * The pods the local backend's operators and charts run, for capacity: each CloudNativePG `Cluster`'s
 * instances and each `RabbitmqCluster`'s replicas with the requests their specs give, and the pods of the
 * Traefik, CloudNativePG operator and Valkey releases with the requests of their values. The RabbitMQ
 * operators, applied from release manifests the plan does not fetch, are not counted.
 */
export function localStorePods(run: ProgramRun, manifests: readonly Manifest[]): PlannedPod[] {
    const base = { namedPorts: {}, shape: { spec: { containers: [] } }, hostNetwork: false };
    const count = (n: unknown) => ({ min: Number(n ?? 1), max: Number(n ?? 1) });
    const fromObjects = manifests.flatMap((m): PlannedPod[] => {
        const spec = rec(m.spec);
        const ns = m.metadata.namespace ?? "default";
        if (m.kind === "Cluster" && m.apiVersion.startsWith("postgresql.cnpg.io/")) {
            return [{ ...base, owner: `PostgreSQL ${ns}/${m.metadata.name}`, namespace: ns, labels: databasePodLabels(m.metadata.name), requests: requestsOf(spec.resources), count: count(spec.instances) }];
        }
        if (m.kind === "RabbitmqCluster") {
            return [{ ...base, owner: `RabbitMQ ${ns}/${m.metadata.name}`, namespace: ns, labels: { ...RABBITMQ_POD_LABELS }, requests: requestsOf(spec.resources), count: count(spec.replicas) }];
        }
        return [];
    });
    const fromReleases = run.resources
        .filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && typeof r.inputs.name === "string" && LOCAL_RELEASES[r.inputs.name as string] !== undefined)
        .map((r): PlannedPod => {
            const name = r.inputs.name as string;
            const { replicas, resources } = LOCAL_RELEASES[name](rec(r.inputs.values));
            // Traefik's labels let connectivity judge it as the caller of the exposed services.
            const labels = name === "traefik" ? { ...TRAEFIK_PODS.podLabels } : {};
            return { ...base, owner: `release ${name}`, namespace: String(r.inputs.namespace ?? "default"), labels, requests: requestsOf(resources), count: count(replicas) };
        });
    return [...fromObjects, ...fromReleases];
}
