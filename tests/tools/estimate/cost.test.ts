import { strict as assert } from "assert";
import { CostEstimate, CostItem, estimateCost } from "../../../tools/estimate/cost";
import { component, fake, runOf } from "./fixtures";

const H = 730;

/** Compares dollars to the cent: items are rounded, the expectations are not. */
function assertUsd(actual: number, expected: number, what = "amount"): void {
    assert.ok(Math.abs(actual - expected) <= 0.005 + 1e-9, `${what}: expected $${expected.toFixed(4)}, got $${actual}`);
}

function item(estimate: CostEstimate, resource: string): CostItem {
    const found = estimate.items.filter((i) => i.resource === resource);
    assert.equal(found.length, 1, `expected one item ${resource}; items: ${estimate.items.map((i) => i.resource).join(", ")}`);
    return found[0];
}

const vpc = (inputs: Record<string, unknown>) => fake("awsx:ec2:Vpc", "vpc", { custom: false, remote: true, inputs });

describe("estimate: cost of hand-made runs", () => {
    it("prices a single NAT gateway and its public IPv4 address from the awsx VPC inputs", () => {
        const e = estimateCost(runOf(vpc({ natGateways: { strategy: "Single" }, numberOfAvailabilityZones: 2 })));
        assertUsd(item(e, "vpc NAT gateways").monthlyUsd, 0.045 * H);
        assertUsd(item(e, "vpc NAT public IPv4").monthlyUsd, 0.005 * H);
        assertUsd(e.monthlyUsd, 0.045 * H + 0.005 * H, "total");
        assert.match(item(e, "vpc NAT gateways").basis, /1 × NAT gateway .*\$0\.045\/h × 730 h/);
    });

    it("counts one NAT gateway per AZ, and none when the VPC has no private subnets", () => {
        const perAz = estimateCost(runOf(vpc({ natGateways: { strategy: "OnePerAz" }, numberOfAvailabilityZones: 3 })));
        assertUsd(perAz.monthlyUsd, 3 * (0.045 + 0.005) * H);
        const publicOnly = estimateCost(runOf(vpc({ subnetSpecs: [{ type: "Public" }], numberOfAvailabilityZones: 3 })));
        assert.equal(publicOnly.items.length, 0);
    });

    it("prices the VPC's NAT children when a preview shows them, and not the component as well", () => {
        const v = vpc({ natGateways: { strategy: "OnePerAz" }, numberOfAvailabilityZones: 2 });
        const nats = ["a", "b"].map((az) => fake("aws:ec2/natGateway:NatGateway", `nat-${az}`, { parent: v }));
        const eips = ["a", "b"].map((az) => fake("aws:ec2/eip:Eip", `eip-${az}`, { parent: v }));
        const e = estimateCost(runOf(v, ...nats, ...eips));
        assert.deepEqual(e.items.map((i) => i.resource).sort(), ["eip-a", "eip-b", "nat-a", "nat-b"]);
        assertUsd(e.monthlyUsd, 2 * (0.045 + 0.005) * H);
    });

    it("prices the EKS control plane once, from the component or from its child", () => {
        const cluster = fake("eks:index:Cluster", "eks", { custom: false, remote: true, inputs: { version: "1.35", skipDefaultNodeGroup: true } });
        assertUsd(estimateCost(runOf(cluster)).monthlyUsd, 0.1 * H);
        const child = fake("aws:eks/cluster:Cluster", "eks-cluster", { parent: cluster, inputs: { version: "1.35" } });
        const both = estimateCost(runOf(cluster, child));
        assert.deepEqual(both.items.map((i) => i.resource), ["eks-cluster"]);
        assertUsd(both.monthlyUsd, 73);
        const old = fake("aws:eks/cluster:Cluster", "old", { inputs: { version: "1.29", upgradePolicy: { supportType: "EXTENDED" } } });
        assertUsd(estimateCost(runOf(old)).monthlyUsd, 0.6 * H, "a version past standard support, kept on extended support");
    });

    it("prices a Multi-AZ db.m7g.large with 100 GB: both instances, Multi-AZ storage, the managed secret", () => {
        const db = fake("aws:rds/instance:Instance", "primary", {
            inputs: { identifier: "db", instanceClass: "db.m7g.large", multiAz: true, allocatedStorage: 100, storageType: "gp3", manageMasterUserPassword: true },
        });
        const e = estimateCost(runOf(db));
        assertUsd(item(e, "primary").monthlyUsd, 2 * 0.168 * H);
        assertUsd(item(e, "primary storage").monthlyUsd, 100 * 0.23);
        assertUsd(item(e, "primary master secret").monthlyUsd, 0.4);
        assertUsd(e.monthlyUsd, 2 * 0.168 * H + 23 + 0.4, "total");
        assert.deepEqual(e.warnings, []);
    });

    it("prices a read replica as its own instance with the storage of its source", () => {
        const primary = fake("aws:rds/instance:Instance", "primary", {
            inputs: { identifier: "db", instanceClass: "db.t4g.micro", allocatedStorage: 50, storageType: "gp3" },
        });
        const replica = fake("aws:rds/instance:Instance", "replica", {
            inputs: { replicateSourceDb: "db", instanceClass: "db.t4g.micro", storageType: "gp3" },
            dependsOn: [primary],
        });
        const e = estimateCost(runOf(primary, replica));
        assertUsd(item(e, "replica").monthlyUsd, 0.016 * H);
        assertUsd(item(e, "replica storage").monthlyUsd, 50 * 0.115);
        assert.match(item(e, "replica").basis, /read replica/);
    });

    it("prices Valkey 20 % below Redis OSS on the same nodes", () => {
        const group = (engine: string) =>
            fake("aws:elasticache/replicationGroup:ReplicationGroup", engine, { inputs: { engine, nodeType: "cache.r7g.large", numCacheClusters: 2 } });
        const valkey = estimateCost(runOf(group("valkey")));
        const redis = estimateCost(runOf(group("redis")));
        assertUsd(redis.monthlyUsd, 2 * 0.219 * H);
        assertUsd(valkey.monthlyUsd, 2 * 0.219 * 0.8 * H);
        assert.match(valkey.items[0].basis, /20 % Valkey/);
    });

    it("counts shards × (1 + replicas) nodes in cluster mode", () => {
        const g = fake("aws:elasticache/replicationGroup:ReplicationGroup", "sharded", {
            inputs: { engine: "redis", nodeType: "cache.m7g.large", clusterMode: "enabled", numNodeGroups: 3, replicasPerNodeGroup: 2 },
        });
        const e = estimateCost(runOf(g));
        assertUsd(e.monthlyUsd, 9 * 0.158 * H);
        assert.match(e.items[0].basis, /^9 × /);
    });

    it("prices an Amazon MQ cluster as three nodes, each with its storage", () => {
        const b = fake("aws:mq/broker:Broker", "mq", { inputs: { hostInstanceType: "mq.m5.large", deploymentMode: "CLUSTER_MULTI_AZ" } });
        const e = estimateCost(runOf(b));
        assertUsd(item(e, "mq").monthlyUsd, 3 * 0.288 * H);
        assertUsd(item(e, "mq storage").monthlyUsd, 3 * 20 * 0.1);
        assert.equal(item(e, "mq storage").estimate, true, "the stored volume is assumed");
        const single = estimateCost(runOf(fake("aws:mq/broker:Broker", "mq", { inputs: { hostInstanceType: "mq.m5.large" } })));
        assertUsd(item(single, "mq").monthlyUsd, 0.288 * H);
    });

    it("prices node groups at their desired size, with their launch template's gp3 root volumes", () => {
        const lt = fake("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
            inputs: { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3" } }] },
        });
        const ng = fake("aws:eks/nodeGroup:NodeGroup", "apps", {
            inputs: { instanceTypes: ["m7g.large"], capacityType: "ON_DEMAND", scalingConfig: { minSize: 2, desiredSize: 3, maxSize: 9 } },
            dependsOn: [lt],
        });
        const e = estimateCost(runOf(lt, ng));
        assertUsd(item(e, "apps").monthlyUsd, 3 * 0.0816 * H);
        assert.equal(item(e, "apps").basis, "3 × m7g.large on-demand × $0.0816/h × 730 h (desired size)");
        assertUsd(item(e, "apps root volumes").monthlyUsd, 3 * 50 * 0.08);
    });

    it("finds a node group's launch template by ID when no dependency names it", () => {
        const lt = fake("aws:ec2/launchTemplate:LaunchTemplate", "lt", { id: "lt-123", inputs: { blockDeviceMappings: [{ ebs: { volumeSize: 30 } }] } });
        const ng = fake("aws:eks/nodeGroup:NodeGroup", "ng", { inputs: { instanceTypes: ["t4g.medium"], scalingConfig: { desiredSize: 2 }, launchTemplate: { id: "lt-123" } } });
        assertUsd(item(estimateCost(runOf(lt, ng)), "ng root volumes").monthlyUsd, 2 * 30 * 0.08);
        const bare = fake("aws:eks/nodeGroup:NodeGroup", "bare", { inputs: { instanceTypes: ["t4g.medium"], scalingConfig: { desiredSize: 2 } } });
        assertUsd(item(estimateCost(runOf(bare)), "bare root volumes").monthlyUsd, 2 * 20 * 0.08, "the EKS default disk");
    });

    it("applies the spot discount, bounded by the dearest listed type", () => {
        const ng = fake("aws:eks/nodeGroup:NodeGroup", "spot", {
            inputs: { instanceTypes: ["t4g.large", "m7g.large", "m6g.large"], capacityType: "SPOT", scalingConfig: { desiredSize: 2 } },
        });
        const line = item(estimateCost(runOf(ng)), "spot");
        assertUsd(line.monthlyUsd, 2 * 0.0816 * (1 - 0.65) * H);
        assert.equal(line.estimate, true);
        assert.match(line.basis, /m7g\.large spot .*65 % spot discount/);
    });

    it("prices on-demand groups with several types at the first listed type", () => {
        const ng = fake("aws:eks/nodeGroup:NodeGroup", "od", { inputs: { instanceTypes: ["t3.large", "m7i.large"], scalingConfig: { desiredSize: 1 } } });
        assertUsd(item(estimateCost(runOf(ng)), "od").monthlyUsd, 0.0832 * H);
    });

    it("prices interface endpoints per subnet, or per AZ of the VPC when subnets are unknown, and gateway endpoints at nothing", () => {
        const v = vpc({ natGateways: { strategy: "None" }, numberOfAvailabilityZones: 2 });
        const known = fake("aws:ec2/vpcEndpoint:VpcEndpoint", "ecr", { inputs: { vpcEndpointType: "Interface", subnetIds: ["a", "b", "c"] } });
        const unknown = fake("aws:ec2/vpcEndpoint:VpcEndpoint", "sts", { inputs: { vpcEndpointType: "Interface", subnetIds: "[unknown]" } });
        const gateway = fake("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { inputs: { vpcEndpointType: "Gateway" } });
        const e = estimateCost(runOf(v, known, unknown, gateway));
        assertUsd(item(e, "ecr").monthlyUsd, 3 * 0.01 * H);
        assertUsd(item(e, "sts").monthlyUsd, 2 * 0.01 * H);
        assert.equal(e.items.length, 2);
    });

    it("counts secrets, KMS keys, and log groups at the stated ingest volume", () => {
        const e = estimateCost(
            runOf(
                fake("aws:secretsmanager/secret:Secret", "s1"),
                fake("aws:secretsmanager/secret:Secret", "s2"),
                fake("aws:kms/key:Key", "k"),
                fake("aws:cloudwatch/logGroup:LogGroup", "logs", { inputs: { retentionInDays: 365 } }),
            ),
        );
        assertUsd(item(e, "s1").monthlyUsd + item(e, "s2").monthlyUsd, 0.8);
        assertUsd(item(e, "k").monthlyUsd, 1);
        // 5 GB a month ingested, and a year of it (60 GB) held at steady state.
        assertUsd(item(e, "logs").monthlyUsd, 5 * 0.5 + 60 * 0.03);
        assert.equal(item(e, "logs").estimate, true);
    });

    it("prices a CodeBuild runner by its assumed build minutes at its compute type's rate, as an estimate", () => {
        const e = estimateCost(
            runOf(
                fake("aws:codebuild/project:Project", "small", { inputs: { environment: { computeType: "BUILD_GENERAL1_SMALL" } } }),
                fake("aws:codebuild/project:Project", "large", { inputs: { environment: { computeType: "BUILD_GENERAL1_LARGE" } } }),
                fake("aws:codebuild/project:Project", "odd", { inputs: { environment: { computeType: "BUILD_LAMBDA_1GB" } } }),
            ),
        );
        assertUsd(item(e, "small").monthlyUsd, 1200 * 0.005);
        assertUsd(item(e, "large").monthlyUsd, 1200 * 0.02);
        assert.equal(item(e, "small").estimate, true);
        assert.match(item(e, "small").basis, /^1200 build minutes \(assumed\) × BUILD_GENERAL1_SMALL \$0\.005\/min/);
        assert.ok(e.warnings.some((w) => w.includes('no price for "BUILD_LAMBDA_1GB"')));
    });

    it("prices one shared ALB for any number of ALB ingresses, and none for other classes", () => {
        const ingress = (name: string, cls: string) => fake("kubernetes:networking.k8s.io/v1:Ingress", name, { inputs: { spec: { ingressClassName: cls } } });
        const e = estimateCost(runOf(ingress("web", "alb"), ingress("api", "alb")));
        assert.equal(e.items.length, 1);
        assertUsd(e.items[0].monthlyUsd, 0.0225 * H + 1 * 0.008 * H);
        assert.match(e.items[0].resource, /2 ingresses/);
        assert.equal(estimateCost(runOf(ingress("web", "nginx"))).items.length, 0);
        const cls = fake("kubernetes:networking.k8s.io/v1:IngressClass", "public", { inputs: { metadata: { name: "public" }, spec: { controller: "ingress.k8s.aws/alb" } } });
        assert.equal(estimateCost(runOf(cls, ingress("web", "public"))).items.length, 1);
        const autoMode = fake("kubernetes:networking.k8s.io/v1:IngressClass", "platform-alb", { inputs: { metadata: { name: "platform-alb" }, spec: { controller: "eks.amazonaws.com/alb" } } });
        assert.equal(estimateCost(runOf(autoMode, ingress("web", "platform-alb"))).items.length, 1, "EKS Auto Mode builds an ALB for its class too");
        const legacy = fake("kubernetes:networking.k8s.io/v1:Ingress", "old", { inputs: { metadata: { annotations: { "kubernetes.io/ingress.class": "alb" } } } });
        assert.equal(estimateCost(runOf(legacy)).items.length, 1);
    });

    it("files the shared ALB under the component that installs its controller, and warns about several ingress groups", () => {
        const addons = component("platform:cluster:Addons", "addons");
        const controller = fake("kubernetes:helm.sh/v3:Release", "lbc", { parent: addons, inputs: { chart: "aws-load-balancer-controller" } });
        const web = component("platform:app:Service", "web");
        const grouped = (name: string, group: string) =>
            fake("kubernetes:networking.k8s.io/v1:Ingress", name, {
                parent: web,
                inputs: { metadata: { annotations: { "alb.ingress.kubernetes.io/group.name": group } }, spec: { ingressClassName: "alb" } },
            });
        const one = estimateCost(runOf(addons, controller, web, grouped("a", "shared"), grouped("b", "shared")));
        assert.equal(one.items[0].component, "addons");
        assert.deepEqual(one.warnings, []);
        const two = estimateCost(runOf(web, grouped("a", "public"), grouped("b", "internal")));
        assert.equal(two.items[0].component, "web");
        assert.ok(two.warnings.some((w) => /2 ingress groups/.test(w)));
    });

    it("attributes every line to the top-level component above it", () => {
        const data = component("platform:data:Cache", "cache");
        const auth = component("platform:security:GeneratedSecret", "cache-auth", data);
        const secret = fake("aws:secretsmanager/secret:Secret", "cache-auth-secret", { parent: auth });
        const e = estimateCost(runOf(data, auth, secret));
        assert.equal(item(e, "cache-auth-secret").component, "cache");
    });

    it("warns when the region is not the table's, and when a type has no price", () => {
        const b = fake("aws:mq/broker:Broker", "mq", { inputs: { hostInstanceType: "mq.m9.huge" } });
        const e = estimateCost(runOf(b), { region: "eu-west-1" });
        assert.ok(e.warnings.some((w) => /us-east-1/.test(w) && /eu-west-1/.test(w)));
        assert.ok(e.warnings.some((w) => /mq\.m9\.huge/.test(w)));
        assert.equal(e.monthlyUsd, 0);
        const provider = fake("pulumi:providers:aws", "aws", { inputs: { region: "eu-central-1" } });
        assert.equal(estimateCost(runOf(provider)).region, "eu-central-1");
        assert.deepEqual(estimateCost(runOf(fake("aws:kms/key:Key", "k"))).warnings, []);
    });

    it("totals the rounded items", () => {
        const e = estimateCost(
            runOf(
                fake("aws:eks/nodeGroup:NodeGroup", "ng", { inputs: { instanceTypes: ["t4g.medium"], scalingConfig: { desiredSize: 1 } } }),
                fake("aws:elasticache/replicationGroup:ReplicationGroup", "c", { inputs: { engine: "valkey", nodeType: "cache.t4g.micro" } }),
            ),
        );
        assert.equal(e.monthlyUsd, Math.round(e.items.reduce((s, i) => s + i.monthlyUsd, 0) * 100) / 100);
        assert.ok(e.items.every((i) => Math.round(i.monthlyUsd * 100) / 100 === i.monthlyUsd));
    });
});
