import type { PolicyStatement } from "../../lib/iam";
import { AddonDefinition, SYSTEM_NODES, controllerResources, irsaServiceAccount } from "./types";

const EC2_READ = [
    "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
    "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
    "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:DescribeCoipPools",
    "ec2:DescribeRouteTables", "ec2:GetCoipPoolUsage", "ec2:GetSecurityGroupsForVpc", "ec2:DescribeIpamPools",
];
const ELB_READ = [
    "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
    "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeCapacityReservation",
];
/** Writes are limited to load balancers and groups this controller tagged as its own (`elbv2.k8s.aws/cluster`). */
const ELB_WRITE_OWN = [
    "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups",
    "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyListenerAttributes",
    "elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools",
];

/**
 * AWS Load Balancer Controller: turns Ingresses into ALBs (ingress class `alb`). Its webhook for Services of
 * type LoadBalancer is off: the platform exposes applications through Ingress only.
 */
export const loadBalancerController: AddonDefinition = {
    name: "aws-load-balancer-controller",
    chart: "aws-load-balancer-controller",
    repository: "https://aws.github.io/eks-charts",
    version: "1.17.1",
    namespace: "kube-system",
    serviceAccount: "aws-load-balancer-controller",
    policy: (f): PolicyStatement[] => {
        const tagged = { Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } };
        const requestTagged = { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } };
        const lbArns = [
            `arn:${f.partition}:elasticloadbalancing:${f.region}:${f.accountId}:loadbalancer/app/*/*`,
            `arn:${f.partition}:elasticloadbalancing:${f.region}:${f.accountId}:loadbalancer/net/*/*`,
            `arn:${f.partition}:elasticloadbalancing:${f.region}:${f.accountId}:targetgroup/*/*`,
        ];
        return [
            { Sid: "CreateServiceLinkedRole", Effect: "Allow", Action: "iam:CreateServiceLinkedRole", Resource: "*", Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } } },
            { Sid: "Discover", Effect: "Allow", Action: [...EC2_READ, ...ELB_READ], Resource: "*" },
            {
                Sid: "ReferencedServices",
                Effect: "Allow",
                Action: ["cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates", "iam:GetServerCertificate", "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL", "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection"],
                Resource: "*",
            },
            { Sid: "SecurityGroupRules", Effect: "Allow", Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], Resource: "*" },
            { Sid: "CreateSecurityGroup", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: "*" },
            { Sid: "TagNewSecurityGroups", Effect: "Allow", Action: "ec2:CreateTags", Resource: `arn:${f.partition}:ec2:*:*:security-group/*`, Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...requestTagged } },
            { Sid: "OwnSecurityGroups", Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"], Resource: "*", Condition: tagged },
            { Sid: "CreateLoadBalancers", Effect: "Allow", Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"], Resource: "*", Condition: requestTagged },
            { Sid: "Listeners", Effect: "Allow", Action: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"], Resource: "*" },
            { Sid: "TagOwn", Effect: "Allow", Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], Resource: lbArns, Condition: tagged },
            { Sid: "TagOnCreate", Effect: "Allow", Action: "elasticloadbalancing:AddTags", Resource: lbArns, Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, ...requestTagged } },
            { Sid: "ModifyOwn", Effect: "Allow", Action: ELB_WRITE_OWN, Resource: "*", Condition: tagged },
            { Sid: "Targets", Effect: "Allow", Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], Resource: `arn:${f.partition}:elasticloadbalancing:${f.region}:${f.accountId}:targetgroup/*/*` },
            { Sid: "ListenerSettings", Effect: "Allow", Action: ["elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities"], Resource: "*" },
        ];
    },
    values: (f) => ({
        clusterName: f.clusterName,
        // Given explicitly: pods cannot read them from instance metadata (IMDS hop limit 1).
        region: f.region,
        vpcId: f.vpcId,
        replicaCount: f.replicas,
        serviceAccount: irsaServiceAccount(f),
        enableServiceMutatorWebhook: false,
        nodeSelector: SYSTEM_NODES,
        resources: controllerResources("100m", "128Mi", "200m", "256Mi"),
        podDisruptionBudget: { maxUnavailable: 1 },
        defaultTags: { "platform.io/cluster": f.clusterName },
    }),
};
