import * as aws from "../aws";
// The ec2 module alone: the package root also loads awsx's ECS, ECR and API Gateway code and an AWS SDK client.
import * as awsxEc2 from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./awsContext";
import { SubnetLayout, subnetLayout } from "../../lib/cidr";
import { policyDocument, serviceTrustPolicy } from "../../lib/iam";

/** AWS services reached through interface endpoints, so that nodes pull images and fetch secrets privately. */
export const INTERFACE_ENDPOINT_SERVICES = ["ecr.api", "ecr.dkr", "sts", "secretsmanager", "logs"] as const;

/** A VPC another team owns, used as it is. Every subnet list is in zone order. */
export interface ExistingVpc {
    readonly vpcId: string;
    /** The zone of each position of the subnet lists. */
    readonly availabilityZones: string[];
    readonly publicSubnetIds: string[];
    readonly privateSubnetIds: string[];
    readonly isolatedSubnetIds: string[];
    /** Each tier's subnet blocks, in zone order. */
    readonly subnetCidrs: SubnetLayout;
}

export interface NetworkArgs {
    /** IPv4 block of the VPC, /16 to /20. Required. */
    readonly cidr: string;
    /** Number of availability zones, 2 or 3. Required. */
    readonly availabilityZones: number;
    /** `single` NAT gateway, or one per zone (`onePerAz`). Required. */
    readonly natGateways: "single" | "onePerAz";
    /** Create interface endpoints for ECR, STS, Secrets Manager and CloudWatch Logs. Defaults to false. */
    readonly interfaceEndpoints?: boolean;
    /** Name of the EKS cluster that will use the subnets, for the discovery tag. Required. */
    readonly clusterName: string;
    /** Days to keep VPC flow logs. Required. */
    readonly flowLogRetentionInDays: number;
    /** KMS key ARN that encrypts the flow log group. Required. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** Account, region and partition. Required. */
    readonly aws: AwsContext;
    /**
     * Use this VPC instead of creating one: no VPC, subnets, routes, NAT gateways, flow logs, default
     * security group rules or S3 endpoint are created or changed; the workload security group and, when
     * enabled, the interface endpoints are. `availabilityZones` and `natGateways` then do not apply.
     * Defaults to creating a VPC.
     */
    readonly existing?: ExistingVpc;
}

/** What the rest of the network needs of a VPC, whether created here or given. */
interface VpcFacts {
    readonly vpcId: pulumi.Output<string>;
    readonly publicSubnetIds: pulumi.Output<string[]>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly isolatedSubnetIds: pulumi.Output<string[]>;
    readonly subnetCidrs: SubnetLayout;
}

/**
 * The VPC: public subnets for load balancers, private subnets for nodes and the broker, isolated subnets
 * (no route to the internet) for the database and cache. A VPC created here records all traffic in flow
 * logs and has its default security group emptied so that nothing can rely on it; a VPC given as
 * `existing` is left as its owners keep it.
 */
export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly cidrBlock: string;
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    public readonly isolatedSubnetIds: pulumi.Output<string[]>;
    /** The subnet blocks of each tier, in zone order. */
    public readonly subnetCidrs: SubnetLayout;
    /**
     * Security group carried by every node (and so by every pod). Data stores admit it; it exists before
     * the cluster, so they can be created while the control plane is still coming up.
     */
    public readonly workloadSecurityGroupId: pulumi.Output<string>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:network:Network", name, {}, opts);
        const interfaceEndpoints = args.interfaceEndpoints ?? false;
        const vpc: VpcFacts =
            args.existing === undefined
                ? this.ownVpc(name, args)
                : {
                      vpcId: pulumi.output(args.existing.vpcId),
                      publicSubnetIds: pulumi.output(args.existing.publicSubnetIds),
                      privateSubnetIds: pulumi.output(args.existing.privateSubnetIds),
                      isolatedSubnetIds: pulumi.output(args.existing.isolatedSubnetIds),
                      subnetCidrs: args.existing.subnetCidrs,
                  };

        const workloadSg = new aws.ec2.SecurityGroup(
            `${name}-workloads`,
            { vpcId: vpc.vpcId, description: "Identifies cluster nodes and pods to the data stores; holds no rules of its own" },
            { parent: this },
        );

        if (interfaceEndpoints) {
            const endpointSg = new aws.ec2.SecurityGroup(
                `${name}-endpoints`,
                {
                    vpcId: vpc.vpcId,
                    description: "HTTPS from inside the VPC to AWS interface endpoints",
                    ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.cidr], description: "HTTPS from the VPC" }],
                },
                { parent: this },
            );
            for (const service of INTERFACE_ENDPOINT_SERVICES) {
                new aws.ec2.VpcEndpoint(
                    `${name}-${service.replace(".", "-")}`,
                    {
                        vpcId: vpc.vpcId,
                        vpcEndpointType: "Interface",
                        serviceName: pulumi.interpolate`com.amazonaws.${args.aws.region}.${service}`,
                        subnetIds: vpc.privateSubnetIds,
                        securityGroupIds: [endpointSg.id],
                        privateDnsEnabled: true,
                    },
                    { parent: this },
                );
            }
        }

        this.vpcId = vpc.vpcId;
        this.cidrBlock = args.cidr;
        this.subnetCidrs = vpc.subnetCidrs;
        this.publicSubnetIds = vpc.publicSubnetIds;
        this.privateSubnetIds = vpc.privateSubnetIds;
        this.isolatedSubnetIds = vpc.isolatedSubnetIds;
        this.workloadSecurityGroupId = workloadSg.id;
        this.registerOutputs({
            workloadSecurityGroupId: this.workloadSecurityGroupId,
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            isolatedSubnetIds: this.isolatedSubnetIds,
        });
    }

    /** A VPC of the stack's own, with discovery tags on its subnets, flow logs, a closed default group and the S3 endpoint. */
    private ownVpc(name: string, args: NetworkArgs): VpcFacts {
        const layout = subnetLayout(args.cidr, args.availabilityZones);
        const discovery = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };
        const vpc = new awsxEc2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: args.cidr,
                numberOfAvailabilityZones: args.availabilityZones,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                subnetStrategy: "Auto",
                natGateways: { strategy: args.natGateways === "single" ? "Single" : "OnePerAz" },
                subnetSpecs: [
                    { type: "Public", cidrBlocks: layout.public, tags: { ...discovery, "kubernetes.io/role/elb": "1" } },
                    { type: "Private", cidrBlocks: layout.private, tags: { ...discovery, "kubernetes.io/role/internal-elb": "1" } },
                    { type: "Isolated", cidrBlocks: layout.isolated, tags: { Tier: "data" } },
                ],
            },
            { parent: this },
        );

        new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.vpcId, ingress: [], egress: [] }, { parent: this });

        const flowLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            { retentionInDays: args.flowLogRetentionInDays, kmsKeyId: args.logsKmsKeyArn },
            { parent: this },
        );
        const flowLogRole = new aws.iam.Role(
            `${name}-flow-logs`,
            { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("vpc-flow-logs.amazonaws.com")) },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-flow-logs`,
            {
                role: flowLogRole.name,
                policy: flowLogGroup.arn.apply((arn) =>
                    JSON.stringify(
                        policyDocument([
                            {
                                Effect: "Allow",
                                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                                Resource: [arn, `${arn}:*`],
                            },
                        ]),
                    ),
                ),
            },
            { parent: this },
        );
        new aws.ec2.FlowLog(
            `${name}-flow-log`,
            {
                vpcId: vpc.vpcId,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: flowLogGroup.arn,
                iamRoleArn: flowLogRole.arn,
                maxAggregationInterval: 60,
            },
            { parent: this },
        );

        // S3 is reached through a free gateway endpoint from every route table (ECR image layers live in S3).
        new aws.ec2.VpcEndpoint(
            `${name}-s3`,
            {
                vpcId: vpc.vpcId,
                vpcEndpointType: "Gateway",
                serviceName: pulumi.interpolate`com.amazonaws.${args.aws.region}.s3`,
                routeTableIds: vpc.routeTables.apply((tables) => tables.map((t) => t.id)),
            },
            { parent: this },
        );
        return {
            vpcId: vpc.vpcId,
            publicSubnetIds: vpc.publicSubnetIds,
            privateSubnetIds: vpc.privateSubnetIds,
            isolatedSubnetIds: vpc.isolatedSubnetIds,
            subnetCidrs: layout,
        };
    }
}
