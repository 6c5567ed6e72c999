import * as aws from "../aws";
import * as eks from "@pulumi/eks";
import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole, PodIdentityTarget } from "../security/irsaRole";
import type { AmiFamily, ComputeMode, IdentityMode } from "../../config/catalog";
import type { ClusterSettings, NodeGroupSettings } from "../../config/schema";
import type { AddonFacts } from "../addons/types";
import { CLUSTER_TAG } from "../../lib/naming";
import { rejectProblems } from "../../lib/validation";
import { endpointAccessProblems } from "./validation";
import { accessEntries, withoutCreatorAdmin } from "./access";
import { ManagedAddon, addonVersionChoice } from "./addonVersions";
import { AutoModeCompute } from "./autoMode";
import { Karpenter } from "./karpenter";
import { KARPENTER_NODE_POLICIES } from "./karpenterIam";
import { managedNodeGroup, nodeRole } from "./managedNodeGroup";

/** The five EKS control-plane log types; CIS EKS 2.1.1 wants all of them. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** How the cluster installs one EKS-managed add-on. */
interface EksAddonExtras {
    /** The add-on's service account in kube-system and the AWS-managed policy (path below `policy/`) its role gets. */
    readonly role?: { readonly serviceAccount: string; readonly policy: string };
    /** Bind that role through EKS Pod Identity rather than IRSA. Defaults to IRSA. */
    readonly podIdentity?: PodIdentityTarget;
    /** JSON configuration of the add-on. */
    readonly configurationValues?: string;
}

export interface ClusterArgs {
    /** Physical cluster name; fixed per stack because log groups and subnet tags refer to it. Required. */
    readonly clusterName: string;
    /** AWS partition (`aws`, `aws-cn`, `aws-us-gov`) of the AWS-managed policies' ARNs. Required. */
    readonly partition: pulumi.Input<string>;
    /** Kubernetes minor version, e.g. `1.35`; the managed add-ons and node groups follow it. Required. */
    readonly version: string;
    /** Account the cluster lives in: Pod Identity trust policies name it. Required. */
    readonly accountId: pulumi.Input<string>;
    /** Who runs the nodes: managed node groups, Karpenter or EKS Auto Mode. Defaults to nodeGroups. */
    readonly compute?: ComputeMode;
    /** How controllers get AWS credentials: IRSA or EKS Pod Identity. Defaults to irsa. */
    readonly identity?: IdentityMode;
    /** Node operating system of the managed node groups and Karpenter's nodes. Defaults to al2023. */
    readonly amiFamily?: AmiFamily;
    /** EKS node auto repair on the managed node groups. Defaults to true. */
    readonly nodeRepair?: boolean;
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
    /** IAM role ARNs that read the whole cluster, Secrets included, through access entries (preview, drift). Defaults to none. */
    readonly readOnlyRoleArns?: string[];
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
    /** `arm64` (Graviton) or `x86_64`; picks the AMI type of every node group and NodePool. Defaults to arm64. */
    readonly architecture?: "arm64" | "x86_64";
    /** The small on-demand group for cluster add-ons, and the group for applications (a NodePool under Karpenter and Auto Mode). Required. */
    readonly nodeGroups: { readonly system: NodeGroupSettings; readonly apps: NodeGroupSettings };
    /** Stack facts for Karpenter's chart values. Required when compute is karpenter. */
    readonly addonFacts?: pulumi.Input<Omit<AddonFacts, "roleArn" | "replicas" | "interruptionQueue">>;
    /** Karpenter controller replicas. Defaults to 1. */
    readonly karpenterReplicas?: number;
    /** Shared ALB settings, for Auto Mode's IngressClass. Defaults to an internet-facing ALB grouped by cluster name. */
    readonly ingress?: { readonly scheme: string; readonly group: string };
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
    /** Where Pod Identity associations go, when controllers take their roles through Pod Identity. */
    public readonly podIdentity?: PodIdentityTarget;
    /**
     * Everything that must exist before workloads can be scheduled (node groups, core add-ons, the default
     * StorageClass); what depends on it is also deleted before it.
     */
    public readonly ready: pulumi.Resource[];
    /** NodePools the applications' pods run on (Karpenter, Auto Mode); empty with managed node groups, which {@link ready} holds. */
    public readonly workloadCapacity: pulumi.Resource[];

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:Cluster", name, {}, opts);
        const architecture = args.architecture ?? "arm64";
        const compute = args.compute ?? "nodeGroups";
        const identity = args.identity ?? "irsa";
        const amiFamily = args.amiFamily ?? "al2023";
        const endpointPublicAccess = args.endpointPublicAccess ?? false;
        const publicAccessCidrs = args.publicAccessCidrs ?? [];
        const protect = args.protect ?? false;
        rejectProblems(`Cluster ${name}`, endpointAccessProblems({ endpointPublicAccess, publicAccessCidrs }));
        if (compute === "karpenter" && args.addonFacts === undefined) {
            throw new Error(`Cluster ${name}: addonFacts is required when compute is karpenter (its chart's values read them)`);
        }
        const autoMode = compute === "autoMode";

        // EKS writes control-plane logs to this group by name; creating it first sets retention and the key.
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-control-plane-logs`,
            { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: args.logRetentionInDays, kmsKeyId: args.logsKmsKeyArn },
            { parent: this },
        );

        const access: Record<string, eks.types.input.AccessEntryArgs> = accessEntries(
            { deployRoleArn: args.deployRoleArn, adminRoleArns: args.adminRoleArns ?? [], readOnlyRoleArns: args.readOnlyRoleArns ?? [], teams: args.teams ?? [] },
            (policy) => pulumi.interpolate`arn:${args.partition}:eks::aws:cluster-access-policy/${policy}`,
        );
        // Karpenter's nodes join with their own role, which EKS admits through an EC2_LINUX entry (managed node
        // groups get theirs from EKS itself).
        const karpenterNodeRole = compute === "karpenter" ? nodeRole(this, `${name}-karpenter-node`, args.partition, KARPENTER_NODE_POLICIES) : undefined;
        if (karpenterNodeRole) {
            access["karpenter-nodes"] = { principalArn: karpenterNodeRole.arn, type: "EC2_LINUX" };
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
                // The component's outputs (the kubeconfig among them) arrive only once every child exists, the
                // access entries included, so nothing reaches the API before the deploying role may.
                accessEntries: access,
                createOidcProvider: true,
                enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
                encryptionConfigKeyArn: args.secretsKmsKeyArn,
                kubernetesServiceIpAddressRange: args.serviceCidr,
                skipDefaultNodeGroup: true,
                skipDefaultSecurityGroups: true,
                // Networking add-ons are installed below as EKS-managed add-ons, in the order EKS recommends (or,
                // under Auto Mode, run by EKS itself).
                bootstrapSelfManagedAddons: false,
                useDefaultVpcCni: true,
                corednsAddonOptions: { enabled: false },
                kubeProxyAddonOptions: { enabled: false },
                storageClasses: {},
                // Auto Mode: EKS runs compute (the built-in `system` pool, whose presence also gives the `default`
                // NodeClass the platform's own NodePools use), EBS volumes and load balancers. pulumi-eks adds the
                // cluster role's Auto Mode policies and creates the nodes' role.
                autoMode: autoMode ? { enabled: true, createNodeRole: true, computeConfig: { nodePools: ["system"] } } : undefined,
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
        const podIdentity: PodIdentityTarget | undefined =
            identity === "podIdentity" ? { clusterName, clusterArn: cluster.eksCluster.arn, accountId: args.accountId } : undefined;

        // The API endpoint's network interfaces carry the cluster security group; admit the named clients there.
        for (const [key, groupId] of Object.entries(args.apiClientSecurityGroupIds ?? {})) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-api-from-${key}`,
                { securityGroupId: clusterSecurityGroupId, referencedSecurityGroupId: groupId, ipProtocol: "tcp", fromPort: 443, toPort: 443, description: `Kubernetes API from ${key}` },
                { parent: this },
            );
        }

        /**
         * An EKS-managed add-on at its version for the cluster's minor (pinned, or EKS's default for the minor);
         * one that calls AWS gets a role with its vendor's managed policy.
         */
        const eksAddon = (addonName: ManagedAddon, suffix: string, extra: EksAddonExtras, dependsOn: pulumi.Resource[] = []) => {
            const role =
                extra.role &&
                new IrsaRole(
                    `${name}-${suffix}`,
                    {
                        oidcProviderArn,
                        oidcIssuerUrl,
                        namespace: "kube-system",
                        serviceAccount: extra.role.serviceAccount,
                        awsManagedPolicies: { partition: args.partition, paths: [extra.role.policy] },
                        podIdentity: extra.podIdentity,
                    },
                    { parent: this },
                );
            const choice = addonVersionChoice(addonName, args.version);
            const addonVersion =
                "pinned" in choice
                    ? choice.pinned
                    : aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion: choice.eksDefaultFor, mostRecent: false }, { parent: this }).version;
            return new aws.eks.Addon(
                `${name}-${suffix}`,
                {
                    clusterName,
                    addonName,
                    addonVersion,
                    // Under Pod Identity the association binds the role; the annotation would send the pods to IRSA.
                    serviceAccountRoleArn: extra.podIdentity ? undefined : role?.roleArn,
                    configurationValues: extra.configurationValues,
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "OVERWRITE",
                },
                { parent: this, dependsOn: [...dependsOn, ...(extra.podIdentity && role ? [role] : [])] },
            );
        };

        // Auto Mode runs networking, DNS, storage and the Pod Identity agent itself: no managed add-ons, no node groups.
        const beforeNodes: pulumi.Resource[] = [];
        if (!autoMode) {
            // The CNI goes before compute, so nodes come up Ready; network policy enforcement is on (CIS EKS 4.3.1). It keeps
            // IRSA under Pod Identity: it assigns addresses from a node's first seconds, before the agent runs there.
            beforeNodes.push(
                eksAddon("vpc-cni", "vpc-cni", {
                    role: { serviceAccount: "aws-node", policy: "AmazonEKS_CNI_Policy" },
                    configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
                }),
                eksAddon("kube-proxy", "kube-proxy", {}),
            );
            if (podIdentity) {
                // A DaemonSet on every node, there before any pod that takes its credentials from it.
                beforeNodes.push(eksAddon("eks-pod-identity-agent", "pod-identity-agent", {}));
            }
        }

        const nodeGroups: aws.eks.NodeGroup[] = [];
        if (!autoMode) {
            const role = nodeRole(this, `${name}-node`, args.partition, ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore"]);
            // Under Karpenter only the system group is a managed node group; Karpenter launches the applications' nodes.
            const groups = compute === "karpenter" ? (["system"] as const) : (["system", "apps"] as const);
            for (const group of groups) {
                nodeGroups.push(
                    managedNodeGroup(this, name, group, args.nodeGroups[group], {
                        physicalName: args.clusterName,
                        version: args.version,
                        privateSubnetIds: args.privateSubnetIds,
                        workloadSecurityGroupId: args.workloadSecurityGroupId,
                        tags: args.tags,
                        nodeRepair: args.nodeRepair ?? true,
                        amiFamily,
                        architecture,
                        clusterName,
                        clusterSecurityGroupId,
                        nodeRoleArn: role.arn,
                        dependsOn: beforeNodes,
                    }),
                );
            }
        }

        // CoreDNS and the EBS CSI driver run as pods, so they wait for nodes instead of sitting DEGRADED.
        const afterNodes = autoMode
            ? []
            : [
                  eksAddon("coredns", "coredns", {}, nodeGroups),
                  eksAddon(
                      "aws-ebs-csi-driver",
                      "ebs-csi",
                      { role: { serviceAccount: "ebs-csi-controller-sa", policy: "service-role/AmazonEBSCSIDriverPolicy" }, podIdentity },
                      nodeGroups,
                  ),
              ];

        // The provider's inputs depend only on the kubeconfig, which is stable for the cluster's life; a change
        // there would replace every Kubernetes object of the stack. An unreachable cluster is an error, never a
        // reason to drop objects from state: a refresh from outside the VPC would otherwise forget every release
        // and the load balancers they own. The deliberate path for a cluster that is already gone is in the README.
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: pulumi.secret(cluster.kubeconfigJson), enableServerSideApply: true }, { parent: this });
        const k8sOpts = { parent: this, provider: this.provider };

        // Add-ons wait for the capacity they run on; workloads also for the applications' pool.
        const systemPools: pulumi.Resource[] = [];
        const appsPools: pulumi.Resource[] = [];
        if (karpenterNodeRole) {
            const karpenter = new Karpenter(
                `${name}-karpenter`,
                {
                    clusterName: args.clusterName,
                    clusterReady: clusterName,
                    facts: args.addonFacts as NonNullable<ClusterArgs["addonFacts"]>,
                    replicas: args.karpenterReplicas ?? 1,
                    nodeRole: karpenterNodeRole,
                    subnetIds: args.privateSubnetIds,
                    securityGroupIds: [clusterSecurityGroupId, args.workloadSecurityGroupId],
                    apps: args.nodeGroups.apps,
                    architecture,
                    amiFamily,
                    provider: this.provider,
                    oidcProviderArn,
                    oidcIssuerUrl,
                    podIdentity,
                    dependsOn: [...nodeGroups, ...afterNodes],
                    tags: { ...args.tags, [CLUSTER_TAG]: args.clusterName },
                },
                { parent: this },
            );
            appsPools.push(...karpenter.nodePools);
        }
        if (autoMode) {
            const auto = new AutoModeCompute(
                `${name}-auto`,
                {
                    nodeGroups: args.nodeGroups,
                    architecture,
                    provider: this.provider,
                    ingress: args.ingress ?? { scheme: "internet-facing", group: args.clusterName },
                    clusterName,
                },
                { parent: this },
            );
            systemPools.push(auto.systemPool, auto.ingressClass);
            appsPools.push(auto.appsPool);
        }

        // Volumes go with their claims (reclaimPolicy Delete): claims live in add-on namespaces, which are
        // deleted before the driver and its permissions, so the driver is there to delete the volumes. Each
        // volume carries the cluster's tag (aws-ebs-csi-driver docs/tagging.md, `tagSpecification_<n>`), so
        // one left behind can still be found. Auto Mode's own driver answers to `ebs.csi.eks.amazonaws.com`
        // (EKS user guide, create-storage-class) and takes the same parameters.
        const gp3 = new k8s.storage.v1.StorageClass(
            `${name}-gp3`,
            {
                metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
                provisioner: autoMode ? "ebs.csi.eks.amazonaws.com" : "ebs.csi.aws.com",
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
                reclaimPolicy: "Delete",
                parameters: { type: "gp3", encrypted: "true", fsType: "ext4", tagSpecification_1: `${CLUSTER_TAG}=${args.clusterName}` },
            },
            { ...k8sOpts, dependsOn: afterNodes.length > 0 ? [afterNodes[afterNodes.length - 1]] : [] },
        );

        this.clusterName = clusterName;
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.oidcProviderArn = oidcProviderArn;
        this.oidcIssuerUrl = oidcIssuerUrl;
        this.clusterSecurityGroupId = clusterSecurityGroupId;
        this.podIdentity = podIdentity;
        this.ready = [...nodeGroups, ...afterNodes, ...systemPools, gp3];
        this.workloadCapacity = appsPools;
        this.registerOutputs({ clusterName, oidcProviderArn, clusterSecurityGroupId });
    }
}
