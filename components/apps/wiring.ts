import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSettings } from "../../config/schema";
import { DATABASE_CA_FILE, DATA_FILES_DIR, DATA_STORES, DataEndpoints, DataStore } from "../data/endpoints";

export { DATA_FILES_DIR };
import { databaseIdentifier } from "../../lib/sql";
import { cacheKeyPrefix } from "../data/access";

/**
 * How a service is wired to the data stores it uses: pure, from the stores' endpoints and the service's
 * own secrets. The service's manifests and IAM role are built from the result alone, so they know nothing
 * of which backend runs a store or whether its credentials are shared.
 */

type Input<T> = pulumi.Input<T>;

/** The secrets one service owns (Secrets Manager ARNs), as `ServiceSecrets` exposes them. */
export interface ServiceSecretRefs {
    /** ARN of each application secret, by declared name. Required. */
    readonly appSecretArns: Readonly<Record<string, Input<string>>>;
    /** The service's own login to each store it uses (`{ username, password, … }`). Required. */
    readonly storeSecretArns: Readonly<Partial<Record<DataStore, Input<string>>>>;
}

/** One key of the service's Kubernetes Secret: read from a secret's JSON property, or templated from other keys. */
export type SecretKey =
    | { readonly env: string; readonly from: { readonly secretArn: Input<string>; readonly property: string } }
    | { readonly env: string; readonly template: Input<string> };

/** What the data stores give one service. */
export interface DataWiring {
    /** Plain settings (hosts, ports, TLS) for the service's ConfigMap, in order. */
    readonly env: Record<string, Input<string>>;
    /** Keys of the service's Secret, in the order they become environment variables. */
    readonly secretKeys: SecretKey[];
    /** Egress rules the service's network policy opens to its stores. */
    readonly egress: k8s.types.input.networking.v1.NetworkPolicyEgressRule[];
    /** ARNs of exactly the secrets the service reads: its IAM role is granted these and no others. */
    readonly secretArns: Input<string>[];
    /** Files the service's containers get under {@link DATA_FILES_DIR}, by file name (CA bundles); no secrets. */
    readonly files: Record<string, string>;
}


/** Environment variables each store's credentials become, and the JSON property of the secret each is read from. */
export const STORE_SECRET_KEYS: Readonly<Record<DataStore, Readonly<Record<string, string>>>> = {
    database: { DATABASE_USERNAME: "username", DATABASE_PASSWORD: "password" },
    cache: { CACHE_USERNAME: "username", CACHE_PASSWORD: "password" },
    broker: { BROKER_USERNAME: "username", BROKER_PASSWORD: "password", BROKER_AMQP_URL: "amqpUrl" },
};
/** The broker URL with the service's login and vhost, percent-encoded (the `amqpUrl` of its broker secret). */
export const BROKER_URL_WITH_CREDENTIALS = "BROKER_AMQP_URL";
/** Secrets Manager JSON property of each generated application secret. */
export const APP_SECRET_PROPERTY = "value";

/** Environment variable name of an application secret: `stripe-api-key` → `STRIPE_API_KEY`. */
export function secretEnvName(secret: string): string {
    return secret.toUpperCase().replace(/-/g, "_");
}

/** The plain settings one store gives a service, by environment variable. */
function storeEnv(svc: ServiceSettings, store: DataStore, endpoints: DataEndpoints): Record<string, Input<string>> {
    switch (store) {
        case "database": {
            const db = endpoints.database!;
            return {
                DATABASE_HOST: db.host,
                // Only services that ask for the replica wait for it (its creation adds a quarter of an hour).
                ...(svc.readReplica === true ? { DATABASE_READER_HOST: db.readerHost } : {}),
                DATABASE_PORT: pulumi.output(db.port).apply(String),
                DATABASE_NAME: databaseIdentifier(svc.name),
                DATABASE_SSLMODE: db.caBundle !== undefined ? "verify-full" : db.tls ? "require" : "disable",
                ...(db.caBundle !== undefined ? { DATABASE_SSLROOTCERT: `${DATA_FILES_DIR}/${DATABASE_CA_FILE}` } : {}),
            };
        }
        case "cache": {
            const cache = endpoints.cache!;
            return { CACHE_HOST: cache.host, CACHE_PORT: pulumi.output(cache.port).apply(String), CACHE_TLS: String(cache.tls), CACHE_KEY_PREFIX: cacheKeyPrefix(svc.name) };
        }
        case "broker": {
            const broker = endpoints.broker!;
            return { BROKER_URL: pulumi.output(broker.url).apply((url) => `${url}/${encodeURIComponent(broker.vhost)}`), BROKER_VHOST: broker.vhost };
        }
    }
}

/**
 * Wires one service to the stores it uses, in the fixed order database, cache, broker: their settings,
 * its own login to each, the egress it needs and the secrets its role may read (its own, no others).
 * Throws when a store it uses is absent or the service has no login to it.
 */
export function serviceWiring(svc: ServiceSettings, endpoints: DataEndpoints, secrets: ServiceSecretRefs): DataWiring {
    const uses = svc.uses ?? [];
    const wiring: { env: Record<string, Input<string>>; secretKeys: SecretKey[]; egress: DataWiring["egress"]; storeArns: Input<string>[]; files: Record<string, string> } = {
        env: {},
        files: {},
        secretKeys: [],
        egress: [],
        storeArns: [],
    };
    for (const store of DATA_STORES.filter((s) => uses.includes(s))) {
        const endpoint = endpoints[store];
        if (endpoint === undefined) {
            throw new Error(`Service ${svc.name}: it uses the ${store}, which this stack does not run`);
        }
        const secretArn = secrets.storeSecretArns[store];
        if (secretArn === undefined) {
            throw new Error(`Service ${svc.name}: it has no login of its own to the ${store}`);
        }
        Object.assign(wiring.env, storeEnv(svc, store, endpoints));
        for (const [env, property] of Object.entries(STORE_SECRET_KEYS[store])) {
            wiring.secretKeys.push({ env, from: { secretArn, property } });
        }
        if (store === "database" && endpoints.database?.caBundle !== undefined) {
            wiring.files[DATABASE_CA_FILE] = endpoints.database.caBundle;
        }
        wiring.egress.push(endpoint.egress);
        wiring.storeArns.push(secretArn);
    }
    const appArns: Input<string>[] = [];
    for (const name of svc.secrets ?? []) {
        const secretArn = secrets.appSecretArns[name];
        if (secretArn === undefined) {
            throw new Error(`Service ${svc.name}: no secret was created for ${name}`);
        }
        wiring.secretKeys.push({ env: secretEnvName(name), from: { secretArn, property: APP_SECRET_PROPERTY } });
        appArns.push(secretArn);
    }
    return { env: wiring.env, secretKeys: wiring.secretKeys, egress: wiring.egress, secretArns: [...appArns, ...wiring.storeArns], files: wiring.files };
}
