import { ADDONS, AddonKey } from "../../components/addons";
import { AMQPS_PORT } from "../../components/data/broker";
import { CACHE_PORT } from "../../components/data/cache";
import { POSTGRES_PORT } from "../../components/data/database";
import { PLANNED_NODES_ANNOTATION } from "../../components/cluster/nodePools";
import { NODE_INSTANCE_SIZES } from "../../config/catalog";
import { ENVIRONMENT_SWITCHES } from "../../config/profiles";
import type { Settings } from "../../config/schema";
import { subnetLayout } from "../../lib/cidr";
import { NODE_GROUP_LABEL, TENANT_LABEL, clusterDnsAddress } from "../../lib/kubernetesSpecs";
import { cpuMillis, memoryBytes } from "../../lib/quantity";
import type { NetworkPolicyObject, ServicePort } from "../../lib/networkPolicy";
import type { Manifest } from "../../offline/manifests";
import type { ProgramRun } from "../../offline/run";
import { Admission, evaluateAdmission } from "./admission";
import { addonPods, eksAddonPods } from "./addonPods";
import { Capacity, NodeGroupFacts, evaluateCapacity } from "./capacity";
import { Connectivity, StoreAddress, evaluateConnectivity } from "./connectivity";
import { LAPTOP_NODE, LOCAL_POD_CIDR, localStorePods, localStores } from "./localStack";
import { PlannedPod, namespaceLabels, podsOfManifests } from "./pods";

/**
 * What the cluster will do with what the program applies, predicted from one recorded run: who can reach
 * whom (connectivity), which pods Pod Security admits (admission) and whether the pods fit their node
 * groups (capacity).
 */
export interface Predictions {
    readonly pods: PlannedPod[];
    readonly connectivity: Connectivity;
    readonly admission: Admission;
    readonly capacity: Capacity;
}

const NODE_GROUP_TYPE = "aws:eks/nodeGroup:NodeGroup";
const RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

type Obj = Record<string, unknown>;

/**
 * The NodePools (karpenter.sh/v1, Karpenter's or EKS Auto Mode's) among the objects, as node groups named
 * by the node-group label their nodes get: the instance types they may launch, no minimum (they scale from
 * zero), the planned nodes as the desired size, and as the maximum the nodes of the largest type their
 * `spec.limits` allow (Karpenter stops launching once its nodes' capacity reaches a limit; the program
 * sets the limits to a managed node group's `maxSize` nodes of that type). A pool without instance types or
 * limits is left out.
 */
export function nodePoolsOf(manifests: readonly Manifest[]): NodeGroupFacts[] {
    return manifests
        .filter((m) => m.apiVersion === "karpenter.sh/v1" && m.kind === "NodePool")
        .flatMap((m) => {
            const spec = (m.spec ?? {}) as Obj;
            const template = (spec.template ?? {}) as { metadata?: { labels?: Record<string, string> }; spec?: { requirements?: { key: string; operator: string; values?: string[] }[] } };
            const types = template.spec?.requirements?.find((r) => r.key === "node.kubernetes.io/instance-type" && r.operator === "In")?.values ?? [];
            const limits = (spec.limits ?? {}) as { cpu?: string; memory?: string };
            const sizes = types.map((t) => NODE_INSTANCE_SIZES[t]);
            if (types.length === 0 || sizes.some((size) => size === undefined) || limits.cpu === undefined || limits.memory === undefined) {
                return [];
            }
            const largestCpu = Math.max(...sizes.map((size) => size.vcpu * 1000));
            const largestMemory = Math.max(...sizes.map((size) => size.memoryGiB * 2 ** 30));
            const maxSize = Math.floor(Math.min(cpuMillis(limits.cpu) / largestCpu, memoryBytes(limits.memory) / largestMemory));
            return [
                {
                    name: template.metadata?.labels?.[NODE_GROUP_LABEL] ?? m.metadata.name,
                    instanceTypes: types,
                    minSize: 0,
                    desiredSize: Number(m.metadata.annotations?.[PLANNED_NODES_ANNOTATION] ?? 0),
                    maxSize,
                },
            ];
        });
}

/** The node groups the run creates, named by their node-group label. */
export function nodeGroupsOf(run: ProgramRun): NodeGroupFacts[] {
    return run.resources
        .filter((r) => r.type === NODE_GROUP_TYPE)
        .map((r) => {
            const scaling = (r.inputs.scalingConfig ?? {}) as Obj;
            const labels = (r.inputs.labels ?? {}) as Record<string, string>;
            return {
                name: labels["platform.io/node-group"] ?? r.name,
                instanceTypes: (r.inputs.instanceTypes ?? []) as string[],
                minSize: Number(scaling.minSize),
                desiredSize: Number(scaling.desiredSize),
                maxSize: Number(scaling.maxSize),
            };
        });
}

/** Host addresses inside a block, as the predictions place stores and endpoints. */
function hostIn(cidr: string, index: number): string {
    const [base] = cidr.split("/");
    const octets = base.split(".").map(Number);
    octets[3] += index;
    return octets.join(".");
}

/** Everything the predictions need from the run, the manifests and the settings. */
export function predict(run: ProgramRun, manifests: readonly Manifest[], settings: Settings): Predictions {
    const releases = run.resources
        .filter((r) => r.type === RELEASE_TYPE)
        .flatMap((r) => {
            const key = (Object.keys(ADDONS) as AddonKey[]).find((k) => ADDONS[k].name === r.inputs.name);
            return key !== undefined ? [{ key, values: r.inputs.values }] : [];
        });
    const highlyAvailable = ENVIRONMENT_SWITCHES[settings.environment].highlyAvailableAddons;
    // EKS Auto Mode runs the VPC CNI, kube-proxy and cluster DNS as parts of its nodes, not as pods.
    const autoMode = settings.environment !== "local" && settings.cluster.compute === "autoMode";
    const pods = [...podsOfManifests(manifests), ...addonPods(releases, highlyAvailable), ...(autoMode ? [] : eksAddonPods())];
    const labels = namespaceLabels(manifests);

    const services = settings.services.map((svc) => {
        const service = manifests.find((m) => m.kind === "Service" && m.metadata.namespace === svc.name && m.metadata.name === svc.name);
        return { name: svc.name, callers: svc.callers ?? [], uses: svc.uses ?? [], servicePorts: (((service?.spec as Obj | undefined)?.ports ?? []) as ServicePort[]) };
    });
    const tenants = manifests.filter((m) => m.kind === "Namespace" && m.metadata.labels?.[TENANT_LABEL] !== undefined).map((m) => m.metadata.name);
    const policies = manifests.filter((m) => m.kind === "NetworkPolicy") as unknown as NetworkPolicyObject[];
    const admission = evaluateAdmission(pods, labels);
    if (settings.environment === "local") {
        // In-cluster stores, no AWS to reach, Traefik's pods in front instead of a load balancer, one laptop node.
        const local = localStorePods(run, manifests);
        const ingress = local.filter((p) => p.owner === "release traefik");
        const connectivity = evaluateConnectivity({ policies, pods: [...pods, ...ingress], namespaceLabels: labels, services, stores: localStores(settings, labels), tenantNamespaces: tenants, podCidr: LOCAL_POD_CIDR });
        // Every pod, the stores' included, shares the one node.
        const onLaptop = [...pods, ...local].map((p) => (p.count === "per-node" ? p : { ...p, nodeGroup: LAPTOP_NODE.name }));
        return { pods, connectivity, admission, capacity: evaluateCapacity(onLaptop, [LAPTOP_NODE]) };
    }

    const n = settings.network;
    const subnets = n.existing?.subnetCidrs ?? subnetLayout(n.cidr, n.availabilityZones);
    const stores: StoreAddress[] = [
        ...(settings.database.enabled ? [{ name: "database", ip: hostIn(subnets.isolated[0], 10), port: POSTGRES_PORT }] : []),
        ...(settings.cache.enabled ? [{ name: "cache", ip: hostIn(subnets.isolated[0], 20), port: CACHE_PORT }] : []),
        ...(settings.broker.enabled ? [{ name: "broker", ip: hostIn(subnets.private[1] ?? subnets.private[0], 30), port: AMQPS_PORT }] : []),
    ];
    const lbSubnets = settings.ingress.scheme === "internal" ? subnets.private : subnets.public;
    const connectivity = evaluateConnectivity({
        policies,
        pods,
        namespaceLabels: labels,
        services,
        stores,
        tenantNamespaces: tenants,
        podCidr: subnets.private[0],
        endpointIp: hostIn(subnets.private[0], 5),
        ...(autoMode ? { clusterDnsIp: clusterDnsAddress(n.cidr) } : {}),
        loadBalancerIp: hostIn(lbSubnets[0], 5),
    });
    return { pods, connectivity, admission, capacity: evaluateCapacity(pods, [...nodeGroupsOf(run), ...nodePoolsOf(manifests)]) };
}
