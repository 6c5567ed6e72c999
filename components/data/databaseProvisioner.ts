import type { ClusterConnection } from "../cluster/connection";
import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { readSecretsStatements } from "../../lib/iam";
import { ALLOW_DNS_SPEC, DEFAULT_DENY_SPEC, podsIn, toSubnets } from "../../lib/kubernetesSpecs";
import { IrsaRole } from "../security/irsaRole";
import {
    AdminConnection,
    EXPORTER_PORT,
    MASTER_SECRET,
    PROVISIONER_ACCOUNT,
    PROVISIONER_NAMESPACE,
    databaseCaConfigMap,
    exporterDeployment,
    exporterDisruptionBudget,
    exporterMonitor,
    exporterService,
    provisionJob,
    provisionerAccount,
    provisionerNamespace,
    provisionerPolicy,
    provisionerSecret,
    provisionerSecretStore,
    serviceCredentials,
    versioned,
} from "./provisionerManifests";

export interface DatabaseProvisionerArgs extends ClusterConnection {
    /**
     * Services that get a role and database, with the Secrets Manager secret of each one's credentials and
     * the version of its value (a new version re-runs the service's Job). Required.
     */
    readonly services: { readonly name: string; readonly secretArn: pulumi.Input<string>; readonly secretVersion: pulumi.Input<string> }[];
    /** Host of the primary. Required. */
    readonly host: pulumi.Input<string>;
    /** Required. */
    readonly port: pulumi.Input<number>;
    /** Database the master user connects to. Required. */
    readonly adminDatabase: pulumi.Input<string>;
    /** PEM of the CAs of the server's certificate: jobs and exporters verify the host name against it. Defaults to none (`require`). */
    readonly caBundle?: string;
    /** ARN of the RDS-managed master secret. Required. */
    readonly masterSecretArn: pulumi.Input<string>;
    /** ARN of the KMS key that encrypts the secrets read here. Required. */
    readonly secretsKmsKeyArn: pulumi.Input<string>;
    /** Region of Secrets Manager. Required. */
    readonly region: pulumi.Input<string>;
    /** Subnets of the database, the only egress the jobs get besides DNS. Required. */
    readonly isolatedCidrs: string[];
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
        const db: AdminConnection = { host: args.host, port: args.port, adminDatabase: args.adminDatabase, caBundle: args.caBundle };

        // The namespace holds ExternalSecrets: it is deleted before External Secrets is.
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, provisionerNamespace(), k8sOpts(args.externalSecrets));
        const policy = (suffix: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
            new k8s.networking.v1.NetworkPolicy(`${name}-${suffix}`, provisionerPolicy(suffix, spec), k8sOpts(ns));
        policy("default-deny", DEFAULT_DENY_SPEC);
        policy("allow-dns", ALLOW_DNS_SPEC);
        policy("allow-database", { podSelector: {}, policyTypes: ["Egress"], egress: [toSubnets(args.isolatedCidrs, args.port)] });

        const role = new IrsaRole(
            `${name}-irsa`,
            {
                oidcProviderArn: args.oidcProviderArn,
                oidcIssuerUrl: args.oidcIssuerUrl,
                namespace: PROVISIONER_NAMESPACE,
                serviceAccount: PROVISIONER_ACCOUNT,
                statements: pulumi
                    .all([args.masterSecretArn, pulumi.all(args.services.map((s) => s.secretArn)), args.secretsKmsKeyArn, args.region])
                    .apply(([master, services, key, region]) => readSecretsStatements([master, ...services], key, region)),
            },
            { parent: this },
        );
        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, provisionerAccount(role.roleArn), k8sOpts(ns));
        const store = new k8s.apiextensions.CustomResource(`${name}-secret-store`, provisionerSecretStore(args.region), k8sOpts(ns, sa, args.externalSecrets));
        const login = (suffix: string, target: pulumi.Input<string>, secretArn: pulumi.Input<string>, user: string, password: string, versionId?: pulumi.Input<string>) =>
            new k8s.apiextensions.CustomResource(
                `${name}-${suffix}`,
                provisionerSecret(target, [
                    { secretKey: user, key: secretArn, property: "username", versionId },
                    { secretKey: password, key: secretArn, property: "password", versionId },
                ]),
                k8sOpts(ns, store, args.externalSecrets),
            );
        const master = login("master-credentials", MASTER_SECRET, args.masterSecretArn, "PGUSER", "PGPASSWORD");
        const ca = args.caBundle === undefined ? [] : [new k8s.core.v1.ConfigMap(`${name}-database-ca`, databaseCaConfigMap(args.caBundle), k8sOpts(ns))];

        this.jobs = {};
        for (const service of args.services) {
            const target = versioned(service.secretVersion, (v) => serviceCredentials(service.name, v));
            const credentials = login(`${service.name}-credentials`, target, service.secretArn, "SERVICE_USERNAME", "SERVICE_PASSWORD", service.secretVersion);
            this.jobs[service.name] = new k8s.batch.v1.Job(`${name}-${service.name}`, provisionJob(service.name, db, service.secretVersion), k8sOpts(ns, master, credentials, ...ca));
        }
        if (args.prometheus && args.prometheusPods) {
            const pods = args.prometheusPods;
            policy("allow-prometheus", {
                podSelector: { matchLabels: { "app.kubernetes.io/name": "postgres-exporter" } },
                policyTypes: ["Ingress"],
                ingress: [{ from: [podsIn(pods.namespace, pods.podLabels)], ports: [{ protocol: "TCP", port: EXPORTER_PORT }] }],
            });
            for (const service of args.services) {
                // Each exporter waits for its database to exist; Prometheus's release brings the ServiceMonitor CRD.
                const exporter = `${name}-${service.name}-exporter`;
                const deployment = new k8s.apps.v1.Deployment(exporter, exporterDeployment(service.name, db, args.exporterReplicas ?? 1, service.secretVersion), k8sOpts(this.jobs[service.name]));
                new k8s.policy.v1.PodDisruptionBudget(exporter, exporterDisruptionBudget(service.name), k8sOpts(deployment));
                const svc = new k8s.core.v1.Service(exporter, exporterService(service.name), k8sOpts(deployment));
                new k8s.apiextensions.CustomResource(`${exporter}-monitor`, exporterMonitor(service.name), k8sOpts(svc, args.prometheus));
            }
        }
        this.registerOutputs({});
    }
}
