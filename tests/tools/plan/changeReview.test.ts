import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { KUBERNETES_VERSIONS_AS_OF } from "../../../config/catalog";
import { deepMerge } from "../../../lib/merge";
import { EXIT, Plan, buildPlan, planJson } from "../../../tools/plan/build";
import { renderReport } from "../../../tools/plan/report";
import { ROOT, enqueue } from "../../harness";

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "change-review-"));
let n = 0;

/** The dev stack file with some keys deep-merged into its config. */
function variant(overrides: Record<string, unknown>): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    const dir = fs.mkdtempSync(path.join(TMP, `${++n}-`));
    const file = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(file, stringify({ ...doc, config: deepMerge(doc.config, overrides) }));
    return file;
}
const planOf = (config: string, diff?: string): Promise<Plan> =>
    enqueue(() => buildPlan({ stack: "dev", config, diff, out: fs.mkdtempSync(path.join(TMP, "out-")), allowReplace: false, asOf: KUBERNETES_VERSIONS_AS_OF }));
const baseJson = async (config: string): Promise<string> => {
    const file = path.join(fs.mkdtempSync(path.join(TMP, "base-")), "plan.json");
    fs.writeFileSync(file, JSON.stringify(planJson(await planOf(config))));
    return file;
};
const names = (p: Plan) => (p.diff?.destructive ?? []).map((d) => d.resource.name).sort();

describe("plan --diff: change review", function () {
    this.timeout(600_000);
    let base: string;
    before(async () => {
        base = await baseJson(path.join(ROOT, "Pulumi.dev.yaml"));
    });

    it("gives each resource its dependencies and options, and the JSON the predictions and the cost range", () => {
        type Json = { resources: { name: string; urn: string; dependencies: { parent?: string; dependsOn: string[]; inputs: Record<string, string[]> }; options: Record<string, unknown> }[] } & Record<string, unknown>;
        const json = JSON.parse(fs.readFileSync(base, "utf8")) as Json;
        const byName = (name: string) => json.resources.find((r) => r.name === name) as Json["resources"][number];
        const db = byName("database-primary");
        assert.deepEqual(db.dependencies.inputs.dbSubnetGroupName, [byName("database-subnets").urn]);
        assert.deepEqual(db.options, { protect: false, ignoreChanges: [], retainOnDelete: false, deleteBeforeReplace: false });
        assert.equal(db.dependencies.parent, byName("database").urn);
        const apps = json.resources.find((r) => r.name === "cluster-apps" && r.urn.includes("aws:eks/nodeGroup:NodeGroup"));
        assert.deepEqual(apps?.options.ignoreChanges, ["scalingConfig.desiredSize"], "the autoscaler owns the desired size");
        assert.ok(json.resources.some((r) => r.dependencies.dependsOn.length > 0), "explicit dependsOn is kept apart from data flow");
        const cost = json.cost as { monthlyUsd: number; range: { desiredSizeUsd: number; maximumSizeUsd: number } };
        assert.equal(cost.range.desiredSizeUsd, cost.monthlyUsd);
        assert.ok(cost.range.maximumSizeUsd > cost.monthlyUsd, "dev's node groups may grow");
        assert.deepEqual(Object.keys(json.connectivity as object), ["services", "stores", "edges", "violations"]);
        assert.deepEqual(Object.keys(json.admission as object), ["namespaces", "pods", "rejected"]);
        assert.deepEqual(Object.keys(json.capacity as object), ["groups", "homeless", "failures", "warnings"]);
    });

    it("replaces the data stores and the cluster with a new VPC CIDR, and fails with 3", async () => {
        const p = await planOf(variant({ "platform:network": { cidr: "10.8.0.0/16" } }), base);
        assert.equal(p.exitCode, EXIT.replace);
        assert.deepEqual(names(p), ["broker-broker", "cache-group", "cluster-eks", "database-primary"]);
        const db = p.diff?.destructive.find((d) => d.resource.name === "database-primary");
        assert.deepEqual(db?.inputs, ["dbSubnetGroupName ← database-subnets"]);
        assert.ok((p.diff?.replaced.filter((r) => r.resource.type.startsWith("kubernetes:")).length ?? 0) > 50, "every object in the cluster comes anew with the cluster");
        const report = renderReport(p);
        assert.match(report, /± aws:rds\/subnetGroup:SubnetGroup database-subnets is replaced with what it is built on: subnetIds ← network-vpc/);
        assert.match(report, /± \d+ Kubernetes object\(s\) are created anew in the new cluster \(provider ← cluster-k8s\)/);
        assert.doesNotMatch(report, /± kubernetes:/);
    });

    it("replaces only the node groups when a zone is added: the first zones' subnets keep their blocks", async () => {
        const p = await planOf(variant({ "platform:network": { availabilityZones: 3 } }), base);
        // A node group's subnets cannot change in place (terraform-provider-aws: subnet_ids forces a new group).
        assert.deepEqual(p.diff?.replaced.map((r) => [r.resource.name, r.because]), [
            ["cluster-system", ["subnetIds"]],
            ["cluster-apps", ["subnetIds"]],
        ]);
        assert.deepEqual(p.diff?.destructive, []);
        assert.notEqual(p.exitCode, EXIT.replace);
    });

    it("times a cluster upgrade, an RDS class change and a node group roll", async () => {
        const older = await baseJson(variant({ "platform:cluster": { version: "1.34" } }));
        const p = await planOf(
            variant({ "platform:database": { instanceClass: "db.t4g.small" }, "platform:cluster": { nodeGroups: { apps: { diskSizeGb: 30 } } } }),
            older,
        );
        assert.deepEqual(p.diff?.destructive, []);
        const basis = (typeAndName: string) => p.change?.steps.find((s) => s.urn.endsWith(`$${typeAndName}`))?.basis;
        assert.equal(basis("eks:index:Cluster::cluster-eks"), "EKS control plane version update");
        assert.match(basis("aws:eks/nodeGroup:NodeGroup::cluster-apps") ?? "", /^rolling update: 2 node\(s\), 1 at a time/, "the new version and launch template roll the group's nodes");
        assert.equal(basis("aws:rds/instance:Instance::database-primary"), "RDS modification, as long as creating the instance");
        assert.match(renderReport(p), /Estimated time to apply the changes: [\d.]+ min/);
        const steps = (planJson(p).diff as { change: { steps: { resource: string }[] } }).change.steps.map((s) => s.resource);
        assert.ok(["cluster-eks", "cluster-apps", "database-primary"].every((n) => steps.some((u) => u.endsWith(`::${n}`))), steps.join(", "));
    });
});
