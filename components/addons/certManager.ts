import type { PodShape } from "../../lib/podSecurity";
import { AddonDefinition, SYSTEM_NODES, controllerResources } from "./types";

/**
 * Each of its pods as the chart runs them: the controller, webhook and cainjector Deployments and the
 * startupapicheck hook Job, all with the chart's `securityContext` and `containerSecurityContext` (the same
 * under each component's key), no host access and no volumes.
 */
function certManagerPod(component: string): PodShape {
    return {
        spec: {
            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            containers: [{ name: component, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true } }],
        },
    };
}

/** cert-manager: issues and renews certificates for in-cluster TLS (webhooks, service-to-service). */
export const certManager: AddonDefinition = {
    name: "cert-manager",
    chart: "cert-manager",
    repository: "https://charts.jetstack.io",
    version: "v1.21.1",
    namespace: "cert-manager",
    crds: { groups: ["cert-manager.io", "acme.cert-manager.io"], upgrade: "with-release" },
    pods: () => Object.fromEntries(["controller", "webhook", "cainjector", "startupapicheck"].map((c) => [c, certManagerPod(c)])),
    values: (f) => {
        // Each of the three Deployments has its own budget in the chart (`podDisruptionBudget`,
        // `webhook.podDisruptionBudget`, `cainjector.podDisruptionBudget`). Without the webhook's, a node
        // drain may evict every replica at once, and the API server then refuses cert-manager objects.
        const disruptionBudget = { enabled: f.replicas > 1, maxUnavailable: 1 };
        return {
            // CRDs from the chart's templates; `keep` annotates them so that Helm never uninstalls them.
            crds: { enabled: true, keep: true },
            replicaCount: f.replicas,
            podDisruptionBudget: disruptionBudget,
            nodeSelector: SYSTEM_NODES,
            resources: controllerResources("50m", "128Mi", "200m", "256Mi"),
            webhook: { replicaCount: f.replicas, podDisruptionBudget: disruptionBudget, nodeSelector: SYSTEM_NODES, resources: controllerResources("25m", "64Mi", "100m", "128Mi") },
            cainjector: { replicaCount: f.replicas, podDisruptionBudget: disruptionBudget, nodeSelector: SYSTEM_NODES, resources: controllerResources("25m", "128Mi", "100m", "256Mi") },
            prometheus: { enabled: true, servicemonitor: { enabled: false } },
        };
    },
};
