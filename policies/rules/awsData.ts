import { PlatformPolicy, ResourceView, ofTypes, resourceRule } from "../lib/rule";
import { Props, isFalse, isSet, isTrue, isUnknown, num, str } from "../lib/values";

/** Data stores: RDS PostgreSQL, ElastiCache (Valkey/Redis OSS) replication groups, Amazon MQ brokers. */

const RDS_INSTANCE = "aws:rds/instance:Instance";
const CACHE_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const MQ_BROKER = "aws:mq/broker:Broker";

/** A read replica inherits storage, availability and backups from its source; some controls judge only sources. */
const isReplica = (p: Props) => isSet(p.replicateSourceDb);
/** Aurora instances take storage, backups and Multi-AZ from their cluster. */
const isAurora = (p: Props) => (str(p.engine) ?? "").startsWith("aurora");

/**
 * Reports when a property is known and not `true`. `defaultTrue` says whether the provider treats an unset
 * property as true.
 */
function requireTrue(r: ResourceView, report: (m: string) => void, property: string, why: string, defaultTrue = false): void {
    const value = r.props[property];
    if (isUnknown(value) || isTrue(value) || (value === undefined && defaultTrue)) {
        return;
    }
    report(`${property} is ${value === undefined ? "unset (false)" : String(value)}; set it to true: ${why}`);
}

export const rdsNotPublic = resourceRule({
    name: "rds-not-public",
    summary: "RDS instances are not publicly accessible.",
    controls: ["FSBP RDS.2"],
    severity: "critical",
    appliesTo: ofTypes(RDS_INSTANCE),
    validate: (r, report) => {
        if (isTrue(r.props.publiclyAccessible)) {
            report("publiclyAccessible is true; set it to false and keep the instance in isolated subnets");
        }
    },
});

export const rdsStorageEncrypted = resourceRule({
    name: "rds-storage-encrypted",
    summary: "RDS storage is encrypted with a customer-managed KMS key (read replicas may inherit it from their source).",
    controls: ["FSBP RDS.3"],
    severity: "high",
    appliesTo: ofTypes(RDS_INSTANCE),
    validate: (r, report) => {
        const p = r.props;
        if (isAurora(p) || (isReplica(p) && p.storageEncrypted === undefined)) {
            return;
        }
        if (isFalse(p.storageEncrypted) || p.storageEncrypted === undefined) {
            report("storageEncrypted is not true; set it (it forces a new instance, so set it at creation) with kmsKeyId of a customer-managed key");
        } else if (!isSet(p.kmsKeyId)) {
            report("kmsKeyId is unset, so storage uses the AWS managed key; set a customer-managed KMS key at creation");
        }
    },
});

export const rdsMultiAz = resourceRule({
    name: "rds-multi-az",
    summary: "RDS primary instances run Multi-AZ with a standby in another zone (read replicas are judged through their source).",
    controls: ["FSBP RDS.5"],
    severity: "medium",
    appliesTo: ofTypes(RDS_INSTANCE),
    validate: (r, report) => {
        if (!isReplica(r.props) && !isAurora(r.props)) {
            requireTrue(r, report, "multiAz", "a zone outage must not take the database down");
        }
    },
});

export const rdsDeletionProtection = resourceRule({
    name: "rds-deletion-protection",
    summary: "RDS instances have deletion protection.",
    controls: ["FSBP RDS.8"],
    severity: "medium",
    appliesTo: ofTypes(RDS_INSTANCE),
    validate: (r, report) => requireTrue(r, report, "deletionProtection", "no API call or console click may delete the database"),
});

export const rdsBackupRetention = resourceRule<{ minimumDays: number }>({
    name: "rds-backup-retention",
    summary: "RDS primary instances keep automated backups for at least 7 days.",
    controls: ["FSBP RDS.11"],
    severity: "medium",
    configSchema: {
        properties: { minimumDays: { type: "integer", minimum: 1, maximum: 35, default: 7, description: "Fewest days of automated backups." } },
    },
    appliesTo: ofTypes(RDS_INSTANCE),
    validate: (r, report, config) => {
        const days = r.props.backupRetentionPeriod;
        if (isReplica(r.props) || isAurora(r.props) || isUnknown(days)) {
            return;
        }
        const n = num(days);
        if (n === undefined || n < config.minimumDays) {
            report(`backupRetentionPeriod is ${n ?? "unset"}; keep at least ${config.minimumDays} days of automated backups`);
        }
    },
});

export const rdsAutoMinorUpgrade = resourceRule({
    name: "rds-auto-minor-upgrade",
    summary: "RDS instances take minor engine upgrades automatically.",
    controls: ["FSBP RDS.13"],
    severity: "low",
    appliesTo: ofTypes(RDS_INSTANCE),
    validate: (r, report) => requireTrue(r, report, "autoMinorVersionUpgrade", "security patches arrive as minor versions", true),
});

export const cacheBackups = resourceRule<{ minimumDays: number }>({
    name: "elasticache-backups",
    summary: "ElastiCache replication groups keep daily snapshots.",
    controls: ["FSBP ElastiCache.1"],
    severity: "medium",
    configSchema: {
        properties: { minimumDays: { type: "integer", minimum: 1, maximum: 35, default: 1, description: "Fewest days of snapshots." } },
    },
    appliesTo: ofTypes(CACHE_GROUP),
    validate: (r, report, config) => {
        const days = r.props.snapshotRetentionLimit;
        if (isUnknown(days)) {
            return;
        }
        const n = num(days) ?? 0;
        if (n < config.minimumDays) {
            report(`snapshotRetentionLimit is ${n}; keep at least ${config.minimumDays} day(s) of automatic snapshots`);
        }
    },
});

export const cacheAutoMinorUpgrade = resourceRule({
    name: "elasticache-auto-minor-upgrade",
    summary: "ElastiCache replication groups take minor engine upgrades automatically.",
    controls: ["FSBP ElastiCache.2"],
    severity: "low",
    appliesTo: ofTypes(CACHE_GROUP),
    validate: (r, report) => requireTrue(r, report, "autoMinorVersionUpgrade", "security patches arrive as minor versions", true),
});

export const cacheAutomaticFailover = resourceRule({
    name: "elasticache-automatic-failover",
    summary: "ElastiCache replication groups fail over automatically to a replica in another zone.",
    controls: ["FSBP ElastiCache.3"],
    severity: "medium",
    appliesTo: ofTypes(CACHE_GROUP),
    validate: (r, report) => {
        requireTrue(r, report, "automaticFailoverEnabled", "a failed primary must be replaced by a replica (needs one or more replicas)");
        requireTrue(r, report, "multiAzEnabled", "replicas must sit in other zones");
    },
});

export const cacheEncryptedAtRest = resourceRule({
    name: "elasticache-encrypted-at-rest",
    summary: "ElastiCache replication groups encrypt data at rest with a customer-managed KMS key.",
    controls: ["FSBP ElastiCache.4"],
    severity: "high",
    appliesTo: ofTypes(CACHE_GROUP),
    validate: (r, report) => {
        requireTrue(r, report, "atRestEncryptionEnabled", "snapshots and swap must be encrypted (forces a new group)");
        if (isTrue(r.props.atRestEncryptionEnabled) && !isSet(r.props.kmsKeyId)) {
            report("kmsKeyId is unset, so data at rest uses the AWS managed key; set a customer-managed KMS key");
        }
    },
});

export const cacheEncryptedInTransit = resourceRule({
    name: "elasticache-encrypted-in-transit",
    summary: "ElastiCache replication groups require TLS for every connection.",
    controls: ["FSBP ElastiCache.5"],
    severity: "high",
    appliesTo: ofTypes(CACHE_GROUP),
    validate: (r, report) => {
        requireTrue(r, report, "transitEncryptionEnabled", "clients and replication must use TLS");
        if (r.props.transitEncryptionMode === "preferred") {
            report('transitEncryptionMode is "preferred", which still accepts plaintext clients; set it to "required"');
        }
    },
});

export const cacheCustomSubnetGroup = resourceRule({
    name: "elasticache-custom-subnet-group",
    summary: "ElastiCache replication groups use a subnet group of the stack's own (isolated) subnets, not the default one.",
    controls: ["FSBP ElastiCache.7"],
    severity: "medium",
    appliesTo: ofTypes(CACHE_GROUP),
    validate: (r, report) => {
        const group = r.props.subnetGroupName;
        if (!isSet(group) || group === "default") {
            report("subnetGroupName is unset or \"default\"; create an aws.elasticache.SubnetGroup of isolated subnets and name it here");
        }
    },
});

export const mqNotPublic = resourceRule({
    name: "mq-not-public",
    summary: "Amazon MQ brokers are not publicly accessible.",
    controls: ["Platform"],
    severity: "critical",
    appliesTo: ofTypes(MQ_BROKER),
    validate: (r, report) => {
        if (isTrue(r.props.publiclyAccessible)) {
            report("publiclyAccessible is true; set it to false (it forces a new broker) and admit clients by security group");
        }
    },
});

export const mqAutoMinorUpgrade = resourceRule({
    name: "mq-auto-minor-upgrade",
    summary: "Amazon MQ brokers take minor engine upgrades automatically (the provider's default is false).",
    controls: ["FSBP MQ.3"],
    severity: "low",
    appliesTo: ofTypes(MQ_BROKER),
    validate: (r, report) => requireTrue(r, report, "autoMinorVersionUpgrade", "security patches arrive as minor versions"),
});

export const mqClusterDeployment = resourceRule({
    name: "mq-cluster-deployment",
    summary: "Amazon MQ brokers run across zones: RabbitMQ as CLUSTER_MULTI_AZ, ActiveMQ as ACTIVE_STANDBY_MULTI_AZ.",
    controls: ["FSBP MQ.5", "MQ.6"],
    severity: "medium",
    appliesTo: ofTypes(MQ_BROKER),
    validate: (r, report) => {
        const mode = r.props.deploymentMode ?? "SINGLE_INSTANCE";
        const engine = (str(r.props.engineType) ?? "").toLowerCase();
        const wanted = engine === "activemq" ? "ACTIVE_STANDBY_MULTI_AZ" : "CLUSTER_MULTI_AZ";
        if (!isUnknown(mode) && !isUnknown(r.props.engineType) && mode !== wanted) {
            report(`deploymentMode is ${String(mode)}; use ${wanted} (it cannot change in place: plan a new broker)`);
        }
    },
});

export const AWS_DATA_POLICIES: readonly PlatformPolicy[] = [
    rdsNotPublic,
    rdsStorageEncrypted,
    rdsMultiAz,
    rdsDeletionProtection,
    rdsBackupRetention,
    rdsAutoMinorUpgrade,
    cacheBackups,
    cacheAutoMinorUpgrade,
    cacheAutomaticFailover,
    cacheEncryptedAtRest,
    cacheEncryptedInTransit,
    cacheCustomSubnetGroup,
    mqNotPublic,
    mqAutoMinorUpgrade,
    mqClusterDeployment,
];
