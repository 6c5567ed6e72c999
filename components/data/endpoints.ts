import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { SubnetLayout } from "../../lib/cidr";
import { toSubnets } from "../../lib/kubernetesSpecs";
import { AMQPS_PORT, Broker } from "./broker";
import { CACHE_PORT, Cache } from "./cache";
import { Database, POSTGRES_PORT } from "./database";
import { rdsCaBundle } from "./rdsCa";
import { APPLICATION_VHOST } from "./access";

/**
 * What the data layer hands to the services: one typed description of every store, whatever runs it.
 * Services are wired from these alone (`components/apps/wiring.ts`), so another backend (in-cluster
 * stores, say) only has to produce the same shape.
 */

/** The stores a service may use (`uses` in the catalog), in the order their settings are wired. */
export const DATA_STORES = ["database", "cache", "broker"] as const;
export type DataStore = (typeof DATA_STORES)[number];

type Input<T> = pulumi.Input<T>;

/** Where clients find the stores' files (CA bundles): a read-only directory of every pod that uses them. */
export const DATA_FILES_DIR = "/etc/platform";
/** File name of the database's CA bundle under {@link DATA_FILES_DIR}. */
export const DATABASE_CA_FILE = "database-ca.pem";
type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

/** What every store tells a service, besides where it is. */
export interface StoreEndpoint {
    /** Connections must use TLS. Required. */
    readonly tls: boolean;
    /** The egress a service's network policy opens to reach the store. Required. */
    readonly egress: EgressRule;
}

export interface DatabaseEndpoint extends StoreEndpoint {
    /** Host of the primary. Required. */
    readonly host: Input<string>;
    /** Host that serves read-only queries (a replica, or the primary when there is none). Required. */
    readonly readerHost: Input<string>;
    /** Required. */
    readonly port: Input<number>;
    /**
     * PEM of the certificate authorities that sign the server's certificate: clients then verify the host
     * name (`verify-full`) against it. Defaults to none (TLS without verification, `require`).
     */
    readonly caBundle?: string;
}

export interface CacheEndpoint extends StoreEndpoint {
    /** Required. */
    readonly host: Input<string>;
    /** Required. */
    readonly port: Input<number>;
}

export interface BrokerEndpoint extends StoreEndpoint {
    /** AMQP URL without credentials or vhost, e.g. `amqps://b-1234.mq.us-east-1.amazonaws.com:5671`. Required. */
    readonly url: Input<string>;
    /** The vhost every service's user is permitted on. Required. */
    readonly vhost: string;
}

/** The stores of a stack; a store the stack does not run is absent. */
export interface DataEndpoints {
    /** Defaults to none. */
    readonly database?: DatabaseEndpoint;
    /** Defaults to none. */
    readonly cache?: CacheEndpoint;
    /** Defaults to none. */
    readonly broker?: BrokerEndpoint;
}

/**
 * The endpoints of the AWS stores: RDS and ElastiCache in the isolated subnets, Amazon MQ in the private
 * ones, all over TLS; database clients verify the server against the RDS roots of the stack's region.
 */
export function awsDataEndpoints(
    stores: {
        readonly database?: Pick<Database, "address" | "readerAddress" | "port">;
        readonly cache?: Pick<Cache, "endpoint">;
        readonly broker?: Pick<Broker, "amqpsEndpoint">;
    },
    subnets: Pick<SubnetLayout, "private" | "isolated">,
    region: string,
): DataEndpoints {
    const { database, cache, broker } = stores;
    return {
        database: database && {
            host: database.address,
            readerHost: database.readerAddress,
            port: database.port,
            tls: true,
            caBundle: rdsCaBundle(region),
            egress: toSubnets(subnets.isolated, POSTGRES_PORT),
        },
        cache: cache && {
            host: cache.endpoint,
            port: CACHE_PORT,
            tls: true,
            egress: toSubnets(subnets.isolated, CACHE_PORT),
        },
        broker: broker && {
            url: broker.amqpsEndpoint,
            tls: true,
            vhost: APPLICATION_VHOST,
            egress: toSubnets(subnets.private, AMQPS_PORT),
        },
    };
}
