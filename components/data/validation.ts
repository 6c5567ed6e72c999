import { ArgProblem, KeyName, argumentName } from "../../lib/validation";

/** RDS read replicas replicate from backups, so the primary must keep some. */
export function databaseProblems(a: { readonly readReplicas: number; readonly backupRetentionDays: number }, name: KeyName = argumentName): ArgProblem[] {
    return a.readReplicas > 0 && a.backupRetentionDays < 1
        ? [{ key: "backupRetentionDays", value: a.backupRetentionDays, message: `must be at least 1 when ${name("readReplicas")} is set: RDS replicas need backups` }]
        : [];
}

/** Without cluster mode a replication group has exactly one shard. */
export function cacheProblems(a: { readonly clusterMode: boolean; readonly shards: number }, name: KeyName = argumentName): ArgProblem[] {
    return !a.clusterMode && a.shards !== 1
        ? [{ key: "shards", value: a.shards, message: `needs ${name("clusterMode")} true; without cluster mode there is one shard` }]
        : [];
}

/** A clustered broker needs a larger instance than mq.t3.micro. */
export function brokerProblems(a: { readonly deploymentMode: string; readonly instanceType: string }): ArgProblem[] {
    return a.deploymentMode === "CLUSTER_MULTI_AZ" && a.instanceType === "mq.t3.micro"
        ? [{ key: "instanceType", value: a.instanceType, message: "cannot form a cluster; CLUSTER_MULTI_AZ needs mq.m5 or mq.m7g" }]
        : [];
}
