import { AddonDefinition, SYSTEM_NODES, controllerResources } from "./types";

/** metrics-server: the resource metrics API that HorizontalPodAutoscalers read CPU and memory from. */
export const metricsServer: AddonDefinition = {
    name: "metrics-server",
    chart: "metrics-server",
    repository: "https://kubernetes-sigs.github.io/metrics-server/",
    version: "3.13.1",
    namespace: "kube-system",
    // The chart's `podSecurityContext` (empty) and `securityContext`; a tmp emptyDir.
    pods: () => ({
        server: {
            spec: {
                securityContext: {},
                containers: [
                    {
                        name: "metrics-server",
                        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" }, capabilities: { drop: ["ALL"] } },
                    },
                ],
                volumes: [{ name: "tmp", emptyDir: {} }],
            },
        },
    }),
    values: (f) => ({
        replicas: f.replicas,
        nodeSelector: SYSTEM_NODES,
        resources: controllerResources("50m", "64Mi", "200m", "128Mi"),
        podDisruptionBudget: { enabled: f.replicas > 1, maxUnavailable: 1 },
    }),
};
