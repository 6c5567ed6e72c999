import { strict as assert } from "assert";
import { CI_POLICIES } from "../../policies/rules/ci";
import { RuleCase, check, resource } from "../../policies/testing";
import { stackRun } from "../harness";
import { evaluatePolicies } from "../../policies/offline";
import { describeRuleCases } from "./ruleCases";

const PROJECT = "aws:codebuild/project:Project";
const WEBHOOK = "aws:codebuild/webhook:Webhook";

/** A project as the runner component builds it; cases change one thing. */
const project = (over: Record<string, unknown> = {}, environment: Record<string, unknown> = {}) =>
    resource(
        PROJECT,
        {
            name: "platform-prod-ci",
            environment: { type: "LINUX_CONTAINER", computeType: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/amazonlinux-x86_64-standard:5.0", privilegedMode: false, ...environment },
            logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: "/aws/codebuild/platform-prod-ci" }, s3Logs: { status: "DISABLED" } },
            vpcConfig: { vpcId: "vpc-1", subnets: ["subnet-1", "subnet-2"], securityGroupIds: ["sg-1"] },
            ...over,
        },
        { name: "ci-project" },
    );

const JOBS = { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" };
const NAMED = { type: "WORKFLOW_NAME", pattern: "^(Deploy|Preview)$" };
const webhook = (...filters: Record<string, unknown>[]) => resource(WEBHOOK, { projectName: "platform-prod-ci", buildType: "BUILD", filterGroups: [{ filters }] }, { name: "ci-webhook" });

const CASES: Record<string, RuleCase[]> = {
    "codebuild-privileged-mode-off": [
        { title: "a build without privileges", resources: [project()] },
        { title: "a privileged build", resources: [project({}, { privilegedMode: true })], violation: /privilegedMode is true/ },
    ],
    "codebuild-logging": [
        { title: "logs in CloudWatch", resources: [project()] },
        { title: "logs in S3 only", resources: [project({ logsConfig: { cloudwatchLogs: { status: "DISABLED" }, s3Logs: { status: "ENABLED", location: "b/p" } } })] },
        { title: "no logs anywhere", resources: [project({ logsConfig: { cloudwatchLogs: { status: "DISABLED" }, s3Logs: { status: "DISABLED" } } })], violation: /builds leave no record/ },
    ],
    "codebuild-no-plaintext-credentials": [
        { title: "a key kept in Secrets Manager, and a plain setting", resources: [project({}, { environmentVariables: [{ name: "AWS_SECRET_ACCESS_KEY", value: "ci/keys:secret", type: "SECRETS_MANAGER" }, { name: "LOG_LEVEL", value: "debug" }] })] },
        { title: "an access key in plain text", resources: [project({}, { environmentVariables: [{ name: "AWS_ACCESS_KEY_ID", value: "AKIAEXAMPLE", type: "PLAINTEXT" }] })], violation: /AWS_ACCESS_KEY_ID holds an AWS credential/ },
        { title: "a secret key with the default type", resources: [project({}, { environmentVariables: [{ name: "aws_secret_access_key", value: "x" }] })], violation: /aws_secret_access_key holds/ },
    ],
    "ci-runner-in-vpc": [
        { title: "a runner in the VPC whose webhook names its workflows", resources: [project(), webhook(JOBS, NAMED)] },
        { title: "a project built on pushes, outside any VPC", resources: [project({ vpcConfig: undefined }), webhook({ type: "EVENT", pattern: "PUSH" })] },
        { title: "a runner for every workflow", resources: [project(), webhook(JOBS)], violation: /starts runners for queued jobs of any workflow/ },
        { title: "a runner outside the VPC", resources: [project({ vpcConfig: undefined }), webhook(JOBS, NAMED)], violation: /runs GitHub Actions jobs outside the VPC/ },
        { title: "a runner with no subnets", resources: [project({ vpcConfig: { vpcId: "vpc-1", subnets: [], securityGroupIds: ["sg-1"] } }), webhook(JOBS, NAMED)], violation: /outside the VPC/ },
    ],
};

describeRuleCases("policies: CI runner rules", CI_POLICIES, CASES, () => {
    it("accepts the runner the shipped prod stack creates", async () => {
        const violations = evaluatePolicies(await stackRun("prod"), { policies: CI_POLICIES });
        assert.deepEqual(violations, []);
    });

    it("judges a runner by the project its webhook names, not by another one", () => {
        const other = resource(PROJECT, { name: "other", vpcConfig: undefined, environment: {} }, { name: "other-project" });
        assert.deepEqual(check(CI_POLICIES[3], [project(), other, webhook(JOBS, NAMED)]), []);
    });
});
