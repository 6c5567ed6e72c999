import { strict as assert } from "assert";
import type { RecordedResource } from "../../../offline/run";
import { estimateDeploy } from "../../../tools/estimate/deploy";
import { DURATIONS, Duration, durationOf } from "../../../tools/estimate/durations";
import { indexRun } from "../../../tools/estimate/resources";
import { component, fake, runOf } from "./fixtures";

/** Typical seconds of one resource within a run made of `all`. */
function typical(r: RecordedResource, ...all: RecordedResource[]): number {
    return durationOf(r, indexRun(runOf(r, ...all))).duration.typicalSeconds;
}

describe("estimate: create durations", () => {
    it("keeps min ≤ typical ≤ max, with a source, for every figure", () => {
        for (const [key, d] of Object.entries(DURATIONS) as [string, Duration][]) {
            assert.ok(d.minSeconds <= d.typicalSeconds && d.typicalSeconds <= d.maxSeconds, key);
            assert.ok(d.source.trim().length > 0, `${key}: source`);
        }
    });

    it("tells RDS Single-AZ, Multi-AZ and read replicas apart", () => {
        const rds = (inputs: Record<string, unknown>) => fake("aws:rds/instance:Instance", "db", { inputs });
        assert.equal(typical(rds({ multiAz: false })), 7.5 * 60);
        assert.equal(typical(rds({ multiAz: true })), 17.5 * 60);
        assert.equal(typical(rds({ replicateSourceDb: "db" })), 15 * 60);
    });

    it("tells ElastiCache without cluster mode from cluster mode or Multi-AZ, and MQ single from cluster", () => {
        const cache = (inputs: Record<string, unknown>) => fake("aws:elasticache/replicationGroup:ReplicationGroup", "c", { inputs });
        assert.equal(typical(cache({ numCacheClusters: 1 })), 7.5 * 60);
        assert.equal(typical(cache({ numCacheClusters: 2, multiAzEnabled: true })), 15 * 60);
        assert.equal(typical(cache({ clusterMode: "enabled", numNodeGroups: 2 })), 15 * 60);
        const mq = (deploymentMode: string) => fake("aws:mq/broker:Broker", "mq", { inputs: { deploymentMode } });
        assert.equal(typical(mq("SINGLE_INSTANCE")), 7.5 * 60);
        assert.equal(typical(mq("CLUSTER_MULTI_AZ")), 17.5 * 60);
    });

    it("knows the measured Helm charts by name, however the chart is referenced", () => {
        const release = (chart: string) => fake("kubernetes:helm.sh/v3:Release", "r", { inputs: { chart } });
        assert.equal(typical(release("aws-load-balancer-controller")), 45);
        assert.equal(typical(release("eks/aws-load-balancer-controller")), 45);
        assert.equal(typical(release("oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack")), 150);
        assert.equal(typical(release("some-other-chart")), DURATIONS.helmOther.typicalSeconds);
    });

    it("lets remote components stand for their children only while the run shows none", () => {
        const eks = fake("eks:index:Cluster", "eks", { custom: false, remote: true });
        assert.ok(typical(eks) >= 10 * 60, "the control plane");
        const child = fake("aws:eks/cluster:Cluster", "eks-cluster", { parent: eks });
        assert.equal(typical(eks, child), 0);
        const vpc = fake("awsx:ec2:Vpc", "vpc", { custom: false, remote: true, inputs: { natGateways: { strategy: "Single" } } });
        const nat = DURATIONS.natGateway.typicalSeconds;
        assert.ok(typical(vpc) > nat && typical(vpc) < nat + 60, "NAT dominates");
    });

    it("gives components, providers and random values no time of their own", () => {
        assert.equal(typical(component("platform:data:Database", "database")), 0);
        assert.equal(typical(fake("pulumi:providers:kubernetes", "k8s")), 0);
        assert.equal(typical(fake("random:index/randomPassword:RandomPassword", "pw")), 0);
        assert.equal(typical(fake("aws:ec2/securityGroup:SecurityGroup", "sg")), DURATIONS.default.typicalSeconds);
    });

    it("makes an ALB Ingress wait for its load balancer", () => {
        const ing = fake("kubernetes:networking.k8s.io/v1:Ingress", "web", { inputs: { spec: { ingressClassName: "alb" } } });
        assert.equal(typical(ing), DURATIONS.alb.typicalSeconds);
    });

    it("makes an Ingress of Auto Mode's ALB class wait for its load balancer too, and no other class", () => {
        const cls = (name: string, controller: string) => fake("kubernetes:networking.k8s.io/v1:IngressClass", name, { inputs: { metadata: { name }, spec: { controller } } });
        const ing = (cls: string) => fake("kubernetes:networking.k8s.io/v1:Ingress", `web-${cls}`, { inputs: { spec: { ingressClassName: cls } } });
        const classes = [cls("platform-alb", "eks.amazonaws.com/alb"), cls("nginx", "k8s.io/ingress-nginx")];
        assert.equal(typical(ing("platform-alb"), ...classes), DURATIONS.alb.typicalSeconds);
        assert.equal(typical(ing("nginx"), ...classes), DURATIONS.default.typicalSeconds);
    });

    it("counts a NodePool's first node on the pool, which the releases placed on it wait for", () => {
        assert.equal(typical(fake("kubernetes:karpenter.sh/v1:NodePool", "apps")), DURATIONS.nodePoolFirstNode.typicalSeconds);
        assert.ok(DURATIONS.nodePoolFirstNode.typicalSeconds < DURATIONS.eksNodeGroup.typicalSeconds, "a pool's node joins sooner than a managed node group is created");
    });

    it("estimates a hand-made stack: data store beside the cluster, the cluster's chain the longest", () => {
        const net = component("platform:network:Network", "network");
        const vpc = fake("awsx:ec2:Vpc", "vpc", { custom: false, remote: true, parent: net, inputs: { natGateways: { strategy: "Single" } } });
        const sg = fake("aws:ec2/securityGroup:SecurityGroup", "workloads", { parent: net, dependsOn: [vpc] });
        const eks = fake("eks:index:Cluster", "eks", { custom: false, remote: true, dependsOn: [vpc] });
        const ng = fake("aws:eks/nodeGroup:NodeGroup", "ng", { dependsOn: [eks, sg] });
        const db = fake("aws:rds/instance:Instance", "db", { dependsOn: [sg] });
        const e = estimateDeploy(runOf(net, vpc, sg, eks, ng, db));
        const vpcMinutes = e.finishMinutes.get(vpc.urn) as number;
        assert.equal(e.startMinutes.get(db.urn), e.finishMinutes.get(sg.urn));
        assert.ok((e.startMinutes.get(db.urn) as number) < (e.finishMinutes.get(eks.urn) as number), "the database does not wait for the cluster");
        assert.deepEqual(e.path.map((p) => p.resource), ["awsx:ec2:Vpc::vpc", "eks:index:Cluster::eks", "aws:eks/nodeGroup:NodeGroup::ng"]);
        assert.ok(Math.abs(e.criticalPathMinutes - (vpcMinutes + typical(eks) / 60 + 2.5)) < 1e-9);
        assert.ok(e.rangeMinutes.min < e.criticalPathMinutes && e.criticalPathMinutes < e.rangeMinutes.max);
    });
});
