import { Props, isRecord, isUnknown, record, strings } from "./values";

/**
 * IAM policy documents as resources carry them: JSON text (what `JSON.stringify` produces) or an object.
 * A document that is unknown at preview, or marked secret offline, cannot be judged and reads as none.
 */

/** The statements of a policy document, or `undefined` when the document cannot be read. */
export function statementsOf(document: unknown): Props[] | undefined {
    let parsed: unknown = document;
    if (typeof document === "string") {
        if (isUnknown(document)) {
            return undefined;
        }
        try {
            parsed = JSON.parse(document);
        } catch {
            return undefined;
        }
    }
    if (!isRecord(parsed)) {
        return undefined;
    }
    const statement = parsed.Statement;
    const all = Array.isArray(statement) ? statement : [statement];
    return all.filter(isRecord);
}

const label = (s: Props, i: number) => (typeof s.Sid === "string" && s.Sid !== "" ? `statement "${s.Sid}"` : `statement ${i}`);

/**
 * Why statements grant too much (FSBP IAM.1, IAM.21): `*` or `*:*` actions, `service:*` wildcards, and
 * `NotAction` in an Allow (which grants everything not listed). Empty when they are acceptable.
 */
export function wildcardGrants(statements: readonly Props[]): string[] {
    const problems: string[] = [];
    statements.forEach((s, i) => {
        if (s.Effect !== "Allow") {
            return;
        }
        if (s.NotAction !== undefined) {
            problems.push(`${label(s, i)} allows NotAction, which grants every action it does not list`);
        }
        const resources = strings(s.Resource);
        for (const action of strings(s.Action)) {
            if (action === "*" || action === "*:*") {
                const scope = resources.includes("*") ? " on every resource: full administrative access" : "";
                problems.push(`${label(s, i)} allows every action ("${action}")${scope}`);
            } else if (/^[\w-]+:\*$/.test(action)) {
                problems.push(`${label(s, i)} allows every action of a service ("${action}")`);
            }
        }
    });
    return problems;
}

/** AWS managed policies that grant full administrative access. */
export const ADMIN_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

const WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";
const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

/** True for a trust statement letting tokens of an EKS OIDC provider assume the role. */
function isIrsaStatement(s: Props): boolean {
    const federated = strings(record(s.Principal).Federated);
    return s.Effect === "Allow" && strings(s.Action).includes(WEB_IDENTITY) && federated.some((f) => f.includes(":oidc-provider/"));
}

/** The `system:serviceaccount:<ns>:<name>` subjects each IRSA statement pins (for matching service accounts). */
export function irsaSubjects(statements: readonly Props[]): string[] {
    return statements.filter(isIrsaStatement).flatMap((s) => {
        const equals = record(record(s.Condition).StringEquals);
        return Object.entries(equals)
            .filter(([key]) => key.endsWith(":sub"))
            .flatMap(([, value]) => strings(value));
    });
}

/**
 * Why IRSA trust statements fail to pin one service account and the STS audience (CIS EKS 5.2.1): both
 * `<issuer>:sub` and `<issuer>:aud` must be matched with StringEquals, `sub` against exact service
 * account subjects and `aud` against `sts.amazonaws.com`. Empty when every IRSA statement is pinned.
 */
export function irsaTrustProblems(statements: readonly Props[]): string[] {
    const problems: string[] = [];
    statements.forEach((s, i) => {
        if (!isIrsaStatement(s)) {
            return;
        }
        const condition = record(s.Condition);
        const equals = record(condition.StringEquals);
        const keyed = (suffix: string) => Object.entries(equals).filter(([key]) => key.endsWith(suffix));
        const loose = Object.entries(condition)
            .filter(([operator]) => operator !== "StringEquals")
            .flatMap(([operator, block]) => Object.keys(record(block)).map((key) => `${operator} ${key}`))
            .filter((entry) => /:(sub|aud)$/.test(entry));
        if (loose.length > 0) {
            problems.push(`${label(s, i)} matches ${loose.join(", ")}; use StringEquals so that no other subject or audience matches`);
        }
        const subs = keyed(":sub");
        if (subs.length === 0) {
            problems.push(`${label(s, i)} does not pin "<issuer>:sub" with StringEquals: any service account of the cluster could assume the role`);
        }
        for (const [key, value] of subs) {
            const bad = strings(value).filter((v) => !SERVICE_ACCOUNT_SUBJECT.test(v));
            if (bad.length > 0) {
                problems.push(`${label(s, i)} pins ${key} to ${bad.map((v) => `"${v}"`).join(", ")}, not system:serviceaccount:<namespace>:<name>`);
            }
        }
        const auds = keyed(":aud");
        if (auds.length === 0) {
            problems.push(`${label(s, i)} does not pin "<issuer>:aud" to "sts.amazonaws.com"`);
        }
        for (const [key, value] of auds) {
            const values = strings(value);
            if (values.length !== 1 || values[0] !== "sts.amazonaws.com") {
                problems.push(`${label(s, i)} pins ${key} to ${JSON.stringify(value)}, not "sts.amazonaws.com"`);
            }
        }
    });
    return problems;
}

const POD_IDENTITY = "pods.eks.amazonaws.com";
const POD_IDENTITY_ACTIONS = ["sts:AssumeRole", "sts:TagSession"];
/** Condition keys a Pod Identity trust pins with StringEquals, each with what it binds the role to. */
const POD_IDENTITY_PINS: Readonly<Record<string, string>> = {
    "aws:SourceAccount": "the account",
    "aws:RequestTag/kubernetes-namespace": "the namespace",
    "aws:RequestTag/kubernetes-service-account": "the service account",
};
const CLUSTER_PINS = ["aws:RequestTag/eks-cluster-arn", "aws:RequestTag/eks-cluster-name", "aws:SourceArn"];

/** Principals a trust statement names, as `kind:value` (`Service:pods.eks.amazonaws.com`, `AWS:*`). */
function principals(s: Props): string[] {
    const p = s.Principal;
    if (typeof p === "string") {
        return [`AWS:${p}`];
    }
    return Object.entries(record(p)).flatMap(([kind, value]) => strings(value).map((v) => `${kind}:${v}`));
}

/** True for a trust policy that lets EKS Pod Identity assume the role. */
export function isPodIdentityTrust(statements: readonly Props[]): boolean {
    return statements.some((s) => s.Effect === "Allow" && principals(s).includes(`Service:${POD_IDENTITY}`));
}

/**
 * Why a Pod Identity role could be assumed by more than the one service account it serves: every Allow
 * statement names EKS Auth alone, with sts:AssumeRole and sts:TagSession only, and pins with StringEquals the
 * account, the cluster (its ARN or name tag), the namespace and the service account. Empty when it is pinned.
 */
export function podIdentityTrustProblems(statements: readonly Props[]): string[] {
    const problems: string[] = [];
    statements.forEach((s, i) => {
        if (s.Effect !== "Allow") {
            return;
        }
        const others = principals(s).filter((p) => p !== `Service:${POD_IDENTITY}`);
        if (others.length > 0) {
            problems.push(`${label(s, i)} also trusts ${others.join(", ")}; a Pod Identity role trusts ${POD_IDENTITY} alone`);
        }
        const actions = strings(s.Action);
        const extra = actions.filter((a) => !POD_IDENTITY_ACTIONS.includes(a));
        if (extra.length > 0 || POD_IDENTITY_ACTIONS.some((a) => !actions.includes(a))) {
            problems.push(`${label(s, i)} allows ${actions.join(", ") || "nothing"}; allow exactly ${POD_IDENTITY_ACTIONS.join(" and ")}`);
        }
        const equals = record(record(s.Condition).StringEquals);
        const pinned = (key: string) => Object.keys(equals).some((k) => k.toLowerCase() === key.toLowerCase() && strings(equals[k]).length === 1);
        for (const [key, what] of Object.entries(POD_IDENTITY_PINS)) {
            if (!pinned(key)) {
                problems.push(`${label(s, i)} does not pin ${what} (${key}) with StringEquals to one value`);
            }
        }
        if (!CLUSTER_PINS.some((key) => pinned(key) || Object.keys(record(record(s.Condition).ArnEquals)).includes(key))) {
            problems.push(`${label(s, i)} does not pin the cluster (aws:RequestTag/eks-cluster-arn or eks-cluster-name); any cluster of the account could use the role`);
        }
    });
    return problems;
}

/** Whether the IAM wildcard pattern (`*` any run of characters, `?` one) matches the value. */
export function wildcardMatches(pattern: string, value: string, ignoreCase = false): boolean {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

const READ_SECRET = "secretsmanager:GetSecretValue";

/**
 * What the statements let a principal read from Secrets Manager: the `Resource` patterns of every Allow whose
 * actions cover `secretsmanager:GetSecretValue`, and whether one of them uses `NotResource` (which reads
 * every secret it does not list) or `NotAction`.
 */
export function secretReads(statements: readonly Props[]): { readonly resources: string[]; readonly unbounded: boolean } {
    const reading = statements.filter(
        (s) => s.Effect === "Allow" && (s.NotAction !== undefined || strings(s.Action).some((a) => wildcardMatches(a, READ_SECRET, true))),
    );
    return {
        resources: reading.flatMap((s) => strings(s.Resource)),
        unbounded: reading.some((s) => s.NotResource !== undefined || (s.NotAction !== undefined && !strings(s.NotAction).some((a) => wildcardMatches(a, READ_SECRET, true)))),
    };
}
