import * as aws from "../aws";
import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AmiFamily, Architecture } from "../../config/catalog";
import type { NodeGroupSettings } from "../../config/schema";
import type { AddonFacts } from "../addons/types";
import { karpenter, karpenterCrd } from "../addons/karpenter";
import { HelmAddon } from "../addons/helmAddon";
import { IrsaRole, PodIdentityTarget } from "../security/irsaRole";
import { INTERRUPTION_EVENTS, INTERRUPTION_RETENTION_SECONDS, interruptionQueuePolicy, karpenterControllerStatements } from "./karpenterIam";
import { amiAlias, nodeVolumes } from "./nodeGroups";
import { nodePoolSpec, plannedNodes } from "./nodePools";

export interface KarpenterArgs {
    /** Physical cluster name, as Karpenter's IAM conditions and settings name it. Required. */
    readonly clusterName: string;
    /** The cluster's name as an output of the cluster, so that everything here waits for the cluster. Required. */
    readonly clusterReady: pulumi.Input<string>;
    /** Stack facts the charts' values read (region, account, partition…). Required. */
    readonly facts: pulumi.Input<Omit<AddonFacts, "roleArn" | "replicas" | "interruptionQueue">>;
    /** Controller replicas. Required. */
    readonly replicas: number;
    /** Role Karpenter's nodes run as; it has an EC2_LINUX access entry. Required. */
    readonly nodeRole: { readonly arn: pulumi.Input<string>; readonly name: pulumi.Input<string> };
    /** Subnets of the nodes. Required. */
    readonly subnetIds: pulumi.Input<string[]>;
    /** Security groups of the nodes: the cluster's and the workload group. Required. */
    readonly securityGroupIds: pulumi.Input<string>[];
    /** Settings of the applications' pool: instance types, capacity type, ceiling, disk. Required. */
    readonly apps: NodeGroupSettings;
    /** Required. */
    readonly architecture: Architecture;
    /** Node operating system. Required. */
    readonly amiFamily: AmiFamily;
    /** The cluster's Kubernetes provider. Required. */
    readonly provider: k8s.Provider;
    /** ARN of the cluster's IAM OIDC provider, for IRSA. Required. */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** Issuer URL of the cluster, for IRSA. Required. */
    readonly oidcIssuerUrl: pulumi.Input<string>;
    /** Bind the controller's role through EKS Pod Identity instead of IRSA. Defaults to IRSA. */
    readonly podIdentity?: PodIdentityTarget;
    /** What the controller waits for: the system node group it runs on and the core add-ons. Required. */
    readonly dependsOn: pulumi.Resource[];
    /** Tags of the nodes and volumes Karpenter launches. Defaults to none. */
    readonly tags?: Record<string, string>;
}

/**
 * Karpenter for the applications' nodes: its interruption queue fed by EventBridge, its controller role, its
 * CRDs and controller as Helm releases, and the `apps` EC2NodeClass and NodePool. The controller runs on the
 * system managed node group, which Karpenter never touches.
 */
export class Karpenter extends pulumi.ComponentResource {
    /** The NodePools; workloads that need their nodes wait for them. */
    public readonly nodePools: pulumi.Resource[];

    constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:Karpenter", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };

        // Spot interruptions, rebalance recommendations, scheduled maintenance and state changes reach Karpenter
        // here, so that it drains a node before EC2 takes it back.
        const queue = new aws.sqs.Queue(
            `${name}-interruption`,
            { messageRetentionSeconds: INTERRUPTION_RETENTION_SECONDS, sqsManagedSseEnabled: true },
            { parent: this },
        );
        new aws.sqs.QueuePolicy(`${name}-interruption`, { queueUrl: queue.url, policy: queue.arn.apply((arn) => JSON.stringify(interruptionQueuePolicy(arn))) }, { parent: this });
        for (const [key, event] of Object.entries(INTERRUPTION_EVENTS)) {
            const rule = new aws.cloudwatch.EventRule(
                `${name}-${key}`,
                { description: `${event.detailType} for Karpenter (${args.clusterName})`, eventPattern: JSON.stringify({ source: [event.source], "detail-type": [event.detailType] }) },
                { parent: this },
            );
            new aws.cloudwatch.EventTarget(`${name}-${key}`, { rule: rule.name, arn: queue.arn }, { parent: this });
        }

        const facts = pulumi
            .all([args.facts, queue.name, args.clusterReady])
            .apply(([f, queueName]) => ({ ...f, replicas: args.replicas, interruptionQueue: queueName }));
        const role = new IrsaRole(
            `${name}-controller`,
            {
                oidcProviderArn: args.oidcProviderArn,
                oidcIssuerUrl: args.oidcIssuerUrl,
                namespace: karpenter.namespace,
                serviceAccount: karpenter.serviceAccount as string,
                statements: pulumi
                    .all([facts, args.nodeRole.arn, queue.arn])
                    .apply(([f, nodeRoleArn, queueArn]) =>
                        karpenterControllerStatements({ partition: f.partition, region: f.region, accountId: f.accountId, clusterName: args.clusterName, nodeRoleArn, queueArn }),
                    ),
                podIdentity: args.podIdentity,
            },
            { parent: this },
        );

        const common = { facts, provider: args.provider, oidcProviderArn: args.oidcProviderArn, oidcIssuerUrl: args.oidcIssuerUrl, podIdentity: args.podIdentity };
        const crds = new HelmAddon(`${name}-crd`, { ...common, definition: karpenterCrd, dependsOn: args.dependsOn }, { parent: this });
        const controller = new HelmAddon(`${name}-controller`, { ...common, definition: karpenter, roleArn: role.roleArn, dependsOn: [...args.dependsOn, crds.release] }, { parent: this });

        // Deleted before the controller, whose finalizers drain and terminate the pool's nodes.
        const after = { ...k8sOpts, dependsOn: [crds.release, controller.release] };
        const nodeClass = new k8s.apiextensions.CustomResource(
            `${name}-apps-class`,
            {
                apiVersion: "karpenter.k8s.aws/v1",
                kind: "EC2NodeClass",
                metadata: { name: "apps" },
                spec: {
                    role: args.nodeRole.name,
                    amiSelectorTerms: [{ alias: amiAlias(args.amiFamily) }],
                    subnetSelectorTerms: pulumi.output(args.subnetIds).apply((ids) => ids.map((id) => ({ id }))),
                    securityGroupSelectorTerms: args.securityGroupIds.map((id) => ({ id })),
                    // IMDSv2 only, one hop: pods cannot reach the node's credentials, as on the managed node groups.
                    metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                    blockDeviceMappings: nodeVolumes(args.amiFamily, args.apps.diskSizeGb).map((v) => ({
                        deviceName: v.deviceName,
                        ebs: { volumeSize: `${v.sizeGb}Gi`, volumeType: "gp3", encrypted: true, deleteOnTermination: true },
                    })),
                    tags: { ...args.tags, Name: `${args.clusterName}-apps` },
                },
            },
            after,
        );
        const pool = new k8s.apiextensions.CustomResource(
            `${name}-apps-pool`,
            {
                apiVersion: "karpenter.sh/v1",
                kind: "NodePool",
                metadata: { name: "apps", annotations: plannedNodes(args.apps) },
                spec: nodePoolSpec({ group: "apps", settings: args.apps, architecture: args.architecture, nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "apps" } }),
            },
            { ...after, dependsOn: [...after.dependsOn, nodeClass] },
        );

        this.nodePools = [pool];
        this.registerOutputs({ queueUrl: queue.url });
    }
}
