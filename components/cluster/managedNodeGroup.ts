import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import type { AmiFamily } from "../../config/catalog";
import type { NodeGroupSettings } from "../../config/schema";
import { awsManagedPolicyArn, serviceTrustPolicy } from "../../lib/iam";
import { NODE_GROUP_LABEL } from "../../lib/kubernetesSpecs";
import { MAX_UNAVAILABLE_PERCENTAGE, amiType, launchTemplateVolumes, nodeRepairConfig } from "./nodeGroups";

/**
 * The node-side resources of the cluster, created as children of the cluster component (`parent`), so that
 * their logical names and URNs are the cluster's own. Kept apart from `cluster.ts` for size only.
 */

/** A role EC2 instances take, with AWS-managed policies. */
export function nodeRole(parent: pulumi.Resource, name: string, partition: pulumi.Input<string>, policies: readonly string[]): aws.iam.Role {
    const role = new aws.iam.Role(name, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")) }, { parent });
    for (const policy of policies) {
        new aws.iam.RolePolicyAttachment(`${name}-${policy}`, { role: role.name, policyArn: awsManagedPolicyArn(partition, policy) }, { parent });
    }
    return role;
}

/** What every managed node group of the cluster shares. */
export interface NodeGroupContext {
    /** Physical cluster name, for names and the autoscaler's discovery tag. */
    readonly physicalName: string;
    /** The cluster's Kubernetes minor: the group follows it. */
    readonly version: string;
    readonly privateSubnetIds: pulumi.Input<string[]>;
    readonly workloadSecurityGroupId: pulumi.Input<string>;
    readonly tags?: Record<string, string>;
    readonly nodeRepair: boolean;
    readonly amiFamily: AmiFamily;
    readonly architecture: "arm64" | "x86_64";
    readonly clusterName: pulumi.Output<string>;
    readonly clusterSecurityGroupId: pulumi.Output<string>;
    readonly nodeRoleArn: pulumi.Output<string>;
    readonly dependsOn: pulumi.Resource[];
}

/**
 * One managed node group with its launch template. Its Kubernetes version follows the cluster, so that a
 * version change rolls its nodes after the control plane and the add-ons before it, a third at a time.
 */
export function managedNodeGroup(parent: pulumi.Resource, name: string, group: "system" | "apps", spec: NodeGroupSettings, c: NodeGroupContext): aws.eks.NodeGroup {
    const launchTemplate = new aws.ec2.LaunchTemplate(
        `${name}-${group}`,
        {
            description: `${c.physicalName} ${group} nodes`,
            updateDefaultVersion: true,
            // IMDSv2 only, one hop: pods cannot reach the node's credentials (FSBP EC2.8); they use IRSA or Pod Identity.
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            // Naming security groups here stops EKS adding its cluster group, so both are listed.
            vpcSecurityGroupIds: [c.clusterSecurityGroupId, c.workloadSecurityGroupId],
            blockDeviceMappings: launchTemplateVolumes(c.amiFamily, spec.diskSizeGb),
            tagSpecifications: ["instance", "volume"].map((resourceType) => ({
                resourceType,
                tags: { ...c.tags, Name: `${c.physicalName}-${group}` },
            })),
        },
        { parent },
    );
    return new aws.eks.NodeGroup(
        `${name}-${group}`,
        {
            clusterName: c.clusterName,
            version: c.version,
            nodeRoleArn: c.nodeRoleArn,
            subnetIds: c.privateSubnetIds,
            amiType: amiType(c.amiFamily, c.architecture),
            capacityType: spec.capacityType,
            instanceTypes: spec.instanceTypes,
            scalingConfig: { minSize: spec.minSize, desiredSize: spec.desiredSize, maxSize: spec.maxSize },
            updateConfig: { maxUnavailablePercentage: MAX_UNAVAILABLE_PERCENTAGE },
            nodeRepairConfig: nodeRepairConfig(c.nodeRepair),
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
            labels: { [NODE_GROUP_LABEL]: group },
            tags: {
                // Cluster Autoscaler finds the groups it may scale by these tags.
                "k8s.io/cluster-autoscaler/enabled": "true",
                [`k8s.io/cluster-autoscaler/${c.physicalName}`]: "owned",
            },
        },
        // The autoscaler owns the current size once the group exists.
        { parent, dependsOn: c.dependsOn, ignoreChanges: ["scalingConfig.desiredSize"] },
    );
}
