import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { KUBERNETES_VERSIONS_AS_OF } from "../../../config/catalog";
import type { Manifest } from "../../../offline/manifests";
import { buildPlan } from "../../../tools/plan/build";
import { nodePoolsOf } from "../../../tools/predict";
import { ROOT, enqueue } from "../../harness";

const pool = (name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}): Manifest => ({
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name, annotations },
    spec,
});

const requirements = (types: string[]) => [
    { key: "node.kubernetes.io/instance-type", operator: "In", values: types },
    { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] },
];

describe("predict: NodePools as node groups", () => {
    it("reads a pool's label, types, planned nodes, and as its maximum the nodes of its largest type its limits allow", () => {
        const facts = nodePoolsOf([
            pool(
                "apps",
                { limits: { cpu: "8", memory: "32Gi" }, template: { metadata: { labels: { "platform.io/node-group": "apps" } }, spec: { requirements: requirements(["t4g.large", "m7g.large"]) } } },
                { "platform.io/planned-nodes": "2" },
            ),
            // The memory limit binds first here: 3 nodes of 8Gi.
            pool("lean", { limits: { cpu: "16", memory: "24Gi" }, template: { spec: { requirements: requirements(["t4g.large"]) } } }),
        ]);
        assert.deepEqual(facts, [
            { name: "apps", instanceTypes: ["t4g.large", "m7g.large"], minSize: 0, desiredSize: 2, maxSize: 4 },
            { name: "lean", instanceTypes: ["t4g.large"], minSize: 0, desiredSize: 0, maxSize: 3 },
        ]);
    });

    it("leaves out a pool it cannot bound: no instance types, no limits, or a type it has no figures for", () => {
        assert.deepEqual(
            nodePoolsOf([
                pool("open", { template: { spec: { requirements: requirements(["t4g.large"]) } } }),
                pool("any", { limits: { cpu: "8", memory: "32Gi" }, template: { spec: { requirements: [] } } }),
                pool("odd", { limits: { cpu: "8", memory: "32Gi" }, template: { spec: { requirements: requirements(["x9.huge"]) } } }),
            ]),
            [],
        );
    });

    describe("the shipped stacks under every compute mode", function () {
        this.timeout(300_000);
        for (const stack of ["dev", "prod"]) {
            for (const compute of ["karpenter", "autoMode"]) {
                it(`${stack} with compute ${compute}: every pod schedulable on the pools, as large as the node groups they replace`, async () => {
                    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pools-${stack}-${compute}-`));
                    const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, Record<string, unknown>> };
                    const cluster = doc.config["platform:cluster"];
                    doc.config["platform:cluster"] = { ...cluster, compute };
                    const config = path.join(dir, `Pulumi.${stack}.yaml`);
                    fs.writeFileSync(config, stringify(doc));
                    const plan = await enqueue(() => buildPlan({ stack, config, out: path.join(dir, "out"), allowReplace: false, asOf: KUBERNETES_VERSIONS_AS_OF }));
                    const capacity = plan.predictions.capacity;
                    assert.deepEqual(capacity.failures, []);
                    assert.deepEqual(capacity.homeless, []);
                    const groups = plan.settings.cluster.nodeGroups;
                    const apps = capacity.groups.find((g) => g.group === "apps");
                    assert.equal(apps?.maxSize, groups.apps.maxSize);
                    if (compute === "autoMode") {
                        assert.equal(capacity.groups.find((g) => g.group === "system")?.maxSize, groups.system.maxSize);
                        // No CoreDNS, kube-proxy or VPC CNI pods: every service resolves names at the cluster DNS address.
                        assert.deepEqual(plan.predictions.pods.filter((p) => p.owner.startsWith("EKS add-on")), []);
                        for (const svc of plan.predictions.connectivity.services) {
                            assert.deepEqual(svc.reaches.find((r) => r.to === "dns")?.ports, [53], svc.name);
                        }
                    }
                    assert.equal(plan.exitCode, 0, JSON.stringify(plan.failures));
                });
            }
        }
    });
});
