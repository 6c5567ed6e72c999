import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { kubernetesSecret } from "../../components/apps/manifests";
import type { ServiceWiring } from "../../components/apps/manifests";
import { STORE_SECRET_KEYS, serviceWiring } from "../../components/apps/wiring";
import { localAmqpUrl, localDataEndpoints, localServiceSecrets } from "../../components/local/stores";
import { valkeyAclUsers } from "../../components/local/cache";
import { brokerTopology } from "../../components/local/broker";
import { withoutNodeSelectors } from "../../components/local/addons";
import type { ServiceSettings } from "../../config/schema";

/** The value an Output settles to (tests only: these Outputs are all known). */
function settle<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

const api: ServiceSettings = { name: "api", kind: "web", image: "api:1.0", port: 8080, uses: ["database", "cache", "broker"], secrets: ["stripe-api-key"] } as ServiceSettings;

describe("the local stores, as a service sees them", () => {
    const passwords = { stores: { database: "db-pw", cache: "cache-pw", broker: "p@ss/w:rd" }, apps: { "stripe-api-key": "sk" } };
    const built = localServiceSecrets(api, passwords, (user, password) => localAmqpUrl(user, password as string));
    const wiring = serviceWiring(api, localDataEndpoints(api, { database: true, cache: true, broker: true }), built.refs);

    it("the service's Secret holds exactly the keys its wiring reads, each from the generated value", async () => {
        const secret = kubernetesSecret(api, { data: wiring } as unknown as ServiceWiring, built.values);
        const data = await settle(secret.stringData as pulumi.Input<Record<string, string>>);
        const expected = [...Object.keys(STORE_SECRET_KEYS.database), ...Object.keys(STORE_SECRET_KEYS.cache), ...Object.keys(STORE_SECRET_KEYS.broker), ...wiring.secretKeys.filter((k) => "template" in k).map((k) => k.env), "STRIPE_API_KEY"];
        assert.deepEqual(Object.keys(data).sort(), [...new Set(expected)].sort());
        assert.equal(data.DATABASE_USERNAME, "api");
        assert.equal(data.DATABASE_PASSWORD, "db-pw");
        assert.equal(data.STRIPE_API_KEY, "sk");
        // The login in the AMQP URL is percent-encoded, whichever way the wiring builds it.
        assert.ok(data.BROKER_AMQP_URL.startsWith("amqp://api:p%40ss%2Fw%3Ard@rabbitmq.platform-broker.svc:5672"), data.BROKER_AMQP_URL);
    });

    it("refuses a key whose value was not generated", () => {
        assert.throws(() => kubernetesSecret(api, { data: wiring } as unknown as ServiceWiring, {}), /no value was generated for DATABASE_USERNAME/);
    });

    it("the database endpoint is the service's own cluster, reached over TLS; the cache and broker are shared", async () => {
        const env = await settle(pulumi.all(wiring.env));
        assert.equal(env.DATABASE_HOST, "api-rw.platform-databases.svc");
        assert.equal(env.DATABASE_SSLMODE, "require");
        assert.equal(env.CACHE_HOST, "valkey.platform-cache.svc");
        assert.equal(env.CACHE_TLS, "false");
    });

    it("Valkey users: one per service on its own key prefix, and a default user that can only PING", () => {
        assert.deepEqual(valkeyAclUsers(["api", "worker"]), {
            default: { permissions: "-@all +ping" },
            api: { permissions: "~api:* &api:* +@all -@dangerous" },
            worker: { permissions: "~worker:* &worker:* +@all -@dangerous" },
        });
    });

    it("broker topology: a queue, its exchange and binding per catalog queue, a user and permission per service", () => {
        const topology = brokerTopology({ api: { publishes: ["Orders.v1"] }, worker: { consumes: ["Orders.v1"] } });
        assert.deepEqual(Object.keys(topology).sort(), ["binding-orders.v1", "exchange-orders.v1", "permission-api", "permission-worker", "queue-orders.v1", "user-api", "user-worker", "vhost"]);
        assert.equal((topology["queue-orders.v1"].spec as Record<string, unknown>).name, "Orders.v1");
        assert.deepEqual((topology["permission-api"].spec as Record<string, unknown>).permissions, { configure: "^$", write: "^(Orders\\.v1)$", read: "^$" });
    });

    it("local add-on values keep no node selector at any depth", () => {
        assert.deepEqual(withoutNodeSelectors({ a: { nodeSelector: { x: "1" }, b: [{ nodeSelector: {}, c: 1 }] }, nodeSelector: {} }), { a: { b: [{ c: 1 }] } });
    });
});
