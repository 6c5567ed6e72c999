/**
 * The charts and release manifests a local stack installs besides the AWS stacks' add-ons, each pinned.
 * Chart versions are checked against the real charts: `../shared/tools/check-helm-values.cjs` covers those
 * with reference data (CloudNativePG, Valkey); Traefik's values were checked against its chart's source.
 */

export interface PinnedChart {
    readonly chart: string;
    readonly repository: string;
    readonly version: string;
}

/** CloudNativePG 0.29.0, which installs operator 1.30.0 (Kubernetes 1.34–1.36, PostgreSQL 14–18). */
export const CNPG_CHART: PinnedChart = { chart: "cloudnative-pg", repository: "https://cloudnative-pg.github.io/charts", version: "0.29.0" };

/** valkey-io/valkey-helm 0.11.0. */
export const VALKEY_CHART: PinnedChart = { chart: "valkey", repository: "https://valkey.io/valkey-helm/", version: "0.11.0" };

/**
 * Traefik 38.0.2 (Traefik Proxy v3.6.6; `helm show chart traefik/traefik`), a maintained ingress controller
 * that reads standard Ingress objects, so the service layer's Ingresses stay Ingresses on both backends.
 */
export const TRAEFIK_CHART: PinnedChart = { chart: "traefik", repository: "https://traefik.github.io/charts", version: "38.0.2" };

/**
 * The RabbitMQ Cluster Operator and Messaging Topology Operator ship as release manifests, not charts
 * (rabbitmq/cluster-operator v2.22.3, rabbitmq/messaging-topology-operator v1.20.1). The topology
 * operator's variant with cert-manager gets its webhook certificate from cert-manager.
 */
export const RABBITMQ_OPERATOR_MANIFESTS = {
    cluster: "https://github.com/rabbitmq/cluster-operator/releases/download/v2.22.3/cluster-operator.yml",
    topology: "https://github.com/rabbitmq/messaging-topology-operator/releases/download/v1.20.1/messaging-topology-operator-with-certmanager.yaml",
} as const;

/** Namespace the RabbitMQ cluster operator's manifest installs into (fixed by the manifest). */
export const RABBITMQ_OPERATOR_NAMESPACE = "rabbitmq-system";
/** Namespace of the CloudNativePG operator (the release's). */
export const CNPG_NAMESPACE = "cnpg-system";
/** Namespace of the Traefik release. */
export const TRAEFIK_NAMESPACE = "traefik";
