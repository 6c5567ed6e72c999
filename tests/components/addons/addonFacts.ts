import type { AddonFacts } from "../../../components/addons";

/** Facts of a dev-like stack for testing add-on values and policies, with any of them replaced. */
export const addonFacts = (over: Partial<AddonFacts> = {}): AddonFacts => ({
    clusterName: "platform-dev",
    region: "eu-west-1",
    accountId: "111122223333",
    partition: "aws",
    vpcId: "vpc-0123",
    kubernetesVersion: "1.35",
    replicas: 2,
    highlyAvailable: false,
    roleArn: "arn:aws:iam::111122223333:role/addon",
    secretPrefix: "platform/dev",
    secretsKmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k",
    containerLogGroup: "/aws/eks/platform-dev/containers",
    logRetentionDays: 14,
    slackChannel: "",
    monitoring: true,
    ...over,
});
