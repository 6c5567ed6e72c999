import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../../config/catalog";
import type { ServiceSettings } from "../../../config/schema";
import { cpuMillis, formatCpu } from "../../../lib/quantity";
import { prometheusRule, serviceRuleGroups } from "../../observability/alertRules";
import {
    TENANT_LABEL,
    WAIT_FOR_READY,
    externalSecretSpec,
    irsaAnnotations,
    onNodeGroup,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    secretStoreSpec,
} from "../../../lib/kubernetesSpecs";
import { DASHBOARD_LABEL, dashboard } from "../../observability/dashboards";
import { BROKER_URL_WITH_CREDENTIALS, DataWiring } from "../wiring";

/**
 * Kubernetes manifests of one catalog service, as plain objects built from settings and the AWS
 * endpoints it is wired to. Nothing here creates a resource, so every manifest can be validated against
 * the Kubernetes schemas and inspected in tests without running Pulumi.
 */

type Input<T> = pulumi.Input<T>;
export type Obj = Record<string, unknown>;

/** Label that selects a service's pods, and the one every object of the service carries. */
export const APP_LABEL = "app.kubernetes.io/name";
/** Pods run as this user unless the catalog says otherwise: numeric, so the kubelet can verify non-root. */
export const DEFAULT_RUN_AS_USER = 10001;
/** Name of the port every web container serves on. */
export const HTTP_PORT_NAME = "http";
/** Name of the gRPC port, when a service has one. */
export const GRPC_PORT_NAME = "grpc";
/** Port the Kubernetes Service exposes to other pods. */
export const SERVICE_PORT = 80;

/** Everything outside the catalog entry that a service's manifests refer to. */
export interface ServiceWiring {
    readonly region: Input<string>;
    readonly environment: Environment;
    /** Replicas of a service whose catalog entry gives none. */
    readonly defaultReplicas: number;
    /** IRSA role the service account assumes. */
    readonly roleArn: Input<string>;
    /** Settings, credentials and egress of the data stores the service uses. */
    readonly data: DataWiring;
    /** The CIDR blocks the network policies open. */
    readonly networks: {
        readonly vpc: string;
        readonly public: string[];
        readonly private: string[];
    };
    readonly ingress: {
        readonly certificateArn: string;
        readonly sslPolicy: string;
        readonly scheme: string;
        /** ALB ingress group shared by every service of the stack: one ALB per stack. */
        readonly group: string;
    };
    /** Namespace and pod labels of Prometheus, which scrapes the service. */
    readonly prometheus: { readonly namespace: string; readonly podLabels: Record<string, string> };
    /** Where traces go, for services with `tracing`. */
    readonly tracing?: { readonly namespace: string; readonly podLabels: Record<string, string>; readonly endpoint: string; readonly ports: number[] };
}

/** Catalog defaults for what an entry may leave out. */
export const SERVICE_DEFAULTS = { cpu: "100m", memory: "128Mi", healthPath: "/healthz" } as const;

export function labels(svc: ServiceSettings): Record<string, string> {
    return { [APP_LABEL]: svc.name, "app.kubernetes.io/component": svc.kind, "app.kubernetes.io/part-of": "platform" };
}

export function selector(svc: ServiceSettings): Record<string, string> {
    return { [APP_LABEL]: svc.name };
}

/** Metadata of an object of the service: its name, the service's namespace and labels. */
export const meta = (svc: ServiceSettings, name: string, extra: Obj = {}) => ({ name, namespace: svc.name, labels: labels(svc), ...extra });

/** Replica bounds: a fixed count is both bounds. */
export function replicaBounds(svc: ServiceSettings, defaultReplicas: number): { min: number; max: number } {
    const r = svc.replicas ?? defaultReplicas;
    return typeof r === "number" ? { min: r, max: r } : r;
}

/** True when something other than the Deployment decides the replica count. */
export function isAutoscaled(svc: ServiceSettings, defaultReplicas: number): boolean {
    const { min, max } = replicaBounds(svc, defaultReplicas);
    return svc.kind !== "cron" && (svc.queue !== undefined || max > min);
}

export const configMapName = (svc: ServiceSettings) => `${svc.name}-config`;
export const secretName = (svc: ServiceSettings) => `${svc.name}-secrets`;

export function namespace(svc: ServiceSettings): Obj {
    return {
        metadata: {
            name: svc.name,
            labels: {
                ...labels(svc),
                [TENANT_LABEL]: "true",
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
                "pod-security.kubernetes.io/warn": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
            },
        },
    };
}

export function serviceAccount(svc: ServiceSettings, w: ServiceWiring): Obj {
    return {
        metadata: meta(svc, svc.name, { annotations: irsaAnnotations(w.roleArn) }),
        // The application never calls the Kubernetes API; the IRSA token is projected separately.
        automountServiceAccountToken: false,
    };
}

/** Plain settings and AWS endpoints; nothing secret. */
export function configMap(svc: ServiceSettings, w: ServiceWiring): Obj {
    const data: Record<string, Input<string>> = { ...(svc.env ?? {}) };
    data.AWS_REGION = w.region;
    Object.assign(data, w.data.env);
    if (svc.tracing === true && w.tracing) {
        data.OTEL_EXPORTER_OTLP_ENDPOINT = w.tracing.endpoint;
        data.OTEL_EXPORTER_OTLP_PROTOCOL = "grpc";
        data.OTEL_TRACES_EXPORTER = "otlp";
        data.OTEL_SERVICE_NAME = svc.name;
        data.OTEL_RESOURCE_ATTRIBUTES = `deployment.environment=${w.environment},k8s.namespace.name=${svc.name}`;
    }
    return { metadata: meta(svc, configMapName(svc)), data };
}

/** Secret keys the ExternalSecret materialises, by environment variable name. */
export function secretKeys(w: ServiceWiring): string[] {
    return w.data.secretKeys.map((k) => k.env);
}

/** Reads only this service's secrets, as its own service account (ESO's JWT auth through IRSA). */
export function secretStore(svc: ServiceSettings, w: ServiceWiring): Obj {
    return {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: meta(svc, svc.name),
        spec: secretStoreSpec(w.region, svc.name),
    };
}

/**
 * Materialises the service's credentials from Secrets Manager and refreshes them hourly. The broker URL
 * with credentials is assembled by External Secrets' template, so no secret value passes through Pulumi.
 */
export function externalSecret(svc: ServiceSettings, w: ServiceWiring): Obj {
    const data = w.data.secretKeys.flatMap((k) => ("from" in k ? [{ secretKey: k.env, key: k.from.secretArn, property: k.from.property }] : []));
    const templated = w.data.secretKeys.flatMap((k) => ("template" in k ? [[k.env, k.template] as const] : []));
    const template = templated.length > 0 ? { engineVersion: "v2", mergePolicy: "Merge", data: Object.fromEntries(templated) } : undefined;
    return {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        // Pulumi waits until the Secret exists, so workloads never start without their credentials.
        metadata: meta(svc, secretName(svc), { annotations: WAIT_FOR_READY }),
        spec: externalSecretSpec({ kind: "SecretStore", name: svc.name }, secretName(svc), { data }, template),
    };
}

function resources(svc: ServiceSettings): Obj {
    const cpu = svc.cpu ?? SERVICE_DEFAULTS.cpu;
    const memory = svc.memory ?? SERVICE_DEFAULTS.memory;
    // Memory limit equals the request (no overcommit, predictable OOM); CPU may burst to twice its request.
    return { requests: { cpu, memory }, limits: { cpu: formatCpu(cpuMillis(cpu) * 2), memory } };
}

/** The container of the service: restricted security context, read-only root with a writable /tmp. */
export function container(svc: ServiceSettings, w: ServiceWiring): Obj {
    const env = secretKeys(w).map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secretName(svc), key } } }));
    const web = svc.kind === "web";
    // A gRPC service is probed with the gRPC health protocol (grpc.health.v1), which needs the port number.
    const check = svc.grpc ? { grpc: { port: svc.grpc.port } } : { httpGet: { path: svc.healthPath ?? SERVICE_DEFAULTS.healthPath, port: HTTP_PORT_NAME } };
    const probe = (extra: Obj) => ({ ...check, ...extra });
    const ports = [
        { name: HTTP_PORT_NAME, containerPort: svc.port, protocol: "TCP" },
        ...(svc.grpc ? [{ name: GRPC_PORT_NAME, containerPort: svc.grpc.port, protocol: "TCP" }] : []),
    ];
    return {
        name: svc.name,
        image: svc.image,
        ...(svc.command ? { command: svc.command } : {}),
        ...(web ? { ports } : {}),
        envFrom: [{ configMapRef: { name: configMapName(svc) } }],
        ...(env.length > 0 ? { env } : {}),
        resources: resources(svc),
        ...(web
            ? {
                  startupProbe: probe({ periodSeconds: 2, failureThreshold: 30 }),
                  readinessProbe: probe({ periodSeconds: 5, failureThreshold: 3 }),
                  livenessProbe: probe({ periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 }),
              }
            : {}),
        securityContext: restrictedContainerSecurity(),
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    };
}

/** Pod spec shared by Deployments and CronJobs. */
export function podSpec(svc: ServiceSettings, w: ServiceWiring): Obj {
    return {
        serviceAccountName: svc.name,
        automountServiceAccountToken: false,
        securityContext: restrictedPodSecurity(DEFAULT_RUN_AS_USER, { fsGroup: true }),
        nodeSelector: onNodeGroup("apps"),
        containers: [container(svc, w)],
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
        terminationGracePeriodSeconds: 30,
        ...(svc.kind === "cron"
            ? { restartPolicy: "Never" }
            : {
                  topologySpreadConstraints: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
                      maxSkew: 1,
                      topologyKey,
                      whenUnsatisfiable: "ScheduleAnyway",
                      labelSelector: { matchLabels: selector(svc) },
                  })),
              }),
    };
}

export function deployment(svc: ServiceSettings, w: ServiceWiring): Obj {
    const { min } = replicaBounds(svc, w.defaultReplicas);
    return {
        metadata: meta(svc, svc.name),
        spec: {
            replicas: min,
            selector: { matchLabels: selector(svc) },
            // Surge first, never go below the current count: a rollout keeps full capacity.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            revisionHistoryLimit: 5,
            template: { metadata: { labels: labels(svc) }, spec: podSpec(svc, w) },
        },
    };
}

export function cronJob(svc: ServiceSettings, w: ServiceWiring): Obj {
    return {
        metadata: meta(svc, svc.name),
        spec: {
            schedule: svc.schedule,
            timeZone: "Etc/UTC",
            concurrencyPolicy: "Forbid",
            startingDeadlineSeconds: 300,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
            jobTemplate: {
                metadata: { labels: labels(svc) },
                spec: { backoffLimit: 2, template: { metadata: { labels: labels(svc) }, spec: podSpec(svc, w) } },
            },
        },
    };
}

export function service(svc: ServiceSettings): Obj {
    return {
        metadata: meta(svc, svc.name),
        spec: {
            type: "ClusterIP",
            selector: selector(svc),
            ports: [
                { name: HTTP_PORT_NAME, port: SERVICE_PORT, targetPort: HTTP_PORT_NAME, protocol: "TCP" },
                ...(svc.grpc ? [{ name: GRPC_PORT_NAME, port: svc.grpc.port, targetPort: GRPC_PORT_NAME, protocol: "TCP", appProtocol: "kubernetes.io/h2c" }] : []),
            ],
        },
    };
}

export function horizontalPodAutoscaler(svc: ServiceSettings, w: ServiceWiring): Obj {
    const { min, max } = replicaBounds(svc, w.defaultReplicas);
    const utilization = (name: string, averageUtilization: number) => ({ type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization } } });
    return {
        metadata: meta(svc, svc.name),
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: svc.name },
            minReplicas: min,
            maxReplicas: max,
            metrics: [utilization("cpu", svc.autoscaling?.cpu ?? AUTOSCALING_DEFAULTS.cpu), utilization("memory", svc.autoscaling?.memory ?? AUTOSCALING_DEFAULTS.memory)],
        },
    };
}

/** Default HPA targets, in percent of requests. */
export const AUTOSCALING_DEFAULTS = { cpu: 70, memory: 80 } as const;

/** KEDA scaling on the RabbitMQ queue's length, with credentials from the service's own Secret. */
export function scaledObject(svc: ServiceSettings, w: ServiceWiring): Obj[] {
    const { min, max } = replicaBounds(svc, w.defaultReplicas);
    const queue = svc.queue as { name: string; targetLength: number };
    return [
        {
            apiVersion: "keda.sh/v1alpha1",
            kind: "TriggerAuthentication",
            metadata: meta(svc, `${svc.name}-rabbitmq`),
            spec: { secretTargetRef: [{ parameter: "host", name: secretName(svc), key: BROKER_URL_WITH_CREDENTIALS }] },
        },
        {
            apiVersion: "keda.sh/v1alpha1",
            kind: "ScaledObject",
            metadata: meta(svc, svc.name),
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: svc.name },
                minReplicaCount: min,
                maxReplicaCount: max,
                triggers: [
                    {
                        type: "rabbitmq",
                        metadata: { protocol: "amqp", mode: "QueueLength", queueName: queue.name, value: String(queue.targetLength) },
                        authenticationRef: { name: `${svc.name}-rabbitmq` },
                    },
                    // With a CPU target too, KEDA scales to whichever of the two asks for more replicas.
                    ...(svc.autoscaling?.cpu !== undefined ? [{ type: "cpu", metricType: "Utilization", metadata: { value: String(svc.autoscaling.cpu) } }] : []),
                ],
            },
        },
    ];
}

/** Allows one voluntary disruption at any time, so node drains never block. */
export function podDisruptionBudget(svc: ServiceSettings): Obj {
    return { metadata: meta(svc, svc.name), spec: { maxUnavailable: 1, selector: { matchLabels: selector(svc) } } };
}

export function serviceMonitor(svc: ServiceSettings): Obj {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: meta(svc, svc.name),
        spec: {
            selector: { matchLabels: selector(svc) },
            namespaceSelector: { matchNames: [svc.name] },
            endpoints: [{ port: HTTP_PORT_NAME, path: "/metrics", interval: "30s" }],
        },
    };
}

/** The service's alert rules, evaluated by Prometheus. */
export function alertRules(svc: ServiceSettings): Obj {
    return prometheusRule(svc.name, svc.name, serviceRuleGroups(svc), labels(svc));
}

/** The service's Grafana dashboard, picked up by Grafana's sidecar. */
export function dashboardConfigMap(svc: ServiceSettings): Obj {
    return { metadata: meta(svc, `${svc.name}-dashboard`, { labels: { ...labels(svc), ...DASHBOARD_LABEL } }), data: { [`${svc.name}.json`]: JSON.stringify(dashboard(svc)) } };
}
