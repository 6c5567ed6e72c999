import { ADDONS, AddonKey } from "../../components/addons";
import { PROMETHEUS_PODS } from "../../components/addons/kubePrometheusStack";
import { TRACING_TARGET } from "../../components/addons/openTelemetryCollector";
import { NODE_GROUP_LABEL } from "../../lib/kubernetesSpecs";
import { cpuMillis, memoryBytes } from "../../lib/quantity";
import type { PodCount, PlannedPod } from "./pods";

/**
 * The pods of the Helm add-ons and of the EKS managed add-ons, as the predictions see them. What Pod
 * Security judges comes from each add-on definition's `pods`; how many run and what they request is read
 * from the values the program gives each release, at the path where that chart takes them (the table
 * below); labels are those the platform's network policies already name (Prometheus, the collector, DNS).
 */

/** Where one declared pod's replicas and resources sit in its release's values. */
interface PodPlacement {
    /** Values path of the replica count, a fixed count, or one per node (a DaemonSet). */
    readonly replicas: string | number | "per-node";
    /** Values path of `{ requests, limits }`; absent when the chart sets none with these values. */
    readonly resources?: string;
    /** Values path of the node selector. */
    readonly nodeSelector?: string;
}

/** Per add-on, per pod of its `pods` declaration; pods of Jobs that run at install only are left out. */
export const ADDON_POD_PLACEMENT: Readonly<Record<AddonKey, Readonly<Record<string, PodPlacement>>>> = {
    loadBalancerController: { controller: { replicas: "replicaCount", resources: "resources", nodeSelector: "nodeSelector" } },
    externalSecrets: {
        controller: { replicas: "replicaCount", resources: "resources", nodeSelector: "nodeSelector" },
        webhook: { replicas: "webhook.replicaCount", resources: "webhook.resources", nodeSelector: "webhook.nodeSelector" },
        certController: { replicas: 1, resources: "certController.resources", nodeSelector: "certController.nodeSelector" },
    },
    metricsServer: { server: { replicas: "replicas", resources: "resources", nodeSelector: "nodeSelector" } },
    clusterAutoscaler: { autoscaler: { replicas: "replicaCount", resources: "resources", nodeSelector: "nodeSelector" } },
    kubePrometheusStack: {
        operator: { replicas: 1, resources: "prometheusOperator.resources", nodeSelector: "prometheusOperator.nodeSelector" },
        prometheus: { replicas: "prometheus.prometheusSpec.replicas", resources: "prometheus.prometheusSpec.resources", nodeSelector: "prometheus.prometheusSpec.nodeSelector" },
        alertmanager: { replicas: "alertmanager.alertmanagerSpec.replicas", resources: "alertmanager.alertmanagerSpec.resources", nodeSelector: "alertmanager.alertmanagerSpec.nodeSelector" },
        grafana: { replicas: 1, resources: "grafana.resources", nodeSelector: "grafana.nodeSelector" },
        "kube-state-metrics": { replicas: 1, nodeSelector: "kube-state-metrics.nodeSelector" },
        "node-exporter": { replicas: "per-node" },
    },
    fluentBit: { daemonset: { replicas: "per-node", resources: "resources" } },
    certManager: {
        controller: { replicas: "replicaCount", resources: "resources", nodeSelector: "nodeSelector" },
        webhook: { replicas: "webhook.replicaCount", resources: "webhook.resources", nodeSelector: "webhook.nodeSelector" },
        cainjector: { replicas: "cainjector.replicaCount", resources: "cainjector.resources", nodeSelector: "cainjector.nodeSelector" },
    },
    keda: {
        operator: { replicas: "operator.replicaCount", resources: "resources.operator", nodeSelector: "nodeSelector" },
        metricServer: { replicas: "metricsServer.replicaCount", resources: "resources.metricServer", nodeSelector: "nodeSelector" },
        webhooks: { replicas: "webhooks.replicaCount", resources: "resources.webhooks", nodeSelector: "nodeSelector" },
    },
    openTelemetryCollector: { collector: { replicas: "replicaCount", resources: "resources", nodeSelector: "nodeSelector" } },
};

/** Labels of the add-on pods that other pods' network policies name. */
const LABELS: Partial<Record<AddonKey, Record<string, Record<string, string>>>> = {
    kubePrometheusStack: { prometheus: PROMETHEUS_PODS.podLabels },
    openTelemetryCollector: { collector: TRACING_TARGET.podLabels },
};
const PORTS: Partial<Record<AddonKey, Record<string, Record<string, number>>>> = {
    openTelemetryCollector: { collector: { "otlp": TRACING_TARGET.ports[0], "otlp-http": TRACING_TARGET.ports[1] } },
};

type Obj = Record<string, unknown>;

/** The value at a dotted path (keys may contain dashes), or undefined. */
export function valueAt(values: unknown, path: string): unknown {
    return path.split(".").reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Obj)[k] : undefined), values);
}

function requestsAt(values: unknown, path: string | undefined): { cpuMillis: number; memoryBytes: number } {
    const r = (path === undefined ? {} : (valueAt(values, `${path}.requests`) ?? {})) as Obj;
    return { cpuMillis: typeof r.cpu === "string" ? cpuMillis(r.cpu) : 0, memoryBytes: typeof r.memory === "string" ? memoryBytes(r.memory) : 0 };
}

/**
 * The pods of each enabled add-on, from its definition and the values of its release. Throws when the
 * table above names a replica path the values do not hold: the table has fallen behind the add-on.
 */
export function addonPods(releases: readonly { readonly key: AddonKey; readonly values: unknown }[], highlyAvailable: boolean): PlannedPod[] {
    return releases.flatMap(({ key, values }) => {
        const def = ADDONS[key];
        const shapes = def.pods({ highlyAvailable });
        return Object.entries(ADDON_POD_PLACEMENT[key]).map(([pod, where]) => {
            const shape = shapes[pod];
            if (shape === undefined) {
                throw new Error(`add-on ${key}: no pod "${pod}" in its pods declaration (${Object.keys(shapes).join(", ")})`);
            }
            const replicas = typeof where.replicas === "string" && where.replicas !== "per-node" ? valueAt(values, where.replicas) : where.replicas;
            if (replicas !== "per-node" && typeof replicas !== "number") {
                throw new Error(`add-on ${key}: its values have no replica count at ${String(where.replicas)}`);
            }
            const count: PodCount = replicas === "per-node" ? "per-node" : { min: replicas, max: replicas };
            const selector = (where.nodeSelector !== undefined ? valueAt(values, where.nodeSelector) : undefined) as Obj | undefined;
            return {
                owner: `add-on ${key} ${pod}`,
                namespace: def.namespace,
                labels: LABELS[key]?.[pod] ?? { "app.kubernetes.io/name": `${def.name}-${pod}` },
                namedPorts: PORTS[key]?.[pod] ?? {},
                nodeGroup: selector?.[NODE_GROUP_LABEL] as string | undefined,
                requests: requestsAt(values, where.resources),
                count,
                shape,
                hostNetwork: shape.spec.hostNetwork === true,
            };
        });
    });
}

/**
 * The pods EKS runs for its managed add-ons with their default settings: the VPC CNI (`aws-node`, requests
 * 25m CPU: aws/amazon-vpc-cni-k8s charts/aws-vpc-cni values.yaml) and kube-proxy (requests 100m CPU, the
 * EKS kube-proxy DaemonSet) on the host network of every node, and CoreDNS (two replicas of 100m CPU and
 * 70Mi, as the CoreDNS deployment manifest sets them). The EBS CSI driver's pods are not modelled.
 */
export function eksAddonPods(): PlannedPod[] {
    const base = { namespace: "kube-system", namedPorts: {}, shape: { spec: { containers: [] } } };
    return [
        { ...base, owner: "EKS add-on vpc-cni aws-node", labels: { "k8s-app": "aws-node" }, requests: { cpuMillis: 25, memoryBytes: 0 }, count: "per-node", hostNetwork: true },
        { ...base, owner: "EKS add-on kube-proxy", labels: { "k8s-app": "kube-proxy" }, requests: { cpuMillis: 100, memoryBytes: 0 }, count: "per-node", hostNetwork: true },
        {
            ...base,
            owner: "EKS add-on coredns",
            labels: { "k8s-app": "kube-dns" },
            namedPorts: { dns: 53, "dns-tcp": 53 },
            requests: { cpuMillis: 100, memoryBytes: 70 * 2 ** 20 },
            count: { min: 2, max: 2 },
            hostNetwork: false,
        },
    ];
}
