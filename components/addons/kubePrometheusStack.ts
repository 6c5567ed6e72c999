import type { PodShape } from "../../lib/podSecurity";
import { AddonDefinition, PodFacts, SYSTEM_NODES, controllerResources } from "./types";

/** Namespace and pod labels of Prometheus, for network policies that let it scrape. */
export const PROMETHEUS_PODS = { namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "prometheus" } };
/** Kubernetes Secret (in the monitoring namespace) that External Secrets fills with Grafana's admin login. */
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
/** Kubernetes Secret holding the Slack webhook URL (key `url`), mounted into Alertmanager. */
export const SLACK_WEBHOOK_SECRET = "alertmanager-slack";

/**
 * Alertmanager routing: every alert to Slack when a channel is configured (the webhook URL is read from a
 * mounted file, never from the values), nothing otherwise; the always-firing Watchdog goes nowhere.
 */
export function alertmanagerConfig(slackChannel: string): Record<string, unknown> {
    const receivers: Record<string, unknown>[] = [{ name: "null" }];
    if (slackChannel !== "") {
        receivers.push({
            name: "slack",
            slack_configs: [
                {
                    api_url_file: `/etc/alertmanager/secrets/${SLACK_WEBHOOK_SECRET}/url`,
                    channel: slackChannel,
                    send_resolved: true,
                    title: '{{ .Status | toUpper }}: {{ .CommonLabels.alertname }} ({{ .CommonLabels.namespace }})',
                    text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\n{{ end }}",
                },
            ],
        });
    }
    return {
        route: {
            receiver: slackChannel !== "" ? "slack" : "null",
            group_by: ["alertname", "namespace"],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "4h",
            routes: [{ receiver: "null", matchers: ['alertname =~ "Watchdog|InfoInhibitor"'] }],
        },
        receivers,
    };
}

/**
 * Grafana's own RBAC, replacing the chart's: its templates grant the sidecars get/list/watch on ConfigMaps
 * and Secrets alike, cluster-wide unless `rbac.namespaced` (templates/clusterrole.yaml, role.yaml), which
 * would let Grafana read every Secret in the cluster. Dashboards are ConfigMaps in each service's
 * namespace, so the sidecar still searches every namespace, with a ClusterRole that names ConfigMaps only.
 */
function grafanaSidecarRbac(release: string, namespace: string): Record<string, unknown>[] {
    const rbac = "rbac.authorization.k8s.io";
    // The chart names Grafana's service account `grafana.fullname`: `<release>-grafana` for a release whose
    // name does not contain "grafana" (charts/grafana/templates/_helpers.tpl).
    const serviceAccount = `${release}-grafana`;
    const name = `${serviceAccount}-configmaps`;
    return [
        { apiVersion: `${rbac}/v1`, kind: "ClusterRole", metadata: { name }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }] },
        {
            apiVersion: `${rbac}/v1`,
            kind: "ClusterRoleBinding",
            metadata: { name },
            roleRef: { apiGroup: rbac, kind: "ClusterRole", name },
            subjects: [{ kind: "ServiceAccount", name: serviceAccount, namespace }],
        },
    ];
}

/** The container security context the chart (and the operator, for the pods it creates) gives most containers. */
const LOCKED_DOWN = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

/** A pod of the Prometheus operator's making: the server, its config reloader and the reloader's init container. */
function operatorManagedPod(server: string, persistent: boolean): PodShape {
    return {
        spec: {
            // `prometheus.prometheusSpec.securityContext` / `alertmanager.alertmanagerSpec.securityContext`.
            securityContext: { runAsGroup: 2000, runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000, seccompProfile: { type: "RuntimeDefault" } },
            initContainers: [{ name: "init-config-reloader", securityContext: LOCKED_DOWN }],
            containers: [
                { name: server, securityContext: LOCKED_DOWN },
                { name: "config-reloader", securityContext: LOCKED_DOWN },
            ],
            volumes: [
                { name: "config", secret: {} },
                { name: "config-out", emptyDir: {} },
                persistent ? { name: `${server}-db`, persistentVolumeClaim: {} } : { name: `${server}-db`, emptyDir: {} },
            ],
        },
    };
}

/**
 * The pods of the chart and its subcharts with the values below, as Pod Security sees them. Node exporter
 * (subchart prometheus-node-exporter 4.55.0, its `hostNetwork`, `hostPID` and `hostRootFsMount` defaults and
 * its DaemonSet template) shares the node's network and process namespaces, reads /proc, /sys and / through
 * hostPath volumes and, on the host network, listens on host port 9100: only the privileged level admits
 * it. Grafana's `init-chown-data` (grafana `initChownData`, run when persistence is on) runs as root and
 * adds CHOWN and DAC_OVERRIDE.
 */
function kubePrometheusStackPods(f: PodFacts): Record<string, PodShape> {
    const nonRoot65534 = { fsGroup: 65534, runAsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 };
    const sidecar = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };
    return {
        "node-exporter": {
            spec: {
                hostNetwork: true,
                hostPID: true,
                hostIPC: false,
                securityContext: nonRoot65534,
                containers: [{ name: "node-exporter", securityContext: { readOnlyRootFilesystem: true }, ports: [{ hostPort: 9100 }] }],
                volumes: [
                    { name: "proc", hostPath: { path: "/proc" } },
                    { name: "sys", hostPath: { path: "/sys" } },
                    { name: "root", hostPath: { path: "/" } },
                ],
            },
        },
        operator: {
            spec: {
                securityContext: { ...nonRoot65534, seccompProfile: { type: "RuntimeDefault" } },
                containers: [{ name: "kube-prometheus-stack", securityContext: LOCKED_DOWN }],
                volumes: [{ name: "tls-secret", secret: {} }],
            },
        },
        // Helm hook Jobs that create the operator's webhook certificate and patch it into the webhooks.
        "admission-create": { spec: { securityContext: { runAsGroup: 2000, runAsNonRoot: true, runAsUser: 2000, seccompProfile: { type: "RuntimeDefault" } }, containers: [{ name: "create", securityContext: LOCKED_DOWN }] } },
        "admission-patch": { spec: { securityContext: { runAsGroup: 2000, runAsNonRoot: true, runAsUser: 2000, seccompProfile: { type: "RuntimeDefault" } }, containers: [{ name: "patch", securityContext: LOCKED_DOWN }] } },
        prometheus: operatorManagedPod("prometheus", f.highlyAvailable),
        alertmanager: operatorManagedPod("alertmanager", f.highlyAvailable),
        grafana: {
            spec: {
                securityContext: { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472 },
                initContainers: f.highlyAvailable
                    ? [{ name: "init-chown-data", securityContext: { readOnlyRootFilesystem: false, runAsNonRoot: false, runAsUser: 0, seccompProfile: { type: "RuntimeDefault" }, capabilities: { add: ["CHOWN", "DAC_OVERRIDE"], drop: ["ALL"] } } }]
                    : [],
                containers: [
                    { name: "grafana-sc-dashboard", securityContext: sidecar },
                    { name: "grafana-sc-datasources", securityContext: sidecar },
                    { name: "grafana", securityContext: { ...sidecar, privileged: false } },
                ],
                volumes: [
                    { name: "config", configMap: {} },
                    f.highlyAvailable ? { name: "storage", persistentVolumeClaim: {} } : { name: "storage", emptyDir: {} },
                    { name: "sc-dashboard-volume", emptyDir: {} },
                    { name: "sc-datasources-volume", emptyDir: {} },
                ],
            },
        },
        "kube-state-metrics": {
            spec: { securityContext: { ...nonRoot65534, seccompProfile: { type: "RuntimeDefault" } }, containers: [{ name: "kube-state-metrics", securityContext: LOCKED_DOWN }] },
        },
    };
}

/**
 * kube-prometheus-stack: Prometheus, Alertmanager and Grafana. Prometheus picks up every ServiceMonitor
 * and PrometheusRule in the cluster, not only the chart's own. Grafana's admin login comes from Secrets
 * Manager through External Secrets. With `highlyAvailable`, Prometheus and Alertmanager run two replicas
 * and everything persists on gp3 volumes.
 */
export const kubePrometheusStack: AddonDefinition = {
    name: "kube-prometheus-stack",
    chart: "kube-prometheus-stack",
    repository: "https://prometheus-community.github.io/helm-charts",
    version: "87.12.1",
    namespace: "monitoring",
    // In the `crds` subchart's crds/ folder (Chart.yaml: dependency `crds`, condition crds.enabled). The chart's
    // own upgrade job (crds.upgradeJob) would apply them on each upgrade, but it is set through that subchart's
    // values, which the chart check has no reference data for and so cannot verify; they are applied by hand.
    crds: { groups: ["monitoring.coreos.com"], upgrade: "by-hand", byHand: { folder: "charts/crds/crds/", appliedFor: "87.12.1" } },
    pods: kubePrometheusStackPods,
    values: (f) => {
        const volume = (size: string) => ({
            volumeClaimTemplate: { spec: { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } } },
        });
        // The StatefulSets' claims go when the release does (Kubernetes keeps them by default), while the EBS
        // CSI driver is still running to delete their volumes; a scale-down keeps them for a scale-up.
        const claimsGoWithRelease = { persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" } };
        return {
            // EKS runs these components out of reach; scraping them only produces failing targets.
            kubeControllerManager: { enabled: false },
            kubeScheduler: { enabled: false },
            kubeEtcd: { enabled: false },
            kubeProxy: { enabled: false },
            prometheusOperator: { nodeSelector: SYSTEM_NODES, resources: controllerResources("100m", "128Mi", "200m", "256Mi") },
            prometheus: {
                prometheusSpec: {
                    replicas: f.highlyAvailable ? 2 : 1,
                    retention: f.highlyAvailable ? "15d" : "3d",
                    serviceMonitorSelectorNilUsesHelmValues: false,
                    podMonitorSelectorNilUsesHelmValues: false,
                    ruleSelectorNilUsesHelmValues: false,
                    nodeSelector: SYSTEM_NODES,
                    resources: f.highlyAvailable ? controllerResources("500m", "2Gi", "1", "4Gi") : controllerResources("200m", "768Mi", "500m", "1536Mi"),
                    ...(f.highlyAvailable ? { storageSpec: volume("50Gi"), ...claimsGoWithRelease } : {}),
                },
            },
            alertmanager: {
                config: alertmanagerConfig(f.slackChannel),
                alertmanagerSpec: {
                    ...(f.slackChannel !== "" ? { secrets: [SLACK_WEBHOOK_SECRET] } : {}),
                    replicas: f.highlyAvailable ? 2 : 1,
                    nodeSelector: SYSTEM_NODES,
                    resources: controllerResources("50m", "64Mi", "100m", "128Mi"),
                    ...(f.highlyAvailable ? { storage: volume("5Gi"), ...claimsGoWithRelease } : {}),
                },
            },
            grafana: {
                admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
                nodeSelector: SYSTEM_NODES,
                resources: controllerResources("100m", "128Mi", "200m", "256Mi"),
                persistence: f.highlyAvailable ? { enabled: true, storageClassName: "gp3", size: "10Gi" } : { enabled: false },
                // A ReadWriteOnce volume attaches to one node: a rolling update's new pod, scheduled on another
                // node, would wait for the old pod's volume forever. Replace the pod instead.
                ...(f.highlyAvailable ? { deploymentStrategy: { type: "Recreate" } } : {}),
                // No chart RBAC (it would include Secrets); the ConfigMap-only role above instead, and both
                // sidecars read ConfigMaps only, so they never ask for what they may not read.
                rbac: { create: false },
                extraObjects: grafanaSidecarRbac(kubePrometheusStack.name, kubePrometheusStack.namespace),
                sidecar: {
                    dashboards: { enabled: true, searchNamespace: "ALL", resource: "configmap" },
                    datasources: { resource: "configmap" },
                },
            },
            "kube-state-metrics": { nodeSelector: SYSTEM_NODES },
        };
    },
};
