import { strict as assert } from "assert";
import { validateManifests, Manifest } from "../../offline/manifests";

const ref = { rabbitmqClusterReference: { name: "rabbitmq" } };
const obj = (apiVersion: string, kind: string, spec: Record<string, unknown>): Manifest => ({ apiVersion, kind, metadata: { name: "x", namespace: "ns" }, spec });
const problemsOf = async (m: Manifest) => (await validateManifests([m]))[0]?.problems ?? [];

describe("CRD schemas of the local stack's custom resources", () => {
    it("accepts what the platform writes", async () => {
        assert.deepEqual(await problemsOf(obj("rabbitmq.com/v1beta1", "Permission", { vhost: "apps", userReference: { name: "u" }, permissions: { configure: "^$", write: "^$", read: "^(q)$" }, ...ref })), []);
        assert.deepEqual(await problemsOf(obj("postgresql.cnpg.io/v1", "Cluster", { instances: 1, storage: { size: "1Gi" }, bootstrap: { initdb: { database: "a", owner: "a", secret: { name: "s" } } } })), []);
    });

    it("refuses an unknown field, a wrong type, a value outside an enum and a missing required field, as the API server would", async () => {
        assert.deepEqual(await problemsOf(obj("rabbitmq.com/v1beta1", "Permission", { vhost: "apps", user: "u", permisions: {}, permissions: {}, ...ref })), ['unknown field "spec.permisions"']);
        assert.deepEqual(await problemsOf(obj("rabbitmq.com/v1beta1", "User", { tags: ["admin"], ...ref })), ['spec.tags[0]: "admin" is not one of "management", "policymaker", "monitoring", "administrator"']);
        assert.deepEqual(await problemsOf(obj("postgresql.cnpg.io/v1", "Cluster", { instances: "1" })), ["spec.instances: expected integer"]);
        assert.deepEqual(await problemsOf(obj("rabbitmq.com/v1beta1", "Queue", { vhost: "apps", ...ref })), ["spec.name: required"]);
        assert.deepEqual(await problemsOf(obj("rabbitmq.com/v1beta1", "Binding", { destinationType: "topic", ...ref })), ['spec.destinationType: "topic" is not one of "exchange", "queue"']);
    });
});
