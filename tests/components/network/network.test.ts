import { strict as assert } from "assert";
import { INTERFACE_ENDPOINT_SERVICES } from "../../../components/network/network";
import { json, ofType, one, stackRun, variantRun } from "../../harness";

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

    describe("an existing VPC", () => {
        const existing = {
            vpcId: "vpc-0a1b2c3d4e5f60718",
            availabilityZones: ["us-east-1a", "us-east-1b"],
            publicSubnetIds: ["subnet-0aa1aa1aa1aa1aa10", "subnet-0aa2aa2aa2aa2aa20"],
            privateSubnetIds: ["subnet-0bb1bb1bb1bb1bb10", "subnet-0bb2bb2bb2bb2bb20"],
            isolatedSubnetIds: ["subnet-0cc1cc1cc1cc1cc10", "subnet-0cc2cc2cc2cc2cc20"],
            subnetCidrs: { public: ["172.31.0.0/24", "172.31.1.0/24"], private: ["172.31.32.0/20", "172.31.48.0/20"], isolated: ["172.31.8.0/24", "172.31.9.0/24"] },
        };
        const run = () => variantRun("dev", { "platform:network": { cidr: "172.31.0.0/16", interfaceEndpoints: true, existing } });

        it("is used as it is: no VPC, flow log, default-group rules or S3 endpoint of the stack's own", async () => {
            const r = await run();
            const network = one(r, "platform:network:Network");
            const children = r.resources.filter((x) => x.parent === network.urn).map((x) => x.type).sort();
            assert.deepEqual(children, ["aws:ec2/securityGroup:SecurityGroup", "aws:ec2/securityGroup:SecurityGroup", ...Array(5).fill("aws:ec2/vpcEndpoint:VpcEndpoint")]);
            assert.deepEqual([r.outputs.vpcId, r.outputs.publicSubnetIds, r.outputs.isolatedSubnetIds], [existing.vpcId, existing.publicSubnetIds, existing.isolatedSubnetIds]);
        });

        it("still gets the workload group and, when asked, interface endpoints in its private subnets", async () => {
            const r = await run();
            assert.equal(one(r, "aws:ec2/securityGroup:SecurityGroup", "network-workloads").inputs.vpcId, existing.vpcId);
            for (const e of ofType(r, "aws:ec2/vpcEndpoint:VpcEndpoint")) {
                assert.deepEqual([e.inputs.vpcId, e.inputs.vpcEndpointType, e.inputs.subnetIds], [existing.vpcId, "Interface", existing.privateSubnetIds]);
            }
            const sg = one(r, "aws:ec2/securityGroup:SecurityGroup", "network-endpoints");
            assert.deepEqual((sg.inputs.ingress as { cidrBlocks: string[] }[])[0].cidrBlocks, ["172.31.0.0/16"], "HTTPS from the VPC's own block");
        });
    });
});
