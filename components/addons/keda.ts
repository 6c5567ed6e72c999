import type { PodShape } from "../../lib/podSecurity";
import { AddonDefinition, HELM_KEEP, SYSTEM_NODES, controllerResources } from "./types";

/**
 * Each of its pods as the chart runs them: operator, metrics API server and admission webhooks, each with
 * its `podSecurityContext.<component>` and `securityContext.<component>` and its certificates as a Secret.
 */
function kedaPod(component: string): PodShape {
    return {
        spec: {
            securityContext: { runAsNonRoot: true },
            containers: [
                {
                    name: component,
                    securityContext: { capabilities: { drop: ["ALL"] }, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, seccompProfile: { type: "RuntimeDefault" } },
                },
            ],
            volumes: [{ name: "certificates", secret: {} }],
        },
    };
}

/** KEDA: scales workers on the length of their RabbitMQ queue (ScaledObject), down to their minimum. */
export const keda: AddonDefinition = {
    name: "keda",
    chart: "keda",
    repository: "https://kedacore.github.io/charts",
    version: "2.20.1",
    namespace: "keda",
    crds: { groups: ["keda.sh", "eventing.keda.sh"], upgrade: "with-release" },
    pods: () => ({ operator: kedaPod("keda-operator"), metricServer: kedaPod("keda-operator-metrics-apiserver"), webhooks: kedaPod("keda-admission-webhooks") }),
    values: (f) => ({
        // CRDs from the chart's templates, kept by Helm on uninstall (values.yaml: crds.additionalAnnotations).
        crds: { install: true, additionalAnnotations: HELM_KEEP },
        operator: { replicaCount: f.replicas },
        metricsServer: { replicaCount: f.replicas },
        webhooks: { replicaCount: f.replicas },
        podDisruptionBudget: f.replicas > 1 ? { operator: { maxUnavailable: 1 }, metricServer: { maxUnavailable: 1 }, webhooks: { maxUnavailable: 1 } } : {},
        nodeSelector: SYSTEM_NODES,
        // The operator's metrics carry each scaler's value, i.e. the queue lengths that queue alerts watch.
        prometheus: { operator: { enabled: f.monitoring, serviceMonitor: { enabled: f.monitoring } } },
        resources: {
            operator: controllerResources("100m", "128Mi", "500m", "512Mi"),
            metricServer: controllerResources("100m", "128Mi", "500m", "512Mi"),
            webhooks: controllerResources("50m", "64Mi", "200m", "128Mi"),
        },
    }),
};
