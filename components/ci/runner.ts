import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../network/awsContext";
import { policyDocument } from "../../lib/iam";
import { runnerFilterGroup, runnerServiceStatements, runnerTrustPolicy } from "./runnerPolicy";

/** CodeBuild's curated Amazon Linux 2023 x86 image, with Node.js, Python, Docker CLI and the AWS CLI. */
export const RUNNER_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0";

export interface RunnerArgs {
    /** CodeBuild project name: workflows ask for `runs-on: codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}`. Required. */
    readonly projectName: string;
    /** GitHub repository (`owner/name`) whose workflow jobs the runner takes. Required. */
    readonly repository: string;
    /** CodeConnections connection to GitHub through which CodeBuild registers the webhook and its runners. Required. */
    readonly connectionArn: string;
    /** `BUILD_GENERAL1_SMALL`, `_MEDIUM` or `_LARGE`. Defaults to BUILD_GENERAL1_SMALL. */
    readonly computeType?: string;
    /** Minutes one job may run before CodeBuild stops it. Defaults to 120. */
    readonly buildTimeoutMinutes?: number;
    /** The VPC the builds run in. Required. */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets (a route to the internet through NAT) for the builds' network interfaces. Required. */
    readonly subnetIds: pulumi.Input<string[]>;
    /** Days to keep build logs. Required. */
    readonly logRetentionInDays: number;
    /** KMS key ARN that encrypts the build log group. Required. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** Account, region and partition, for exact ARNs in the role's policies. Required. */
    readonly aws: AwsContext;
}

/**
 * An in-VPC GitHub Actions runner: a CodeBuild project configured as a runner, whose webhook starts one
 * build per queued workflow job of the repository. Builds run in the private subnets with a security group
 * of their own, which the cluster's API endpoint admits on 443 (the cluster takes
 * {@link Runner.securityGroupId}, so the runner depends on nothing of the cluster and can exist first).
 * The service role writes the build logs and manages the build's network interface; jobs get their AWS
 * credentials from GitHub's OIDC provider, not from the runner.
 */
export class Runner extends pulumi.ComponentResource {
    /** The project name, as `runs-on` and the repository variable CI_RUNNER_PROJECTS name it. */
    public readonly projectName: pulumi.Output<string>;
    /** Security group of the builds; admit it where jobs must reach (the API endpoint). */
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly serviceRoleArn: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: RunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:ci:Runner", name, {}, opts);
        const computeType = args.computeType ?? "BUILD_GENERAL1_SMALL";
        const buildTimeoutMinutes = args.buildTimeoutMinutes ?? 120;

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: `/aws/codebuild/${args.projectName}`, retentionInDays: args.logRetentionInDays, kmsKeyId: args.logsKmsKeyArn },
            { parent: this },
        );

        // Nothing connects to a runner; it reaches GitHub, registries, Pulumi Cloud, AWS APIs and the cluster over HTTPS.
        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-runner`,
            {
                vpcId: args.vpcId,
                description: "In-VPC CI runner: no inbound, HTTPS out",
                ingress: [],
                egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS" }],
            },
            { parent: this },
        );

        const ctx = pulumi.all([args.aws.partition, args.aws.region, args.aws.accountId]);
        const role = new aws.iam.Role(
            `${name}-service`,
            {
                description: `CodeBuild service role of the in-VPC runner ${args.projectName}`,
                assumeRolePolicy: ctx.apply(([partition, region, accountId]) =>
                    JSON.stringify(runnerTrustPolicy({ partition, region, accountId, projectName: args.projectName })),
                ),
            },
            { parent: this },
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-service`,
            {
                role: role.name,
                policy: pulumi.all([ctx, logGroup.arn, args.subnetIds]).apply(([[partition, region, accountId], logGroupArn, subnetIds]) =>
                    JSON.stringify(
                        policyDocument(
                            runnerServiceStatements({ partition, region, accountId, projectName: args.projectName, logGroupArn, connectionArn: args.connectionArn, subnetIds }),
                        ),
                    ),
                ),
            },
            { parent: this },
        );

        const project = new aws.codebuild.Project(
            `${name}-project`,
            {
                name: args.projectName,
                description: `GitHub Actions runner for ${args.repository}, inside the VPC`,
                serviceRole: role.arn,
                source: {
                    type: "GITHUB",
                    location: `https://github.com/${args.repository}.git`,
                    auth: { type: "CODECONNECTIONS", resource: args.connectionArn },
                },
                artifacts: { type: "NO_ARTIFACTS" },
                environment: {
                    type: "LINUX_CONTAINER",
                    computeType,
                    image: RUNNER_IMAGE,
                    imagePullCredentialsType: "CODEBUILD",
                    privilegedMode: false,
                },
                logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name }, s3Logs: { status: "DISABLED" } },
                vpcConfig: { vpcId: args.vpcId, subnets: args.subnetIds, securityGroupIds: [securityGroup.id] },
                buildTimeout: buildTimeoutMinutes,
            },
            // CodeBuild checks the role's VPC permissions when the project is created, before any data flows from the policy.
            { parent: this, dependsOn: [rolePolicy] },
        );

        new aws.codebuild.Webhook(
            `${name}-webhook`,
            { projectName: project.name, buildType: "BUILD", filterGroups: [{ filters: runnerFilterGroup() }] },
            { parent: this },
        );

        this.projectName = project.name;
        this.securityGroupId = securityGroup.id;
        this.serviceRoleArn = role.arn;
        this.logGroupName = logGroup.name;
        this.registerOutputs({ projectName: this.projectName, securityGroupId: this.securityGroupId, serviceRoleArn: this.serviceRoleArn, logGroupName: this.logGroupName });
    }
}
