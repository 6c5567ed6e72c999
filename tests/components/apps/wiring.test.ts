import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSettings } from "../../../config/schema";
import { DataEndpoints, awsDataEndpoints } from "../../../components/data/endpoints";
import { SecretKey, serviceWiring } from "../../../components/apps/wiring";

/** Resolves a plain-or-Output value (the wiring only lifts known values, so this never waits on the engine). */
function known<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

const svc = (extra: Partial<ServiceSettings> = {}): ServiceSettings => ({ name: "orders", kind: "web", image: "example/orders:1.0.0", port: 8080, ...extra });
const egress = (port: number) => ({ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ protocol: "TCP", port }] });

/** A second backend: in-cluster stores without TLS, whose cache gives every service credentials of its own. */
const inCluster: DataEndpoints = {
    database: { host: "postgres.data", readerHost: "postgres-ro.data", port: 5432, tls: false, egress: egress(5432) },
    cache: { host: "valkey.data", port: 6379, tls: false, egress: egress(6379) },
    broker: { url: "amqp://rabbitmq.data:5672", vhost: "apps", tls: false, egress: egress(5672) },
};

const ownSecrets = { appSecretArns: { "stripe-key": "app-stripe" }, storeSecretArns: { database: "orders-db", cache: "orders-cache", broker: "orders-broker" } };

describe("service wiring", () => {
    it("wires only the stores a service uses, in the fixed order database, cache, broker", async () => {
        const w = serviceWiring(svc({ uses: ["broker", "database"], secrets: ["stripe-key"] }), inCluster, ownSecrets);
        assert.deepEqual(Object.keys(w.env), ["DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME", "DATABASE_SSLMODE", "BROKER_URL", "BROKER_VHOST"]);
        assert.deepEqual(
            w.secretKeys.map((k) => k.env),
            ["DATABASE_USERNAME", "DATABASE_PASSWORD", "BROKER_USERNAME", "BROKER_PASSWORD", "BROKER_AMQP_URL", "STRIPE_KEY"],
        );
        assert.deepEqual(w.egress, [egress(5432), egress(5672)]);
        // Application secrets first, then the stores': the order the IAM policy lists them in.
        assert.deepEqual(w.secretArns, ["app-stripe", "orders-db", "orders-broker"]);
    });

    it("reads every login from the service's own secret of that store, and tells it its cache key prefix", () => {
        const w = serviceWiring(svc({ uses: ["cache", "broker"] }), inCluster, ownSecrets);
        const from = (env: string) => (w.secretKeys.find((k) => k.env === env) as Extract<SecretKey, { from: unknown }>).from;
        assert.deepEqual(from("CACHE_USERNAME"), { secretArn: "orders-cache", property: "username" });
        assert.deepEqual(from("CACHE_PASSWORD"), { secretArn: "orders-cache", property: "password" });
        assert.deepEqual(from("BROKER_AMQP_URL"), { secretArn: "orders-broker", property: "amqpUrl" });
        assert.equal(w.env.CACHE_KEY_PREFIX, "orders:");
    });

    it("takes TLS, hosts and ports from the endpoints, and names the service's own database", async () => {
        const w = serviceWiring(svc({ name: "order-history", uses: ["database", "cache"], readReplica: true }), inCluster, ownSecrets);
        assert.equal(w.env.DATABASE_SSLMODE, "disable");
        assert.equal(w.env.CACHE_TLS, "false");
        assert.equal(w.env.DATABASE_READER_HOST, "postgres-ro.data");
        assert.equal(w.env.DATABASE_NAME, "order_history");
        assert.equal(await known(w.env.DATABASE_PORT), "5432");
        assert.equal(await known(w.env.CACHE_PORT), "6379");
    });

    it("verifies the database's host name against its CA bundle, mounted as a file, when the endpoint has one", () => {
        const verified: DataEndpoints = { database: { ...inCluster.database!, tls: true, caBundle: "PEM" } };
        const w = serviceWiring(svc({ uses: ["database"] }), verified, ownSecrets);
        assert.equal(w.env.DATABASE_SSLMODE, "verify-full");
        assert.equal(w.env.DATABASE_SSLROOTCERT, "/etc/platform/database-ca.pem");
        assert.deepEqual(w.files, { "database-ca.pem": "PEM" });
        const unverified = serviceWiring(svc({ uses: ["database"] }), { database: { ...inCluster.database!, tls: true } }, ownSecrets);
        assert.deepEqual([unverified.env.DATABASE_SSLMODE, unverified.env.DATABASE_SSLROOTCERT, unverified.files], ["require", undefined, {}]);
    });

    it("names the vhost in the broker URL, whatever its scheme", async () => {
        const w = serviceWiring(svc({ uses: ["broker"] }), inCluster, ownSecrets);
        assert.equal(await known(w.env.BROKER_URL), "amqp://rabbitmq.data:5672/apps");
        assert.equal(w.env.BROKER_VHOST, "apps");
    });

    it("wires a service that uses nothing to nothing", () => {
        const w = serviceWiring(svc(), inCluster, { appSecretArns: {}, storeSecretArns: {} });
        assert.deepEqual(w, { env: {}, secretKeys: [], egress: [], secretArns: [], files: {} });
    });

    it("refuses a store the stack does not run, and a store that offers the service no credentials", () => {
        assert.throws(() => serviceWiring(svc({ uses: ["cache"] }), { database: inCluster.database }, ownSecrets), /orders: it uses the cache, which this stack does not run/);
        assert.throws(() => serviceWiring(svc({ uses: ["database"] }), inCluster, { appSecretArns: {}, storeSecretArns: {} }), /orders: it has no login of its own to the database/);
        assert.throws(() => serviceWiring(svc({ secrets: ["missing"] }), inCluster, ownSecrets), /no secret was created for missing/);
    });
});

describe("AWS data endpoints", () => {
    const subnets = { private: ["10.0.0.0/19"], isolated: ["10.0.96.0/24", "10.0.97.0/24"] };

    it("reach RDS and ElastiCache in the isolated subnets and Amazon MQ in the private ones, over TLS", () => {
        const e = awsDataEndpoints(
            {
                database: { address: "db" as never, readerAddress: "db-ro" as never, port: 5432 as never },
                cache: { endpoint: "cache" as never },
                broker: { amqpsEndpoint: "amqps://mq:5671" as never },
            },
            subnets,
            "us-east-1",
        );
        assert.deepEqual(e.database?.egress, { to: [{ ipBlock: { cidr: "10.0.96.0/24" } }, { ipBlock: { cidr: "10.0.97.0/24" } }], ports: [{ protocol: "TCP", port: 5432 }] });
        assert.deepEqual(e.cache?.egress.ports, [{ protocol: "TCP", port: 6379 }]);
        assert.deepEqual(e.broker?.egress, { to: [{ ipBlock: { cidr: "10.0.0.0/19" } }], ports: [{ protocol: "TCP", port: 5671 }] });
        assert.deepEqual([e.database?.tls, e.cache?.tls, e.broker?.tls], [true, true, true]);
        // RDS's three roots of the region (RSA2048, RSA4096, ECC384), from the committed bundle.
        assert.equal(e.database?.caBundle?.match(/BEGIN CERTIFICATE/g)?.length, 3);
        assert.equal(e.broker?.vhost, "apps");
    });

    it("leave out the stores a stack does not run", () => {
        assert.deepEqual(awsDataEndpoints({}, subnets, "us-east-1"), { database: undefined, cache: undefined, broker: undefined });
    });
});
