import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { QueueUse } from "../data/access";
import { LocalBroker } from "./broker";
import { LocalCache } from "./cache";
import { LocalDatabase } from "./database";
import { LOCAL_NAMESPACES } from "./stores";
import { CNPG_NAMESPACE } from "./charts";

export interface LocalDataStoresArgs {
    /** Each database-using service's role password, by service name. Required (empty when none uses it). */
    readonly databases: Readonly<Record<string, pulumi.Input<string>>>;
    /** Each cache-using service's password, by service name; absent when the cache is off. Defaults to none. */
    readonly cache?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Each broker-using service's password and queues, by service name; absent when the broker is off. Defaults to none. */
    readonly broker?: Readonly<Record<string, { readonly password: pulumi.Input<string>; readonly queues: QueueUse }>>;
    /** PostgreSQL major version. Required. */
    readonly engineVersion: string;
    /** Size of each database volume, in GiB. Required. */
    readonly databaseStorageGi: number;
    /** The CloudNativePG operator's release (its CRDs). Required. */
    readonly cnpgOperator: pulumi.Resource;
    /** The RabbitMQ operators' installs. Required with `broker`. */
    readonly rabbitmqOperators: pulumi.Resource[];
    /** Namespace of KEDA, which reads queue lengths. Required. */
    readonly kedaNamespace: string;
    /** The cluster's Kubernetes provider. Required. */
    readonly provider: k8s.Provider;
}

/** Pod Security level of each data namespace: the RabbitMQ cluster operator's pods declare no seccomp profile, which `restricted` requires. */
const LEVELS: Readonly<Record<keyof typeof LOCAL_NAMESPACES, string>> = { databases: "restricted", cache: "restricted", broker: "baseline" };

/**
 * A local stack's data stores in the cluster, each in a namespace of its own that admits nothing by
 * default: a CloudNativePG cluster per database-using service, the shared Valkey and the shared RabbitMQ,
 * with per-service logins in each.
 */
export class LocalDataStores extends pulumi.ComponentResource {
    /** Each service's database, by service name; a service's workload waits for it. */
    public readonly databases: Record<string, LocalDatabase>;

    constructor(name: string, args: LocalDataStoresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:local:DataStores", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const used = { databases: Object.keys(args.databases).length > 0, cache: args.cache !== undefined, broker: args.broker !== undefined };
        const namespaces: Partial<Record<keyof typeof LOCAL_NAMESPACES, k8s.core.v1.Namespace>> = {};
        for (const key of (Object.keys(LOCAL_NAMESPACES) as (keyof typeof LOCAL_NAMESPACES)[]).filter((k) => used[k])) {
            const ns = LOCAL_NAMESPACES[key];
            namespaces[key] = new k8s.core.v1.Namespace(`${name}-ns-${key}`, { metadata: { name: ns, labels: { "pod-security.kubernetes.io/enforce": LEVELS[key], "pod-security.kubernetes.io/warn": LEVELS[key] } } }, k8sOpts);
            new k8s.networking.v1.NetworkPolicy(`${name}-${key}-default-deny`, { metadata: { name: "default-deny-ingress", namespace: ns }, spec: { podSelector: {}, policyTypes: ["Ingress"] } }, { ...k8sOpts, dependsOn: [namespaces[key]] });
        }
        this.databases = {};
        for (const [service, password] of Object.entries(args.databases)) {
            this.databases[service] = new LocalDatabase(
                `${name}-db-${service}`,
                {
                    service,
                    password,
                    engineVersion: args.engineVersion,
                    storageGi: args.databaseStorageGi,
                    operatorNamespace: CNPG_NAMESPACE,
                    provider: args.provider,
                    dependsOn: [namespaces.databases as k8s.core.v1.Namespace, args.cnpgOperator],
                },
                { parent: this },
            );
        }
        if (args.cache !== undefined) {
            new LocalCache(`${name}-cache`, { passwords: args.cache, provider: args.provider, namespace: namespaces.cache as k8s.core.v1.Namespace }, { parent: this });
        }
        if (args.broker !== undefined) {
            new LocalBroker(
                `${name}-broker`,
                { services: args.broker, provider: args.provider, namespace: namespaces.broker as k8s.core.v1.Namespace, operators: args.rabbitmqOperators, kedaNamespace: args.kedaNamespace },
                { parent: this },
            );
        }
        this.registerOutputs({});
    }
}
