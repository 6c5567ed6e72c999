import { strict as assert } from "assert";
import { PlannedResource, diffPlans } from "../../../tools/plan/diff";
import { propagate, replacingInputs, vpcFacets } from "../../../tools/plan/propagation";
import { estimateChange } from "../../../tools/estimate/changes";
import { fake, runOf } from "../estimate/fixtures";

const urn = (type: string, name: string) => `urn:pulumi:prod::platform::${type}::${name}`;
function r(type: string, name: string, inputs: Record<string, unknown> = {}, deps: Record<string, string[]> = {}, provider?: string): PlannedResource {
    return { urn: urn(type, name), type, name, inputs, ...(provider ? { provider } : {}), dependencies: { dependsOn: [], inputs: deps } };
}
const VPC = "awsx:ec2:Vpc";
const layout = (priv: string[]) => ({ cidrBlock: "10.0.0.0/16", subnetSpecs: [{ type: "Private", cidrBlocks: priv }, { type: "Isolated", cidrBlocks: ["10.0.200.0/24", "10.0.201.0/24"] }] });

/** A small stack: VPC → security group, subnet group → database; KMS key → database; cluster → node group, provider → a Deployment. */
function stack(vpcInputs: Record<string, unknown>, extra: { key?: Record<string, unknown>; cluster?: Record<string, unknown> } = {}): PlannedResource[] {
    const vpc = urn(VPC, "vpc");
    const key = urn("aws:kms/key:Key", "key");
    const cluster = urn("eks:index:Cluster", "eks");
    const provider = urn("pulumi:providers:kubernetes", "k8s");
    return [
        r(VPC, "vpc", vpcInputs),
        r("aws:kms/key:Key", "key", extra.key ?? { keySpec: "SYMMETRIC_DEFAULT" }),
        r("aws:ec2/securityGroup:SecurityGroup", "db-sg", { vpcId: "vpc-1" }, { vpcId: [vpc] }),
        r("aws:rds/subnetGroup:SubnetGroup", "db-subnets", { subnetIds: ["a", "b"] }, { subnetIds: [vpc] }),
        r("aws:rds/instance:Instance", "db", { identifier: "db" }, { dbSubnetGroupName: [urn("aws:rds/subnetGroup:SubnetGroup", "db-subnets")], kmsKeyId: [key], vpcSecurityGroupIds: [urn("aws:ec2/securityGroup:SecurityGroup", "db-sg")] }),
        r("eks:index:Cluster", "eks", extra.cluster ?? { name: "platform-prod", version: "1.35" }, { vpcId: [vpc], privateSubnetIds: [vpc] }),
        r("aws:eks/nodeGroup:NodeGroup", "apps", { scalingConfig: { desiredSize: 6 }, updateConfig: { maxUnavailablePercentage: 33 } }, { clusterName: [cluster], subnetIds: [vpc] }),
        r("pulumi:providers:kubernetes", "k8s", {}, { kubeconfig: [cluster] }),
        r("kubernetes:apps/v1:Deployment", "api", {}, {}, provider),
    ];
}
const plan = (resources: PlannedResource[]) => ({ resources, cost: { monthlyUsd: 0 } });
const names = (xs: { resource: PlannedResource }[]) => xs.map((x) => x.resource.name);

describe("plan: replacement propagation", () => {
    it("replaces everything built on a VPC whose CIDR changes, and fails the stateful ones", () => {
        const base = stack(layout(["10.0.0.0/19", "10.0.32.0/19"]));
        const head = stack({ ...layout(["10.1.0.0/19", "10.1.32.0/19"]), cidrBlock: "10.1.0.0/16" });
        const d = diffPlans(plan(base), plan(head));
        assert.deepEqual(names(d.replaced).sort(), ["api", "apps", "db", "db-sg", "db-subnets", "eks", "k8s", "vpc"]);
        assert.deepEqual(d.destructive.map((x) => [x.resource.name, x.inputs]), [
            ["db", ["dbSubnetGroupName ← db-subnets"]],
            ["eks", ["vpcId ← vpc", "privateSubnetIds ← vpc"]],
        ]);
        assert.deepEqual(d.replaced.find((x) => x.resource.name === "api")?.because, ["provider ← k8s"]);
    });

    it("replaces what sits in moved subnets, but not the security groups of the same VPC", () => {
        const d = diffPlans(plan(stack(layout(["10.0.0.0/19", "10.0.32.0/19"]))), plan(stack(layout(["10.0.0.0/20", "10.0.32.0/19"]))));
        assert.deepEqual(names(d.replaced).sort(), ["api", "apps", "db", "db-subnets", "eks", "k8s", "vpc"]);
    });

    it("replaces nothing when another zone's subnets are added after the existing ones", () => {
        const d = diffPlans(plan(stack(layout(["10.0.0.0/19", "10.0.32.0/19"]))), plan(stack(layout(["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]))));
        assert.deepEqual(d.replaced, []);
        assert.deepEqual(vpcFacets(["subnetSpecs[0].cidrBlocks"], layout(["a", "b", "c"]), layout(["a", "b"])), ["subnets"], "dropping a zone replaces subnets");
    });

    it("carries a KMS key's replacement to what it encrypts, and a cluster's name to everything in it", () => {
        const kms = diffPlans(plan(stack(layout(["x"]))), plan(stack(layout(["x"]), { key: { keySpec: "RSA_2048" } })));
        assert.deepEqual(kms.destructive.map((x) => [x.resource.name, x.inputs]), [["key", ["keySpec"]], ["db", ["kmsKeyId ← key"]]]);
        const renamed = diffPlans(plan(stack(layout(["x"]))), plan(stack(layout(["x"]), { cluster: { name: "other", version: "1.35" } })));
        assert.deepEqual(names(renamed.replaced), ["eks", "apps", "k8s", "api"]);
        const bumped = diffPlans(plan(stack(layout(["x"]))), plan(stack(layout(["x"]), { cluster: { name: "platform-prod", version: "1.36" } })));
        assert.deepEqual(bumped.replaced, [], "a version upgrade is an update in place");
    });

    it("knows which own inputs replace the carrier types, and leaves harmless changes alone", () => {
        assert.deepEqual(replacingInputs("aws:rds/subnetGroup:SubnetGroup", ["name", "description"]), ["name"]);
        assert.deepEqual(replacingInputs("aws:eks/nodeGroup:NodeGroup", ["scalingConfig.maxSize", "instanceTypes[0]"]), ["instanceTypes[0]"]);
        assert.deepEqual(replacingInputs("aws:rds/instance:Instance", ["identifier", "instanceClass"]), ["identifier"]);
        assert.deepEqual(propagate([], stack(layout(["x"])).map((x) => ({ ...x, inputDependencies: x.dependencies?.inputs }))), []);
    });
});

describe("plan: update durations", () => {
    it("rolls a node group's nodes maxUnavailable at a time when its launch template changes", () => {
        const lt = fake("aws:ec2/launchTemplate:LaunchTemplate", "apps-lt");
        const group = { ...fake("aws:eks/nodeGroup:NodeGroup", "apps", { inputs: { scalingConfig: { desiredSize: 12 }, updateConfig: { maxUnavailablePercentage: 33 } }, dependsOn: [lt] }), inputDependencies: { launchTemplate: [lt.urn] } };
        const change = estimateChange(runOf(lt, group), new Map([[lt.urn, ["metadataOptions.httpTokens"]]]));
        assert.deepEqual(change.steps.map((s) => [s.urn, s.basis]), [
            [lt.urn, "update in place"],
            [group.urn, "rolling update: 12 node(s), 3 at a time (4 batches)"],
        ]);
    });

    it("times an RDS modification and an EKS version upgrade, and a harmless database change as quick", () => {
        const db = fake("aws:rds/instance:Instance", "db", { inputs: { multiAz: true } });
        const eks = fake("eks:index:Cluster", "eks", { remote: true, custom: false });
        const change = estimateChange(runOf(db, eks), new Map([[db.urn, ["instanceClass"]], [eks.urn, ["version"]]]));
        assert.deepEqual(change.steps.map((s) => [s.resource.split("::").pop(), s.basis]).sort(), [
            ["db", "RDS modification, as long as creating the instance"],
            ["eks", "EKS control plane version update"],
        ]);
        assert.equal(change.steps.find((s) => s.urn === db.urn)?.estimate, true, "an RDS modification's time is an estimate");
        const quick = estimateChange(runOf(db), new Map([[db.urn, ["tags.team"]]]));
        assert.deepEqual(quick.steps.map((s) => s.basis), ["database setting"]);
        assert.ok(quick.totalMinutes < change.totalMinutes / 5);
    });
});
