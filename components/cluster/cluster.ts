import * as aws from "../aws";
import * as eks from "@pulumi/eks";
import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole } from "../security/irsaRole";
import type { ClusterSettings, NodeGroupSettings } from "../../config/schema";
import { awsManagedPolicyArn, serviceTrustPolicy } from "../../lib/iam";
import { NODE_GROUP_LABEL } from "../../lib/kubernetesSpecs";
import { CLUSTER_TAG } from "../../lib/naming";
import { rejectProblems } from "../../lib/validation";
import { endpointAccessProblems } from "./validation";
import { accessEntries, withoutCreatorAdmin } from "./access";

/** The five EKS control-plane log types; CIS EKS 2.1.1 wants all of them. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** How the cluster installs one EKS-managed add-on. */
interface EksAddonExtras {
    /** The add-on's service account in kube-system and the AWS-managed policy (path below `policy/`) its role gets. */
    readonly irsa?: { readonly serviceAccount: string; readonly policy: string };
    /** JSON configuration of the add-on. */
    readonly configurationValues?: string;
}

export interface ClusterArgs {
    /** Physical cluster name; fixed per stack because log groups and subnet tags refer to it. Required. */
    readonly clusterName: string;
    /** AWS partition (`aws`, `aws-cn`, `aws-us-gov`) of the AWS-managed policies' ARNs. Required. */
    readonly partition: pulumi.Input<string>;
    /** Kubernetes minor version, e.g. `1.35`. Required. */
    readonly version: string;
    /** Required. */
    readonly vpcId: pulumi.Input<string>;
    /** Subnets for internet-facing load balancers. Required. */
    readonly publicSubnetIds: pulumi.Input<string[]>;
    /** Subnets of the nodes and the control-plane network interfaces. Required. */
    readonly privateSubnetIds: pulumi.Input<string[]>;
    /** Security group attached to every node besides the EKS cluster group; data stores admit it. Required. */
    readonly workloadSecurityGroupId: pulumi.Input<string>;
    /** Enable the public API endpoint (the private one is always on). Defaults to false. */
    readonly endpointPublicAccess?: boolean;
    /** Security groups, by a stable key, whose members may reach the API endpoint on 443 (a CI runner in the VPC). Defaults to none. */
    readonly apiClientSecurityGroupIds?: Record<string, pulumi.Input<string>>;
    /** Networks allowed to reach the public endpoint. Required when it is enabled. */
    readonly publicAccessCidrs?: string[];
    /** IAM role that runs `pulumi up`: cluster admin through its own access entry, the cluster's creator having none. Required. */
    readonly deployRoleArn: string;
    /** IAM role ARNs granted cluster admin through access entries. Defaults to none. */
    readonly adminRoleArns?: string[];
    /** Teams granted edit or view access to some namespaces through access entries. Defaults to none. */
    readonly teams?: ClusterSettings["teams"];
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
    readonly nodeGroups: { readonly system: NodeGroupSettings; readonly apps: NodeGroupSettings };
    /** Guards the cluster against deletion by Pulumi and by EKS itself. Defaults to false. */
    readonly protect?: boolean;
    /** Tags for launch-template instances and volumes (the provider's default tags do not reach them). Defaults to none. */
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
    /**
     * Everything that must exist before workloads can be scheduled (node groups, core add-ons, the default
     * StorageClass); what depends on it is also deleted before it.
     */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:Cluster", name, {}, opts);
        const architecture = args.architecture ?? "arm64";
        const endpointPublicAccess = args.endpointPublicAccess ?? false;
        const publicAccessCidrs = args.publicAccessCidrs ?? [];
        const protect = args.protect ?? false;
        rejectProblems(`Cluster ${name}`, endpointAccessProblems({ endpointPublicAccess, publicAccessCidrs }));

        // EKS writes control-plane logs to this group by name; creating it first sets retention and the key.
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-control-plane-logs`,
            { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: args.logRetentionInDays, kmsKeyId: args.logsKmsKeyArn },
            { parent: this },
        );

        const access = accessEntries(
            { deployRoleArn: args.deployRoleArn, adminRoleArns: args.adminRoleArns ?? [], teams: args.teams ?? [] },
            (policy) => pulumi.interpolate`arn:${args.partition}:eks::aws:cluster-access-policy/${policy}`,
        );

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
                // The component's outputs (the kubeconfig among them) arrive only once every child exists, the
                // access entries included, so nothing reaches the API before the deploying role may.
                accessEntries: access,
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
            { parent: this, dependsOn: [logGroup], protect, transforms: [withoutCreatorAdmin] },
        );

        const clusterName = cluster.eksCluster.name;
        const clusterSecurityGroupId = cluster.eksCluster.vpcConfig.clusterSecurityGroupId;
        const oidcProviderArn = cluster.oidcProviderArn;
        const oidcIssuerUrl = cluster.oidcIssuer.apply((issuer) => (issuer.startsWith("https://") ? issuer : `https://${issuer}`));

        // The API endpoint's network interfaces carry the cluster security group; admit the named clients there.
        for (const [key, groupId] of Object.entries(args.apiClientSecurityGroupIds ?? {})) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-api-from-${key}`,
                { securityGroupId: clusterSecurityGroupId, referencedSecurityGroupId: groupId, ipProtocol: "tcp", fromPort: 443, toPort: 443, description: `Kubernetes API from ${key}` },
                { parent: this },
            );
        }

        /** An EKS-managed add-on; one that calls AWS gets an IRSA role with its vendor's managed policy. */
        const eksAddon = (addonName: string, suffix: string, extra: EksAddonExtras, dependsOn: pulumi.Resource[] = []) => {
            const role =
                extra.irsa &&
                new IrsaRole(
                    `${name}-${suffix}`,
                    {
                        oidcProviderArn,
                        oidcIssuerUrl,
                        namespace: "kube-system",
                        serviceAccount: extra.irsa.serviceAccount,
                        awsManagedPolicies: { partition: args.partition, paths: [extra.irsa.policy] },
                    },
                    { parent: this },
                );
            return new aws.eks.Addon(
                `${name}-${suffix}`,
                {
                    clusterName,
                    addonName,
                    serviceAccountRoleArn: role?.roleArn,
                    configurationValues: extra.configurationValues,
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "OVERWRITE",
                },
                { parent: this, dependsOn },
            );
        };
        // The CNI goes before compute, so nodes come up Ready; network policy enforcement is on (CIS EKS 4.3.1).
        const vpcCni = eksAddon("vpc-cni", "vpc-cni", {
            irsa: { serviceAccount: "aws-node", policy: "AmazonEKS_CNI_Policy" },
            configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
        });
        const kubeProxy = eksAddon("kube-proxy", "kube-proxy", {});

        const nodeRole = new aws.iam.Role(`${name}-node`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")) }, { parent: this });
        for (const policy of ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore"]) {
            new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, { role: nodeRole.name, policyArn: awsManagedPolicyArn(args.partition, policy) }, { parent: this });
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
        const coredns = eksAddon("coredns", "coredns", {}, nodeGroups);
        const ebsCsi = eksAddon("aws-ebs-csi-driver", "ebs-csi", { irsa: { serviceAccount: "ebs-csi-controller-sa", policy: "service-role/AmazonEBSCSIDriverPolicy" } }, nodeGroups);

        // The provider's inputs depend only on the kubeconfig, which is stable for the cluster's life; a change
        // there would replace every Kubernetes object of the stack. An unreachable cluster is an error, never a
        // reason to drop objects from state: a refresh from outside the VPC would otherwise forget every release
        // and the load balancers they own. The deliberate path for a cluster that is already gone is in the README.
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: pulumi.secret(cluster.kubeconfigJson), enableServerSideApply: true }, { parent: this });
        // Volumes go with their claims (reclaimPolicy Delete): claims live in add-on namespaces, which are
        // deleted before the driver and its permissions, so the driver is there to delete the volumes. Each
        // volume carries the cluster's tag (aws-ebs-csi-driver docs/tagging.md, `tagSpecification_<n>`), so
        // one left behind can still be found.
        const gp3 = new k8s.storage.v1.StorageClass(
            `${name}-gp3`,
            {
                metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
                provisioner: "ebs.csi.aws.com",
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
                reclaimPolicy: "Delete",
                parameters: { type: "gp3", encrypted: "true", fsType: "ext4", tagSpecification_1: `${CLUSTER_TAG}=${args.clusterName}` },
            },
            { parent: this, provider: this.provider, dependsOn: [ebsCsi] },
        );

        this.clusterName = clusterName;
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.oidcProviderArn = oidcProviderArn;
        this.oidcIssuerUrl = oidcIssuerUrl;
        this.clusterSecurityGroupId = clusterSecurityGroupId;
        this.ready = [...nodeGroups, coredns, ebsCsi, gp3];
        this.registerOutputs({ clusterName, oidcProviderArn, clusterSecurityGroupId });
    }
}
