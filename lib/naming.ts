/**
 * Physical names for the few resources that humans or other systems look up by name. Each is derived
 * from the project and stack only, so it never changes for a stack and never forces a replacement.
 */

/** `platform-dev`: the prefix every named resource of a stack shares. */
export function stackPrefix(project: string, stack: string): string {
    return `${project}-${stack}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
}

/**
 * `platform/dev`: Secrets Manager names are paths, so that IAM policies can grant a whole stack or one
 * service by prefix.
 */
export function secretPrefix(project: string, stack: string): string {
    return `${project}/${stack}`.toLowerCase();
}

/**
 * Tag that controllers put on the AWS resources they create for a cluster (the ALBs, their security groups,
 * EBS volumes), so that anything left after a destroy can be found by the cluster's name.
 */
export const CLUSTER_TAG = "platform.io/cluster";

/** Hex digits of the random part of a data store's final snapshot name (`<identifier>-final-<digits>`). */
export const FINAL_SNAPSHOT_SUFFIX_DIGITS = 8;
