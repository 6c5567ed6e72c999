import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import {
    SERVICE_LABEL,
    TENANT_LABEL,
    WAIT_FOR_READY,
    externalSecretSpec,
    irsaAnnotations,
    onNodeGroup,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    secretStoreSpec,
} from "../../lib/kubernetesSpecs";
import { databaseIdentifier, provisionCommand } from "../../lib/sql";
import { DATABASE_CA_FILE, DATA_FILES_DIR } from "./endpoints";

/**
 * Kubernetes objects of the database provisioner, built from plain values: its namespace, identity and
 * secrets, one provisioning Job per service, and one postgres exporter per service database. Nothing here
 * creates a resource.
 */

type Input<T> = pulumi.Input<T>;

/** Namespace of the provisioning jobs; it alone can read the master credentials. */
export const PROVISIONER_NAMESPACE = "platform-db";
/** Service account of the jobs and exporters, bound to the role that reads the credentials. */
export const PROVISIONER_ACCOUNT = "db-provisioner";
/** Kubernetes Secret holding the master user's login. */
export const MASTER_SECRET = "master-credentials";
/** psql image, pinned; its `postgres` user is uid 70. */
export const PSQL_IMAGE = "public.ecr.aws/docker/library/postgres:17.6-alpine";
/** Prometheus postgres exporter, pinned; it runs as nobody (65534). */
export const EXPORTER_IMAGE = "quay.io/prometheuscommunity/postgres-exporter:v0.17.1";
export const EXPORTER_PORT = 9187;

/** Where the jobs connect: the primary, and the database the master user logs in to. */
export interface AdminConnection {
    readonly host: Input<string>;
    readonly port: Input<number>;
    readonly adminDatabase: Input<string>;
    /** PEM of the CAs of the server's certificate: connections then verify the host name. Defaults to none (`require`). */
    readonly caBundle?: string;
}

/** ConfigMap with the database's CA bundle, mounted in the jobs and exporters. */
export const DATABASE_CA_CONFIGMAP = "database-ca";
/** Where the jobs and exporters find the CA bundle. */
export const DATABASE_CA_PATH = `${DATA_FILES_DIR}/${DATABASE_CA_FILE}`;

/** libpq's TLS settings for a connection: verify-full against the bundle when there is one. */
function tlsSettings(db: AdminConnection): { sslmode: string; sslrootcert?: string } {
    return db.caBundle !== undefined ? { sslmode: "verify-full", sslrootcert: DATABASE_CA_PATH } : { sslmode: "require" };
}

/** The CA bundle's volume and mount, when the connection verifies the server. */
function caVolume(db: AdminConnection): { volumes: k8s.types.input.core.v1.Volume[]; mounts: k8s.types.input.core.v1.VolumeMount[] } {
    return db.caBundle === undefined
        ? { volumes: [], mounts: [] }
        : { volumes: [{ name: "database-ca", configMap: { name: DATABASE_CA_CONFIGMAP } }], mounts: [{ name: "database-ca", mountPath: DATA_FILES_DIR, readOnly: true }] };
}

/** The CA bundle as a ConfigMap of the provisioner's namespace (public certificates, no secret). */
export function databaseCaConfigMap(caBundle: string): k8s.types.input.core.v1.ConfigMap {
    return { metadata: inNamespace(DATABASE_CA_CONFIGMAP), data: { [DATABASE_CA_FILE]: caBundle } };
}

/**
 * Name of a service's provisioning Job. It carries the version of the service's credentials, so that a
 * new password (a rotation) replaces the Job, which then sets it; the same version keeps the same Job.
 */
export function provisionJobName(service: string, credentialsVersion: string): string {
    return `provision-${service}-${versionSuffix(credentialsVersion)}`;
}

/** Eight hex digits that stand for a secret's version in the name of the Job that applies it. */
export function versionSuffix(version: string): string {
    return createHash("sha256").update(version).digest("hex").slice(0, 8);
}

/** A name built from a secret's version, known now or once the version is. */
export function versioned(version: Input<string>, name: (version: string) => string): Input<string> {
    return typeof version === "string" ? name(version) : pulumi.output(version).apply(name);
}

/**
 * The version of a Secrets Manager secret as External Secrets reads it (`uuid/<VersionId>`; a bare value
 * would be a staging label such as AWSCURRENT): a Kubernetes Secret made for one version holds that one.
 */
export const secretsManagerVersion = (versionId: string): string => `uuid/${versionId}`;

/** One value of an ExternalSecret: a property of a Secrets Manager secret. */
export interface SecretValue {
    readonly secretKey: string;
    readonly key: Input<string>;
    readonly property: string;
    /** The secret's VersionId to read; defaults to the current version. */
    readonly versionId?: Input<string>;
}

export const PROVISIONER_LABELS = { "app.kubernetes.io/name": PROVISIONER_ACCOUNT, "app.kubernetes.io/part-of": "platform" };

/** Where a provisioner runs: its namespace and service account (the database's by default). */
export interface ProvisionerScope {
    readonly namespace: string;
    readonly account: string;
}
export const DATABASE_SCOPE: ProvisionerScope = { namespace: PROVISIONER_NAMESPACE, account: PROVISIONER_ACCOUNT };

const scopeLabels = (scope: ProvisionerScope) => ({ "app.kubernetes.io/name": scope.account, "app.kubernetes.io/part-of": "platform" });
const inNamespace = (name: string, extra: Partial<k8s.types.input.meta.v1.ObjectMeta> = {}, scope = DATABASE_SCOPE) => ({ name, namespace: scope.namespace, labels: scopeLabels(scope), ...extra });

/**
 * Kubernetes Secret holding one version of a service's database login, which its job and exporter read.
 * A new version (a rotation) gets a new Secret, synced afresh before the new Job starts: a Secret kept
 * across versions could still hold the old password when the Job reads it.
 */
export const serviceCredentials = (service: string, credentialsVersion: string): string => `${service}-credentials-${versionSuffix(credentialsVersion)}`;

export function provisionerNamespace(scope = DATABASE_SCOPE): k8s.types.input.core.v1.Namespace {
    return {
        metadata: {
            name: scope.namespace,
            labels: { ...scopeLabels(scope), [TENANT_LABEL]: "true", "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted" },
        },
    };
}

export function provisionerPolicy(name: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec, scope = DATABASE_SCOPE): k8s.types.input.networking.v1.NetworkPolicy {
    return { metadata: inNamespace(name, {}, scope), spec };
}

export function provisionerAccount(roleArn: Input<string>, scope = DATABASE_SCOPE): k8s.types.input.core.v1.ServiceAccount {
    return { metadata: inNamespace(scope.account, { annotations: irsaAnnotations(roleArn) }, scope), automountServiceAccountToken: false };
}

/** Reads Secrets Manager as the provisioner's account, through its IRSA role. */
export function provisionerSecretStore(region: Input<string>, scope = DATABASE_SCOPE): k8s.apiextensions.CustomResourceArgs {
    return { apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: inNamespace(scope.account, {}, scope), spec: secretStoreSpec(region, scope.account) };
}

/** Materialises some secret properties as the Kubernetes Secret `target`; Pulumi waits until it exists. */
export function provisionerSecret(target: Input<string>, data: SecretValue[], scope = DATABASE_SCOPE): k8s.apiextensions.CustomResourceArgs {
    const spec = externalSecretSpec({ kind: "SecretStore", name: scope.account }, target, { data });
    // Pin the versions asked for: the Secret then holds exactly them, whatever AWSCURRENT says by then.
    (spec.data as { remoteRef: Record<string, unknown> }[]).forEach((d, i) => {
        const versionId = data[i].versionId;
        if (versionId !== undefined) {
            d.remoteRef.version = versioned(versionId, secretsManagerVersion);
        }
    });
    return { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { ...inNamespace("", { annotations: WAIT_FOR_READY }, scope), name: target }, spec };
}

const fromSecret = (secret: Input<string>, key: string): k8s.types.input.core.v1.EnvVar => ({ name: key, valueFrom: { secretKeyRef: { name: secret, key } } });

/**
 * The idempotent Job that gives one service its role and database, as the master user; named after the
 * version of the service's credentials (see {@link provisionJobName}).
 */
export function provisionJob(service: string, db: AdminConnection, credentialsVersion: Input<string>): k8s.types.input.batch.v1.Job {
    const labels = { ...PROVISIONER_LABELS, [SERVICE_LABEL]: service };
    const tls = tlsSettings(db);
    const ca = caVolume(db);
    return {
        metadata: { name: versioned(credentialsVersion, (v) => provisionJobName(service, v)), namespace: PROVISIONER_NAMESPACE, labels },
        spec: {
            backoffLimit: 6,
            activeDeadlineSeconds: 900,
            template: {
                metadata: { labels },
                spec: {
                    serviceAccountName: PROVISIONER_ACCOUNT,
                    automountServiceAccountToken: false,
                    restartPolicy: "OnFailure",
                    securityContext: restrictedPodSecurity(70),
                    nodeSelector: onNodeGroup("system"),
                    containers: [
                        {
                            name: "provision",
                            image: PSQL_IMAGE,
                            command: provisionCommand(),
                            env: [
                                { name: "PGHOST", value: db.host },
                                { name: "PGPORT", value: pulumi.output(db.port).apply(String) },
                                { name: "PGDATABASE", value: db.adminDatabase },
                                { name: "PGSSLMODE", value: tls.sslmode },
                                ...(tls.sslrootcert !== undefined ? [{ name: "PGSSLROOTCERT", value: tls.sslrootcert }] : []),
                                { name: "SERVICE_DATABASE", value: databaseIdentifier(service) },
                                fromSecret(MASTER_SECRET, "PGUSER"),
                                fromSecret(MASTER_SECRET, "PGPASSWORD"),
                                fromSecret(versioned(credentialsVersion, (v) => serviceCredentials(service, v)), "SERVICE_USERNAME"),
                                fromSecret(versioned(credentialsVersion, (v) => serviceCredentials(service, v)), "SERVICE_PASSWORD"),
                            ],
                            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                            securityContext: restrictedContainerSecurity(),
                            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...ca.mounts],
                        },
                    ],
                    volumes: [{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }, ...ca.volumes],
                },
            },
        },
    };
}

/** Pod labels of one service's exporter. */
export const exporterLabels = (service: string): Record<string, string> => ({
    "app.kubernetes.io/name": "postgres-exporter",
    "app.kubernetes.io/instance": service,
    "app.kubernetes.io/part-of": "platform",
});

const exporterMeta = (service: string) => ({ name: `pg-exporter-${service}`, namespace: PROVISIONER_NAMESPACE, labels: exporterLabels(service) });

/** A postgres exporter connecting to one service's database as that service's own role, never the master user. */
export function exporterDeployment(service: string, db: AdminConnection, replicas: number, credentialsVersion: Input<string>): k8s.types.input.apps.v1.Deployment {
    const labels = exporterLabels(service);
    const credentials = versioned(credentialsVersion, (v) => serviceCredentials(service, v));
    const tls = tlsSettings(db);
    const exporterTls = `sslmode=${tls.sslmode}${tls.sslrootcert !== undefined ? `&sslrootcert=${tls.sslrootcert}` : ""}`;
    const ca = caVolume(db);
    return {
        metadata: exporterMeta(service),
        spec: {
            replicas,
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: {
                    serviceAccountName: PROVISIONER_ACCOUNT,
                    automountServiceAccountToken: false,
                    securityContext: restrictedPodSecurity(65534),
                    nodeSelector: onNodeGroup("system"),
                    containers: [
                        {
                            name: "exporter",
                            image: EXPORTER_IMAGE,
                            ports: [{ name: "metrics", containerPort: EXPORTER_PORT, protocol: "TCP" }],
                            env: [
                                { name: "DATA_SOURCE_URI", value: pulumi.interpolate`${db.host}:${db.port}/${databaseIdentifier(service)}?${exporterTls}` },
                                { name: "DATA_SOURCE_USER", valueFrom: { secretKeyRef: { name: credentials, key: "SERVICE_USERNAME" } } },
                                { name: "DATA_SOURCE_PASS", valueFrom: { secretKeyRef: { name: credentials, key: "SERVICE_PASSWORD" } } },
                            ],
                            readinessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 10 },
                            livenessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 20 },
                            resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
                            securityContext: restrictedContainerSecurity(),
                            ...(ca.mounts.length > 0 ? { volumeMounts: ca.mounts } : {}),
                        },
                    ],
                    ...(ca.volumes.length > 0 ? { volumes: ca.volumes } : {}),
                },
            },
        },
    };
}

export function exporterDisruptionBudget(service: string): k8s.types.input.policy.v1.PodDisruptionBudget {
    return { metadata: exporterMeta(service), spec: { maxUnavailable: 1, selector: { matchLabels: exporterLabels(service) } } };
}

export function exporterService(service: string): k8s.types.input.core.v1.Service {
    return { metadata: exporterMeta(service), spec: { selector: exporterLabels(service), ports: [{ name: "metrics", port: EXPORTER_PORT, targetPort: "metrics", protocol: "TCP" }] } };
}

export function exporterMonitor(service: string): k8s.apiextensions.CustomResourceArgs {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: exporterMeta(service),
        spec: { selector: { matchLabels: exporterLabels(service) }, namespaceSelector: { matchNames: [PROVISIONER_NAMESPACE] }, endpoints: [{ port: "metrics", interval: "30s" }] },
    };
}
