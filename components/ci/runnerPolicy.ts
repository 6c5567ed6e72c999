import type { PolicyStatement, TrustPolicy } from "../../lib/iam";

/**
 * The in-VPC runner's IAM documents and webhook filter, as plain data. The CodeBuild service role is the
 * identity CodeBuild itself acts as; a workflow job on the runner can use it too, so it holds only what
 * the runner's own machinery needs, and jobs take their AWS credentials from GitHub OIDC instead.
 */

/**
 * The workflows whose jobs start a runner: the `name:` of each workflow in `.github/workflows` that asks
 * for `runs-on: codebuild-…` (a test compares the two). A job queued by any other workflow starts no build.
 */
export const RUNNER_WORKFLOWS = ["Deploy", "Preview", "Drift check"] as const;

/** The webhook's one filter group: a workflow job was queued, by one of {@link RUNNER_WORKFLOWS}. */
export function runnerFilterGroup(workflows: readonly string[] = RUNNER_WORKFLOWS): { type: string; pattern: string }[] {
    const escaped = workflows.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return [
        { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
        { type: "WORKFLOW_NAME", pattern: `^(${escaped.join("|")})$` },
    ];
}

export interface RunnerFacts {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    /** The CodeBuild project's name. */
    readonly projectName: string;
    /** ARN of the log group the builds write to. */
    readonly logGroupArn: string;
    /** The CodeConnections connection to GitHub. */
    readonly connectionArn: string;
    /** Subnets the builds' network interfaces go in. */
    readonly subnetIds: readonly string[];
}

/**
 * Only CodeBuild may assume the role, and only for this account's project of this name, so that no other
 * project (a confused deputy) can borrow it.
 */
export function runnerTrustPolicy(f: Pick<RunnerFacts, "partition" | "region" | "accountId" | "projectName">): TrustPolicy {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Principal: { Service: "codebuild.amazonaws.com" },
                Condition: {
                    StringEquals: { "aws:SourceAccount": f.accountId },
                    ArnLike: { "aws:SourceArn": `arn:${f.partition}:codebuild:${f.region}:${f.accountId}:project/${f.projectName}` },
                },
            },
        ],
    };
}

/**
 * What CodeBuild needs to run a job in the VPC and no more: write the build's log streams; fetch the
 * GitHub token of the connection (CodeBuild user guide, "GitHub App connections", step 2: GetConnectionToken
 * and GetConnection; the action prefix follows the ARN's, codeconnections or codestar-connections); and
 * create, describe and delete the build's network interface in the given subnets (CodeBuild user guide,
 * "Allow CodeBuild access to AWS services required to create a VPC network interface").
 */
export function runnerServiceStatements(f: RunnerFacts): PolicyStatement[] {
    const connectionService = f.connectionArn.split(":")[2];
    return [
        { Sid: "WriteBuildLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [f.logGroupArn, `${f.logGroupArn}:*`] },
        { Sid: "UseGitHubConnection", Effect: "Allow", Action: [`${connectionService}:GetConnectionToken`, `${connectionService}:GetConnection`], Resource: f.connectionArn },
        {
            Sid: "BuildNetworkInterfaces",
            Effect: "Allow",
            Action: [
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeDhcpOptions",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcs",
            ],
            Resource: "*",
        },
        {
            Sid: "AttachInterfacesInTheRunnerSubnets",
            Effect: "Allow",
            Action: "ec2:CreateNetworkInterfacePermission",
            Resource: `arn:${f.partition}:ec2:${f.region}:${f.accountId}:network-interface/*`,
            Condition: {
                StringEquals: {
                    "ec2:Subnet": f.subnetIds.map((id) => `arn:${f.partition}:ec2:${f.region}:${f.accountId}:subnet/${id}`),
                    "ec2:AuthorizedService": "codebuild.amazonaws.com",
                },
            },
        },
    ];
}
