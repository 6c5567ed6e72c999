import { Region } from "@pulumi/aws/types/enums";

/**
 * The values stack config may choose from. Keeping them in one place lets validation name the allowed
 * values in its errors and lets the cost estimator prove that it has a price for every one of them.
 */

/**
 * Kubernetes versions in EKS standard support on the date below, with the end of standard support
 * (source: AWS EKS Kubernetes version lifecycle, via endoflife.date/amazon-eks, read 2026-11). Versions in
 * extended support cost $0.60 instead of $0.10 per cluster-hour, so they are not accepted.
 */
/** The day the table above was read; tests judge support as of this day so that they do not age. */
export const KUBERNETES_VERSIONS_AS_OF = "2026-11-23";

export const KUBERNETES_VERSIONS: Readonly<Record<string, { endOfStandardSupport: string }>> = {
    "1.34": { endOfStandardSupport: "2026-12-02" },
    "1.35": { endOfStandardSupport: "2027-03-27" },
};

export type Architecture = "arm64" | "x86_64";

/**
 * Who runs the nodes: EKS managed node groups scaled by Cluster Autoscaler, Karpenter (a small managed node
 * group for the platform's controllers, NodePools for applications), or EKS Auto Mode (EKS runs compute, block
 * storage and load balancing).
 */
export const COMPUTE_MODES = ["nodeGroups", "karpenter", "autoMode"] as const;
export type ComputeMode = (typeof COMPUTE_MODES)[number];

/** How controllers get AWS credentials: IAM roles for service accounts, or EKS Pod Identity associations. */
export const IDENTITY_MODES = ["irsa", "podIdentity"] as const;
export type IdentityMode = (typeof IDENTITY_MODES)[number];

/** The node operating system: Amazon Linux 2023 or Bottlerocket (EKS-optimized AMIs of either). */
export const AMI_FAMILIES = ["al2023", "bottlerocket"] as const;
export type AmiFamily = (typeof AMI_FAMILIES)[number];

/** Regions without EKS Pod Identity (EKS user guide, pod-identities: "not available in China Regions"). */
export const REGIONS_WITHOUT_POD_IDENTITY: readonly string[] = ["cn-north-1", "cn-northwest-1"];

/** EC2 instance types offered for node groups, with their CPU architecture (Graviton types are arm64). */
export const NODE_INSTANCE_TYPES: Readonly<Record<string, Architecture>> = {
    "t4g.medium": "arm64",
    "t4g.large": "arm64",
    "m6g.large": "arm64",
    "m7g.large": "arm64",
    "c7g.large": "arm64",
    "t3.medium": "x86_64",
    "t3.large": "x86_64",
    "m6i.large": "x86_64",
    "m7i.large": "x86_64",
};

/**
 * vCPUs, memory and network limits of each node instance type (Amazon EC2 instance type specifications,
 * general purpose and compute optimized: docs.aws.amazon.com/ec2/latest/instancetypes/gp.html and co.html;
 * network interfaces and IPv4 addresses per interface: docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html).
 * A pod whose requests exceed the largest instance of its node group can never be scheduled; the network
 * limits bound how many pods the VPC CNI can address on a node.
 */
export const NODE_INSTANCE_SIZES: Readonly<Record<string, { readonly vcpu: number; readonly memoryGiB: number; readonly enis: number; readonly ipv4PerEni: number }>> = {
    "t4g.medium": { vcpu: 2, memoryGiB: 4, enis: 3, ipv4PerEni: 6 },
    "t4g.large": { vcpu: 2, memoryGiB: 8, enis: 3, ipv4PerEni: 12 },
    "m6g.large": { vcpu: 2, memoryGiB: 8, enis: 3, ipv4PerEni: 10 },
    "m7g.large": { vcpu: 2, memoryGiB: 8, enis: 3, ipv4PerEni: 10 },
    "c7g.large": { vcpu: 2, memoryGiB: 4, enis: 3, ipv4PerEni: 10 },
    "t3.medium": { vcpu: 2, memoryGiB: 4, enis: 3, ipv4PerEni: 6 },
    "t3.large": { vcpu: 2, memoryGiB: 8, enis: 3, ipv4PerEni: 12 },
    "m6i.large": { vcpu: 2, memoryGiB: 8, enis: 3, ipv4PerEni: 10 },
    "m7i.large": { vcpu: 2, memoryGiB: 8, enis: 3, ipv4PerEni: 10 },
};

/** Every AWS region, as the AWS provider the program deploys with lists them (`Region` of @pulumi/aws). */
export const AWS_REGIONS: readonly string[] = Object.values(Region);

/** RDS instance classes offered for PostgreSQL. */
export const DB_INSTANCE_CLASSES = [
    "db.t4g.micro",
    "db.t4g.small",
    "db.t4g.medium",
    "db.m7g.large",
    "db.r6g.large",
    "db.r7g.large",
] as const;

/** PostgreSQL major versions; minor versions follow automatically (auto minor upgrades are on). */
export const POSTGRES_MAJOR_VERSIONS = ["15", "16", "17"] as const;

/** ElastiCache node types. */
export const CACHE_NODE_TYPES = ["cache.t4g.micro", "cache.t4g.small", "cache.m7g.large", "cache.r7g.large"] as const;

export const CACHE_ENGINES = ["valkey", "redis"] as const;

/** Engine versions per cache engine, with the default parameter group family each uses. */
export const CACHE_ENGINE_VERSIONS: Readonly<Record<(typeof CACHE_ENGINES)[number], Record<string, string>>> = {
    valkey: { "7.2": "valkey7", "8.0": "valkey8", "8.1": "valkey8" },
    redis: { "7.1": "redis7" },
};

/** Amazon MQ broker instance types. */
export const BROKER_INSTANCE_TYPES = ["mq.t3.micro", "mq.m5.large", "mq.m7g.medium", "mq.m7g.large"] as const;

/**
 * RabbitMQ versions on Amazon MQ. 4.2 runs only on mq.m7g; mq.t3.micro runs only 3.13
 * (Amazon MQ developer guide, "Managing Amazon MQ for RabbitMQ engine versions").
 */
export const BROKER_ENGINE_VERSIONS = ["3.13", "4.2"] as const;

export const BROKER_DEPLOYMENT_MODES = ["SINGLE_INSTANCE", "CLUSTER_MULTI_AZ"] as const;

/** Retention values CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * CodeBuild compute types the in-VPC CI runner may use: Linux x86 containers, 3 GB/2 vCPU, 7 GB/4 vCPU
 * and 15 GB/8 vCPU (CodeBuild user guide, "Build environment compute modes and types").
 */
export const CI_COMPUTE_TYPES = ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"] as const;

/** `dev`, `staging` and `prod` run on AWS; `local` runs the same catalog on an existing laptop cluster (kind, Docker Desktop, minikube). */
export const ENVIRONMENTS = ["dev", "staging", "prod", "local"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
