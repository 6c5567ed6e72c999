import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { rejectProblems } from "../../lib/validation";
import * as random from "@pulumi/random";
import { DISABLED_DEFAULT_USER } from "./access";
import { cacheProblems } from "./validation";
import { finalSnapshotName } from "./snapshots";

export const CACHE_PORT = 6379;

/** An ElastiCache RBAC user of one service. */
export interface CacheUserArgs {
    /** Service the user belongs to: its logical name and user ID derive from it. Required. */
    readonly service: string;
    /** Name the service authenticates with. Required. */
    readonly userName: string;
    /** ACL access string, without passwords (e.g. `on ~orders:* &orders:* +@all -@dangerous`). Required. */
    readonly accessString: string;
    /** The user's password, from the service's own secret. Required. */
    readonly password: pulumi.Input<string>;
}

/** ID of a user of the group: user IDs are unique per account and region, so the group's ID leads. */
export const cacheUserId = (replicationGroupId: string, user: string): string => `${replicationGroupId}-${user}`;

export interface CacheArgs {
    /** ElastiCache replication group ID, at most 40 characters. Changing it replaces the cache. Required. */
    readonly replicationGroupId: string;
    /** Required. */
    readonly vpcId: pulumi.Input<string>;
    /** Isolated subnets. Required. */
    readonly subnetIds: pulumi.Input<string[]>;
    /** Security group of the cluster's nodes: the only source admitted on 6379. Required. */
    readonly clientSecurityGroupId: pulumi.Input<string>;
    /** `valkey` or `redis`. Defaults to valkey. */
    readonly engine?: "valkey" | "redis";
    /** Engine version, e.g. `8.0`. Required. */
    readonly engineVersion: string;
    /** Parameter group family of the engine version, e.g. `valkey8`. Required. */
    readonly parameterFamily: string;
    /** Node type, e.g. `cache.t4g.micro`. Required. */
    readonly nodeType: string;
    /** Shard the keyspace across node groups. Defaults to false. */
    readonly clusterMode?: boolean;
    /** Shards when in cluster mode. Defaults to 1. */
    readonly shards?: number;
    /** Replicas of each shard; one or more turns on automatic failover and Multi-AZ. Defaults to 0. */
    readonly replicasPerShard?: number;
    /** Days of daily snapshots; 0 turns them off. Defaults to 0. */
    readonly snapshotRetentionDays?: number;
    /**
     * One ElastiCache user per service, with its access string and password; every other connection is
     * refused (the group's `default` user is off). Required (may be empty).
     */
    readonly users: CacheUserArgs[];
    /** KMS key for encryption at rest. Required. */
    readonly storageKmsKeyArn: pulumi.Input<string>;
    /** KMS key that encrypts the slow-log group. Required. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** Days to keep the slow log. Required. */
    readonly logRetentionInDays: number;
    /** Guards the replication group against deletion by Pulumi. Defaults to false. */
    readonly protect?: boolean;
}

/**
 * A Valkey (or Redis OSS) replication group in isolated subnets, encrypted at rest with the CMK and in
 * transit with TLS, with role-based access control: one user per service, limited by its access string,
 * in a user group whose `default` user is switched off.
 */
export class Cache extends pulumi.ComponentResource {
    /** Primary endpoint, or the configuration endpoint in cluster mode. */
    public readonly endpoint: pulumi.Output<string>;
    /** Reader endpoint (replicas), or the configuration endpoint in cluster mode. */
    public readonly readerEndpoint: pulumi.Output<string>;
    public readonly port: number;
    /** The user group on the replication group. */
    public readonly userGroupId: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:Cache", name, {}, opts);
        const engine = args.engine ?? "valkey";
        const clusterMode = args.clusterMode ?? false;
        const shards = args.shards ?? 1;
        const replicasPerShard = args.replicasPerShard ?? 0;
        const snapshotRetentionDays = args.snapshotRetentionDays ?? 0;
        const protect = args.protect ?? false;
        rejectProblems(`Cache ${name}`, cacheProblems({ clusterMode, shards }));
        if (args.replicationGroupId.length > 40) {
            throw new Error(`Cache ${name}: replicationGroupId "${args.replicationGroupId}" is longer than 40 characters`);
        }
        const highlyAvailable = replicasPerShard > 0;

        const sg = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                description: `${engine} from the EKS cluster only`,
                ingress: [{ protocol: "tcp", fromPort: CACHE_PORT, toPort: CACHE_PORT, securityGroups: [args.clientSecurityGroupId], description: `${engine} from cluster nodes` }],
            },
            { parent: this },
        );
        const subnetGroup = new aws.elasticache.SubnetGroup(`${name}-subnets`, { subnetIds: args.subnetIds, description: "Isolated subnets" }, { parent: this });
        // ElastiCache requires a user named `default` in every group; this one is off and may do nothing.
        const defaultUser = new aws.elasticache.User(
            `${name}-default-user`,
            {
                userId: cacheUserId(args.replicationGroupId, "default-off"),
                userName: DISABLED_DEFAULT_USER.userName,
                accessString: DISABLED_DEFAULT_USER.accessString,
                engine,
                passwords: [new random.RandomPassword(`${name}-default-password`, { length: 32, special: false }, { parent: this }).result],
            },
            { parent: this },
        );
        const users = args.users.map(
            (u) =>
                new aws.elasticache.User(
                    `${name}-user-${u.service}`,
                    { userId: cacheUserId(args.replicationGroupId, u.service), userName: u.userName, accessString: u.accessString, engine, passwords: [pulumi.secret(u.password)] },
                    { parent: this },
                ),
        );
        const userGroup = new aws.elasticache.UserGroup(
            `${name}-users`,
            { userGroupId: `${args.replicationGroupId}-users`, engine, userIds: [defaultUser.userId, ...users.map((u) => u.userId)] },
            { parent: this },
        );
        const slowLog = new aws.cloudwatch.LogGroup(
            `${name}-slow-log`,
            { retentionInDays: args.logRetentionInDays, kmsKeyId: args.logsKmsKeyArn },
            { parent: this },
        );

        const group = new aws.elasticache.ReplicationGroup(
            `${name}-group`,
            {
                replicationGroupId: args.replicationGroupId,
                description: `${args.replicationGroupId} (${engine})`,
                engine,
                engineVersion: args.engineVersion,
                nodeType: args.nodeType,
                port: CACHE_PORT,
                parameterGroupName: `default.${args.parameterFamily}${clusterMode ? ".cluster.on" : ""}`,
                ...(clusterMode
                    ? { clusterMode: "enabled", numNodeGroups: shards, replicasPerNodeGroup: replicasPerShard }
                    : { numCacheClusters: 1 + replicasPerShard }),
                automaticFailoverEnabled: highlyAvailable || clusterMode,
                multiAzEnabled: highlyAvailable,
                subnetGroupName: subnetGroup.name,
                securityGroupIds: [sg.id],
                atRestEncryptionEnabled: true,
                kmsKeyId: args.storageKmsKeyArn,
                transitEncryptionEnabled: true,
                transitEncryptionMode: "required",
                userGroupIds: [userGroup.userGroupId],
                snapshotRetentionLimit: snapshotRetentionDays,
                finalSnapshotIdentifier: snapshotRetentionDays > 0 ? finalSnapshotName(name, args.replicationGroupId, this) : undefined,
                autoMinorVersionUpgrade: true,
                applyImmediately: false,
                logDeliveryConfigurations: [
                    { destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
                ],
            },
            { parent: this, protect },
        );

        this.endpoint = clusterMode ? group.configurationEndpointAddress : group.primaryEndpointAddress;
        this.readerEndpoint = clusterMode ? group.configurationEndpointAddress : group.readerEndpointAddress;
        this.port = CACHE_PORT;
        this.userGroupId = userGroup.userGroupId;
        this.securityGroupId = sg.id;
        this.registerOutputs({ endpoint: this.endpoint, userGroupId: this.userGroupId });
    }
}
