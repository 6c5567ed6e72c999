import { PlatformPolicy } from "../../policies/lib/rule";
import { UNKNOWN } from "../../policies/lib/values";
import { AWS_DATA_POLICIES } from "../../policies/rules/awsData";
import { AWS_SECURITY_POLICIES, serviceReadsOwnSecrets } from "../../policies/rules/awsSecurity";
import { RuleCase, resource } from "../../policies/testing";
import { describeRuleCases } from "./ruleCases";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1f0c5a3e-0000-4000-8000-000000000001";
const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/AE9A20934E3C794E68FB5EA4A0357BC6";
const OIDC_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;

/** A Pod Identity trust's conditions as the platform writes them, with some keys dropped (undefined) or changed. */
const podPins = (change: Record<string, string | undefined> = {}) => {
    const all: Record<string, string | undefined> = {
        "aws:SourceAccount": "123456789012",
        "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-east-1:123456789012:cluster/platform-prod",
        "aws:RequestTag/kubernetes-namespace": "kube-system",
        "aws:RequestTag/kubernetes-service-account": "karpenter",
        ...change,
    };
    return { StringEquals: Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string> };
};
const podStatement = (condition: Record<string, Record<string, string>>) => ({
    Effect: "Allow",
    Action: ["sts:AssumeRole", "sts:TagSession"],
    Principal: { Service: "pods.eks.amazonaws.com" },
    Condition: condition,
});
const podRole = (condition: Record<string, Record<string, string>> = podPins()) => resource("aws:iam/role:Role", { assumeRolePolicy: document(podStatement(condition)) });

/** A primary PostgreSQL instance as the prod stack declares it, overridden per case. */
const db = (inputs: Record<string, unknown> = {}) =>
    resource("aws:rds/instance:Instance", {
        engine: "postgres",
        publiclyAccessible: false,
        storageEncrypted: true,
        kmsKeyId: KEY_ARN,
        multiAz: true,
        deletionProtection: true,
        backupRetentionPeriod: 14,
        autoMinorVersionUpgrade: true,
        ...inputs,
    });
const replica = (inputs: Record<string, unknown> = {}) =>
    resource("aws:rds/instance:Instance", { replicateSourceDb: "platform-prod-postgres", kmsKeyId: KEY_ARN, deletionProtection: true, ...inputs });
const cache = (inputs: Record<string, unknown> = {}) =>
    resource("aws:elasticache/replicationGroup:ReplicationGroup", {
        engine: "valkey",
        subnetGroupName: "cache-subnets-1a2b3c",
        atRestEncryptionEnabled: true,
        kmsKeyId: KEY_ARN,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        snapshotRetentionLimit: 7,
        autoMinorVersionUpgrade: true,
        ...inputs,
    });
const broker = (inputs: Record<string, unknown> = {}) =>
    resource("aws:mq/broker:Broker", { engineType: "RabbitMQ", deploymentMode: "CLUSTER_MULTI_AZ", publiclyAccessible: false, autoMinorVersionUpgrade: true, ...inputs });

const document = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (Action: string | string[], Resource: string | string[] = "arn:aws:s3:::bucket/*") => ({ Effect: "Allow", Action, Resource });
const irsaTrust = (condition: object) =>
    document({ Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity", Principal: { Federated: OIDC_ARN }, Condition: condition });
const pinned = { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:api:api", [`${ISSUER}:aud`]: "sts.amazonaws.com" } };

const CASES: Record<string, RuleCase[]> = {
    "rds-not-public": [
        { title: "a private instance", resources: [db()] },
        { title: "a public instance", resources: [db({ publiclyAccessible: true })], violation: /publiclyAccessible is true/ },
    ],
    "rds-storage-encrypted": [
        { title: "storage encrypted with a CMK", resources: [db()] },
        { title: "a read replica inheriting its source's encryption", resources: [replica()] },
        { title: "unencrypted storage", resources: [db({ storageEncrypted: false })], violation: /storageEncrypted is not true/ },
        { title: "encryption with the AWS managed key", resources: [db({ kmsKeyId: undefined })], violation: /kmsKeyId is unset/ },
    ],
    "rds-multi-az": [
        { title: "a Multi-AZ primary", resources: [db()] },
        { title: "a single-AZ read replica of a Multi-AZ primary", resources: [replica({ multiAz: false })] },
        { title: "a single-AZ primary", resources: [db({ multiAz: false })], violation: /multiAz is false/ },
        { title: "Multi-AZ left unset", resources: [db({ multiAz: undefined })], violation: /multiAz is unset/ },
    ],
    "rds-deletion-protection": [
        { title: "deletion protection", resources: [db()] },
        { title: "no deletion protection", resources: [db({ deletionProtection: false })], violation: /deletionProtection is false/ },
        { title: "a replica without deletion protection", resources: [replica({ deletionProtection: undefined })], violation: /deletionProtection is unset/ },
    ],
    "rds-backup-retention": [
        { title: "14 days of backups", resources: [db()] },
        { title: "a read replica (its source keeps the backups)", resources: [replica()] },
        { title: "3 days where config asks for 3", resources: [db({ backupRetentionPeriod: 3 })], overrides: { "rds-backup-retention": { minimumDays: 3 } } },
        { title: "1 day of backups", resources: [db({ backupRetentionPeriod: 1 })], violation: /backupRetentionPeriod is 1; keep at least 7 days/ },
        { title: "retention left to the provider", resources: [db({ backupRetentionPeriod: undefined })], violation: /backupRetentionPeriod is unset/ },
    ],
    "rds-auto-minor-upgrade": [
        { title: "auto minor upgrades", resources: [db()] },
        { title: "the provider's default (on)", resources: [db({ autoMinorVersionUpgrade: undefined })] },
        { title: "auto minor upgrades off", resources: [db({ autoMinorVersionUpgrade: false })], violation: /autoMinorVersionUpgrade is false/ },
    ],
    "elasticache-backups": [
        { title: "7 days of snapshots", resources: [cache()] },
        { title: "no snapshots", resources: [cache({ snapshotRetentionLimit: 0 })], violation: /snapshotRetentionLimit is 0/ },
        { title: "snapshots left unset", resources: [cache({ snapshotRetentionLimit: undefined })], violation: /snapshotRetentionLimit is 0/ },
    ],
    "elasticache-auto-minor-upgrade": [
        { title: "auto minor upgrades", resources: [cache()] },
        { title: "auto minor upgrades off", resources: [cache({ autoMinorVersionUpgrade: false })], violation: /autoMinorVersionUpgrade is false/ },
    ],
    "elasticache-automatic-failover": [
        { title: "failover to a replica in another zone", resources: [cache()] },
        { title: "no failover", resources: [cache({ automaticFailoverEnabled: false })], violation: /automaticFailoverEnabled is false/ },
        { title: "failover within one zone", resources: [cache({ multiAzEnabled: false })], violation: /multiAzEnabled is false/ },
    ],
    "elasticache-encrypted-at-rest": [
        { title: "encrypted with a CMK", resources: [cache()] },
        { title: "not encrypted", resources: [cache({ atRestEncryptionEnabled: undefined })], violation: /atRestEncryptionEnabled is unset/ },
        { title: "encrypted with the AWS managed key", resources: [cache({ kmsKeyId: undefined })], violation: /kmsKeyId is unset/ },
    ],
    "elasticache-encrypted-in-transit": [
        { title: "TLS required", resources: [cache()] },
        { title: "no TLS", resources: [cache({ transitEncryptionEnabled: false })], violation: /transitEncryptionEnabled is false/ },
        { title: "TLS preferred, plaintext still accepted", resources: [cache({ transitEncryptionMode: "preferred" })], violation: /"preferred"/ },
    ],
    "elasticache-custom-subnet-group": [
        { title: "the stack's subnet group", resources: [cache()] },
        { title: "a subnet group not known yet", resources: [cache({ subnetGroupName: UNKNOWN })] },
        { title: "the default subnet group", resources: [cache({ subnetGroupName: undefined })], violation: /subnetGroupName is unset/ },
    ],
    "mq-not-public": [
        { title: "a private broker", resources: [broker()] },
        { title: "a public broker", resources: [broker({ publiclyAccessible: true })], violation: /publiclyAccessible is true/ },
    ],
    "mq-auto-minor-upgrade": [
        { title: "auto minor upgrades", resources: [broker()] },
        { title: "the provider's default (off)", resources: [broker({ autoMinorVersionUpgrade: undefined })], violation: /autoMinorVersionUpgrade is unset/ },
    ],
    "mq-cluster-deployment": [
        { title: "a RabbitMQ cluster across zones", resources: [broker()] },
        { title: "an ActiveMQ active/standby pair", resources: [broker({ engineType: "ActiveMQ", deploymentMode: "ACTIVE_STANDBY_MULTI_AZ" })] },
        { title: "a single RabbitMQ node", resources: [broker({ deploymentMode: "SINGLE_INSTANCE" })], violation: /use CLUSTER_MULTI_AZ/ },
        { title: "deployment mode left to the default", resources: [broker({ deploymentMode: undefined })], violation: /SINGLE_INSTANCE/ },
    ],
    "secretsmanager-cmk-encrypted": [
        { title: "a CMK", resources: [resource("aws:secretsmanager/secret:Secret", { kmsKeyId: KEY_ARN })] },
        { title: "a CMK not known yet", resources: [resource("aws:secretsmanager/secret:Secret", { kmsKeyId: UNKNOWN })] },
        { title: "the AWS managed key by default", resources: [resource("aws:secretsmanager/secret:Secret", { name: "x" })], violation: /kmsKeyId is unset/ },
        { title: "the AWS managed key by alias", resources: [resource("aws:secretsmanager/secret:Secret", { kmsKeyId: "alias/aws/secretsmanager" })], violation: /AWS managed key/ },
    ],
    "kms-key-rotation": [
        { title: "a rotating key", resources: [resource("aws:kms/key:Key", { enableKeyRotation: true })] },
        { title: "an asymmetric key (cannot rotate)", resources: [resource("aws:kms/key:Key", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" })] },
        { title: "a key without rotation", resources: [resource("aws:kms/key:Key", { description: "x" })], violation: /enableKeyRotation is not true/ },
    ],
    "iam-no-admin-wildcards": [
        { title: "exact actions on exact ARNs", resources: [resource("aws:iam/rolePolicy:RolePolicy", { policy: document(allow(["s3:GetObject", "s3:PutObject"])) })] },
        { title: "a policy not known yet", resources: [resource("aws:iam/rolePolicy:RolePolicy", { policy: UNKNOWN })] },
        { title: "a Deny of everything", resources: [resource("aws:iam/policy:Policy", { policy: document({ Effect: "Deny", Action: "*", Resource: "*" }) })] },
        { title: "a managed policy that is not admin", resources: [resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { policyArn: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" })] },
        { title: "full admin", resources: [resource("aws:iam/policy:Policy", { policy: document(allow("*", "*")) })], violation: /full administrative access/ },
        { title: "a service wildcard", resources: [resource("aws:iam/rolePolicy:RolePolicy", { policy: { Version: "2012-10-17", Statement: [allow("s3:*")] } })], violation: /every action of a service \("s3:\*"\)/ },
        { title: "NotAction in an Allow", resources: [resource("aws:iam/userPolicy:UserPolicy", { policy: document({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) })], violation: /NotAction/ },
        { title: "an inline role policy with *:*", resources: [resource("aws:iam/role:Role", { inlinePolicies: [{ name: "all", policy: document(allow("*:*")) }] })], violation: /inlinePolicies\[all\]/ },
        {
            title: "AdministratorAccess attached",
            resources: [resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })],
            violation: /AdministratorAccess, full administrative access/,
        },
    ],
    "iam-irsa-trust-pinned": [
        { title: "sub and aud pinned", resources: [resource("aws:iam/role:Role", { assumeRolePolicy: irsaTrust(pinned) })] },
        { title: "a trust policy not known yet (real preview)", resources: [resource("aws:iam/role:Role", { assumeRolePolicy: UNKNOWN })] },
        { title: "a service role", resources: [resource("aws:iam/role:Role", { assumeRolePolicy: document({ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ec2.amazonaws.com" } }) })] },
        { title: "no conditions", resources: [resource("aws:iam/role:Role", { assumeRolePolicy: irsaTrust({}) })], violation: /does not pin "<issuer>:sub"/ },
        {
            title: "aud missing",
            resources: [resource("aws:iam/role:Role", { assumeRolePolicy: irsaTrust({ StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:api:api" } }) })],
            violation: /does not pin "<issuer>:aud"/,
        },
        {
            title: "a wildcard subject",
            resources: [resource("aws:iam/role:Role", { assumeRolePolicy: irsaTrust({ StringLike: { [`${ISSUER}:sub`]: "system:serviceaccount:*:*" }, StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" } }) })],
            violation: /matches StringLike .*:sub; use StringEquals/,
        },
        {
            title: "a subject that is not a service account",
            resources: [resource("aws:iam/role:Role", { assumeRolePolicy: irsaTrust({ StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:api", [`${ISSUER}:aud`]: "sts.amazonaws.com" } }) })],
            violation: /not system:serviceaccount:<namespace>:<name>/,
        },
    ],
    "iam-pod-identity-trust-pinned": [
        { title: "the platform's trust: EKS Auth, this account, cluster, namespace and service account", resources: [podRole()] },
        { title: "an IRSA role (judged by iam-irsa-trust-pinned)", resources: [resource("aws:iam/role:Role", { assumeRolePolicy: irsaTrust(pinned) })] },
        { title: "no conditions: any association in the account could name the role", resources: [podRole({})], violation: /does not pin the service account/ },
        { title: "no cluster pinned", resources: [podRole(podPins({ "aws:RequestTag/eks-cluster-arn": undefined }))], violation: /does not pin the cluster/ },
        {
            title: "another principal beside EKS Auth",
            resources: [resource("aws:iam/role:Role", { assumeRolePolicy: document({ ...podStatement(podPins()), Principal: { Service: "pods.eks.amazonaws.com", AWS: "arn:aws:iam::123456789012:root" } }) })],
            violation: /also trusts AWS:arn:aws:iam::123456789012:root/,
        },
        { title: "AssumeRole without TagSession", resources: [resource("aws:iam/role:Role", { assumeRolePolicy: document({ ...podStatement(podPins()), Action: "sts:AssumeRole" }) })], violation: /allow exactly sts:AssumeRole and sts:TagSession/ },
        { title: "a namespace matched by a pattern", resources: [podRole({ StringEquals: podPins({ "aws:RequestTag/kubernetes-namespace": undefined }).StringEquals, StringLike: { "aws:RequestTag/kubernetes-namespace": "*" } })], violation: /does not pin the namespace/ },
    ],
};

// The secrets-access rule relates resources across a stack; its cases are in secrets-access.test.ts.
const POLICIES: readonly PlatformPolicy[] = [...AWS_DATA_POLICIES, ...AWS_SECURITY_POLICIES.filter((p) => p !== serviceReadsOwnSecrets)];

describeRuleCases("policies: AWS data store, key, secret and IAM rules", POLICIES, CASES);
