import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { karpenter, karpenterCrd } from "../../../components/addons/karpenter";
import { INTERRUPTION_EVENTS, karpenterControllerStatements } from "../../../components/cluster/karpenterIam";
import { AUTO_MODE_INGRESS_CLASS, NETWORK_POLICY_CONFIG_MAP } from "../../../components/cluster/autoMode";
import { NODE_GROUP_LABEL } from "../../../lib/kubernetesSpecs";
import { requiredLevel } from "../../../lib/podSecurity";
import { ROOT, json, ofType, one, stackRun } from "../../harness";
import { customResources, modeRun, releases } from "./modes";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KARPENTER_CHART = "oci://public.ecr.aws/karpenter/karpenter";
const AUTOSCALER_CHART = "cluster-autoscaler";
const LBC_CHART = "aws-load-balancer-controller";

describe("compute modes", () => {
    describe("nodeGroups (the shipped stacks)", () => {
        it("runs system and apps managed node groups with Cluster Autoscaler, and no Karpenter or Auto Mode objects", async () => {
            const run = await stackRun("dev");
            assert.deepEqual(ofType(run, "aws:eks/nodeGroup:NodeGroup").map((g) => g.name).sort(), ["cluster-apps", "cluster-system"]);
            const charts = releases(run);
            assert.ok(charts.has(AUTOSCALER_CHART) && charts.has(LBC_CHART));
            assert.ok(!charts.has(KARPENTER_CHART));
            assert.deepEqual(customResources(run, "karpenter.sh/v1", "NodePool"), []);
            assert.equal(one(run, "eks:index:Cluster").inputs.autoMode, undefined);
            assert.deepEqual(ofType(run, "aws:sqs/queue:Queue"), []);
        });
    });

    describe("karpenter", () => {
        for (const stack of ["dev", "prod"] as const) {
            it(`${stack}: keeps only the system node group, installs Karpenter instead of Cluster Autoscaler`, async () => {
                const run = await modeRun(stack, { compute: "karpenter" });
                assert.deepEqual(ofType(run, "aws:eks/nodeGroup:NodeGroup").map((g) => g.name), ["cluster-system"]);
                const charts = releases(run);
                assert.ok(!charts.has(AUTOSCALER_CHART), "Karpenter scales the applications' nodes");
                assert.ok(charts.has(LBC_CHART));
                const controller = charts.get(KARPENTER_CHART) as AnyObj;
                const crds = charts.get(`${KARPENTER_CHART}-crd`) as AnyObj;
                assert.equal(controller.inputs.version, "1.14.1");
                assert.equal(controller.inputs.repositoryOpts, undefined, "an OCI chart is named by its reference alone");
                assert.equal(controller.inputs.skipCrds, true);
                assert.ok(controller.dependencies.includes(crds.urn), "the CRD release goes first");
                assert.deepEqual(crds.inputs.values.additionalAnnotations, { "helm.sh/resource-policy": "keep" });
                const system = one(run, "aws:eks/nodeGroup:NodeGroup", "cluster-system");
                assert.ok(controller.dependencies.includes(system.urn), "the controller runs on the system group");
                assert.deepEqual(controller.inputs.values.nodeSelector, { [NODE_GROUP_LABEL]: "system" });
            });
        }

        it("states its controller's pod as the chart runs it: the chart's pod security context, and restricted would admit it", () => {
            const excerpts = JSON.parse(fs.readFileSync(path.join(ROOT, "tests", "fixtures", "chart-values-excerpts.json"), "utf8")) as Record<string, AnyObj>;
            const values = excerpts["karpenter@1.14.1"];
            assert.ok(values, "the karpenter values excerpt");
            const pods = karpenter.pods({ highlyAvailable: true });
            assert.deepEqual(Object.keys(pods), ["controller"]);
            assert.deepEqual(pods.controller.spec.securityContext, values.podSecurityContext);
            assert.equal(pods.controller.spec.hostNetwork ?? false, values.hostNetwork);
            // kube-system carries no Pod Security labels (privileged), but the pod would pass anywhere.
            assert.equal(requiredLevel(pods.controller), "restricted");
            assert.deepEqual(karpenterCrd.pods({ highlyAvailable: true }), {}, "the CRD chart runs no pods");
        });

        it("feeds an encrypted interruption queue from the five EventBridge rules of the pinned release", async () => {
            const run = await modeRun("dev", { compute: "karpenter" });
            const queue = one(run, "aws:sqs/queue:Queue");
            assert.equal(queue.inputs.messageRetentionSeconds, 300);
            assert.equal(queue.inputs.sqsManagedSseEnabled, true);
            const rules = ofType(run, "aws:cloudwatch/eventRule:EventRule");
            const patterns = rules.map((r) => json<{ source: string[]; "detail-type": string[] }>(r.inputs.eventPattern));
            assert.deepEqual(
                patterns.map((p) => `${p.source[0]} ${p["detail-type"][0]}`).sort(),
                Object.values(INTERRUPTION_EVENTS).map((e) => `${e.source} ${e.detailType}`).sort(),
            );
            const targets = ofType(run, "aws:cloudwatch/eventTarget:EventTarget");
            assert.equal(targets.length, rules.length);
            assert.ok(targets.every((t) => t.inputs.arn === queue.outputs.arn));
            const policy = json<AnyObj>(one(run, "aws:sqs/queuePolicy:QueuePolicy").inputs.policy);
            assert.deepEqual(policy.Statement[0].Principal.Service, ["events.amazonaws.com", "sqs.amazonaws.com"]);
            assert.deepEqual(policy.Statement[1].Condition, { Bool: { "aws:SecureTransport": "false" } });
            assert.equal((releases(run).get(KARPENTER_CHART)?.inputs as AnyObj).values.settings.interruptionQueue, queue.outputs.name);
        });

        it("gives the controller the upstream policy, scoped to this cluster, its queue and its node role", async () => {
            const run = await modeRun("dev", { compute: "karpenter" });
            const nodeRole = one(run, "aws:iam/role:Role", "cluster-karpenter-node");
            const queue = one(run, "aws:sqs/queue:Queue");
            const policy = json<AnyObj>(one(run, "aws:iam/rolePolicy:RolePolicy", "cluster-karpenter-controller-policy").inputs.policy);
            const expected = karpenterControllerStatements({
                partition: "aws",
                region: "us-east-1",
                accountId: "123456789012",
                clusterName: "platform-dev",
                nodeRoleArn: String(nodeRole.outputs.arn),
                queueArn: String(queue.outputs.arn),
            });
            assert.deepEqual(policy.Statement, expected);
            const pass = expected.find((s) => s.Sid === "AllowPassingInstanceRole");
            assert.equal(pass?.Resource, nodeRole.outputs.arn, "it passes only its nodes' role");
            const trust = json<AnyObj>(one(run, "aws:iam/role:Role", "cluster-karpenter-controller-role").inputs.assumeRolePolicy);
            assert.equal(Object.values(trust.Statement[0].Condition.StringEquals)[0], "system:serviceaccount:kube-system:karpenter");
        });

        it("lets Karpenter's nodes join through an EC2_LINUX access entry for their own role", async () => {
            const run = await modeRun("dev", { compute: "karpenter" });
            const nodeRole = one(run, "aws:iam/role:Role", "cluster-karpenter-node");
            const entries = one(run, "eks:index:Cluster").inputs.accessEntries as AnyObj;
            assert.deepEqual(entries["karpenter-nodes"], { principalArn: nodeRole.outputs.arn, type: "EC2_LINUX" });
            assert.equal((one(run, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").inputs as AnyObj).spec.role, nodeRole.outputs.name);
        });

        it("an apps NodePool: Graviton, the group's instance types, spot allowed in dev and on-demand only in prod, a ceiling and a budget", async () => {
            for (const [stack, capacity] of [["dev", ["spot", "on-demand"]], ["prod", ["on-demand"]]] as const) {
                const run = await modeRun(stack, { compute: "karpenter" });
                const pool = one(run, "kubernetes:karpenter.sh/v1:NodePool").inputs as AnyObj;
                const requirement = (key: string) => pool.spec.template.spec.requirements.find((r: AnyObj) => r.key === key)?.values;
                assert.deepEqual(requirement("karpenter.sh/capacity-type"), capacity, stack);
                assert.deepEqual(requirement("kubernetes.io/arch"), ["arm64"]);
                assert.equal(pool.spec.template.metadata.labels[NODE_GROUP_LABEL], "apps");
                assert.equal(pool.spec.disruption.consolidationPolicy, "WhenEmptyOrUnderutilized");
                assert.deepEqual(pool.spec.disruption.budgets, [{ nodes: "10%" }]);
            }
            const dev = one(await modeRun("dev", { compute: "karpenter" }), "kubernetes:karpenter.sh/v1:NodePool").inputs as AnyObj;
            // dev apps: up to 4 nodes of t4g.large, m6g.large, m7g.large (2 vCPUs, 8 GiB each).
            assert.deepEqual(dev.spec.limits, { cpu: "8", memory: "32Gi" });
            assert.deepEqual(dev.spec.template.spec.requirements[0].values, ["t4g.large", "m6g.large", "m7g.large"]);
            const nodeClass = one(await modeRun("dev", { compute: "karpenter" }), "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").inputs as AnyObj;
            assert.deepEqual(nodeClass.spec.amiSelectorTerms, [{ alias: "al2023@latest" }]);
            assert.deepEqual(nodeClass.spec.metadataOptions.httpTokens, "required");
            assert.equal(nodeClass.spec.metadataOptions.httpPutResponseHopLimit, 1);
        });
    });

    describe("autoMode", () => {
        it("turns on Auto Mode's compute (built-in system pool only), block storage and load balancing", async () => {
            const eks = one(await modeRun("dev", { compute: "autoMode" }), "eks:index:Cluster");
            assert.deepEqual(eks.inputs.autoMode, { enabled: true, createNodeRole: true, computeConfig: { nodePools: ["system"] } });
            const [child] = (eks.modelledChildren ?? []).filter((c) => c.type === "aws:eks/cluster:Cluster");
            assert.deepEqual(child.inputs.computeConfig, { enabled: true, nodePools: ["system"] });
            assert.deepEqual(child.inputs.storageConfig, { blockStorage: { enabled: true } });
            assert.deepEqual(child.inputs.kubernetesNetworkConfig, { elasticLoadBalancing: { enabled: true } });
        });

        it("leaves out what Auto Mode replaces: node groups, managed add-ons, Load Balancer Controller, Cluster Autoscaler", async () => {
            const run = await modeRun("dev", { compute: "autoMode" });
            assert.deepEqual(ofType(run, "aws:eks/nodeGroup:NodeGroup"), []);
            assert.deepEqual(ofType(run, "aws:eks/addon:Addon"), []);
            const charts = releases(run);
            assert.ok(!charts.has(LBC_CHART) && !charts.has(AUTOSCALER_CHART));
            assert.ok(charts.has("external-secrets"), "the other add-ons stay");
            assert.equal(one(run, "kubernetes:storage.k8s.io/v1:StorageClass").inputs.provisioner, "ebs.csi.eks.amazonaws.com");
        });

        it("runs the platform's controllers and the applications on NodePools of Auto Mode's default NodeClass", async () => {
            const run = await modeRun("prod", { compute: "autoMode" });
            const pools = customResources(run, "karpenter.sh/v1", "NodePool");
            assert.deepEqual(pools.map((p) => (p.inputs as AnyObj).metadata.name).sort(), ["apps", "platform-system"]);
            for (const p of pools) {
                const spec = (p.inputs as AnyObj).spec;
                assert.deepEqual(spec.template.spec.nodeClassRef, { group: "eks.amazonaws.com", kind: "NodeClass", name: "default" });
                const capacity = spec.template.spec.requirements.find((r: AnyObj) => r.key === "karpenter.sh/capacity-type").values;
                assert.deepEqual(capacity, ["on-demand"], "prod runs on-demand");
            }
        });

        it("switches on Auto Mode's network policy controller before any node comes up; the VPC CNI add-on does it elsewhere", async () => {
            const run = await modeRun("dev", { compute: "autoMode" });
            const configMaps = ofType(run, "kubernetes:core/v1:ConfigMap").filter((c) => (c.inputs as AnyObj).metadata.name === NETWORK_POLICY_CONFIG_MAP);
            assert.equal(configMaps.length, 1);
            const controller = configMaps[0];
            assert.equal((controller.inputs as AnyObj).metadata.namespace, "kube-system");
            assert.deepEqual((controller.inputs as AnyObj).data, { "enable-network-policy-controller": "true" });
            for (const pool of customResources(run, "karpenter.sh/v1", "NodePool")) {
                assert.ok(pool.dependencies.includes(controller.urn), `${pool.name} waits for the switch`);
            }
            const shipped = await modeRun("dev", {});
            assert.ok(!ofType(shipped, "kubernetes:core/v1:ConfigMap").some((c) => (c.inputs as AnyObj).metadata.name === NETWORK_POLICY_CONFIG_MAP));
            const cni = ofType(shipped, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "vpc-cni");
            assert.deepEqual(JSON.parse(String(cni?.inputs.configurationValues)), { enableNetworkPolicy: "true" });
        });

        it("exposes services through Auto Mode's IngressClass, the ALB group set on its parameters", async () => {
            const run = await modeRun("dev", { compute: "autoMode" });
            const cls = one(run, "kubernetes:networking.k8s.io/v1:IngressClass").inputs as AnyObj;
            assert.equal(cls.spec.controller, "eks.amazonaws.com/alb");
            const params = one(run, "kubernetes:eks.amazonaws.com/v1:IngressClassParams").inputs as AnyObj;
            assert.deepEqual(params.spec, { scheme: "internet-facing", group: { name: "platform-dev" } });
            const ingresses = ofType(run, "kubernetes:networking.k8s.io/v1:Ingress");
            assert.ok(ingresses.length > 0);
            for (const i of ingresses) {
                const inputs = i.inputs as AnyObj;
                assert.equal(inputs.spec.ingressClassName, AUTO_MODE_INGRESS_CLASS);
                assert.equal(inputs.metadata.annotations["alb.ingress.kubernetes.io/group.name"], undefined, "Auto Mode does not support it");
            }
        });
    });
});
