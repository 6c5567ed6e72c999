import type { AddonDefinition } from "../addons/types";
import { certManager } from "../addons/certManager";
import { keda } from "../addons/keda";
import { kubePrometheusStack } from "../addons/kubePrometheusStack";
import { metricsServer } from "../addons/metricsServer";
import { controllerResources } from "../addons/types";
import { isPlainObject } from "../../lib/merge";
import { CNPG_CHART, CNPG_NAMESPACE, TRAEFIK_CHART, TRAEFIK_NAMESPACE } from "./charts";



/**
 * The add-ons of a local stack, in the shape of the AWS stacks' ones: the same chart, version and values
 * where an add-on exists on both (metrics-server, KEDA, cert-manager, kube-prometheus-stack), less what
 * only EKS has (the `system` node group the AWS values pin controllers to), plus what a laptop cluster
 * needs instead of AWS services: an ingress controller and the CloudNativePG operator. Pure.
 */

/** `value` without any `nodeSelector` key, at any depth: a laptop cluster has no `system` node group. */
export function withoutNodeSelectors(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(withoutNodeSelectors);
    }
    if (!isPlainObject(value)) {
        return value;
    }
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "nodeSelector").map(([k, v]) => [k, withoutNodeSelectors(v)]));
}

/** An AWS add-on as a local stack runs it: its values less node selectors, then `more` merged over the top level. */
function local(def: AddonDefinition, more: (values: Record<string, unknown>) => Record<string, unknown> = () => ({})): AddonDefinition {
    return {
        ...def,
        values: (f) => {
            const values = withoutNodeSelectors(def.values(f)) as Record<string, unknown>;
            return { ...values, ...more(values) };
        },
    };
}

/** Kubernetes Secret (in the monitoring namespace) the local stack writes Grafana's generated admin login to. */
export { GRAFANA_ADMIN_SECRET } from "../addons/kubePrometheusStack";

/**
 * kube-prometheus-stack in a light profile: one replica of each server, no volumes (as dev), a day of
 * metrics kept, at most 1 GB, and smaller requests. Service monitors and rules are picked up as on AWS.
 */
const kubePrometheusStackLight = local(kubePrometheusStack, (v) => {
    const prometheus = v.prometheus as { prometheusSpec: Record<string, unknown> };
    return {
        prometheus: { ...prometheus, prometheusSpec: { ...prometheus.prometheusSpec, retention: "1d", retentionSize: "1GB", resources: controllerResources("100m", "384Mi", "500m", "1Gi") } },
    };
});

/**
 * metrics-server with `--kubelet-insecure-tls`: kind's and Docker Desktop's kubelets serve self-signed
 * certificates that no cluster CA signed, which metrics-server otherwise refuses (its chart's `args`).
 */
const metricsServerLocal = local(metricsServer, () => ({ args: ["--kubelet-insecure-tls"] }));

/** The restricted pod shape of a controller that runs as a fixed non-root user with the runtime's seccomp profile. */
const restrictedController = (name: string) => ({
    spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [{ name, securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } } }],
    },
});

/** IngressClass of the local ingress controller. */
export const LOCAL_INGRESS_CLASS = "traefik";
/** Node ports the controller listens on, which a kind cluster maps to the laptop's 80 and 443 (README). */
export const INGRESS_NODE_PORTS = { http: 30080, https: 30443 } as const;
/** The controller's pods, which the services' network policies admit. */
export const TRAEFIK_PODS = { namespace: TRAEFIK_NAMESPACE, podLabels: { "app.kubernetes.io/name": "traefik" } };

/**
 * Traefik: reads the services' Ingresses (class `traefik`), serves them on node ports 30080/30443 with the
 * certificates cert-manager puts in each Ingress's TLS Secret. Chosen over a Gateway API implementation
 * because the service layer's objects stay Ingresses on both backends; ingress-nginx is retired.
 */
export const traefik: AddonDefinition = {
    name: "traefik",
    chart: TRAEFIK_CHART.chart,
    repository: TRAEFIK_CHART.repository,
    version: TRAEFIK_CHART.version,
    namespace: TRAEFIK_NAMESPACE,
    pods: () => ({ traefik: restrictedController("traefik") }),
    values: (f) => ({
        deployment: { replicas: f.replicas },
        ingressClass: { enabled: true, isDefaultClass: false, name: LOCAL_INGRESS_CLASS },
        providers: { kubernetesIngress: { enabled: true } },
        ingressRoute: { dashboard: { enabled: false } },
        service: { type: "NodePort" },
        ports: { web: { nodePort: INGRESS_NODE_PORTS.http }, websecure: { nodePort: INGRESS_NODE_PORTS.https } },
        resources: controllerResources("50m", "64Mi", "300m", "256Mi"),
    }),
};

/** The CloudNativePG operator: one `Cluster` per database-using service. Its CRDs come with the release. */
export const cloudnativePg: AddonDefinition = {
    name: "cloudnative-pg",
    chart: CNPG_CHART.chart,
    repository: CNPG_CHART.repository,
    version: CNPG_CHART.version,
    namespace: CNPG_NAMESPACE,
    crds: { groups: ["postgresql.cnpg.io"], upgrade: "with-release" },
    // The chart's podSecurityContext and containerSecurityContext (values.yaml).
    pods: () => ({ operator: restrictedController("manager") }),
    values: (f) => ({ replicaCount: f.replicas, crds: { create: true }, resources: controllerResources("50m", "128Mi", "500m", "256Mi") }),
};

/** Every add-on a local stack may install, by key; the keys in `platform:addons` are those shared with AWS. */
export const LOCAL_ADDONS = {
    metricsServer: metricsServerLocal,
    kubePrometheusStack: kubePrometheusStackLight,
    certManager: local(certManager),
    keda: local(keda),
} as const;

/** What a local stack always installs, whatever `platform:addons` says. */
export const LOCAL_PLATFORM_ADDONS = { traefik, cloudnativePg } as const;
