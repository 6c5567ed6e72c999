import { AddonDefinition, SYSTEM_NODES, controllerResources, irsaServiceAccount } from "./types";

/**
 * Cluster Autoscaler image per Kubernetes minor: the autoscaler must match the control plane's minor
 * version (kubernetes/autoscaler release notes).
 */
export const AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = { "1.34": "v1.34.2", "1.35": "v1.35.0" };

/**
 * Cluster Autoscaler, chosen over Karpenter because the node groups are EKS managed node groups with fixed
 * instance types per group: it scales exactly those groups, found by their auto-discovery tags, and needs
 * no extra node IAM or interruption queue. Scaling writes are limited to groups tagged for this cluster.
 */
export const clusterAutoscaler: AddonDefinition = {
    name: "cluster-autoscaler",
    chart: "cluster-autoscaler",
    repository: "https://kubernetes.github.io/autoscaler",
    version: "9.59.0",
    namespace: "kube-system",
    // The chart's `securityContext` and `containerSecurityContext` are empty; no host access.
    pods: () => ({ autoscaler: { spec: { securityContext: {}, containers: [{ name: "aws-cluster-autoscaler", securityContext: {} }] } } }),
    serviceAccount: "cluster-autoscaler",
    policy: (f) => [
        {
            Sid: "Discover",
            Effect: "Allow",
            Action: [
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities",
                "autoscaling:DescribeTags",
                "ec2:DescribeImages",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplateVersions",
                "ec2:GetInstanceTypesFromInstanceRequirements",
                "eks:DescribeNodegroup",
            ],
            Resource: "*",
        },
        {
            Sid: "ScaleOwnGroups",
            Effect: "Allow",
            Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
            Resource: `arn:${f.partition}:autoscaling:${f.region}:${f.accountId}:autoScalingGroup:*:autoScalingGroupName/*`,
            Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${f.clusterName}`]: "owned" } },
        },
    ],
    values: (f) => {
        const tag = AUTOSCALER_IMAGE_TAGS[f.kubernetesVersion];
        if (tag === undefined) {
            throw new Error(`cluster-autoscaler: no image for Kubernetes ${f.kubernetesVersion}; known: ${Object.keys(AUTOSCALER_IMAGE_TAGS).join(", ")}`);
        }
        return {
            cloudProvider: "aws",
            awsRegion: f.region,
            autoDiscovery: { clusterName: f.clusterName },
            image: { tag },
            replicaCount: f.replicas,
            rbac: { serviceAccount: irsaServiceAccount(f) },
            extraArgs: {
                "balance-similar-node-groups": true,
                "skip-nodes-with-system-pods": false,
                expander: "least-waste",
                "scale-down-utilization-threshold": 0.5,
            },
            nodeSelector: SYSTEM_NODES,
            resources: controllerResources("100m", "300Mi", "200m", "600Mi"),
            podDisruptionBudget: { maxUnavailable: 1 },
        };
    },
};
