import type { ServiceSettings } from "../../config/schema";
import { scrapedPath } from "./scrape";

/**
 * A Grafana dashboard per service, as plain JSON. Grafana's sidecar loads every ConfigMap labelled
 * `grafana_dashboard: "1"` (kube-prometheus-stack watches all namespaces), so the dashboard lives with
 * the service it shows.
 */

/** Label the Grafana sidecar looks for. */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" };

interface Panel {
    title: string;
    unit: string;
    exprs: [legend: string, expr: string][];
}

function panels(svc: ServiceSettings): Panel[] {
    const ns = `namespace="${svc.name}"`;
    const out: Panel[] = [];
    // Requests, errors, latency and gRPC calls come from the app's own metrics; without a scrape they stay empty.
    if (scrapedPath(svc) !== undefined) {
        out.push(
            { title: "Requests per second", unit: "reqps", exprs: [["{{code}}", `sum by (code) (rate(http_requests_total{${ns}}[5m]))`]] },
            { title: "Error ratio (5xx)", unit: "percentunit", exprs: [["5xx", `sum(rate(http_requests_total{${ns},code=~"5.."}[5m])) / sum(rate(http_requests_total{${ns}}[5m]))`]] },
            {
                title: "Latency",
                unit: "s",
                exprs: [
                    ["p50", `histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{${ns}}[5m])))`],
                    ["p99", `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${ns}}[5m])))`],
                ],
            },
        );
        if (svc.grpc !== undefined) {
            out.push({ title: "gRPC calls per second", unit: "reqps", exprs: [["{{grpc_code}}", `sum by (grpc_code) (rate(grpc_server_handled_total{${ns}}[5m]))`]] });
        }
    }
    out.push(
        {
            title: "CPU (cores)",
            unit: "none",
            exprs: [
                ["used", `sum(rate(container_cpu_usage_seconds_total{${ns},container!=""}[5m]))`],
                ["limit", `sum(kube_pod_container_resource_limits{${ns},resource="cpu"})`],
            ],
        },
        {
            title: "Memory",
            unit: "bytes",
            exprs: [
                ["working set", `sum(container_memory_working_set_bytes{${ns},container!=""})`],
                ["limit", `sum(kube_pod_container_resource_limits{${ns},resource="memory"})`],
            ],
        },
        { title: "Restarts (15 min)", unit: "none", exprs: [["restarts", `sum(increase(kube_pod_container_status_restarts_total{${ns}}[15m]))`]] },
        { title: "Ready pods", unit: "none", exprs: [["ready", `sum(kube_pod_status_ready{${ns},condition="true"})`]] },
    );
    if (svc.queue !== undefined) {
        out.push({ title: `Queue ${svc.queue.name}`, unit: "none", exprs: [["messages", `max(keda_scaler_metrics_value{namespace="${svc.name}"})`]] });
    }
    return out;
}

/** The dashboard JSON model: a two-column grid of time series. */
export function dashboard(svc: ServiceSettings): Record<string, unknown> {
    return {
        uid: `svc-${svc.name}`.slice(0, 40),
        title: `Service ${svc.name}`,
        tags: ["platform", svc.kind],
        timezone: "utc",
        schemaVersion: 39,
        refresh: "30s",
        time: { from: "now-6h", to: "now" },
        templating: { list: [{ name: "datasource", type: "datasource", query: "prometheus" }] },
        panels: panels(svc).map((p, i) => ({
            id: i + 1,
            type: "timeseries",
            title: p.title,
            datasource: { type: "prometheus", uid: "${datasource}" },
            gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
            fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
            targets: p.exprs.map(([legendFormat, expr], j) => ({ refId: String.fromCharCode(65 + j), expr, legendFormat })),
        })),
    };
}
