import { strict as assert } from "assert";
import * as path from "path";
import { stackRun } from "../harness";
import { loadSettingsFromConfigMap } from "../../config";
import { manifestsOf } from "../../offline/manifests";
import { readStackConfig } from "../../offline/stackConfig";
import { LOCAL_NAMESPACES } from "../../components/local/stores";
import { LAPTOP_NODE, localStorePods, localStores } from "../../tools/predict/localStack";
import { namespaceLabels } from "../../tools/predict/pods";
import { predict } from "../../tools/predict";
import { onNodeGroup } from "../../lib/kubernetesSpecs";
import type { ProgramRun } from "../../offline/run";

const settings = loadSettingsFromConfigMap(readStackConfig(path.join(__dirname, "..", "..", "Pulumi.local.yaml")).config, { project: "platform", stack: "local" });
const databaseUsers = settings.services.filter((s) => (s.uses ?? []).includes("database")).map((s) => s.name);

describe("the local stack's predictions", () => {
    let run: ProgramRun;
    before(async function () {
        this.timeout(120000);
        run = await stackRun("local");
    });

    it("counts the pods of the in-cluster stores and local controllers, with the requests their specs and values give", () => {
        const pods = localStorePods(run, manifestsOf(run.resources));
        assert.deepEqual(
            pods.map((p) => p.owner).sort(),
            [...databaseUsers.map((s) => `PostgreSQL ${LOCAL_NAMESPACES.databases}/${s}`), `RabbitMQ ${LOCAL_NAMESPACES.broker}/rabbitmq`, "release cloudnative-pg", "release traefik", "release valkey"].sort(),
        );
        const postgres = pods.find((p) => p.owner.startsWith("PostgreSQL"));
        assert.deepEqual([postgres?.requests, postgres?.count], [{ cpuMillis: 100, memoryBytes: 256 * 2 ** 20 }, { min: 1, max: 1 }]);
        assert.ok(pods.every((p) => p.requests.cpuMillis > 0 && p.requests.memoryBytes > 0), "every one of them requests something");
    });

    it("places a service's database at its own CloudNativePG pods, and a service without one at another's", () => {
        const stores = localStores(settings, namespaceLabels(manifestsOf(run.resources)));
        const database = stores.find((s) => s.name === "database");
        assert.ok(database !== undefined && "podsFor" in database);
        assert.deepEqual(database.podsFor("worker").labels, { "cnpg.io/cluster": "worker" });
        assert.deepEqual(database.podsFor("frontend").labels, { "cnpg.io/cluster": databaseUsers[0] });
        assert.equal(database.podsFor("frontend").namespaceLabels?.["kubernetes.io/metadata.name"], LOCAL_NAMESPACES.databases);
    });

    it("pins no catalog pod to a node group: a laptop cluster's nodes carry no node-group label", () => {
        const workloads = run.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment" && String(r.name).startsWith("service-"));
        assert.ok(workloads.length > 0);
        for (const w of workloads) {
            const spec = (w.inputs.spec as { template: { spec: { nodeSelector?: Record<string, string> } } }).template.spec;
            assert.notDeepEqual(spec.nodeSelector, onNodeGroup("apps"), w.name);
            assert.equal(spec.nodeSelector, undefined, w.name);
        }
        assert.equal(LAPTOP_NODE.maxSize, 1);
    });

    it("lets Traefik in to the exposed services only, and judges every used store reachable and no AWS edge", () => {
        const p = predict(run, manifestsOf(run.resources), settings);
        const exposed = settings.services.filter((s) => s.ingress !== undefined).map((s) => s.name).sort();
        const reachedByTraefik = p.connectivity.services.filter((s) => s.callers.some((c) => c.from === "release traefik")).map((s) => s.name).sort();
        assert.deepEqual(reachedByTraefik, exposed);
        assert.deepEqual(p.connectivity.violations, []);
        assert.ok(!p.connectivity.edges.some((e) => e.to === "aws-apis" || e.to === "interface-endpoints"));
        assert.deepEqual(p.capacity.groups.map((g) => g.group), [LAPTOP_NODE.name]);
        assert.deepEqual(p.capacity.failures, []);
    });
});

