import { AddonDefinition, SYSTEM_NODES, controllerResources } from "./types";

/** cert-manager: issues and renews certificates for in-cluster TLS (webhooks, service-to-service). */
export const certManager: AddonDefinition = {
    name: "cert-manager",
    chart: "cert-manager",
    repository: "https://charts.jetstack.io",
    version: "v1.21.1",
    namespace: "cert-manager",
    values: (f) => ({
        crds: { enabled: true, keep: true },
        replicaCount: f.replicas,
        podDisruptionBudget: { enabled: f.replicas > 1, maxUnavailable: 1 },
        nodeSelector: SYSTEM_NODES,
        resources: controllerResources("50m", "128Mi", "200m", "256Mi"),
        webhook: { replicaCount: f.replicas, nodeSelector: SYSTEM_NODES, resources: controllerResources("25m", "64Mi", "100m", "128Mi") },
        cainjector: { replicaCount: f.replicas, nodeSelector: SYSTEM_NODES, resources: controllerResources("25m", "128Mi", "100m", "256Mi") },
        prometheus: { enabled: true, servicemonitor: { enabled: false } },
    }),
};
