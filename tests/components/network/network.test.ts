import { strict as assert } from "assert";
import { INTERFACE_ENDPOINT_SERVICES } from "../../../components/network/network";
import { json, ofType, one, stackRun } from "../../harness";

describe("network", () => {
    it("dev: two zones, one NAT gateway, three subnet tiers laid out explicitly", async () => {
        const vpc = one(await stackRun("dev"), "awsx:ec2:Vpc");
        assert.equal(vpc.inputs.cidrBlock, "10.0.0.0/16");
        assert.equal(vpc.inputs.numberOfAvailabilityZones, 2);
        assert.deepEqual(vpc.inputs.natGateways, { strategy: "Single" });
        assert.equal(vpc.inputs.subnetStrategy, "Auto");
        const specs = vpc.inputs.subnetSpecs as { type: string; cidrBlocks: string[] }[];
        assert.deepEqual(specs.map((s) => [s.type, s.cidrBlocks]), [
            ["Public", ["10.0.96.0/22", "10.0.100.0/22"]],
            ["Private", ["10.0.0.0/19", "10.0.32.0/19"]],
            ["Isolated", ["10.0.108.0/22", "10.0.112.0/22"]],
        ]);
    });

    it("prod: three zones with a NAT gateway each", async () => {
        const vpc = one(await stackRun("prod"), "awsx:ec2:Vpc");
        assert.equal(vpc.inputs.numberOfAvailabilityZones, 3);
        assert.deepEqual(vpc.inputs.natGateways, { strategy: "OnePerAz" });
    });

    it("tags subnets for load balancers and cluster discovery; data subnets get neither", async () => {
        const vpc = one(await stackRun("dev"), "awsx:ec2:Vpc");
        const specs = vpc.inputs.subnetSpecs as { type: string; tags: Record<string, string> }[];
        const tags = Object.fromEntries(specs.map((s) => [s.type, s.tags]));
        assert.equal(tags.Public["kubernetes.io/role/elb"], "1");
        assert.equal(tags.Private["kubernetes.io/role/internal-elb"], "1");
        assert.equal(tags.Public["kubernetes.io/cluster/platform-dev"], "shared");
        assert.equal(tags.Private["kubernetes.io/cluster/platform-dev"], "shared");
        assert.equal(tags.Isolated["kubernetes.io/cluster/platform-dev"], undefined);
        assert.equal(tags.Isolated["kubernetes.io/role/internal-elb"], undefined);
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: flow logs of all traffic go to an encrypted log group with retention`, async () => {
            const run = await stackRun(stack);
            const vpc = one(run, "awsx:ec2:Vpc");
            const flowLog = one(run, "aws:ec2/flowLog:FlowLog");
            const group = one(run, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs");
            const logsKey = one(run, "aws:kms/key:Key", "encryption-logs");
            assert.equal(flowLog.inputs.vpcId, vpc.outputs.vpcId);
            assert.equal(flowLog.inputs.trafficType, "ALL");
            assert.equal(flowLog.inputs.logDestination, group.outputs.arn);
            assert.equal(group.inputs.kmsKeyId, logsKey.outputs.arn);
            assert.equal(group.inputs.retentionInDays, stack === "prod" ? 365 : 14);
            const role = one(run, "aws:iam/role:Role", "network-flow-logs");
            assert.equal(flowLog.inputs.iamRoleArn, role.outputs.arn);
            const policy = json<{ Statement: { Action: string[]; Resource: string[] }[] }>(one(run, "aws:iam/rolePolicy:RolePolicy", "network-flow-logs").inputs.policy);
            assert.deepEqual(policy.Statement[0].Resource, [group.outputs.arn, `${group.outputs.arn}:*`], "the role writes to its own log group only");
        });

        it(`${stack}: the default security group has no rules`, async () => {
            const sg = one(await stackRun(stack), "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
            assert.deepEqual(sg.inputs.ingress, []);
            assert.deepEqual(sg.inputs.egress, []);
        });

        it(`${stack}: S3 is reached through a gateway endpoint on every route table`, async () => {
            const run = await stackRun(stack);
            const vpc = one(run, "awsx:ec2:Vpc");
            const s3 = one(run, "aws:ec2/vpcEndpoint:VpcEndpoint", "network-s3");
            assert.equal(s3.inputs.vpcEndpointType, "Gateway");
            assert.equal(s3.inputs.serviceName, "com.amazonaws.us-east-1.s3");
            assert.deepEqual(s3.inputs.routeTableIds, (vpc.outputs.routeTables as { id: string }[]).map((t) => t.id));
        });
    }

    it("dev has no interface endpoints (they cost per zone-hour)", async () => {
        const endpoints = ofType(await stackRun("dev"), "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
        assert.equal(endpoints.length, 0);
    });

    it("prod reaches ECR, STS, Secrets Manager and CloudWatch Logs privately", async () => {
        const run = await stackRun("prod");
        const vpc = one(run, "awsx:ec2:Vpc");
        const endpoints = ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
        assert.deepEqual(endpoints.map((e) => e.inputs.serviceName).sort(), INTERFACE_ENDPOINT_SERVICES.map((s) => `com.amazonaws.us-east-1.${s}`).sort());
        const sg = one(run, "aws:ec2/securityGroup:SecurityGroup", "network-endpoints");
        for (const e of endpoints) {
            assert.equal(e.inputs.privateDnsEnabled, true);
            assert.deepEqual(e.inputs.subnetIds, vpc.outputs.privateSubnetIds);
            assert.deepEqual(e.inputs.securityGroupIds, [sg.id]);
        }
        assert.deepEqual(
            (sg.inputs.ingress as { fromPort: number; toPort: number; cidrBlocks: string[] }[]).map((r) => [r.fromPort, r.toPort, r.cidrBlocks]),
            [[443, 443, ["10.0.0.0/16"]]],
        );
    });
});
