import type { ServiceSettings } from "./schema";

/**
 * Names the platform itself claims inside the cluster and in a service's environment, so that validation
 * can refuse a catalog entry that would collide with them. Tests check these against what the program
 * actually registers.
 */

/** Namespaces the add-ons and the platform install into, with what lives there. */
export const PLATFORM_NAMESPACES: Readonly<Record<string, string>> = {
    default: "Kubernetes' default namespace",
    "kube-system": "EKS add-ons, the Load Balancer Controller, metrics-server and the Cluster Autoscaler",
    "external-secrets": "the External Secrets Operator",
    monitoring: "kube-prometheus-stack",
    logging: "Fluent Bit",
    "cert-manager": "cert-manager",
    keda: "KEDA",
    observability: "the OpenTelemetry collector",
    "platform-db": "the database provisioning jobs and exporters",
    "platform-broker": "the broker provisioning jobs",
};

/** Prefixes of namespaces that Kubernetes (`kube-`), EKS add-ons (`amazon-`) and the platform (`platform`) keep. */
export const PLATFORM_NAMESPACE_PREFIXES = ["kube-", "amazon-", "platform"] as const;

/** Why a service may not use `name` as its namespace, or undefined when it may. */
export function platformNamespaceClaim(name: string): string | undefined {
    if (name in PLATFORM_NAMESPACES) {
        return PLATFORM_NAMESPACES[name];
    }
    const prefix = PLATFORM_NAMESPACE_PREFIXES.find((p) => name.startsWith(p));
    return prefix === undefined ? undefined : `the ${prefix}* namespaces`;
}

/** Environment variable name of an application secret: `stripe-api-key` → `STRIPE_API_KEY`. */
export function secretEnvName(secret: string): string {
    return secret.toUpperCase().replace(/-/g, "_");
}

/**
 * The environment variables the platform sets in a service's container (its ConfigMap and Secret), each
 * with the setting that makes the platform set it.
 */
export function platformEnvKeys(svc: ServiceSettings): Map<string, string> {
    const keys = new Map<string, string>([["AWS_REGION", "always"]]);
    const add = (why: string, ...names: string[]) => names.forEach((n) => keys.set(n, why));
    const uses = svc.uses ?? [];
    if (uses.includes("database")) {
        add("the service uses the database", "DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME", "DATABASE_SSLMODE", "DATABASE_SSLROOTCERT", "DATABASE_USERNAME", "DATABASE_PASSWORD");
        if (svc.readReplica === true) {
            add("readReplica is true", "DATABASE_READER_HOST");
        }
    }
    if (uses.includes("cache")) {
        add("the service uses the cache", "CACHE_HOST", "CACHE_PORT", "CACHE_TLS", "CACHE_KEY_PREFIX", "CACHE_USERNAME", "CACHE_PASSWORD");
    }
    if (uses.includes("broker")) {
        add("the service uses the broker", "BROKER_URL", "BROKER_VHOST", "BROKER_USERNAME", "BROKER_PASSWORD", "BROKER_AMQP_URL");
    }
    if (svc.tracing === true) {
        add("tracing is true", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_TRACES_EXPORTER", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES");
    }
    return keys;
}

/** Tags the platform puts on every AWS resource; stack config may not override them. */
export const PLATFORM_TAG_KEYS = ["Project", "Stack", "ManagedBy"] as const;
