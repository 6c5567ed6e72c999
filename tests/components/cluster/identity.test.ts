import { strict as assert } from "assert";
import { PINNED_ADDON_VERSIONS, addonVersionChoice } from "../../../components/cluster/addonVersions";
import { KUBERNETES_VERSIONS } from "../../../config/catalog";
import { eksDefaultAddonVersion } from "../../../offline/fakes";
import { evaluatePolicies } from "../../../policies/offline";
import { json, ofType, one, stackRun } from "../../harness";
import { MODES, modeRun, releases } from "./modes";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Controllers whose role Pod Identity binds: add-on releases (by chart) and the EBS CSI driver, with their service accounts. */
const POD_IDENTITY_ACCOUNTS = [
    "kube-system/aws-load-balancer-controller",
    "external-secrets/external-secrets",
    "kube-system/cluster-autoscaler",
    "logging/aws-for-fluent-bit",
    "observability/otel-collector",
    "kube-system/ebs-csi-controller-sa",
];

describe("identity modes", () => {
    it("irsa (shipped): every controller role trusts the cluster's OIDC provider; no Pod Identity anywhere", async () => {
        const run = await stackRun("prod");
        assert.deepEqual(ofType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation"), []);
        assert.ok(!ofType(run, "aws:eks/addon:Addon").some((a) => a.inputs.addonName === "eks-pod-identity-agent"));
        for (const role of ofType(run, "aws:iam/role:Role").filter((r) => String(r.inputs.description ?? "").startsWith("Assumed by"))) {
            assert.match(String(role.inputs.description), /through IRSA$/, role.name);
        }
    });

    describe("podIdentity", () => {
        it("installs the Pod Identity agent before the nodes, and binds each controller's role by an association", async () => {
            const run = await modeRun("prod", MODES.podIdentity);
            const agent = ofType(run, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "eks-pod-identity-agent");
            assert.ok(agent, "the agent add-on");
            for (const group of ofType(run, "aws:eks/nodeGroup:NodeGroup")) {
                assert.ok(group.dependencies.includes(agent.urn), `${group.name} waits for the agent`);
            }
            const associations = ofType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation");
            assert.deepEqual(associations.map((a) => `${a.inputs.namespace}/${a.inputs.serviceAccount}`).sort(), [...POD_IDENTITY_ACCOUNTS].sort());
            for (const a of associations) {
                assert.equal(a.inputs.clusterName, "platform-prod");
            }
        });

        it("trusts only EKS Auth, for this account, cluster, namespace and service account, with AssumeRole and TagSession", async () => {
            const run = await modeRun("prod", MODES.podIdentity);
            const clusterArn = (one(run, "eks:index:Cluster").outputs.eksCluster as AnyObj).arn;
            for (const a of ofType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation")) {
                const role = ofType(run, "aws:iam/role:Role").find((r) => r.outputs.arn === a.inputs.roleArn);
                assert.ok(role, `${a.name}: its role`);
                const trust = json<AnyObj>(role.inputs.assumeRolePolicy);
                assert.deepEqual(trust.Statement, [
                    {
                        Effect: "Allow",
                        Action: ["sts:AssumeRole", "sts:TagSession"],
                        Principal: { Service: "pods.eks.amazonaws.com" },
                        Condition: {
                            StringEquals: {
                                "aws:SourceAccount": "123456789012",
                                "aws:RequestTag/eks-cluster-arn": clusterArn,
                                "aws:RequestTag/kubernetes-namespace": a.inputs.namespace,
                                "aws:RequestTag/kubernetes-service-account": a.inputs.serviceAccount,
                            },
                        },
                    },
                ]);
            }
        });

        it("annotates no service account with a role, which would send its pods to IRSA", async () => {
            const run = await modeRun("prod", MODES.podIdentity);
            for (const release of ofType(run, "kubernetes:helm.sh/v3:Release")) {
                assert.ok(!JSON.stringify(release.inputs.values).includes("eks.amazonaws.com/role-arn"), String(release.inputs.chart));
            }
            const ebs = one(run, "aws:eks/addon:Addon", "cluster-ebs-csi");
            assert.equal(ebs.inputs.serviceAccountRoleArn, undefined);
        });

        it("keeps IRSA where Pod Identity cannot serve: the VPC CNI, and catalog services whose SecretStore authenticates as their account", async () => {
            const run = await modeRun("prod", MODES.podIdentity);
            assert.match(String(one(run, "aws:iam/role:Role", "cluster-vpc-cni-role").inputs.description), /through IRSA$/);
            assert.ok(one(run, "aws:eks/addon:Addon", "cluster-vpc-cni").inputs.serviceAccountRoleArn);
            const api = one(run, "aws:iam/role:Role", "service-api-irsa-role");
            assert.equal(json<AnyObj>(api.inputs.assumeRolePolicy).Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
        });
    });

    for (const [mode, cluster] of Object.entries(MODES)) {
        for (const stack of ["dev", "prod"] as const) {
            it(`${mode} plans with no mandatory violation in ${stack}`, async () => {
                const run = await modeRun(stack, cluster);
                const mandatory = evaluatePolicies(run, { environment: stack, overrides: { "eks-supported-version": { asOf: "2026-11-23" } } }).filter((v) => v.level === "mandatory");
                assert.deepEqual(mandatory, []);
            });
        }
    }
});

describe("node health and versions", () => {
    it("repairs unhealthy managed nodes, a node at a time, and stops when a third of a group is unhealthy", async () => {
        for (const group of ofType(await stackRun("prod"), "aws:eks/nodeGroup:NodeGroup")) {
            assert.deepEqual(group.inputs.nodeRepairConfig, { enabled: true, maxUnhealthyNodeThresholdPercentage: 33, maxParallelNodesRepairedCount: 1 });
            assert.deepEqual(group.inputs.updateConfig, { maxUnavailablePercentage: 33 });
            assert.equal(group.inputs.version, "1.35", "the group follows the cluster's minor");
        }
        const off = await modeRun("dev", { nodeRepair: false });
        assert.deepEqual(one(off, "aws:eks/nodeGroup:NodeGroup", "cluster-apps").inputs.nodeRepairConfig, { enabled: false });
    });

    it("Bottlerocket: its AMI type, an OS volume and a data volume sized by diskSizeGb, and Karpenter's alias", async () => {
        const run = await modeRun("dev", { amiFamily: "bottlerocket", compute: "karpenter" });
        const system = one(run, "aws:eks/nodeGroup:NodeGroup", "cluster-system");
        assert.equal(system.inputs.amiType, "BOTTLEROCKET_ARM_64");
        const template = one(run, "aws:ec2/launchTemplate:LaunchTemplate", "cluster-system");
        assert.deepEqual(
            (template.inputs.blockDeviceMappings as AnyObj[]).map((m) => [m.deviceName, m.ebs.volumeSize, m.ebs.encrypted]),
            [["/dev/xvda", 4], ["/dev/xvdb", 20]].map(([d, s]) => [d, s, "true"]),
        );
        const nodeClass = one(run, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").inputs as AnyObj;
        assert.deepEqual(nodeClass.spec.amiSelectorTerms, [{ alias: "bottlerocket@latest" }]);
        assert.deepEqual(nodeClass.spec.blockDeviceMappings.map((m: AnyObj) => m.deviceName), ["/dev/xvda", "/dev/xvdb"]);
    });

    it("pins CoreDNS and kube-proxy for every supported minor; the other add-ons take EKS's default for the minor", async () => {
        for (const minor of Object.keys(KUBERNETES_VERSIONS)) {
            for (const addon of ["coredns", "kube-proxy"] as const) {
                assert.ok(PINNED_ADDON_VERSIONS[addon]?.[minor], `${addon} ${minor}`);
            }
        }
        assert.match(PINNED_ADDON_VERSIONS["kube-proxy"]?.["1.35"] ?? "", /^v1\.35\./, "kube-proxy matches the minor");
        assert.throws(() => addonVersionChoice("coredns", "1.99"), /no pinned version for Kubernetes 1\.99/);
        const run = await stackRun("dev");
        const version = (name: string) => one(run, "aws:eks/addon:Addon", name).inputs.addonVersion;
        assert.equal(version("cluster-coredns"), "v1.14.3-eksbuild.3");
        assert.equal(version("cluster-kube-proxy"), "v1.35.3-eksbuild.13");
        assert.equal(version("cluster-vpc-cni"), eksDefaultAddonVersion("vpc-cni", "1.35"));
        assert.equal(version("cluster-ebs-csi"), eksDefaultAddonVersion("aws-ebs-csi-driver", "1.35"));
    });

    it("Karpenter installs no Cluster Autoscaler even when the key says enabled", async () => {
        const run = await modeRun("dev", MODES.karpenter);
        assert.ok(!releases(run).has("cluster-autoscaler"));
    });
});
