import { strict as assert } from "assert";
import { CONTROL_PLANE_LOG_TYPES } from "../../../components/cluster/cluster";
import { NODE_GROUP_LABEL } from "../../../lib/kubernetesSpecs";
import { byUrn, json, ofType, one, stackRun, variantRun } from "../../harness";

describe("cluster", () => {
    it("pins the Kubernetes version, uses access entries and creates an OIDC provider", async () => {
        const eks = one(await stackRun("dev"), "eks:index:Cluster");
        assert.equal(eks.inputs.version, "1.35");
        assert.equal(eks.inputs.name, "platform-dev");
        assert.equal(eks.inputs.authenticationMode, "API");
        assert.equal(eks.inputs.createOidcProvider, true);
        assert.equal(eks.inputs.skipDefaultNodeGroup, true);
        assert.deepEqual(eks.inputs.upgradePolicy, { supportType: "STANDARD" });
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: sends all five control-plane logs to a pre-created, encrypted log group`, async () => {
            const run = await stackRun(stack);
            const eks = one(run, "eks:index:Cluster");
            assert.deepEqual(eks.inputs.enabledClusterLogTypes, CONTROL_PLANE_LOG_TYPES);
            assert.equal(CONTROL_PLANE_LOG_TYPES.length, 5);
            const group = one(run, "aws:cloudwatch/logGroup:LogGroup", "cluster-control-plane-logs");
            assert.equal(group.inputs.name, `/aws/eks/platform-${stack}/cluster`);
            assert.equal(group.inputs.kmsKeyId, one(run, "aws:kms/key:Key", "encryption-logs").outputs.arn);
            assert.ok(eks.explicitDependencies.includes(group.urn), "the group exists before EKS would create its own");
        });

        it(`${stack}: encrypts Kubernetes secrets with the EKS key; API endpoint private only`, async () => {
            const run = await stackRun(stack);
            const eks = one(run, "eks:index:Cluster");
            assert.equal(eks.inputs.encryptionConfigKeyArn, one(run, "aws:kms/key:Key", "encryption-eks").outputs.arn);
            assert.equal(eks.inputs.endpointPrivateAccess, true);
            assert.equal(eks.inputs.endpointPublicAccess, false);
            assert.equal(eks.inputs.publicAccessCidrs, undefined);
        });
    }

    it("opens the public endpoint only to the configured allowlist", async () => {
        const run = await variantRun("dev", { "platform:cluster": { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } });
        const eks = one(run, "eks:index:Cluster");
        assert.equal(eks.inputs.endpointPublicAccess, true);
        assert.deepEqual(eks.inputs.publicAccessCidrs, ["203.0.113.0/24"]);
    });

    it("grants cluster admin to the deploying role and the configured roles, and read access to the preview and drift roles, through access entries", async () => {
        const entry = (principalArn: string, key: string, policy: string) => ({
            principalArn,
            type: "STANDARD",
            accessPolicies: { [key]: { policyArn: `arn:aws:eks::aws:cluster-access-policy/${policy}`, accessScope: { type: "cluster" } } },
        });
        const clusterAdmin = (arn: string) => entry(arn, "clusterAdmin", "AmazonEKSClusterAdminPolicy");
        const reader = (arn: string) => entry(arn, "adminView", "AmazonEKSAdminViewPolicy");
        assert.deepEqual(one(await stackRun("prod"), "eks:index:Cluster").inputs.accessEntries, {
            deployer: clusterAdmin("arn:aws:iam::123456789012:role/platform-prod-deploy"),
            "admin-platform-admins": clusterAdmin("arn:aws:iam::123456789012:role/platform-admins"),
            "reader-platform-prod-preview": reader("arn:aws:iam::123456789012:role/platform-prod-preview"),
            "reader-platform-prod-drift": reader("arn:aws:iam::123456789012:role/platform-prod-drift"),
        });
        assert.deepEqual(one(await stackRun("dev"), "eks:index:Cluster").inputs.accessEntries, {
            deployer: clusterAdmin("arn:aws:iam::123456789012:role/platform-dev-deploy"),
            "reader-platform-dev-preview": reader("arn:aws:iam::123456789012:role/platform-dev-preview"),
            "reader-platform-dev-drift": reader("arn:aws:iam::123456789012:role/platform-dev-drift"),
        });
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: creates the EKS cluster without the creator's implicit admin, and changes to that flag replace nothing`, async () => {
            const eks = one(await stackRun(stack), "eks:index:Cluster");
            const created = (eks.modelledChildren ?? []).filter((c) => c.type === "aws:eks/cluster:Cluster");
            assert.equal(created.length, 1, "the component's cluster, as the fakes model it");
            assert.deepEqual(created[0].inputs.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
            assert.equal(created[0].inputs.name, `platform-${stack}`);
            assert.ok(created[0].ignoreChanges.includes("accessConfig.bootstrapClusterCreatorAdminPermissions"), "an existing cluster keeps its setting instead of being replaced");
        });
    }

    it("has a system and an apps managed node group on Graviton, spot for apps in dev only", async () => {
        for (const [stack, appsCapacity] of [["dev", "SPOT"], ["prod", "ON_DEMAND"]]) {
            const run = await stackRun(stack);
            const groups = ofType(run, "aws:eks/nodeGroup:NodeGroup");
            assert.deepEqual(groups.map((g) => g.name).sort(), ["cluster-apps", "cluster-system"]);
            for (const g of groups) {
                assert.equal(g.inputs.amiType, "AL2023_ARM_64_STANDARD");
                assert.equal(g.inputs.clusterName, `platform-${stack}`);
                assert.deepEqual(g.inputs.subnetIds, one(run, "awsx:ec2:Vpc").outputs.privateSubnetIds, "nodes live in private subnets");
                assert.deepEqual(g.ignoreChanges, ["scalingConfig.desiredSize"], "the autoscaler owns the size");
                assert.equal((g.inputs.tags as Record<string, string>)["k8s.io/cluster-autoscaler/enabled"], "true");
                assert.equal((g.inputs.labels as Record<string, string>)[NODE_GROUP_LABEL], g.name.replace("cluster-", ""));
            }
            assert.equal(one(run, "aws:eks/nodeGroup:NodeGroup", "cluster-apps").inputs.capacityType, appsCapacity);
            assert.equal(one(run, "aws:eks/nodeGroup:NodeGroup", "cluster-system").inputs.capacityType, "ON_DEMAND");
        }
    });

    it("requires IMDSv2 with one hop and attaches the workload security group to every node", async () => {
        const run = await stackRun("dev");
        const workloadSg = one(run, "aws:ec2/securityGroup:SecurityGroup", "network-workloads");
        const clusterSg = (one(run, "eks:index:Cluster").outputs.eksCluster as { vpcConfig: { clusterSecurityGroupId: string } }).vpcConfig.clusterSecurityGroupId;
        for (const group of ofType(run, "aws:eks/nodeGroup:NodeGroup")) {
            const lt = ofType(run, "aws:ec2/launchTemplate:LaunchTemplate").find((t) => t.id === (group.inputs.launchTemplate as { id: string }).id);
            assert.ok(lt, `${group.name} uses a launch template of this stack`);
            assert.deepEqual(lt.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
            assert.deepEqual(lt.inputs.vpcSecurityGroupIds, [clusterSg, workloadSg.id]);
            const ebs = (lt.inputs.blockDeviceMappings as { ebs: { encrypted: string; volumeType: string } }[])[0].ebs;
            assert.equal(ebs.encrypted, "true");
            assert.equal(ebs.volumeType, "gp3");
        }
    });

    it("installs vpc-cni (network policy on) and kube-proxy before nodes, coredns and EBS CSI after", async () => {
        const run = await stackRun("dev");
        const addon = (n: string) => one(run, "aws:eks/addon:Addon", `cluster-${n}`);
        assert.deepEqual(json(addon("vpc-cni").inputs.configurationValues), { enableNetworkPolicy: "true" });
        const groups = ofType(run, "aws:eks/nodeGroup:NodeGroup");
        for (const g of groups) {
            assert.ok(g.dependencies.includes(addon("vpc-cni").urn), `${g.name} waits for the CNI`);
            assert.ok(g.dependencies.includes(addon("kube-proxy").urn), `${g.name} waits for kube-proxy`);
            assert.ok(addon("coredns").dependencies.includes(g.urn), `coredns waits for ${g.name}`);
            assert.ok(addon("ebs-csi").dependencies.includes(g.urn), `the EBS CSI driver waits for ${g.name}`);
        }
        assert.equal(addon("ebs-csi").inputs.addonName, "aws-ebs-csi-driver");
        const eks = one(run, "eks:index:Cluster");
        assert.equal(eks.inputs.bootstrapSelfManagedAddons, false);
        assert.equal((eks.inputs.corednsAddonOptions as { enabled: boolean }).enabled, false);
        assert.equal((eks.inputs.kubeProxyAddonOptions as { enabled: boolean }).enabled, false);
    });

    it("gives the EBS CSI driver and the CNI their own IRSA roles, pinned to their service accounts", async () => {
        const run = await stackRun("dev");
        const eks = one(run, "eks:index:Cluster");
        const issuer = String(eks.outputs.oidcIssuer);
        for (const [addonName, sa] of [["cluster-ebs-csi", "ebs-csi-controller-sa"], ["cluster-vpc-cni", "aws-node"]]) {
            const role = one(run, "aws:iam/role:Role", `${addonName}-role`);
            assert.equal(one(run, "aws:eks/addon:Addon", addonName).inputs.serviceAccountRoleArn, role.outputs.arn);
            const trust = json<{ Statement: { Principal: { Federated: string }; Condition: { StringEquals: Record<string, string> } }[] }>(role.inputs.assumeRolePolicy);
            assert.equal(trust.Statement[0].Principal.Federated, eks.outputs.oidcProviderArn);
            assert.deepEqual(trust.Statement[0].Condition.StringEquals, {
                [`${issuer}:sub`]: `system:serviceaccount:kube-system:${sa}`,
                [`${issuer}:aud`]: "sts.amazonaws.com",
            });
        }
    });

    it("makes gp3 the default StorageClass, through the cluster's provider", async () => {
        const run = await stackRun("dev");
        const sc = one(run, "kubernetes:storage.k8s.io/v1:StorageClass");
        assert.equal((sc.inputs.metadata as { annotations: Record<string, string> }).annotations["storageclass.kubernetes.io/is-default-class"], "true");
        assert.equal(sc.inputs.provisioner, "ebs.csi.aws.com");
        assert.deepEqual(sc.inputs.parameters, { type: "gp3", encrypted: "true", fsType: "ext4", tagSpecification_1: "platform.io/cluster=platform-dev" });
        assert.equal(byUrn(run, String(sc.provider)).type, "pulumi:providers:kubernetes");
        const provider = one(run, "pulumi:providers:kubernetes");
        assert.equal(provider.inputs.kubeconfig, "[secret]", "the kubeconfig never appears in plain text");
    });

    it("never drops objects from state because the cluster cannot be reached", async () => {
        for (const stack of ["dev", "prod"]) {
            const provider = one(await stackRun(stack), "pulumi:providers:kubernetes");
            // The SDK sends provider booleans as JSON text; either spelling of true would let a refresh from
            // outside the VPC forget every release and the load balancers they own.
            assert.ok(![true, "true"].includes(provider.inputs.deleteUnreachable as never), `${stack}: deleteUnreachable is ${String(provider.inputs.deleteUnreachable)}`);
            assert.equal(provider.inputs.enableServerSideApply, "true");
        }
    });
});
