import type * as k8s from "@pulumi/kubernetes";
import type { ServiceSettings } from "../../config/schema";
import { scrapedPath } from "./scrape";

/**
 * PrometheusRule groups, as plain data. Service rules assume the conventional metric names: HTTP
 * services expose `http_requests_total{code}` and `http_request_duration_seconds` (a histogram), gRPC
 * servers `grpc_server_handled_total{grpc_code}`; container, pod and job metrics come from cAdvisor and
 * kube-state-metrics, database metrics from the postgres exporters, queue lengths from KEDA.
 */

export interface AlertRule {
    readonly alert: string;
    readonly expr: string;
    readonly for: string;
    readonly labels: { readonly severity: "warning" | "critical" };
    readonly annotations: { readonly summary: string; readonly description: string };
}

export interface RuleGroup {
    readonly name: string;
    readonly rules: AlertRule[];
}

/** Defaults for a service's alert thresholds. */
export const ALERT_DEFAULTS = { errorRate: 0.05, latencyMs: 1000, restarts: 3, saturation: 0.9 } as const;

const pascal = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

function rule(alert: string, expr: string, forDuration: string, severity: "warning" | "critical", summary: string, description: string): AlertRule {
    return { alert, expr, for: forDuration, labels: { severity }, annotations: { summary, description } };
}

/** Error rate and latency (from the app's own metrics, when Prometheus scrapes them), restarts and CPU/memory saturation of one service. */
export function serviceRuleGroups(svc: ServiceSettings): RuleGroup[] {
    const ns = `namespace="${svc.name}"`;
    const prefix = pascal(svc.name);
    const errorRate = svc.alerts?.errorRate ?? ALERT_DEFAULTS.errorRate;
    const latencySeconds = (svc.alerts?.latencyMs ?? ALERT_DEFAULTS.latencyMs) / 1000;
    const rules: AlertRule[] = [
        rule(
            `${prefix}PodRestarts`,
            `sum(increase(kube_pod_container_status_restarts_total{${ns}}[15m])) > ${ALERT_DEFAULTS.restarts}`,
            "0m",
            "warning",
            `${svc.name}: containers restarting`,
            `Containers of ${svc.name} restarted more than ${ALERT_DEFAULTS.restarts} times in 15 minutes.`,
        ),
        rule(
            `${prefix}CpuSaturation`,
            `sum(rate(container_cpu_usage_seconds_total{${ns},container!=""}[5m])) / sum(kube_pod_container_resource_limits{${ns},resource="cpu"}) > ${ALERT_DEFAULTS.saturation}`,
            "15m",
            "warning",
            `${svc.name}: CPU near its limit`,
            `${svc.name} has used more than ${ALERT_DEFAULTS.saturation * 100} % of its CPU limit for 15 minutes.`,
        ),
        rule(
            `${prefix}MemorySaturation`,
            `sum(container_memory_working_set_bytes{${ns},container!=""}) / sum(kube_pod_container_resource_limits{${ns},resource="memory"}) > ${ALERT_DEFAULTS.saturation}`,
            "10m",
            "critical",
            `${svc.name}: memory near its limit`,
            `${svc.name} has used more than ${ALERT_DEFAULTS.saturation * 100} % of its memory limit for 10 minutes; it will be OOM-killed.`,
        ),
    ];
    if (scrapedPath(svc) !== undefined) {
        rules.unshift(
            rule(
                `${prefix}HighErrorRate`,
                `sum(rate(http_requests_total{${ns},code=~"5.."}[5m])) / sum(rate(http_requests_total{${ns}}[5m])) > ${errorRate}`,
                "5m",
                "critical",
                `${svc.name}: high error rate`,
                `More than ${errorRate * 100} % of ${svc.name}'s HTTP requests failed with 5xx for 5 minutes.`,
            ),
            rule(
                `${prefix}HighLatency`,
                `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${ns}}[5m]))) > ${latencySeconds}`,
                "10m",
                "warning",
                `${svc.name}: slow responses`,
                `The 99th percentile of ${svc.name}'s request time has been above ${latencySeconds} s for 10 minutes.`,
            ),
        );
        if (svc.grpc !== undefined) {
            rules.splice(
                2,
                0,
                rule(
                    `${prefix}GrpcErrorRate`,
                    `sum(rate(grpc_server_handled_total{${ns},grpc_code=~"Unknown|Internal|Unavailable|DeadlineExceeded|DataLoss"}[5m])) / sum(rate(grpc_server_handled_total{${ns}}[5m])) > ${errorRate}`,
                    "5m",
                    "critical",
                    `${svc.name}: high gRPC error rate`,
                    `More than ${errorRate * 100} % of ${svc.name}'s gRPC calls failed for 5 minutes.`,
                ),
            );
        }
    }
    if (svc.kind === "cron") {
        rules.push(rule(`${prefix}JobFailed`, `sum(kube_job_status_failed{${ns}}) > 0`, "0m", "warning", `${svc.name}: a run failed`, `A run of the ${svc.name} job failed; see its pod logs.`));
    }
    return [{ name: `${svc.name}.rules`, rules }];
}

/** Nodes, database connections and queue depth: the platform's own health. */
export function platformRuleGroups(queueDepthThreshold = 1000): RuleGroup[] {
    return [
        {
            name: "platform.nodes",
            rules: [
                rule("NodeNotReady", `kube_node_status_condition{condition="Ready",status="true"} == 0`, "5m", "critical", "A node is not ready", "Node {{ $labels.node }} has not been Ready for 5 minutes."),
                rule(
                    "NodeMemoryPressure",
                    `kube_node_status_condition{condition="MemoryPressure",status="true"} == 1`,
                    "5m",
                    "warning",
                    "A node is short of memory",
                    "Node {{ $labels.node }} reports memory pressure; pods may be evicted.",
                ),
            ],
        },
        {
            name: "platform.database",
            rules: [
                rule("PostgresDown", "min(pg_up) == 0", "2m", "critical", "PostgreSQL unreachable", "A postgres exporter cannot connect to its database ({{ $labels.namespace }}/{{ $labels.service }})."),
                rule(
                    "PostgresConnectionsHigh",
                    "max(sum by (instance) (pg_stat_database_numbackends)) / max(pg_settings_max_connections) > 0.8",
                    "10m",
                    "warning",
                    "PostgreSQL connections near the limit",
                    "More than 80 % of PostgreSQL's max_connections are in use; new connections will soon be refused.",
                ),
            ],
        },
        {
            name: "platform.queues",
            rules: [
                rule(
                    "QueueBacklog",
                    `max by (namespace, scaledObject) (keda_scaler_metrics_value{scaler=~".*rabbitmq.*"}) > ${queueDepthThreshold}`,
                    "15m",
                    "warning",
                    "A queue is backing up",
                    `The queue of {{ $labels.namespace }}/{{ $labels.scaledObject }} has held more than ${queueDepthThreshold} messages for 15 minutes.`,
                ),
            ],
        },
    ];
}

/** A PrometheusRule object holding the groups. */
export function prometheusRule(name: string, namespace: string, groups: RuleGroup[], labels: Record<string, string> = {}): k8s.apiextensions.CustomResourceArgs {
    return { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name, namespace, labels }, spec: { groups } };
}
