import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole } from "../security/irsaRole";
import { serviceTrustPolicy } from "../../lib/iam";

/** The five EKS control-plane log types; CIS EKS 2.1.1 wants all of them. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** Label every node carries, naming its group; add-ons select the system group with it. */
export const NODE_GROUP_LABEL = "platform.io/node-group";

export interface NodeGroupSpec {
    /** EC2 instance types; the first is preferred. */
    readonly instanceTypes: string[];
    /** `ON_DEMAND` or `SPOT`. */
    readonly capacityType: "ON_DEMAND" | "SPOT";
    readonly minSize: number;
    readonly desiredSize: number;
    readonly maxSize: number;
    /** Root volume size in GiB. */
    readonly diskSizeGb: number;
}

export interface ClusterArgs {
    /** Physical cluster name; fixed per stack because log groups and subnet tags refer to it. Required. */
    readonly clusterName: string;
    /** Kubernetes minor version, e.g. `1.35`. Required. */
    readonly version: string;
    readonly vpcId: pulumi.Input<string>;
    readonly publicSubnetIds: pulumi.Input<string[]>;
    readonly privateSubnetIds: pulumi.Input<string[]>;
    /** Security group attached to every node besides the EKS cluster group; data stores admit it. Required. */
    readonly workloadSecurityGroupId: pulumi.Input<string>;
    /** Enable the public API endpoint (the private one is always on). Defaults to false. */
    readonly endpointPublicAccess?: boolean;
    /** Networks allowed to reach the public endpoint. Required when it is enabled. */
    readonly publicAccessCidrs?: string[];
    /** IAM role ARNs granted cluster admin through access entries. Defaults to none. */
    readonly adminRoleArns?: string[];
    /** Teams granted edit or view access to some namespaces through access entries. Defaults to none. */
    readonly teams?: { readonly name: string; readonly roleArn: string; readonly access: "edit" | "view"; readonly namespaces: string[] }[];
    /** CIDR for Kubernetes service addresses. Defaults to EKS's choice. */
    readonly serviceCidr?: string;
    /** KMS key for envelope encryption of Kubernetes secrets. Required. */
    readonly secretsKmsKeyArn: pulumi.Input<string>;
    /** KMS key for the control-plane log group. Required. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** Days to keep control-plane logs. Required. */
    readonly logRetentionInDays: number;
    /** `arm64` (Graviton) or `x86_64`; picks the AL2023 AMI type of every node group. Defaults to arm64. */
    readonly architecture?: "arm64" | "x86_64";
    /** The small on-demand group for cluster add-ons, and the group for applications. Required. */
    readonly nodeGroups: { readonly system: NodeGroupSpec; readonly apps: NodeGroupSpec };
    /** Guards the cluster against deletion by Pulumi and by EKS itself. Defaults to false. */
    readonly protect?: boolean;
    /** Tags for launch-template instances and volumes (the provider's default tags do not reach them). */
    readonly tags?: Record<string, string>;
}

/**
 * An EKS cluster with access entries (no aws-auth ConfigMap), IRSA, all control-plane logs, KMS envelope
 * encryption, managed Graviton node groups with IMDSv2, EKS-managed networking and storage add-ons, and
 * a default gp3 StorageClass. Kubernetes objects of the stack go through {@link Cluster.provider}.
 */
export class Cluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly oidcProviderArn: pulumi.Output<string>;
    public readonly oidcIssuerUrl: pulumi.Output<string>;
    /** Security group EKS creates for the control plane and managed nodes. */
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    /** Everything that must exist before workloads can be scheduled: node groups and core add-ons. */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:Cluster", name, {}, opts);
        const architecture = args.architecture ?? "arm64";
        const endpointPublicAccess = args.endpointPublicAccess ?? false;
        const publicAccessCidrs = args.publicAccessCidrs ?? [];
        const protect = args.protect ?? false;
        if (endpointPublicAccess && publicAccessCidrs.length === 0) {
            throw new Error(`Cluster ${name}: endpointPublicAccess needs publicAccessCidrs, or EKS opens the endpoint to 0.0.0.0/0`);
        }

        // EKS writes control-plane logs to this group by name; creating it first sets retention and the key.
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-control-plane-logs`,
            { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: args.logRetentionInDays, kmsKeyId: args.logsKmsKeyArn },
            { parent: this },
        );

        const accessEntries: Record<string, eks.types.input.AccessEntryArgs> = {};
        (args.adminRoleArns ?? []).forEach((principalArn) => {
            accessEntries[`admin-${principalArn.split("/").pop()}`] = {
                principalArn,
                type: "STANDARD",
                accessPolicies: {
                    clusterAdmin: {
                        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                        accessScope: { type: "cluster" },
                    },
                },
            };
        });

        // EKS access policies scoped to the team's namespaces: AmazonEKSEditPolicy or AmazonEKSViewPolicy.
        for (const team of args.teams ?? []) {
            accessEntries[`team-${team.name}`] = {
                principalArn: team.roleArn,
                type: "STANDARD",
                accessPolicies: {
                    [team.access]: {
                        policyArn: `arn:aws:eks::aws:cluster-access-policy/AmazonEKS${team.access === "edit" ? "Edit" : "View"}Policy`,
                        accessScope: { type: "namespace", namespaces: team.namespaces },
                    },
                },
            };
        }

        const cluster = new eks.Cluster(
            `${name}-eks`,
            {
                name: args.clusterName,
                version: args.version,
                vpcId: args.vpcId,
                publicSubnetIds: args.publicSubnetIds,
                privateSubnetIds: args.privateSubnetIds,
                endpointPrivateAccess: true,
                endpointPublicAccess,
                publicAccessCidrs: endpointPublicAccess ? publicAccessCidrs : undefined,
                authenticationMode: "API",
                accessEntries,
                createOidcProvider: true,
                enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
                encryptionConfigKeyArn: args.secretsKmsKeyArn,
                kubernetesServiceIpAddressRange: args.serviceCidr,
                skipDefaultNodeGroup: true,
                skipDefaultSecurityGroups: true,
                // Networking add-ons are installed below as EKS-managed add-ons, in the order EKS recommends.
                bootstrapSelfManagedAddons: false,
                useDefaultVpcCni: true,
                corednsAddonOptions: { enabled: false },
                kubeProxyAddonOptions: { enabled: false },
                storageClasses: {},
                // Standard support only: extended support costs six times as much per cluster-hour.
                upgradePolicy: { supportType: "STANDARD" },
                deletionProtection: protect,
                nodeAssociatePublicIpAddress: false,
            },
            { parent: this, dependsOn: [logGroup], protect },
        );

        const clusterName = cluster.eksCluster.name;
        const clusterSecurityGroupId = cluster.eksCluster.vpcConfig.clusterSecurityGroupId;
        const oidcProviderArn = cluster.oidcProviderArn;
        const oidcIssuerUrl = cluster.oidcIssuer.apply((issuer) => (issuer.startsWith("https://") ? issuer : `https://${issuer}`));

        const cniRole = new IrsaRole(
            `${name}-vpc-cni`,
            {
                oidcProviderArn,
                oidcIssuerUrl,
                namespace: "kube-system",
                serviceAccount: "aws-node",
                managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
            },
            { parent: this },
        );
        // The CNI goes before compute, so nodes come up Ready; network policy enforcement is on (CIS EKS 4.3.1).
        const vpcCni = new aws.eks.Addon(
            `${name}-vpc-cni`,
            {
                clusterName,
                addonName: "vpc-cni",
                serviceAccountRoleArn: cniRole.roleArn,
                configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
            },
            { parent: this },
        );
        const kubeProxy = new aws.eks.Addon(
            `${name}-kube-proxy`,
            { clusterName, addonName: "kube-proxy", resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" },
            { parent: this },
        );

        const nodeRole = new aws.iam.Role(`${name}-node`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")) }, { parent: this });
        for (const policy of ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore"]) {
            new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, { role: nodeRole.name, policyArn: `arn:aws:iam::aws:policy/${policy}` }, { parent: this });
        }

        const amiType = architecture === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
        const nodeGroups = (["system", "apps"] as const).map((group) => {
            const spec = args.nodeGroups[group];
            const launchTemplate = new aws.ec2.LaunchTemplate(
                `${name}-${group}`,
                {
                    description: `${args.clusterName} ${group} nodes`,
                    updateDefaultVersion: true,
                    // IMDSv2 only, one hop: pods cannot reach the node's credentials (FSBP EC2.8); they use IRSA.
                    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                    // Naming security groups here stops EKS adding its cluster group, so both are listed.
                    vpcSecurityGroupIds: [clusterSecurityGroupId, args.workloadSecurityGroupId],
                    blockDeviceMappings: [
                        { deviceName: "/dev/xvda", ebs: { volumeSize: spec.diskSizeGb, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
                    ],
                    tagSpecifications: ["instance", "volume"].map((resourceType) => ({
                        resourceType,
                        tags: { ...args.tags, Name: `${args.clusterName}-${group}` },
                    })),
                },
                { parent: this },
            );
            return new aws.eks.NodeGroup(
                `${name}-${group}`,
                {
                    clusterName,
                    nodeRoleArn: nodeRole.arn,
                    subnetIds: args.privateSubnetIds,
                    amiType,
                    capacityType: spec.capacityType,
                    instanceTypes: spec.instanceTypes,
                    scalingConfig: { minSize: spec.minSize, desiredSize: spec.desiredSize, maxSize: spec.maxSize },
                    updateConfig: { maxUnavailablePercentage: 33 },
                    launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
                    labels: { [NODE_GROUP_LABEL]: group },
                    tags: {
                        // Cluster Autoscaler finds the groups it may scale by these tags.
                        "k8s.io/cluster-autoscaler/enabled": "true",
                        [`k8s.io/cluster-autoscaler/${args.clusterName}`]: "owned",
                    },
                },
                // The autoscaler owns the current size once the group exists.
                { parent: this, dependsOn: [vpcCni, kubeProxy], ignoreChanges: ["scalingConfig.desiredSize"] },
            );
        });

        // CoreDNS and the EBS CSI driver run as pods, so they wait for nodes instead of sitting DEGRADED.
        const coredns = new aws.eks.Addon(
            `${name}-coredns`,
            { clusterName, addonName: "coredns", resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" },
            { parent: this, dependsOn: nodeGroups },
        );
        const ebsCsiRole = new IrsaRole(
            `${name}-ebs-csi`,
            {
                oidcProviderArn,
                oidcIssuerUrl,
                namespace: "kube-system",
                serviceAccount: "ebs-csi-controller-sa",
                managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
            },
            { parent: this },
        );
        const ebsCsi = new aws.eks.Addon(
            `${name}-ebs-csi`,
            {
                clusterName,
                addonName: "aws-ebs-csi-driver",
                serviceAccountRoleArn: ebsCsiRole.roleArn,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
            },
            { parent: this, dependsOn: nodeGroups },
        );

        // The provider's inputs depend only on the kubeconfig, which is stable for the cluster's life; a change
        // there would replace every Kubernetes object of the stack.
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: pulumi.secret(cluster.kubeconfigJson), enableServerSideApply: true, deleteUnreachable: true },
            { parent: this },
        );
        new k8s.storage.v1.StorageClass(
            `${name}-gp3`,
            {
                metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
                provisioner: "ebs.csi.aws.com",
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
                reclaimPolicy: "Delete",
                parameters: { type: "gp3", encrypted: "true", fsType: "ext4" },
            },
            { parent: this, provider: this.provider, dependsOn: [ebsCsi] },
        );

        this.clusterName = clusterName;
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.oidcProviderArn = oidcProviderArn;
        this.oidcIssuerUrl = oidcIssuerUrl;
        this.clusterSecurityGroupId = clusterSecurityGroupId;
        this.ready = [...nodeGroups, coredns, ebsCsi];
        this.registerOutputs({ clusterName, oidcProviderArn, clusterSecurityGroupId });
    }
}
