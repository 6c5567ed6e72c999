import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole } from "../security/irsaRole";
import {
    ALLOW_DNS_SPEC,
    DEFAULT_DENY_SPEC,
    TENANT_LABEL,
    WAIT_FOR_READY,
    externalSecretSpec,
    irsaAnnotations,
    onNodeGroup,
    podsIn,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    secretStoreSpec,
    toSubnets,
} from "../../lib/kubernetesSpecs";
import { readSecretsStatements } from "../../lib/iam";
import { databaseIdentifier, provisionCommand } from "../../lib/sql";

/** Namespace of the provisioning jobs; it alone can read the master credentials. */
export const PROVISIONER_NAMESPACE = "platform-db";
const SA = "db-provisioner";
const MASTER_SECRET = "master-credentials";
/** psql image, pinned; its `postgres` user is uid 70. */
export const PSQL_IMAGE = "public.ecr.aws/docker/library/postgres:17.6-alpine";
/** Prometheus postgres exporter, pinned; it runs as nobody (65534). */
export const EXPORTER_IMAGE = "quay.io/prometheuscommunity/postgres-exporter:v0.17.1";
export const EXPORTER_PORT = 9187;

export interface DatabaseProvisionerArgs {
    /** Services that get a role and database, with the Secrets Manager secret of each one's credentials. */
    readonly services: { readonly name: string; readonly secretArn: pulumi.Input<string> }[];
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    /** Database the master user connects to. */
    readonly adminDatabase: pulumi.Input<string>;
    /** ARN of the RDS-managed master secret. */
    readonly masterSecretArn: pulumi.Input<string>;
    readonly secretsKmsKeyArn: pulumi.Input<string>;
    readonly region: pulumi.Input<string>;
    readonly isolatedCidrs: string[];
    readonly provider: k8s.Provider;
    readonly oidcProviderArn: pulumi.Input<string>;
    readonly oidcIssuerUrl: pulumi.Input<string>;
    /** The External Secrets release, which brings the CRDs used here. Required. */
    readonly externalSecrets: pulumi.Resource;
    /**
     * The kube-prometheus-stack release: when given, each database gets a postgres exporter that Prometheus
     * scrapes. Defaults to none (no exporters).
     */
    readonly prometheus?: pulumi.Resource;
    /** Namespace and pod labels of Prometheus. Required with `prometheus`. */
    readonly prometheusPods?: { readonly namespace: string; readonly podLabels: Record<string, string> };
    /** Replicas of each exporter; two keep metrics flowing through a node drain. Defaults to 1. */
    readonly exporterReplicas?: number;
}

/**
 * Gives every service that uses the database its own role and logical database on the shared instance,
 * through one idempotent Job per service. The jobs run in their own namespace with the RDS-managed master
 * credentials; services never see them. Re-running `pulumi up` changes nothing unless a job's inputs do.
 */
export class DatabaseProvisioner extends pulumi.ComponentResource {
    /** The provisioning job of each service, by service name; its workload waits for it. */
    public readonly jobs: Record<string, k8s.batch.v1.Job>;

    constructor(name: string, args: DatabaseProvisionerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:DatabaseProvisioner", name, {}, opts);
        const k8sOpts = (...dependsOn: pulumi.Resource[]) => ({ parent: this, provider: args.provider, dependsOn });
        const labels = { "app.kubernetes.io/name": SA, "app.kubernetes.io/part-of": "platform" };

        const ns = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: {
                    name: PROVISIONER_NAMESPACE,
                    labels: { ...labels, [TENANT_LABEL]: "true", "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted" },
                },
            },
            k8sOpts(),
        );
        const policy = (suffix: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
            new k8s.networking.v1.NetworkPolicy(`${name}-${suffix}`, { metadata: { name: suffix, namespace: PROVISIONER_NAMESPACE, labels }, spec }, k8sOpts(ns));
        policy("default-deny", DEFAULT_DENY_SPEC);
        policy("allow-dns", ALLOW_DNS_SPEC);
        policy("allow-database", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [toSubnets(args.isolatedCidrs, args.port)],
        });

        const role = new IrsaRole(
            `${name}-irsa`,
            {
                oidcProviderArn: args.oidcProviderArn,
                oidcIssuerUrl: args.oidcIssuerUrl,
                namespace: PROVISIONER_NAMESPACE,
                serviceAccount: SA,
                statements: pulumi
                    .all([args.masterSecretArn, pulumi.all(args.services.map((s) => s.secretArn)), args.secretsKmsKeyArn, args.region])
                    .apply(([master, services, key, region]) => readSecretsStatements([master, ...services], key, region)),
            },
            { parent: this },
        );
        const sa = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            { metadata: { name: SA, namespace: PROVISIONER_NAMESPACE, labels, annotations: irsaAnnotations(role.roleArn) }, automountServiceAccountToken: false },
            k8sOpts(ns),
        );
        const store = new k8s.apiextensions.CustomResource(
            `${name}-secret-store`,
            {
                apiVersion: "external-secrets.io/v1",
                kind: "SecretStore",
                metadata: { name: SA, namespace: PROVISIONER_NAMESPACE, labels },
                spec: secretStoreSpec(args.region, SA),
            },
            k8sOpts(ns, sa, args.externalSecrets),
        );
        const externalSecret = (suffix: string, target: string, data: { secretKey: string; key: pulumi.Input<string>; property: string }[]) =>
            new k8s.apiextensions.CustomResource(
                `${name}-${suffix}`,
                {
                    apiVersion: "external-secrets.io/v1",
                    kind: "ExternalSecret",
                    metadata: { name: target, namespace: PROVISIONER_NAMESPACE, labels, annotations: WAIT_FOR_READY },
                    spec: externalSecretSpec({ kind: "SecretStore", name: SA }, target, { data }),
                },
                k8sOpts(ns, store, args.externalSecrets),
            );
        const master = externalSecret("master-credentials", MASTER_SECRET, [
            { secretKey: "PGUSER", key: args.masterSecretArn, property: "username" },
            { secretKey: "PGPASSWORD", key: args.masterSecretArn, property: "password" },
        ]);

        this.jobs = {};
        for (const service of args.services) {
            const target = `${service.name}-credentials`;
            const credentials = externalSecret(`${service.name}-credentials`, target, [
                { secretKey: "SERVICE_USERNAME", key: service.secretArn, property: "username" },
                { secretKey: "SERVICE_PASSWORD", key: service.secretArn, property: "password" },
            ]);
            const fromSecret = (secret: string, key: string) => ({ name: key, valueFrom: { secretKeyRef: { name: secret, key } } });
            this.jobs[service.name] = new k8s.batch.v1.Job(
                `${name}-${service.name}`,
                {
                    metadata: { name: `provision-${service.name}`, namespace: PROVISIONER_NAMESPACE, labels: { ...labels, "platform.io/service": service.name } },
                    spec: {
                        backoffLimit: 6,
                        activeDeadlineSeconds: 900,
                        template: {
                            metadata: { labels: { ...labels, "platform.io/service": service.name } },
                            spec: {
                                serviceAccountName: SA,
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
                                            { name: "PGHOST", value: args.host },
                                            { name: "PGPORT", value: pulumi.output(args.port).apply(String) },
                                            { name: "PGDATABASE", value: args.adminDatabase },
                                            { name: "PGSSLMODE", value: "require" },
                                            { name: "SERVICE_DATABASE", value: databaseIdentifier(service.name) },
                                            fromSecret(MASTER_SECRET, "PGUSER"),
                                            fromSecret(MASTER_SECRET, "PGPASSWORD"),
                                            fromSecret(target, "SERVICE_USERNAME"),
                                            fromSecret(target, "SERVICE_PASSWORD"),
                                        ],
                                        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                                        securityContext: restrictedContainerSecurity(),
                                        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                                    },
                                ],
                                volumes: [{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }],
                            },
                        },
                    },
                },
                k8sOpts(ns, master, credentials),
            );
        }
        if (args.prometheus && args.prometheusPods) {
            const pods = args.prometheusPods;
            policy("allow-prometheus", {
                podSelector: { matchLabels: { "app.kubernetes.io/name": "postgres-exporter" } },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [podsIn(pods.namespace, pods.podLabels)],
                        ports: [{ protocol: "TCP", port: EXPORTER_PORT }],
                    },
                ],
            });
            for (const service of args.services) {
                this.exporter(name, service.name, args, this.jobs[service.name], args.prometheus);
            }
        }
        this.registerOutputs({});
    }

    /**
     * A postgres exporter for one service's database, connecting as that service's own role (never the
     * master user), with a Service and ServiceMonitor so that Prometheus scrapes it.
     */
    private exporter(name: string, service: string, args: DatabaseProvisionerArgs, job: k8s.batch.v1.Job, prometheus: pulumi.Resource): void {
        const labels = { "app.kubernetes.io/name": "postgres-exporter", "app.kubernetes.io/instance": service, "app.kubernetes.io/part-of": "platform" };
        const opts = (...dependsOn: pulumi.Resource[]) => ({ parent: this, provider: args.provider, dependsOn });
        const credentials = `${service}-credentials`;
        const deployment = new k8s.apps.v1.Deployment(
            `${name}-${service}-exporter`,
            {
                metadata: { name: `pg-exporter-${service}`, namespace: PROVISIONER_NAMESPACE, labels },
                spec: {
                    replicas: args.exporterReplicas ?? 1,
                    selector: { matchLabels: labels },
                    template: {
                        metadata: { labels },
                        spec: {
                            serviceAccountName: SA,
                            automountServiceAccountToken: false,
                            securityContext: restrictedPodSecurity(65534),
                            nodeSelector: onNodeGroup("system"),
                            containers: [
                                {
                                    name: "exporter",
                                    image: EXPORTER_IMAGE,
                                    ports: [{ name: "metrics", containerPort: EXPORTER_PORT, protocol: "TCP" }],
                                    env: [
                                        { name: "DATA_SOURCE_URI", value: pulumi.interpolate`${args.host}:${args.port}/${databaseIdentifier(service)}?sslmode=require` },
                                        { name: "DATA_SOURCE_USER", valueFrom: { secretKeyRef: { name: credentials, key: "SERVICE_USERNAME" } } },
                                        { name: "DATA_SOURCE_PASS", valueFrom: { secretKeyRef: { name: credentials, key: "SERVICE_PASSWORD" } } },
                                    ],
                                    readinessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 10 },
                                    livenessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 20 },
                                    resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
                                    securityContext: restrictedContainerSecurity(),
                                },
                            ],
                        },
                    },
                },
            },
            opts(job),
        );
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-${service}-exporter`,
            { metadata: { name: `pg-exporter-${service}`, namespace: PROVISIONER_NAMESPACE, labels }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
            opts(deployment),
        );
        const svc = new k8s.core.v1.Service(
            `${name}-${service}-exporter`,
            {
                metadata: { name: `pg-exporter-${service}`, namespace: PROVISIONER_NAMESPACE, labels },
                spec: { selector: labels, ports: [{ name: "metrics", port: EXPORTER_PORT, targetPort: "metrics", protocol: "TCP" }] },
            },
            opts(deployment),
        );
        new k8s.apiextensions.CustomResource(
            `${name}-${service}-exporter-monitor`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "ServiceMonitor",
                metadata: { name: `pg-exporter-${service}`, namespace: PROVISIONER_NAMESPACE, labels },
                spec: { selector: { matchLabels: labels }, namespaceSelector: { matchNames: [PROVISIONER_NAMESPACE] }, endpoints: [{ port: "metrics", interval: "30s" }] },
            },
            opts(svc, prometheus),
        );
    }
}
