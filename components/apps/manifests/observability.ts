import type * as k8s from "@pulumi/kubernetes";
import type { ServiceSettings } from "../../../config/schema";
import { prometheusRule, serviceRuleGroups } from "../../observability/alertRules";
import { DASHBOARD_LABEL, dashboard } from "../../observability/dashboards";
import { scrapedPath } from "../../observability/scrape";
import { HTTP_PORT_NAME, labels, meta, podSelector } from "./common";

/** How the service is watched: Prometheus scrapes it, evaluates its alert rules, and Grafana shows its dashboard. */

/** The ServiceMonitor of a service Prometheus scrapes; undefined for one it does not (see `scrapedPath`). */
export function serviceMonitor(svc: ServiceSettings): k8s.apiextensions.CustomResourceArgs | undefined {
    const path = scrapedPath(svc);
    if (path === undefined) {
        return undefined;
    }
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: meta(svc, svc.name),
        spec: {
            selector: podSelector(svc),
            namespaceSelector: { matchNames: [svc.name] },
            endpoints: [{ port: HTTP_PORT_NAME, path, interval: "30s" }],
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
