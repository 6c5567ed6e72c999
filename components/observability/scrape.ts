import type { ServiceSettings } from "../../config/schema";

/** Where Prometheus scrapes a web service's HTTP port unless the service says otherwise. */
export const DEFAULT_METRICS_PATH = "/metrics";

/**
 * The path Prometheus scrapes on the service's HTTP port, or undefined when nothing scrapes it: workers
 * and cron jobs serve no HTTP, and a web service with `metricsPath: false` runs an image without metrics.
 * Whatever reads the app's own metrics (HTTP and gRPC alerts, their dashboard panels, the Prometheus
 * ingress policy) exists only when this is defined; container and pod metrics come from elsewhere.
 */
export function scrapedPath(svc: ServiceSettings): string | undefined {
    if (svc.kind !== "web" || svc.metricsPath === false) {
        return undefined;
    }
    return svc.metricsPath ?? DEFAULT_METRICS_PATH;
}
