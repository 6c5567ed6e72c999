import type { PolicyStatement } from "../../lib/iam";
import { CLUSTER_TAG } from "../../lib/naming";
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
 *
 * Its IAM policy follows the controller's own `docs/install/iam_policy.json` at the chart's app version
 * (chart 1.17.1 ships controller v2.17.1) statement by statement, with one narrowing: where upstream names
 * a resource type in any region and account (`arn:aws:<service>:*:*:…`), the grant here is limited to this
 * stack's region and account, since the controller only manages load balancers and security groups in the
 * region it is configured for (`region` below) and in its own account. Upstream's `*` resources stay `*`:
 * those actions authorise against several resource types, or none. A test compares the two policies.
 */
export const loadBalancerController: AddonDefinition = {
    name: "aws-load-balancer-controller",
    chart: "aws-load-balancer-controller",
    repository: "https://aws.github.io/eks-charts",
    version: "1.17.1",
    namespace: "kube-system",
    // The chart's `podSecurityContext` and `securityContext` (no capabilities dropped, no seccomp profile); its webhook certificate as a Secret.
    pods: () => ({
        controller: {
            spec: {
                securityContext: { fsGroup: 65534 },
                containers: [{ name: "aws-load-balancer-controller", securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false } }],
                volumes: [{ name: "cert", secret: {} }],
            },
        },
    }),
    serviceAccount: "aws-load-balancer-controller",
    // TargetGroupBinding and IngressClassParams live in the chart's crds/ folder, which no value controls.
    crds: { groups: ["elbv2.k8s.aws"], upgrade: "by-hand", byHand: { folder: "crds/", appliedFor: "1.17.1" } },
    policy: (f): PolicyStatement[] => {
        const elb = (path: string) => `arn:${f.partition}:elasticloadbalancing:${f.region}:${f.accountId}:${path}`;
        const securityGroups = `arn:${f.partition}:ec2:${f.region}:${f.accountId}:security-group/*`;
        const loadBalancersAndGroups = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];
        const listenersAndRules = [elb("listener/net/*/*/*"), elb("listener/app/*/*/*"), elb("listener-rule/net/*/*/*"), elb("listener-rule/app/*/*/*")];
        // The cluster tag marks what the controller owns: present on the resource for changes, present in a
        // creating request's tags, and absent from a request that edits tags (so ownership cannot be claimed).
        const owned = { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" };
        const claimsOwnership = { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" };
        const keepsOwnership = { "aws:RequestTag/elbv2.k8s.aws/cluster": "true", ...owned };
        return [
            { Sid: "CreateServiceLinkedRole", Effect: "Allow", Action: "iam:CreateServiceLinkedRole", Resource: "*", Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } } },
            { Sid: "Discover", Effect: "Allow", Action: [...EC2_READ, ...ELB_READ], Resource: "*" },
            {
                Sid: "ReferencedServices",
                Effect: "Allow",
                Action: ["cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates", "iam:GetServerCertificate", "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL", "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection"],
                Resource: "*",
            },
            // Rules on the nodes' security groups, which the controller does not own, to let ALB traffic in.
            { Sid: "SecurityGroupRules", Effect: "Allow", Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], Resource: "*" },
            { Sid: "CreateSecurityGroup", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: "*" },
            { Sid: "TagNewSecurityGroups", Effect: "Allow", Action: "ec2:CreateTags", Resource: securityGroups, Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, Null: claimsOwnership } },
            { Sid: "TagOwnSecurityGroups", Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: securityGroups, Condition: { Null: keepsOwnership } },
            { Sid: "OwnSecurityGroups", Effect: "Allow", Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"], Resource: "*", Condition: { Null: owned } },
            { Sid: "CreateLoadBalancers", Effect: "Allow", Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"], Resource: "*", Condition: { Null: claimsOwnership } },
            { Sid: "Listeners", Effect: "Allow", Action: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"], Resource: "*" },
            { Sid: "TagOwnLoadBalancers", Effect: "Allow", Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], Resource: loadBalancersAndGroups, Condition: { Null: keepsOwnership } },
            // Listeners and rules are tagged on creation and on every reconcile (feature gate
            // ListenerRulesTagging, on by default); upstream grants this without conditions.
            { Sid: "TagListenersAndRules", Effect: "Allow", Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], Resource: listenersAndRules },
            { Sid: "ModifyOwn", Effect: "Allow", Action: ELB_WRITE_OWN, Resource: "*", Condition: { Null: owned } },
            {
                Sid: "TagOnCreate",
                Effect: "Allow",
                Action: "elasticloadbalancing:AddTags",
                Resource: loadBalancersAndGroups,
                Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, Null: claimsOwnership },
            },
            { Sid: "Targets", Effect: "Allow", Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], Resource: elb("targetgroup/*/*") },
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
        defaultTags: { [CLUSTER_TAG]: f.clusterName },
    }),
};
