import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { RUNNER_WORKFLOWS, runnerFilterGroup, runnerServiceStatements } from "../../../components/ci/runnerPolicy";
import { ciProjectName } from "../../../config/names";
import { PolicyStatement, allows } from "../../../lib/iam";
import { stackPrefix } from "../../../lib/naming";
import { RecordedResource } from "../../../offline/run";
import { ROOT, json, ofType, one, stackRun, variantRun } from "../../harness";
import { IN_VPC_LABEL, WORKFLOW_FILES, loadWorkflow } from "../../support/workflows";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONNECTION = "arn:aws:codeconnections:us-east-1:123456789012:connection/c4d5e6f7-0a1b-4c2d-8e3f-9a0b1c2d3e4f";

/** Every resource below a component, at any depth. */
function below(resources: RecordedResource[], ancestor: RecordedResource): RecordedResource[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const inside = (r: RecordedResource): boolean => r.parent !== undefined && (r.parent === ancestor.urn || (byUrn.has(r.parent) && inside(byUrn.get(r.parent) as RecordedResource)));
    return resources.filter(inside);
}

describe("ci: the in-VPC runner", () => {
    it("is a CodeBuild project configured as a GitHub Actions runner of the repository, in the private subnets", async () => {
        const run = await stackRun("prod");
        const project = one(run, "aws:codebuild/project:Project").inputs as AnyObj;
        const vpc = one(run, "awsx:ec2:Vpc").outputs;
        assert.equal(project.name, "platform-prod-ci");
        assert.deepEqual(project.source, { type: "GITHUB", location: "https://github.com/example/platform.git", auth: { type: "CODECONNECTIONS", resource: CONNECTION } });
        assert.deepEqual(project.vpcConfig, { vpcId: vpc.vpcId, subnets: vpc.privateSubnetIds, securityGroupIds: [one(run, "aws:ec2/securityGroup:SecurityGroup", "ci-runner").id] });
        assert.equal(project.environment.privilegedMode, false);
        assert.equal(project.environment.type, "LINUX_CONTAINER");
        assert.equal(project.environment.computeType, "BUILD_GENERAL1_SMALL");
        assert.equal(project.buildTimeout, 120);
        assert.equal(project.serviceRole, one(run, "aws:iam/role:Role", "ci-service").outputs.arn);
        assert.equal(run.outputs.ciRunnerProject, "platform-prod-ci");
    });

    it("starts a build only for queued jobs of the workflows that need the runner", async () => {
        const run = await stackRun("prod");
        const webhook = one(run, "aws:codebuild/webhook:Webhook").inputs as AnyObj;
        assert.equal(webhook.projectName, "platform-prod-ci");
        assert.equal(webhook.scopeConfiguration, undefined, "a repository webhook, not an organization-wide one");
        assert.deepEqual(webhook.filterGroups, [{ filters: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }, { type: "WORKFLOW_NAME", pattern: "^(Deploy|Preview|Drift check)$" }] }]);
        const pattern = new RegExp(webhook.filterGroups[0].filters[1].pattern);
        assert.ok(pattern.test("Drift check") && !pattern.test("Pull request") && !pattern.test("Deploy everything"));
    });

    it("names exactly the workflows whose jobs ask for a CodeBuild runner", () => {
        const needing = WORKFLOW_FILES.map(loadWorkflow)
            .filter((wf) => Object.values(wf.jobs).some((job) => String(job["runs-on"] ?? "").startsWith("codebuild-")))
            .map((wf) => wf.name)
            .sort();
        assert.deepEqual([...RUNNER_WORKFLOWS].sort(), needing);
        assert.match("codebuild-platform-prod-ci-12-1", IN_VPC_LABEL);
    });

    it("is named as the README's CI_RUNNER_PROJECTS example names each stack's runner", async () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const example = JSON.parse(/`CI_RUNNER_PROJECTS`, a JSON object naming each stack's runner\s+project, for example `(\{[^`]+\})`/.exec(readme)?.[1] ?? "{}") as Record<string, string>;
        assert.ok(Object.keys(example).length > 0, "the README gives an example");
        for (const [stack, project] of Object.entries(example)) {
            assert.equal(ciProjectName(stackPrefix("platform", stack)), project);
            assert.equal(one(await stackRun(stack), "aws:codebuild/project:Project").inputs.name, project);
        }
    });

    it("has no inbound rules and reaches out over HTTPS only", async () => {
        const sg = one(await stackRun("dev"), "aws:ec2/securityGroup:SecurityGroup", "ci-runner").inputs;
        assert.deepEqual(sg.ingress, []);
        assert.deepEqual(sg.egress, [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS" }]);
    });

    it("logs to its own encrypted log group with the stack's retention", async () => {
        const run = await stackRun("dev");
        const group = one(run, "aws:cloudwatch/logGroup:LogGroup", "ci-logs");
        assert.equal(group.inputs.name, "/aws/codebuild/platform-dev-ci");
        assert.equal(group.inputs.kmsKeyId, one(run, "aws:kms/key:Key", "encryption-logs").outputs.arn);
        assert.equal(group.inputs.retentionInDays, 14);
        assert.deepEqual((one(run, "aws:codebuild/project:Project").inputs as AnyObj).logsConfig, { cloudwatchLogs: { status: "ENABLED", groupName: group.outputs.name }, s3Logs: { status: "DISABLED" } });
    });

    it("gives CodeBuild a role that writes the logs and runs the build, and reaches nothing of the stack", async () => {
        const run = await stackRun("prod");
        const trust = json<AnyObj>(one(run, "aws:iam/role:Role", "ci-service").inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement[0].Principal, { Service: "codebuild.amazonaws.com" });
        assert.deepEqual(trust.Statement[0].Condition.ArnLike, { "aws:SourceArn": "arn:aws:codebuild:us-east-1:123456789012:project/platform-prod-ci" });
        const statements = json<{ Statement: PolicyStatement[] }>(one(run, "aws:iam/rolePolicy:RolePolicy", "ci-service").inputs.policy).Statement;
        const group = String(one(run, "aws:cloudwatch/logGroup:LogGroup", "ci-logs").outputs.arn);
        assert.ok(allows(statements, { action: "logs:PutLogEvents", resource: `${group}:log-stream:build-1` }));
        assert.ok(!allows(statements, { action: "logs:PutLogEvents", resource: String(one(run, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").outputs.arn) }));
        assert.ok(allows(statements, { action: "codeconnections:GetConnectionToken", resource: CONNECTION }));
        const stackSecret = String(ofType(run, "aws:secretsmanager/secret:Secret")[0].outputs.arn);
        for (const [action, resource] of [
            ["secretsmanager:GetSecretValue", stackSecret],
            ["kms:Decrypt", String(one(run, "aws:kms/key:Key", "encryption-secrets").outputs.arn)],
            ["eks:DescribeCluster", "arn:aws:eks:us-east-1:123456789012:cluster/platform-prod"],
            ["iam:PassRole", "arn:aws:iam::123456789012:role/anything"],
            ["sts:AssumeRole", "arn:aws:iam::123456789012:role/platform-prod-deploy"],
        ]) {
            assert.ok(!allows(statements, { action, resource }), `${action} on ${resource}`);
        }
        const privateSubnets = one(run, "awsx:ec2:Vpc").outputs.privateSubnetIds as string[];
        const attach = (subnet: string) => ({ action: "ec2:CreateNetworkInterfacePermission", resource: "arn:aws:ec2:us-east-1:123456789012:network-interface/eni-1", context: { "ec2:Subnet": `arn:aws:ec2:us-east-1:123456789012:subnet/${subnet}`, "ec2:AuthorizedService": "codebuild.amazonaws.com" } });
        assert.ok(allows(statements, attach(privateSubnets[0])));
        assert.ok(!allows(statements, attach((one(run, "awsx:ec2:Vpc").outputs.isolatedSubnetIds as string[])[0])), "not in the data subnets");
    });

    it("is admitted by the cluster's API endpoint on 443, and depends on nothing of the cluster", async () => {
        const run = await stackRun("prod");
        const rule = one(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "cluster-api-from-ci").inputs;
        const eks = one(run, "eks:index:Cluster").outputs as AnyObj;
        assert.deepEqual(
            [rule.securityGroupId, rule.referencedSecurityGroupId, rule.ipProtocol, rule.fromPort, rule.toPort],
            [eks.eksCluster.vpcConfig.clusterSecurityGroupId, one(run, "aws:ec2/securityGroup:SecurityGroup", "ci-runner").id, "tcp", 443, 443],
        );
        const runner = one(run, "platform:ci:Runner");
        const clusterUrns = new Set(below(run.resources, one(run, "platform:cluster:Cluster")).map((r) => r.urn));
        for (const r of below(run.resources, runner)) {
            assert.deepEqual(r.dependencies.filter((u) => clusterUrns.has(u)), [], r.urn);
        }
    });

    it("is absent, with its rule and output, when platform:ci is off", async () => {
        const run = await variantRun("dev", { "platform:ci": { enabled: false } });
        assert.deepEqual(ofType(run, "platform:ci:Runner"), []);
        assert.deepEqual(ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), []);
        assert.equal(run.outputs.ciRunnerProject, undefined);
    });
});

describe("ci: the runner's documents", () => {
    const facts = { partition: "aws", region: "eu-west-1", accountId: "123456789012", projectName: "platform-prod-ci", logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/codebuild/platform-prod-ci", subnetIds: ["subnet-1", "subnet-2"] };

    it("uses the connection's own service prefix in the actions", () => {
        for (const service of ["codeconnections", "codestar-connections"]) {
            const connectionArn = `arn:aws:${service}:eu-west-1:123456789012:connection/c4d5e6f7-0a1b-4c2d-8e3f-9a0b1c2d3e4f`;
            const statements = runnerServiceStatements({ ...facts, connectionArn });
            assert.ok(allows(statements, { action: `${service}:GetConnectionToken`, resource: connectionArn }), service);
        }
    });

    it("lets interfaces be attached in the runner's subnets only, and only for CodeBuild", () => {
        const statements = runnerServiceStatements({ ...facts, connectionArn: CONNECTION });
        const request = (subnet: string, service = "codebuild.amazonaws.com") => ({
            action: "ec2:CreateNetworkInterfacePermission",
            resource: "arn:aws:ec2:eu-west-1:123456789012:network-interface/eni-1",
            context: { "ec2:Subnet": `arn:aws:ec2:eu-west-1:123456789012:subnet/${subnet}`, "ec2:AuthorizedService": service },
        });
        assert.ok(allows(statements, request("subnet-2")));
        assert.ok(!allows(statements, request("subnet-3")));
        assert.ok(!allows(statements, request("subnet-1", "lambda.amazonaws.com")));
    });

    it("escapes workflow names in the webhook's pattern", () => {
        assert.equal(runnerFilterGroup(["Deploy (prod)", "a.b"])[1].pattern, "^(Deploy \\(prod\\)|a\\.b)$");
    });
});
