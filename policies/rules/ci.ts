import { PlatformPolicy, ofTypes, resourceRule, stackRule } from "../lib/rule";
import { at, field, isRecord, isTrue, isUnknown, list, str } from "../lib/values";

/** CodeBuild projects, the in-VPC CI runner among them. */

const PROJECT = "aws:codebuild/project:Project";
const WEBHOOK = "aws:codebuild/webhook:Webhook";

/** Variables FSBP CodeBuild.2 looks for in plain text: AWS credentials. */
const CREDENTIAL_VARIABLES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];

export const codebuildPrivilegedModeOff = resourceRule({
    name: "codebuild-privileged-mode-off",
    summary: "CodeBuild projects do not run builds in privileged mode, which gives the build container the host's devices.",
    controls: ["FSBP CodeBuild.5"],
    severity: "high",
    appliesTo: ofTypes(PROJECT),
    validate: (r, report) => {
        if (isTrue(at(r.props, "environment.privilegedMode"))) {
            report("environment.privilegedMode is true; a job could reach the build host's devices. Build images elsewhere, or set it to false");
        }
    },
});

export const codebuildLogging = resourceRule({
    name: "codebuild-logging",
    summary: "CodeBuild projects send build logs to CloudWatch Logs or S3.",
    controls: ["FSBP CodeBuild.4"],
    severity: "medium",
    appliesTo: ofTypes(PROJECT),
    validate: (r, report) => {
        const cloudwatch = str(at(r.props, "logsConfig.cloudwatchLogs.status"));
        const s3 = str(at(r.props, "logsConfig.s3Logs.status"));
        // CloudWatch logging is on unless disabled; S3 logging is off unless enabled.
        if (cloudwatch === "DISABLED" && s3 !== "ENABLED") {
            report("logsConfig disables CloudWatch Logs and does not enable S3 logs, so builds leave no record; enable cloudwatchLogs with a log group that has a retention");
        }
    },
});

export const codebuildNoPlaintextCredentials = resourceRule({
    name: "codebuild-no-plaintext-credentials",
    summary: "CodeBuild projects carry no AWS access keys in plain-text environment variables.",
    controls: ["FSBP CodeBuild.2"],
    severity: "critical",
    appliesTo: ofTypes(PROJECT),
    validate: (r, report) => {
        for (const variable of list(at(r.props, "environment.environmentVariables")).filter(isRecord)) {
            const name = str(variable.name) ?? "";
            const type = str(variable.type) ?? "PLAINTEXT";
            if (CREDENTIAL_VARIABLES.includes(name.toUpperCase()) && type === "PLAINTEXT") {
                report(`environment variable ${name} holds an AWS credential in plain text; give the build a role (or OIDC) instead, or keep it in Secrets Manager (type SECRETS_MANAGER)`);
            }
        }
    },
});

/** True for a webhook that starts builds for queued GitHub Actions jobs: the project is a runner. */
function startsRunners(webhook: { props: Record<string, unknown> }): boolean {
    return list(webhook.props.filterGroups).some((group) =>
        list(field(group, "filters")).some((f) => str(field(f, "type")) === "EVENT" && (str(field(f, "pattern")) ?? "").includes("WORKFLOW_JOB_QUEUED")),
    );
}

export const ciRunnerPrivate = stackRule({
    name: "ci-runner-in-vpc",
    summary:
        "A CodeBuild project that runs GitHub Actions jobs runs inside the VPC, in subnets and a security group of its own choosing, and its webhook names the workflows it serves.",
    controls: ["Platform"],
    severity: "high",
    validate: (stack, report) => {
        for (const webhook of stack.ofType(WEBHOOK).filter(startsRunners)) {
            const groups = list(webhook.props.filterGroups);
            const named = groups.every((g) => list(field(g, "filters")).some((f) => str(field(f, "type")) === "WORKFLOW_NAME"));
            if (!named) {
                report(`${webhook.name}: a filter group starts runners for queued jobs of any workflow; add a WORKFLOW_NAME filter naming the workflows that need the runner`, webhook.urn);
            }
            const project = stack
                .ofType(PROJECT)
                .find((p) => stack.references(webhook, "projectName", { urns: [p.urn], values: [str(p.props.name) ?? ""].filter((n) => n !== "") }) === true);
            if (project === undefined) {
                continue;
            }
            const vpc = project.props.vpcConfig;
            const subnets = field(vpc, "subnets");
            if (!isRecord(vpc) || (!isUnknown(subnets) && list(subnets).length === 0)) {
                report(`${project.name}: runs GitHub Actions jobs outside the VPC, where they cannot reach the private API endpoint; set vpcConfig with the private subnets and a security group`, project.urn);
            }
        }
    },
});

export const CI_POLICIES: readonly PlatformPolicy[] = [codebuildPrivilegedModeOff, codebuildLogging, codebuildNoPlaintextCredentials, ciRunnerPrivate];
