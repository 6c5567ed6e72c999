import { STATEFUL_TYPES, StatefulType } from "../../policies/rules/stack";

/**
 * Inputs whose change makes the provider replace a stateful resource (delete and create anew), per
 * type. From terraform-provider-aws (which Pulumi's AWS provider is bridged from) and the EKS and Amazon
 * MQ documentation; see the security-controls reference of the project.
 */
export const REPLACED_ON: Readonly<Record<StatefulType, readonly string[]>> = {
    "aws:rds/instance:Instance": ["identifier", "engine", "storageEncrypted", "kmsKeyId", "username", "dbName", "availabilityZone", "snapshotIdentifier", "replicateSourceDb"],
    "aws:elasticache/replicationGroup:ReplicationGroup": ["replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId", "subnetGroupName", "port"],
    "aws:mq/broker:Broker": ["brokerName", "engineType", "deploymentMode", "publiclyAccessible", "subnetIds", "encryptionOptions", "storageType", "authenticationStrategy"],
    "eks:index:Cluster": ["name", "serviceRole", "kubernetesServiceIpAddressRange", "ipFamily", "bootstrapSelfManagedAddons", "encryptionConfigKeyArn", "vpcId"],
    "aws:eks/cluster:Cluster": ["name", "roleArn", "kubernetesNetworkConfig", "bootstrapSelfManagedAddons", "encryptionConfig", "accessConfig.bootstrapClusterCreatorAdminPermissions"],
    "aws:kms/key:Key": ["customerMasterKeySpec", "keySpec", "keyUsage", "multiRegion"],
    "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
};

/** What a stateful resource would lose: shown to the person reviewing the change. */
export const LOSS: Readonly<Record<StatefulType, string>> = {
    "aws:rds/instance:Instance": "the database and its data (only snapshots remain)",
    "aws:elasticache/replicationGroup:ReplicationGroup": "the cache and its data",
    "aws:mq/broker:Broker": "the broker, its queued messages and definitions (Amazon MQ has no snapshots)",
    "eks:index:Cluster": "the cluster and every workload on it",
    "aws:eks/cluster:Cluster": "the cluster and every workload on it",
    "aws:kms/key:Key": "the key: data encrypted with it becomes unreadable once it is deleted",
    "aws:secretsmanager/secret:Secret": "the secret's value; its name stays reserved for the recovery window",
};

/** The stateful types are the policy pack's (`stateful-resources-protected`): one list for both. */
export function isStateful(type: string): type is StatefulType {
    return (STATEFUL_TYPES as readonly string[]).includes(type);
}

/** True when `changed` (input paths like `a.b`) touches a replace-forcing input of `type`. */
export function forcesReplacement(type: string, changed: readonly string[]): string[] {
    const keys = isStateful(type) ? REPLACED_ON[type] : [];
    return changed.filter((path) => keys.some((k) => path === k || path.startsWith(`${k}.`) || path.startsWith(`${k}[`)));
}
