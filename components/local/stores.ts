import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceSettings } from "../../config/schema";
import { podsIn } from "../../lib/kubernetesSpecs";
import { APPLICATION_VHOST, amqpUrl, brokerUser, cacheUser, databaseUser } from "../data/access";
import type { DataEndpoints, DataStore } from "../data/endpoints";
import type { ServiceSecretRefs } from "../apps/wiring";
import type { SecretValues } from "../apps/manifests";

/**
 * Where a local stack's in-cluster stores live and how a service reaches and logs in to them: the local
 * counterpart of the AWS endpoints and Secrets Manager ARNs, built from names alone. Pure.
 */

/** Namespaces of the local stack's stores and operators; the `platform` prefix is the platform's, so no service can take them. */
export const LOCAL_NAMESPACES = {
    databases: "platform-databases",
    cache: "platform-cache",
    broker: "platform-broker",
} as const;

export const POSTGRES_PORT = 5432;
export const VALKEY_PORT = 6379;
export const AMQP_PORT = 5672;
/** The RabbitMQ management API, which the topology operator configures users, vhosts and queues through. */
export const RABBITMQ_MANAGEMENT_PORT = 15672;
/** The CloudNativePG instance manager's status endpoint, which the operator polls. */
export const CNPG_STATUS_PORT = 8000;

/** Name of the Valkey release (and of its Service). */
export const VALKEY_RELEASE = "valkey";
/** Name of the RabbitmqCluster (and of its client Service). */
export const RABBITMQ_CLUSTER = "rabbitmq";

/** Labels of the pods of a service's CNPG Cluster (set by the operator: `cnpg.io/cluster`). */
export const databasePodLabels = (service: string): Record<string, string> => ({ "cnpg.io/cluster": service });
/** Labels of the Valkey pods (the chart's selector labels). */
export const VALKEY_POD_LABELS: Readonly<Record<string, string>> = { "app.kubernetes.io/name": "valkey", "app.kubernetes.io/instance": VALKEY_RELEASE };
/** Labels of the RabbitMQ pods (the cluster operator labels them with the RabbitmqCluster's name). */
export const RABBITMQ_POD_LABELS: Readonly<Record<string, string>> = { "app.kubernetes.io/name": RABBITMQ_CLUSTER };

/** The CNPG Services of a cluster: `-rw` reaches the primary, `-r` any instance (there is no replica locally). */
export const databaseHost = (service: string, role: "rw" | "r"): string => `${service}-${role}.${LOCAL_NAMESPACES.databases}.svc`;
export const VALKEY_HOST = `${VALKEY_RELEASE}.${LOCAL_NAMESPACES.cache}.svc`;
export const BROKER_URL = `amqp://${RABBITMQ_CLUSTER}.${LOCAL_NAMESPACES.broker}.svc:${AMQP_PORT}`;

const tcp = (port: number): k8s.types.input.networking.v1.NetworkPolicyPort => ({ protocol: "TCP", port });

/**
 * The stores as one service sees them. Each service has a PostgreSQL cluster of its own, so its database
 * endpoint (and the egress to it) is its own; the cache and the broker are shared, with a user per service.
 * Connections to PostgreSQL use TLS (CloudNativePG serves it with its own CA); Valkey and RabbitMQ are plain.
 */
export function localDataEndpoints(svc: Pick<ServiceSettings, "name">, stores: { readonly database: boolean; readonly cache: boolean; readonly broker: boolean }): DataEndpoints {
    return {
        database: stores.database
            ? {
                  host: databaseHost(svc.name, "rw"),
                  readerHost: databaseHost(svc.name, "r"),
                  port: POSTGRES_PORT,
                  tls: true,
                  egress: { to: [podsIn(LOCAL_NAMESPACES.databases, databasePodLabels(svc.name))], ports: [tcp(POSTGRES_PORT)] },
              }
            : undefined,
        cache: stores.cache ? { host: VALKEY_HOST, port: VALKEY_PORT, tls: false, egress: { to: [podsIn(LOCAL_NAMESPACES.cache, VALKEY_POD_LABELS)], ports: [tcp(VALKEY_PORT)] } } : undefined,
        broker: stores.broker
            ? { url: BROKER_URL, vhost: APPLICATION_VHOST, tls: false, egress: { to: [podsIn(LOCAL_NAMESPACES.broker, RABBITMQ_POD_LABELS)], ports: [tcp(AMQP_PORT)] } }
            : undefined,
    } as DataEndpoints;
}

/** The reference a local stack uses where AWS has a Secrets Manager ARN: `local:<service>/<store>`, `local:<service>/app/<secret>`. */
export const localSecretRef = (service: string, ...path: string[]): string => `local:${[service, ...path].join("/")}`;

/** A service's generated passwords: one per store it uses and one per application secret it declares. */
export interface GeneratedPasswords {
    readonly stores: Partial<Record<DataStore, pulumi.Input<string>>>;
    readonly apps: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * The references a service's wiring reads and the values behind them: per store its user name and
 * password (plus what the AWS contract adds: the broker's `amqpUrl` naming the vhost),
 * per application secret its `value`.
 */
export function localServiceSecrets(svc: Pick<ServiceSettings, "name">, passwords: GeneratedPasswords, amqpUrlOf: (user: string, password: pulumi.Input<string>) => pulumi.Input<string>): { refs: ServiceSecretRefs; values: SecretValues } {
    const values: Record<string, Record<string, pulumi.Input<string>>> = {};
    const storeRefs: Partial<Record<DataStore, string>> = {};
    const { database, cache, broker } = passwords.stores;
    if (database !== undefined) {
        storeRefs.database = localSecretRef(svc.name, "database");
        values[storeRefs.database] = { username: databaseUser(svc.name), password: database };
    }
    if (cache !== undefined) {
        storeRefs.cache = localSecretRef(svc.name, "cache");
        values[storeRefs.cache] = { username: cacheUser(svc.name), password: cache };
    }
    if (broker !== undefined) {
        storeRefs.broker = localSecretRef(svc.name, "broker");
        values[storeRefs.broker] = { username: brokerUser(svc.name), password: broker, amqpUrl: amqpUrlOf(brokerUser(svc.name), broker) };
    }
    const appRefs: Record<string, string> = {};
    for (const [name, value] of Object.entries(passwords.apps)) {
        appRefs[name] = localSecretRef(svc.name, "app", name);
        values[appRefs[name]] = { value };
    }
    return { refs: { appSecretArns: appRefs, storeSecretArns: storeRefs }, values };
}

/** The AMQP URL of a service's broker login on the local broker, naming the shared vhost. */
export const localAmqpUrl = (user: string, password: string): string => amqpUrl(BROKER_URL, user, password, APPLICATION_VHOST);
