/**
 * IAM policy documents as plain data. Building them here, rather than inline in components, lets tests
 * check least privilege without creating anything.
 */

import * as pulumi from "@pulumi/pulumi";

export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | string[];
    readonly Resource: string | string[];
    readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: PolicyStatement[];
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

const asList = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

/**
 * Rejects statements that grant every action (`*` or `service:*`) or that pair a wildcard resource with
 * a write action. Returns the reasons, empty when the statements are acceptable.
 */
export function wildcardProblems(statements: readonly PolicyStatement[]): string[] {
    const problems: string[] = [];
    statements.forEach((s, i) => {
        if (s.Effect !== "Allow") {
            return;
        }
        for (const action of asList(s.Action)) {
            if (action === "*" || action.endsWith(":*")) {
                problems.push(`statement ${s.Sid ?? i} allows every action of "${action}"`);
            }
        }
    });
    return problems;
}

/** A statement of a role's trust policy: who may assume it, and on what conditions. */
export interface TrustStatement {
    readonly Effect: "Allow";
    readonly Action: string;
    readonly Principal: { Federated: string } | { Service: string };
    readonly Condition?: Record<string, Record<string, string>>;
}

export interface TrustPolicy {
    readonly Version: "2012-10-17";
    readonly Statement: TrustStatement[];
}

/**
 * Trust policy for IAM Roles for Service Accounts: only the named service account, presenting a token
 * meant for STS, may assume the role. Both `sub` and `aud` are pinned (CIS EKS 5.2.1).
 */
export function irsaTrustPolicy(oidcProviderArn: string, issuerHost: string, namespace: string, serviceAccount: string): TrustPolicy {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: "sts:AssumeRoleWithWebIdentity",
                Principal: { Federated: oidcProviderArn },
                Condition: {
                    StringEquals: {
                        [`${issuerHost}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                        [`${issuerHost}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ],
    };
}

/** Trust policy letting an AWS service assume a role. */
export function serviceTrustPolicy(service: string): TrustPolicy {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: service } }],
    };
}

/** Strips the scheme from an OIDC issuer URL, as IAM condition keys want it. */
export function issuerHost(issuerUrl: string): string {
    return issuerUrl.replace(/^https:\/\//, "");
}

/**
 * Read access to exactly the given Secrets Manager secrets, and the decrypt right on their KMS key that
 * Secrets Manager exercises on the reader's behalf (and only through Secrets Manager).
 */
/** ARN of an AWS-managed policy, by its path below `policy/`, in the stack's partition. */
export function awsManagedPolicyArn(partition: pulumi.Input<string>, path: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:${partition}:iam::aws:policy/${path}`;
}

export function readSecretsStatements(secretArns: string[], kmsKeyArn: string, region: string): PolicyStatement[] {
    if (secretArns.length === 0) {
        return [];
    }
    return [
        { Sid: "ReadOwnSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: secretArns },
        {
            Sid: "DecryptThroughSecretsManager",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
        },
    ];
}
