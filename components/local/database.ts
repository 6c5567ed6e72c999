import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { databaseUser } from "../data/access";
import { APP_LABEL } from "../apps/manifests";
import { podsIn } from "../../lib/kubernetesSpecs";
import { CNPG_STATUS_PORT, LOCAL_NAMESPACES, POSTGRES_PORT, databasePodLabels } from "./stores";

export interface LocalDatabaseArgs {
    /** The service whose database this is; also the CNPG Cluster's name. Required. */
    readonly service: string;
    /** Password of the service's role, which owns the database. Required. */
    readonly password: pulumi.Input<string>;
    /** PostgreSQL major version (CloudNativePG's image of that major). Required. */
    readonly engineVersion: string;
    /** Size of the instance's volume, in GiB. Required. */
    readonly storageGi: number;
    /** Namespace the CloudNativePG operator runs in, which reaches the instance. Required. */
    readonly operatorNamespace: string;
    /** The cluster's Kubernetes provider. Required. */
    readonly provider: k8s.Provider;
    /** What the Cluster waits for: the operator (its CRDs) and the namespace. Required. */
    readonly dependsOn: pulumi.Resource[];
}

/** CloudNativePG's PostgreSQL operand image of a major version (its `postgresql` image repository). */
export const postgresImage = (major: string): string => `ghcr.io/cloudnative-pg/postgresql:${major}`;

/** The basic-auth Secret CloudNativePG bootstraps the owner's role from (`bootstrap.initdb.secret`). */
export const ownerSecretName = (service: string): string => `${service}-owner`;

/**
 * One service's own PostgreSQL on a local stack: a single-instance CloudNativePG `Cluster` whose one
 * database belongs to the service's role (the same role and database name as on AWS), bootstrapped from a
 * Secret holding the generated password, with a volume from the default StorageClass. A NetworkPolicy
 * lets only that service's pods and the operator reach its instance on 5432: no service can reach
 * another's database.
 */
export class LocalDatabase extends pulumi.ComponentResource {
    public readonly clusterName: string;

    constructor(name: string, args: LocalDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:local:Database", name, {}, opts);
        const ns = LOCAL_NAMESPACES.databases;
        const role = databaseUser(args.service);
        const k8sOpts = { parent: this, provider: args.provider, dependsOn: args.dependsOn };
        const labels = { [APP_LABEL]: "postgresql", "platform.io/service": args.service };

        const owner = new k8s.core.v1.Secret(
            `${name}-owner`,
            { metadata: { name: ownerSecretName(args.service), namespace: ns, labels }, type: "kubernetes.io/basic-auth", stringData: { username: role, password: pulumi.secret(args.password) } },
            k8sOpts,
        );
        new k8s.apiextensions.CustomResource(
            `${name}-cluster`,
            {
                apiVersion: "postgresql.cnpg.io/v1",
                kind: "Cluster",
                // Pulumi waits until the operator reports the cluster Ready, so the service's workload starts against a running database.
                metadata: { name: args.service, namespace: ns, labels, annotations: { "pulumi.com/waitFor": "condition=Ready" } },
                spec: {
                    instances: 1,
                    imageName: postgresImage(args.engineVersion),
                    // No storageClass: the cluster's default one (kind's local-path, Docker Desktop's hostpath).
                    storage: { size: `${args.storageGi}Gi` },
                    bootstrap: { initdb: { database: role, owner: role, secret: { name: ownerSecretName(args.service) } } },
                    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                },
            },
            { ...k8sOpts, dependsOn: [...args.dependsOn, owner] },
        );
        new k8s.networking.v1.NetworkPolicy(
            `${name}-isolation`,
            {
                metadata: { name: `${args.service}-database`, namespace: ns, labels },
                spec: {
                    podSelector: { matchLabels: databasePodLabels(args.service) },
                    policyTypes: ["Ingress"],
                    ingress: [
                        { from: [podsIn(args.service, { [APP_LABEL]: args.service })], ports: [{ protocol: "TCP", port: POSTGRES_PORT }] },
                        {
                            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": args.operatorNamespace } } }],
                            ports: [
                                { protocol: "TCP", port: POSTGRES_PORT },
                                { protocol: "TCP", port: CNPG_STATUS_PORT },
                            ],
                        },
                    ],
                },
            },
            k8sOpts,
        );
        this.clusterName = args.service;
        this.registerOutputs({ clusterName: this.clusterName });
    }
}
