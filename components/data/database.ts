import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { rejectProblems } from "../../lib/validation";
import { finalSnapshotName } from "./snapshots";
import { databaseProblems } from "./validation";

export const POSTGRES_PORT = 5432;

export interface DatabaseArgs {
    /** RDS identifier of the primary; replicas append `-replica-N`. Changing it replaces the database. Required. */
    readonly identifier: string;
    /** Required. */
    readonly vpcId: pulumi.Input<string>;
    /** Isolated subnets (no route to the internet). Required. */
    readonly subnetIds: pulumi.Input<string[]>;
    /** Security group of the cluster's nodes: the only source admitted on 5432. Required. */
    readonly clientSecurityGroupId: pulumi.Input<string>;
    /** PostgreSQL major version, e.g. `17`. Required. */
    readonly engineVersion: string;
    /** RDS instance class of the primary and replicas, e.g. `db.t4g.micro`. Required. */
    readonly instanceClass: string;
    /** Initial gp3 storage in GiB. Required. */
    readonly allocatedStorageGb: number;
    /** Upper bound for storage autoscaling. Defaults to allocatedStorageGb (no autoscaling). */
    readonly maxAllocatedStorageGb?: number;
    /** Database created with the instance, which the master user connects to. Required. */
    readonly databaseName: string;
    /** Master user; its password is created and rotated by RDS. Required. */
    readonly masterUsername: string;
    /** KMS key for storage, Performance Insights and the RDS-managed master secret. Required. */
    readonly storageKmsKeyArn: pulumi.Input<string>;
    /** KMS key that encrypts the RDS-managed master secret. Required. */
    readonly secretsKmsKeyArn: pulumi.Input<string>;
    /** Defaults to false. */
    readonly multiAz?: boolean;
    /** Defaults to 0. */
    readonly readReplicas?: number;
    /** Days of automated backups. Defaults to 7. */
    readonly backupRetentionDays?: number;
    /** Defaults to false. */
    readonly deletionProtection?: boolean;
    /** Defaults to false. */
    readonly performanceInsights?: boolean;
    /** Export the PostgreSQL and upgrade logs to CloudWatch Logs. Defaults to false. */
    readonly exportLogs?: boolean;
    /** Guards the instances against deletion by Pulumi. Defaults to false. */
    readonly protect?: boolean;
}

/**
 * PostgreSQL on RDS in isolated subnets. Connections must use TLS; only the cluster's nodes may connect.
 * The master password is created and rotated by RDS in Secrets Manager, so it is never in config or
 * Pulumi state. Deleting the primary always leaves a final snapshot, under a name no earlier one holds.
 */
export class Database extends pulumi.ComponentResource {
    public readonly address: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    /** Host of the first read replica, or of the primary when there is none. */
    public readonly readerAddress: pulumi.Output<string>;
    public readonly databaseName: pulumi.Output<string>;
    /** ARN of the RDS-managed secret holding the master user's credentials. */
    public readonly masterSecretArn: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:Database", name, {}, opts);
        const multiAz = args.multiAz ?? false;
        const readReplicas = args.readReplicas ?? 0;
        const backupRetentionDays = args.backupRetentionDays ?? 7;
        const deletionProtection = args.deletionProtection ?? false;
        const performanceInsights = args.performanceInsights ?? false;
        const exportLogs = args.exportLogs ?? false;
        const protect = args.protect ?? false;
        rejectProblems(`Database ${name}`, databaseProblems({ readReplicas, backupRetentionDays }));

        const sg = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                description: "PostgreSQL from the EKS cluster only",
                ingress: [{ protocol: "tcp", fromPort: POSTGRES_PORT, toPort: POSTGRES_PORT, securityGroups: [args.clientSecurityGroupId], description: "PostgreSQL from cluster nodes" }],
            },
            { parent: this },
        );
        const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds: args.subnetIds, description: "Isolated subnets" }, { parent: this });
        const parameterGroup = new aws.rds.ParameterGroup(
            `${name}-params`,
            {
                family: `postgres${args.engineVersion}`,
                description: "TLS required; slow statements logged",
                parameters: [
                    { name: "rds.force_ssl", value: "1" },
                    { name: "log_min_duration_statement", value: "1000" },
                    { name: "log_connections", value: "1" },
                ],
            },
            { parent: this },
        );

        // What the primary and its replicas share: storage, network, TLS parameters, upgrades and monitoring.
        const common = {
            instanceClass: args.instanceClass,
            storageType: "gp3",
            storageEncrypted: true,
            kmsKeyId: args.storageKmsKeyArn,
            vpcSecurityGroupIds: [sg.id],
            parameterGroupName: parameterGroup.name,
            publiclyAccessible: false,
            deletionProtection,
            copyTagsToSnapshot: true,
            autoMinorVersionUpgrade: true,
            iamDatabaseAuthenticationEnabled: true,
            performanceInsightsEnabled: performanceInsights,
            performanceInsightsKmsKeyId: performanceInsights ? args.storageKmsKeyArn : undefined,
            performanceInsightsRetentionPeriod: performanceInsights ? 7 : undefined,
            applyImmediately: false,
        };
        const primary = new aws.rds.Instance(
            `${name}-primary`,
            {
                ...common,
                identifier: args.identifier,
                engine: "postgres",
                engineVersion: args.engineVersion,
                allocatedStorage: args.allocatedStorageGb,
                maxAllocatedStorage: args.maxAllocatedStorageGb ?? args.allocatedStorageGb,
                dbName: args.databaseName,
                username: args.masterUsername,
                manageMasterUserPassword: true,
                masterUserSecretKmsKeyId: args.secretsKmsKeyArn,
                port: POSTGRES_PORT,
                dbSubnetGroupName: subnetGroup.name,
                multiAz,
                backupRetentionPeriod: backupRetentionDays,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: finalSnapshotName(name, args.identifier, this),
                allowMajorVersionUpgrade: false,
                enabledCloudwatchLogsExports: exportLogs ? ["postgresql", "upgrade"] : [],
            },
            { parent: this, protect },
        );

        const replicas = Array.from({ length: readReplicas }, (_, i) =>
            new aws.rds.Instance(
                `${name}-replica-${i + 1}`,
                {
                    ...common,
                    identifier: `${args.identifier}-replica-${i + 1}`,
                    replicateSourceDb: primary.identifier,
                    // Replicas hold no data of their own: the primary's backups cover them.
                    skipFinalSnapshot: true,
                },
                { parent: this, protect },
            ),
        );

        this.address = primary.address;
        this.port = primary.port;
        this.readerAddress = replicas.length > 0 ? replicas[0].address : primary.address;
        this.databaseName = primary.dbName;
        this.masterSecretArn = primary.masterUserSecrets.apply((secrets) => secrets[0]?.secretArn ?? "");
        this.securityGroupId = sg.id;
        this.registerOutputs({ address: this.address, readerAddress: this.readerAddress, masterSecretArn: this.masterSecretArn });
    }
}
