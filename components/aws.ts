/**
 * The AWS provider's modules the program uses, each loaded on its own, for components to import instead of
 * `@pulumi/aws`: the package root loads every one of its 300-odd service modules.
 *
 * A resource that a multi-language component (@pulumi/eks, @pulumi/awsx) returns arrives as a resource
 * object only when its service's module is loaded, otherwise as its ID; the program reads such outputs of
 * services listed here only (the EKS cluster, VPC resources). Add a service here before using it.
 */
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as codebuild from "@pulumi/aws/codebuild";
export * as ec2 from "@pulumi/aws/ec2";
export * as eks from "@pulumi/aws/eks";
export * as elasticache from "@pulumi/aws/elasticache";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as mq from "@pulumi/aws/mq";
export * as rds from "@pulumi/aws/rds";
export * as secretsmanager from "@pulumi/aws/secretsmanager";
export * as sqs from "@pulumi/aws/sqs";
export * as vpc from "@pulumi/aws/vpc";
export { Provider } from "@pulumi/aws/provider";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
export type { Region } from "@pulumi/aws/types/enums";
