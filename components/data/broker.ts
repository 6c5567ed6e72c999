import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { rejectProblems } from "../../lib/validation";
import { GeneratedSecret } from "../security/generatedSecret";
import { brokerProblems } from "./validation";

export const AMQPS_PORT = 5671;
export const CONSOLE_PORT = 443;

export interface BrokerArgs {
    /** Broker name. Changing it replaces the broker and loses its queues. Required. */
    readonly brokerName: string;
    /** Required. */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets; a single-instance broker uses the first. Required. */
    readonly subnetIds: pulumi.Input<string[]>;
    /** Security group of the cluster's nodes: the only source admitted. Required. */
    readonly clientSecurityGroupId: pulumi.Input<string>;
    /** RabbitMQ version, `3.13` or `4.2`. Required. */
    readonly engineVersion: string;
    /** Broker instance type, e.g. `mq.m7g.large`. Required. */
    readonly instanceType: string;
    /** `SINGLE_INSTANCE` or `CLUSTER_MULTI_AZ` (three nodes). Defaults to SINGLE_INSTANCE. */
    readonly deploymentMode?: "SINGLE_INSTANCE" | "CLUSTER_MULTI_AZ";
    /** Secrets Manager name for the admin credentials. Required. */
    readonly credentialsSecretName: string;
    /** KMS key that encrypts the admin credentials secret. Required. */
    readonly secretsKmsKeyArn: pulumi.Input<string>;
    /** Days a deleted secret can still be restored (0 deletes at once). Required. */
    readonly secretRecoveryWindowInDays: number;
    /** Guards the broker against deletion by Pulumi. Defaults to false. */
    readonly protect?: boolean;
}

/** The admin user of the broker. Applications get their own credentials from Secrets Manager. */
export const BROKER_ADMIN_USER = "platform_admin";

/**
 * Amazon MQ for RabbitMQ in private subnets, never publicly reachable: AMQPS and the management console
 * are admitted from the cluster only. Admin credentials are generated and kept in Secrets Manager.
 * Amazon MQ for RabbitMQ encrypts storage with an AWS-owned key; it offers no customer-managed key.
 */
export class Broker extends pulumi.ComponentResource {
    /** `amqps://…:5671` of the broker (the cluster's endpoint in cluster mode). */
    public readonly amqpsEndpoint: pulumi.Output<string>;
    public readonly consoleUrl: pulumi.Output<string>;
    public readonly credentialsSecretArn: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: BrokerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:Broker", name, {}, opts);
        const deploymentMode = args.deploymentMode ?? "SINGLE_INSTANCE";
        const protect = args.protect ?? false;
        rejectProblems(`Broker ${name}`, brokerProblems({ deploymentMode, instanceType: args.instanceType }));

        const sg = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                description: "AMQPS and the RabbitMQ console from the EKS cluster only",
                ingress: [
                    { protocol: "tcp", fromPort: AMQPS_PORT, toPort: AMQPS_PORT, securityGroups: [args.clientSecurityGroupId], description: "AMQPS from cluster nodes" },
                    { protocol: "tcp", fromPort: CONSOLE_PORT, toPort: CONSOLE_PORT, securityGroups: [args.clientSecurityGroupId], description: "RabbitMQ console from cluster nodes" },
                ],
            },
            { parent: this },
        );
        const credentials = new GeneratedSecret(
            `${name}-admin`,
            {
                secretName: args.credentialsSecretName,
                description: `Admin user of the Amazon MQ broker ${args.brokerName}`,
                kmsKeyArn: args.secretsKmsKeyArn,
                recoveryWindowInDays: args.secretRecoveryWindowInDays,
                protect,
                length: 32,
                content: (password) => ({ username: BROKER_ADMIN_USER, password }),
            },
            { parent: this },
        );

        const subnetIds = pulumi.output(args.subnetIds).apply((ids) => (deploymentMode === "SINGLE_INSTANCE" ? ids.slice(0, 1) : ids));
        const broker = new aws.mq.Broker(
            `${name}-broker`,
            {
                brokerName: args.brokerName,
                engineType: "RabbitMQ",
                engineVersion: args.engineVersion,
                hostInstanceType: args.instanceType,
                deploymentMode,
                publiclyAccessible: false,
                subnetIds,
                securityGroups: [sg.id],
                autoMinorVersionUpgrade: true,
                logs: { general: true },
                users: [{ username: BROKER_ADMIN_USER, password: credentials.value }],
                maintenanceWindowStartTime: { dayOfWeek: "SUNDAY", timeOfDay: "03:00", timeZone: "UTC" },
                applyImmediately: false,
            },
            { parent: this, protect },
        );

        const endpoints = broker.instances.apply((instances) => instances[0]?.endpoints ?? []);
        this.amqpsEndpoint = endpoints.apply((e) => e.find((url) => url.startsWith("amqps://")) ?? "");
        this.consoleUrl = broker.instances.apply((instances) => instances[0]?.consoleUrl ?? "");
        this.credentialsSecretArn = credentials.arn;
        this.securityGroupId = sg.id;
        this.registerOutputs({ amqpsEndpoint: this.amqpsEndpoint, credentialsSecretArn: this.credentialsSecretArn });
    }
}
