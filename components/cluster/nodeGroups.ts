import type { AmiFamily, Architecture } from "../../config/catalog";

/**
 * What a node's operating system decides about its EC2 launch: the EKS AMI type of a managed node group, the
 * alias Karpenter resolves to an AMI, and the EBS volumes. Pure data, so that a test can read each choice.
 */

/** The managed node group AMI type (EKS `Nodegroup.amiType`) for an OS and an architecture. */
export function amiType(family: AmiFamily, architecture: Architecture): string {
    if (family === "bottlerocket") {
        return architecture === "arm64" ? "BOTTLEROCKET_ARM_64" : "BOTTLEROCKET_x86_64";
    }
    return architecture === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/**
 * Karpenter's `amiSelectorTerms` alias (EC2NodeClass v1): the newest EKS-optimized AMI of the family for the
 * cluster's Kubernetes minor, so that nodes drift to the new minor's AMI after the control plane moves.
 */
export function amiAlias(family: AmiFamily): string {
    return `${family}@latest`;
}

/** One EBS volume of a node, as launch templates and EC2NodeClasses both describe it. */
export interface NodeVolume {
    readonly deviceName: string;
    readonly sizeGb: number;
}

/**
 * Bottlerocket's read-only OS volume: Karpenter's default Bottlerocket block device mappings give it 4 GiB
 * beside a data volume (karpenter.sh docs, EC2NodeClass `blockDeviceMappings`).
 */
export const BOTTLEROCKET_OS_VOLUME_GB = 4;

/**
 * The volumes a node gets. AL2023 keeps everything on its root volume; Bottlerocket keeps the OS on `/dev/xvda`
 * and images, containers and logs on a data volume, `/dev/xvdb`, which is the one sized by `diskSizeGb`.
 */
export function nodeVolumes(family: AmiFamily, diskSizeGb: number): NodeVolume[] {
    return family === "bottlerocket"
        ? [
              { deviceName: "/dev/xvda", sizeGb: BOTTLEROCKET_OS_VOLUME_GB },
              { deviceName: "/dev/xvdb", sizeGb: diskSizeGb },
          ]
        : [{ deviceName: "/dev/xvda", sizeGb: diskSizeGb }];
}

/** Launch-template block device mappings: gp3, encrypted, deleted with the instance. */
export function launchTemplateVolumes(family: AmiFamily, diskSizeGb: number) {
    return nodeVolumes(family, diskSizeGb).map((v) => ({
        deviceName: v.deviceName,
        ebs: { volumeSize: v.sizeGb, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
    }));
}

/**
 * Node auto repair (EKS `nodeRepairConfig`): EKS replaces a node its monitoring agent finds unhealthy. Repairs
 * stop once a third of the group is unhealthy, where replacing nodes would more likely spread an outage (a bad
 * AMI, a zone failing) than cure it, and go one node at a time.
 */
export function nodeRepairConfig(enabled: boolean) {
    return enabled ? { enabled: true, maxUnhealthyNodeThresholdPercentage: 33, maxParallelNodesRepairedCount: 1 } : { enabled: false };
}

/** Nodes a group replaces at once during a version update: a third, so that two thirds keep serving. */
export const MAX_UNAVAILABLE_PERCENTAGE = 33;
