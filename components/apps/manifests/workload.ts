import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import type { ServiceSettings } from "../../../config/schema";
import { SERVICE_LABEL, TENANT_LABEL, irsaAnnotations, onNodeGroup, restrictedContainerSecurity, restrictedPodSecurity } from "../../../lib/kubernetesSpecs";
import { cpuMillis, formatCpu } from "../../../lib/quantity";
import { BROKER_URL_WITH_CREDENTIALS, DATA_FILES_DIR } from "../wiring";
import {
    AUTOSCALING_DEFAULTS,
    DEFAULT_RUN_AS_USER,
    GRPC_PORT_NAME,
    HTTP_PORT_NAME,
    SERVICE_DEFAULTS,
    SERVICE_PORT,
    ServiceWiring,
    configMapName,
    labels,
    meta,
    replicaBounds,
    secretName,
    podSelector,
    selector,
} from "./common";
import { secretKeys } from "./secrets";

/**
 * The service's namespace, identity, configuration and workload: a Deployment (web and worker) or a
 * CronJob, its Service, autoscaler and disruption budget, built from the catalog entry and its wiring.
 */

/** A setting the catalog requires of this kind of service; its absence means the config was not validated. */
function required<K extends "port" | "schedule">(svc: ServiceSettings, key: K): NonNullable<ServiceSettings[K]> {
    const value = svc[key];
    if (value === undefined) {
        throw new Error(`Service ${svc.name}: a ${svc.kind} service needs ${key}`);
    }
    return value as NonNullable<ServiceSettings[K]>;
}

export function namespace(svc: ServiceSettings): k8s.types.input.core.v1.Namespace {
    return {
        metadata: {
            name: svc.name,
            labels: {
                ...labels(svc),
                [TENANT_LABEL]: "true",
                [SERVICE_LABEL]: svc.name,
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
                "pod-security.kubernetes.io/warn": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
            },
        },
    };
}

export function serviceAccount(svc: ServiceSettings, w: ServiceWiring): k8s.types.input.core.v1.ServiceAccount {
    return {
        metadata: meta(svc, svc.name, w.roleArn === undefined ? {} : { annotations: irsaAnnotations(w.roleArn) }),
        // The application never calls the Kubernetes API; the IRSA token is projected separately.
        automountServiceAccountToken: false,
    };
}

/** Plain settings and AWS endpoints; nothing secret. */
export function configMap(svc: ServiceSettings, w: ServiceWiring): k8s.types.input.core.v1.ConfigMap {
    const data: Record<string, pulumi.Input<string>> = { ...(svc.env ?? {}) };
    if (w.region !== undefined) {
        data.AWS_REGION = w.region;
    }
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

/** Name of the ConfigMap holding the data stores' files (CA bundles), mounted read-only at {@link DATA_FILES_DIR}. */
export const dataFilesName = (svc: ServiceSettings): string => `${svc.name}-data-files`;

/** The data stores' files for the service (CA bundles), or undefined when its stores give none. */
export function dataFilesConfigMap(svc: ServiceSettings, w: ServiceWiring): k8s.types.input.core.v1.ConfigMap | undefined {
    return Object.keys(w.data.files).length === 0 ? undefined : { metadata: meta(svc, dataFilesName(svc)), data: { ...w.data.files } };
}

const hasDataFiles = (w: ServiceWiring) => Object.keys(w.data.files).length > 0;

/** Pod-template annotation holding {@link configChecksum}: a change of configuration changes the template, which rolls the Deployment. */
export const CONFIG_CHECKSUM_ANNOTATION = "platform.io/config-checksum";

/**
 * Where the service's Secret is mounted as files, one per key (`/var/run/secrets/platform/DATABASE_PASSWORD`).
 * The kubelet refreshes mounted Secrets in place (within about a minute of External Secrets updating the
 * Secret), while environment variables keep the values the container started with: an application that
 * rereads a credential from its file, on a failed login or a timer, gets a new value without a restart.
 */
export const SECRETS_MOUNT_PATH = "/var/run/secrets/platform";

/** SHA-256 of configuration data, independent of key order. */
export function checksumOf(data: Readonly<Record<string, string>>): string {
    const canonical = JSON.stringify(Object.keys(data).sort().map((k) => [k, data[k]]));
    return createHash("sha256").update(canonical).digest("hex");
}

/** Checksum of the service's ConfigMap data, once its values (endpoints, region) are known. */
export function configChecksum(svc: ServiceSettings, w: ServiceWiring): pulumi.Output<string> {
    return pulumi.output(configMap(svc, w).data ?? {}).apply((data) => checksumOf(data as Record<string, string>));
}

function resources(svc: ServiceSettings): k8s.types.input.core.v1.ResourceRequirements {
    const cpu = svc.cpu ?? SERVICE_DEFAULTS.cpu;
    const memory = svc.memory ?? SERVICE_DEFAULTS.memory;
    // Memory limit equals the request (no overcommit, predictable OOM); CPU may burst to twice its request.
    return { requests: { cpu, memory }, limits: { cpu: formatCpu(cpuMillis(cpu) * 2), memory } };
}

/** The container of the service: restricted security context, read-only root with a writable /tmp. */
export function container(svc: ServiceSettings, w: ServiceWiring): k8s.types.input.core.v1.Container {
    const env = secretKeys(w).map((key): k8s.types.input.core.v1.EnvVar => ({ name: key, valueFrom: { secretKeyRef: { name: secretName(svc), key } } }));
    const web = svc.kind === "web";
    // A gRPC service is probed with the gRPC health protocol (grpc.health.v1), which needs the port number.
    const check = svc.grpc ? { grpc: { port: svc.grpc.port } } : { httpGet: { path: svc.healthPath ?? SERVICE_DEFAULTS.healthPath, port: HTTP_PORT_NAME } };
    const probe = (extra: k8s.types.input.core.v1.Probe): k8s.types.input.core.v1.Probe => ({ ...check, ...extra });
    const ports = (): k8s.types.input.core.v1.ContainerPort[] => [
        { name: HTTP_PORT_NAME, containerPort: required(svc, "port"), protocol: "TCP" },
        ...(svc.grpc ? [{ name: GRPC_PORT_NAME, containerPort: svc.grpc.port, protocol: "TCP" }] : []),
    ];
    return {
        name: svc.name,
        image: svc.image,
        ...(svc.command ? { command: svc.command } : {}),
        ...(web ? { ports: ports() } : {}),
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
        volumeMounts: [
            { name: "tmp", mountPath: "/tmp" },
            ...(env.length > 0 ? [{ name: "secrets", mountPath: SECRETS_MOUNT_PATH, readOnly: true }] : []),
            ...(hasDataFiles(w) ? [{ name: "data-files", mountPath: DATA_FILES_DIR, readOnly: true }] : []),
        ],
    };
}

/** Pod spec shared by Deployments and CronJobs. */
export function podSpec(svc: ServiceSettings, w: ServiceWiring): k8s.types.input.core.v1.PodSpec {
    return {
        serviceAccountName: svc.name,
        automountServiceAccountToken: false,
        securityContext: restrictedPodSecurity(DEFAULT_RUN_AS_USER, { fsGroup: true }),
        nodeSelector: (w.onAppsNodeGroup ?? true) ? onNodeGroup("apps") : undefined,
        containers: [container(svc, w)],
        volumes: [
            { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
            // Readable by the pod's group only (fsGroup); refreshed in place when External Secrets updates the Secret.
            ...(secretKeys(w).length > 0 ? [{ name: "secrets", secret: { secretName: secretName(svc), defaultMode: 0o440 } }] : []),
            ...(hasDataFiles(w) ? [{ name: "data-files", configMap: { name: dataFilesName(svc) } }] : []),
        ],
        terminationGracePeriodSeconds: 30,
        ...(svc.kind === "cron"
            ? { restartPolicy: "Never" }
            : {
                  topologySpreadConstraints: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
                      maxSkew: 1,
                      topologyKey,
                      whenUnsatisfiable: "ScheduleAnyway",
                      labelSelector: podSelector(svc),
                  })),
              }),
    };
}

export function deployment(svc: ServiceSettings, w: ServiceWiring): k8s.types.input.apps.v1.Deployment {
    const { min } = replicaBounds(svc, w.defaultReplicas);
    return {
        metadata: meta(svc, svc.name),
        spec: {
            replicas: min,
            selector: podSelector(svc),
            // Surge first, never go below the current count: a rollout keeps full capacity.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            revisionHistoryLimit: 5,
            // The ConfigMap keeps its name, so only this annotation tells the Deployment that its pods' env changed.
            template: { metadata: { labels: labels(svc), annotations: { [CONFIG_CHECKSUM_ANNOTATION]: configChecksum(svc, w) } }, spec: podSpec(svc, w) },
        },
    };
}

export function cronJob(svc: ServiceSettings, w: ServiceWiring): k8s.types.input.batch.v1.CronJob {
    return {
        metadata: meta(svc, svc.name),
        spec: {
            schedule: required(svc, "schedule"),
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

export function service(svc: ServiceSettings): k8s.types.input.core.v1.Service {
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

export function horizontalPodAutoscaler(svc: ServiceSettings, w: ServiceWiring): k8s.types.input.autoscaling.v2.HorizontalPodAutoscaler {
    const { min, max } = replicaBounds(svc, w.defaultReplicas);
    const utilization = (name: string, averageUtilization: number): k8s.types.input.autoscaling.v2.MetricSpec => ({ type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization } } });
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

/**
 * KEDA scaling on the RabbitMQ queue's length, with credentials from the service's own Secret: its
 * TriggerAuthentication and ScaledObject, by the suffix of their logical names.
 */
export function queueScaling(svc: ServiceSettings, w: ServiceWiring): Record<"triggerauthentication" | "scaledobject", k8s.apiextensions.CustomResourceArgs> {
    const { min, max } = replicaBounds(svc, w.defaultReplicas);
    const queue = svc.queue;
    if (queue === undefined) {
        throw new Error(`Service ${svc.name}: only a service with a queue scales on one`);
    }
    return {
        triggerauthentication: {
            apiVersion: "keda.sh/v1alpha1",
            kind: "TriggerAuthentication",
            metadata: meta(svc, `${svc.name}-rabbitmq`),
            spec: { secretTargetRef: [{ parameter: "host", name: secretName(svc), key: BROKER_URL_WITH_CREDENTIALS }] },
        },
        scaledobject: {
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
    };
}

/** Allows one voluntary disruption at any time, so node drains never block. */
export function podDisruptionBudget(svc: ServiceSettings): k8s.types.input.policy.v1.PodDisruptionBudget {
    return { metadata: meta(svc, svc.name), spec: { maxUnavailable: 1, selector: podSelector(svc) } };
}
