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
    readonly Action: string | string[];
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

/** The service principal of EKS Pod Identity: EKS Auth assumes the role on a pod's behalf. */
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

/**
 * Session tags EKS Pod Identity attaches when it assumes a role (EKS user guide, "Enable or disable session
 * tags", pod-id-abac); the trust policy below matches them, so that only the one service account can use the role.
 */
export const POD_IDENTITY_TAGS = { cluster: "eks-cluster-arn", namespace: "kubernetes-namespace", serviceAccount: "kubernetes-service-account" } as const;

/**
 * Trust policy for EKS Pod Identity: EKS Auth (`pods.eks.amazonaws.com`) may assume the role and tag the
 * session (`sts:AssumeRole`, `sts:TagSession`, both required; EKS user guide, pod-id-role), only for this
 * account, and only with the session tags of one cluster, namespace and service account. Without the tag
 * conditions any Pod Identity association in the account could name the role.
 */
export function podIdentityTrustPolicy(accountId: string, clusterArn: string, namespace: string, serviceAccount: string): TrustPolicy {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Principal: { Service: POD_IDENTITY_PRINCIPAL },
                Condition: {
                    StringEquals: {
                        "aws:SourceAccount": accountId,
                        [`aws:RequestTag/${POD_IDENTITY_TAGS.cluster}`]: clusterArn,
                        [`aws:RequestTag/${POD_IDENTITY_TAGS.namespace}`]: namespace,
                        [`aws:RequestTag/${POD_IDENTITY_TAGS.serviceAccount}`]: serviceAccount,
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

/**
 * Whether every string the IAM wildcard pattern `inner` matches is also matched by `outer` (`*` is any run
 * of characters, `?` one character). Sound but not complete: a `*` or `?` in `inner` is only absorbed by a
 * `*` (or `?`) of `outer`, so an odd pair of equivalent patterns can be reported as not covered, never the
 * reverse. Actions compare without case (IAM's rule for actions), resources with case.
 */
export function patternCovers(outer: string, inner: string, ignoreCase = false): boolean {
    const o = ignoreCase ? outer.toLowerCase() : outer;
    const n = ignoreCase ? inner.toLowerCase() : inner;
    const memo = new Map<number, boolean>();
    const covers = (i: number, j: number): boolean => {
        const key = i * (n.length + 1) + j;
        const known = memo.get(key);
        if (known !== undefined) {
            return known;
        }
        let result: boolean;
        if (i === o.length) {
            result = j === n.length;
        } else if (o[i] === "*") {
            result = covers(i + 1, j) || (j < n.length && covers(i, j + 1));
        } else if (j === n.length || n[j] === "*") {
            result = false;
        } else if (o[i] === "?") {
            result = covers(i + 1, j + 1);
        } else {
            result = n[j] !== "?" && o[i] === n[j] && covers(i + 1, j + 1);
        }
        memo.set(key, result);
        return result;
    };
    return covers(0, 0);
}

type Condition = NonNullable<PolicyStatement["Condition"]>;

/** Operators whose test passes when the (single-valued) key equals or matches any one of the listed values. */
const ANY_OF_OPERATORS = new Set(["StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"]);

/**
 * Whether every request that satisfies `stronger` also satisfies `weaker`: each clause of `weaker` must
 * appear in `stronger` with the same operator and key, and, for the any-of operators, a subset of its
 * values (fewer accepted values is stricter); other operators must list the same values. Extra clauses
 * in `stronger` only make it stricter. Sound, not complete.
 */
export function conditionImplies(stronger: Condition | undefined, weaker: Condition | undefined): boolean {
    for (const [operator, clauses] of Object.entries(weaker ?? {})) {
        for (const [key, wanted] of Object.entries(clauses)) {
            const have = Object.entries(stronger?.[operator] ?? {}).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
            if (have === undefined) {
                return false;
            }
            const haveValues = asList(have);
            const wantedValues = asList(wanted);
            const subset = haveValues.every((v) => wantedValues.includes(v));
            if (!subset || (!ANY_OF_OPERATORS.has(operator) && haveValues.length !== wantedValues.length)) {
                return false;
            }
        }
    }
    return true;
}

function assertAllowOnly(statements: readonly PolicyStatement[], role: string): void {
    const deny = statements.find((s) => s.Effect !== "Allow");
    if (deny) {
        throw new Error(`${role} statement ${deny.Sid ?? JSON.stringify(deny.Action)} is a Deny: coverage is defined for Allow-only policies`);
    }
}

/**
 * The grants of `required` that `granted` does not cover, as "action on resource [when condition]": a grant
 * is covered when one statement of `granted` allows the action, on a resource pattern covering the
 * required one, under a condition that the required statement's condition implies (no stricter). Both
 * policies must be Allow-only. `uncoveredGrants(a, b)` and `uncoveredGrants(b, a)` both empty means the two
 * grant the same, statement for statement.
 */
export function uncoveredGrants(required: readonly PolicyStatement[], granted: readonly PolicyStatement[]): string[] {
    assertAllowOnly(required, "required");
    assertAllowOnly(granted, "granted");
    const missing: string[] = [];
    for (const need of required) {
        for (const action of asList(need.Action)) {
            for (const resource of asList(need.Resource)) {
                const covered = granted.some(
                    (g) =>
                        asList(g.Action).some((a) => patternCovers(a, action, true)) &&
                        asList(g.Resource).some((r) => patternCovers(r, resource)) &&
                        conditionImplies(need.Condition, g.Condition),
                );
                if (!covered) {
                    missing.push(`${action} on ${resource}${need.Condition ? ` when ${JSON.stringify(need.Condition)}` : ""}`);
                }
            }
        }
    }
    return missing;
}

/**
 * The statements with every ARN that leaves its region or account open (`*`) pinned to the given ones, and
 * its partition set: how a policy written for any account (an upstream `iam_policy.json`) reads once it is
 * granted in one account and region. Resources without an ARN (`*`) are left as they are.
 */
export function withinAccount(statements: readonly PolicyStatement[], at: { partition: string; region: string; accountId: string }): PolicyStatement[] {
    const pin = (arn: string): string => {
        const m = /^arn:[^:]+:([^:]+):([^:]*):([^:]*):(.*)$/.exec(arn);
        if (!m) {
            return arn;
        }
        const [, service, region, account, rest] = m;
        return `arn:${at.partition}:${service}:${region === "*" ? at.region : region}:${account === "*" ? at.accountId : account}:${rest}`;
    };
    return statements.map((s) => ({ ...s, Resource: Array.isArray(s.Resource) ? s.Resource.map(pin) : pin(s.Resource as string) }));
}

/** One API call as IAM evaluates it: the action, the resource ARN and the condition keys the request carries. */
export interface PolicyRequest {
    readonly action: string;
    readonly resource: string;
    readonly context?: Readonly<Record<string, string>>;
}

/** Whether a concrete string matches an IAM wildcard pattern (`*` any run of characters, `?` one). */
export function wildcardMatches(pattern: string, value: string, ignoreCase = false): boolean {
    const body = pattern.split("*").map((part) => part.split("?").map((lit) => lit.replace(/[.+^${}()|[\]\\]/g, "\\$&")).join(".")).join(".*");
    return new RegExp(`^${body}$`, ignoreCase ? "is" : "s").test(value);
}

function clauseHolds(operator: string, key: string, values: string[], context: Readonly<Record<string, string>>): boolean {
    const actual = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    switch (operator) {
        case "Null":
            return values.some((v) => (v === "true") === (actual === undefined));
        case "StringEquals":
        case "ArnEquals":
        case "Bool":
            return actual !== undefined && values.includes(actual);
        case "StringLike":
        case "ArnLike":
            return actual !== undefined && values.some((v) => wildcardMatches(v, actual));
        default:
            throw new Error(`condition operator ${operator} is not modelled; modelled: Null, StringEquals, StringLike, ArnEquals, ArnLike, Bool`);
    }
}

/**
 * Whether the statements allow the request: some Allow statement matches its action, resource and every
 * condition clause, and no Deny statement matches. Models the operators this project's policies use.
 */
export function allows(statements: readonly PolicyStatement[], request: PolicyRequest): boolean {
    const context = request.context ?? {};
    const matches = (s: PolicyStatement) =>
        asList(s.Action).some((a) => wildcardMatches(a, request.action, true)) &&
        asList(s.Resource).some((r) => wildcardMatches(r, request.resource)) &&
        Object.entries(s.Condition ?? {}).every(([op, clauses]) => Object.entries(clauses).every(([key, v]) => clauseHolds(op, key, asList(v), context)));
    return statements.some((s) => s.Effect === "Allow" && matches(s)) && !statements.some((s) => s.Effect === "Deny" && matches(s));
}
