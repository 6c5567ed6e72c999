import { strict as assert } from "assert";
import type { RecordedResource } from "../../offline/run";
import { PlatformPolicy } from "../../policies/lib/rule";
import { UNKNOWN } from "../../policies/lib/values";
import { AWS_NETWORK_POLICIES } from "../../policies/rules/awsNetwork";
import { EKS_POLICIES } from "../../policies/rules/eks";
import { RuleCase, check, resource } from "../../policies/testing";
import { describeRuleCases } from "./ruleCases";

const VPC_ID = "vpc-0a1b2c3d4e5f60718";
const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1f0c5a3e-0000-4000-8000-000000000001";
const ALL_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** The awsx VPC component as the mocks record it: inputs plus its outputs, no children. */
const awsxVpc = (name = "network-vpc") => resource("awsx:ec2:Vpc", { cidrBlock: "10.0.0.0/16" }, { name, outputs: { vpcId: VPC_ID } });

/** The shape of a real preview: the component with an `aws:ec2/vpc:Vpc` child whose ID is not known yet. */
function realVpc(): { component: RecordedResource; vpc: RecordedResource } {
    const component = resource("awsx:ec2:Vpc", { cidrBlock: "10.0.0.0/16" }, { name: "network-vpc" });
    const vpc = resource("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16" }, { name: "network-vpc", parent: component.urn, id: "" });
    return { component, vpc };
}

const defaultSg = (inputs: Record<string, unknown>, dependencies: string[] = []) =>
    resource("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", { vpcId: VPC_ID, ingress: [], egress: [], ...inputs }, { dependencies });
const flowLog = (inputs: Record<string, unknown>, dependencies: string[] = []) =>
    resource("aws:ec2/flowLog:FlowLog", { vpcId: VPC_ID, trafficType: "ALL", logDestinationType: "cloud-watch-logs", ...inputs }, { dependencies });
const sg = (name: string, ingress: Record<string, unknown>[]) => resource("aws:ec2/securityGroup:SecurityGroup", { vpcId: VPC_ID, ingress }, { name, id: `sg-${name}` });
const tcp = (port: number, cidrBlocks: string[]) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks });

/** An `eks:index:Cluster` component with the program's settings, overridden per case. */
const eksComponent = (inputs: Record<string, unknown> = {}, options: { protect?: boolean; name?: string } = {}) =>
    resource(
        "eks:index:Cluster",
        {
            name: "platform-prod",
            version: "1.35",
            endpointPrivateAccess: true,
            endpointPublicAccess: false,
            authenticationMode: "API",
            enabledClusterLogTypes: ALL_LOGS,
            encryptionConfigKeyArn: KEY_ARN,
            ...inputs,
        },
        options,
    );

/** The `aws:eks/cluster:Cluster` an eks component creates in a real preview. */
const awsCluster = (inputs: Record<string, unknown> = {}, parent?: string) =>
    resource(
        "aws:eks/cluster:Cluster",
        {
            name: "platform-prod",
            version: "1.35",
            vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false },
            accessConfig: { authenticationMode: "API" },
            enabledClusterLogTypes: ALL_LOGS,
            encryptionConfig: { provider: { keyArn: UNKNOWN }, resources: ["secrets"] },
            ...inputs,
        },
        { parent },
    );

function componentWithChild(componentInputs: Record<string, unknown>, clusterInputs: Record<string, unknown>): RecordedResource[] {
    const component = eksComponent(componentInputs);
    return [component, awsCluster(clusterInputs, component.urn)];
}

const CASES: Record<string, RuleCase[]> = {
    "ec2-default-security-group-closed": [
        { title: "the VPC's default security group is managed and empty", resources: [awsxVpc(), defaultSg({})] },
        (() => {
            const { component, vpc } = realVpc();
            return { title: "real preview: VPC ID unknown, matched through the dependency on the component", resources: [component, vpc, defaultSg({ vpcId: UNKNOWN }, [component.urn])] };
        })(),
        { title: "a rule left in the default security group", resources: [awsxVpc(), defaultSg({ ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] })], violation: /ingress has 1 rule/ },
        { title: "a VPC whose default security group is not managed", resources: [awsxVpc()], violation: /leaves its default security group unmanaged/ },
    ],
    "ec2-vpc-flow-logs": [
        { title: "a flow log on the VPC", resources: [awsxVpc(), flowLog({})] },
        (() => {
            const { component, vpc } = realVpc();
            return { title: "real preview: flow log's vpcId unknown, matched through its dependency", resources: [component, vpc, flowLog({ vpcId: UNKNOWN }, [component.urn])] };
        })(),
        { title: "no flow log", resources: [awsxVpc()], violation: /has no flow log/ },
        { title: "a flow log of accepted traffic only", resources: [awsxVpc(), flowLog({ trafficType: "ACCEPT" })], violation: /accepted traffic only/ },
        { title: "a flow log on another VPC", resources: [awsxVpc(), flowLog({ vpcId: "vpc-other" })], violation: /has no flow log/ },
    ],
    "ec2-no-unrestricted-ingress": [
        { title: "HTTPS from the VPC only", resources: [sg("endpoints", [tcp(443, ["10.0.0.0/16"])])] },
        {
            title: "HTTPS from anywhere on a load balancer's security group",
            resources: [sg("alb", [tcp(443, ["0.0.0.0/0"]), tcp(80, ["0.0.0.0/0"])]), resource("aws:lb/loadBalancer:LoadBalancer", { securityGroups: ["sg-alb"] })],
        },
        { title: "SSH from anywhere", resources: [sg("bastion", [tcp(22, ["0.0.0.0/0"])])], violation: /allows port 22 from 0\.0\.0\.0\/0/ },
        { title: "HTTPS from anywhere on a security group no load balancer uses", resources: [sg("app", [tcp(443, ["0.0.0.0/0"])])], violation: /not attached to a load balancer/ },
        {
            title: "a standalone rule opening every port to ::/0",
            resources: [resource("aws:ec2/securityGroupRule:SecurityGroupRule", { type: "ingress", protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"], securityGroupId: "sg-x" })],
            violation: /every port from ::\/0/,
        },
        {
            title: "a VPC ingress rule opening PostgreSQL",
            resources: [resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "0.0.0.0/0", securityGroupId: "sg-db" })],
            violation: /port 5432/,
        },
    ],
    "ec2-imdsv2-required": [
        { title: "IMDSv2 with one hop", resources: [resource("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 } })] },
        {
            title: "two hops where config allows them",
            resources: [resource("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } })],
            overrides: { "ec2-imdsv2-required": { maxHopLimit: 2 } },
        },
        { title: "IMDSv1 allowed", resources: [resource("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpTokens: "optional" } })], violation: /httpTokens is "optional"/ },
        { title: "no metadata options", resources: [resource("aws:ec2/instance:Instance", { ami: "ami-1" })], violation: /unset \(IMDSv1 allowed\)/ },
        { title: "two hops", resources: [resource("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } })], violation: /HopLimit is 2/ },
    ],
    "eks-endpoint-private": [
        { title: "private endpoint (component, offline)", resources: [eksComponent()] },
        { title: "private endpoint (aws cluster, real preview)", resources: componentWithChild({ endpointPublicAccess: true }, {}) },
        {
            title: "a public endpoint limited to listed networks where the stack allows one",
            resources: [eksComponent({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })],
            overrides: { "eks-endpoint-private": { allowPublicEndpoint: true } },
        },
        { title: "public endpoint", resources: [eksComponent({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })], violation: /endpointPublicAccess is true/ },
        { title: "endpoint access left to EKS's default (public, open)", resources: [eksComponent({ endpointPublicAccess: undefined })], violation: /is true and open to 0\.0\.0\.0\/0/ },
        {
            title: "an allowed public endpoint open to the internet",
            resources: [awsCluster({ vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } })],
            overrides: { "eks-endpoint-private": { allowPublicEndpoint: true } },
            violation: /vpcConfig\.publicAccessCidrs/,
        },
    ],
    "eks-supported-version": [
        { title: "a version in standard support", resources: [eksComponent({ version: "1.35" })], overrides: { "eks-supported-version": { asOf: "2026-11-23" } } },
        { title: "a version not known yet", resources: [awsCluster({ version: UNKNOWN })] },
        { title: "a version the catalog does not list", resources: [eksComponent({ version: "1.29" })], violation: /"1\.29" is not a supported version; use one of 1\.34, 1\.35/ },
        { title: "no version", resources: [eksComponent({ version: undefined })], violation: /version is not set/ },
        {
            title: "a version past its end of standard support",
            resources: [eksComponent({ version: "1.34" })],
            overrides: { "eks-supported-version": { asOf: "2027-01-01" } },
            violation: /left standard support on 2026-12-02; upgrade to 1\.35/,
        },
    ],
    "eks-secrets-encrypted": [
        { title: "a customer-managed key", resources: [eksComponent()] },
        { title: "a key not known yet (real preview)", resources: [awsCluster()] },
        { title: "no encryption", resources: [eksComponent({ encryptionConfigKeyArn: undefined })], violation: /encryptionConfigKeyArn is not set/ },
        { title: "an AWS managed key", resources: [awsCluster({ encryptionConfig: { provider: { keyArn: "arn:aws:kms:us-east-1:123456789012:alias/aws/eks" }, resources: ["secrets"] } })], violation: /AWS managed key/ },
        { title: "encryption not covering secrets", resources: [awsCluster({ encryptionConfig: { provider: { keyArn: KEY_ARN }, resources: [] } })], violation: /does not include "secrets"/ },
    ],
    "eks-control-plane-logging": [
        { title: "all five log types", resources: [eksComponent()] },
        { title: "audit only", resources: [eksComponent({ enabledClusterLogTypes: ["audit"] })], violation: /lacks api, authenticator, controllerManager, scheduler; enable/ },
        { title: "no logs", resources: [awsCluster({ enabledClusterLogTypes: undefined })], violation: /lacks api, audit, .*without audit logs/ },
    ],
    "eks-access-entries": [
        { title: "access entries only", resources: [eksComponent()] },
        { title: "access entries and aws-auth", resources: [eksComponent({ authenticationMode: "API_AND_CONFIG_MAP" })], violation: /authenticationMode is "API_AND_CONFIG_MAP"/ },
        { title: "EKS's default (aws-auth ConfigMap)", resources: [awsCluster({ accessConfig: undefined })], violation: /accessConfig\.authenticationMode is "CONFIG_MAP"/ },
    ],
};

const POLICIES: readonly PlatformPolicy[] = [...AWS_NETWORK_POLICIES, ...EKS_POLICIES];

describeRuleCases("policies: AWS network and EKS rules", POLICIES, CASES, () => {
    it("judges a cluster once: the aws:eks/cluster:Cluster when the component created one", () => {
        const [component, cluster] = componentWithChild({ endpointPublicAccess: true }, { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } });
        const violations = EKS_POLICIES.flatMap((p) => check(p, [component, cluster]));
        assert.deepEqual(
            violations.map((v) => [v.policy, v.resource]),
            [["eks-endpoint-private", cluster.urn]],
        );
    });

    it("judges a VPC once: the aws:ec2/vpc:Vpc when the awsx component created one", () => {
        const { component, vpc } = realVpc();
        const violations = check(AWS_NETWORK_POLICIES[1], [component, vpc]);
        assert.deepEqual(
            violations.map((v) => v.resource),
            [vpc.urn],
        );
    });
});
