import type * as k8s from "@pulumi/kubernetes";
import type { ServiceSettings } from "../../../config/schema";
import { prometheusRule, serviceRuleGroups } from "../../observability/alertRules";
import { DASHBOARD_LABEL, dashboard } from "../../observability/dashboards";
import { HTTP_PORT_NAME, labels, meta, podSelector } from "./common";

/** How the service is watched: Prometheus scrapes it, evaluates its alert rules, and Grafana shows its dashboard. */

export function serviceMonitor(svc: ServiceSettings): k8s.apiextensions.CustomResourceArgs {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: meta(svc, svc.name),
        spec: {
            selector: podSelector(svc),
            namespaceSelector: { matchNames: [svc.name] },
            endpoints: [{ port: HTTP_PORT_NAME, path: "/metrics", interval: "30s" }],
        },
    };
}

/** The service's alert rules, evaluated by Prometheus. */
export function alertRules(svc: ServiceSettings): k8s.apiextensions.CustomResourceArgs {
    return prometheusRule(svc.name, svc.name, serviceRuleGroups(svc), labels(svc));
}

/** The service's Grafana dashboard, picked up by Grafana's sidecar. */
export function dashboardConfigMap(svc: ServiceSettings): k8s.types.input.core.v1.ConfigMap {
    return { metadata: meta(svc, `${svc.name}-dashboard`, { labels: { ...labels(svc), ...DASHBOARD_LABEL } }), data: { [`${svc.name}.json`]: JSON.stringify(dashboard(svc)) } };
}
