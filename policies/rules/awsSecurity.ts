import { ADMIN_MANAGED_POLICY, irsaSubjects, irsaTrustProblems, isPodIdentityTrust, podIdentityTrustProblems, secretReads, statementsOf, wildcardGrants, wildcardMatches } from "../lib/iamDocuments";
import { isKind, nameOf } from "../lib/kubernetes";
import { PlatformPolicy, Stack, StackResource, ofTypes, resourceRule, stackRule } from "../lib/rule";
import { at, field, isRecord, isSet, isTrue, isUnknown, list, str, strings } from "../lib/values";

/** Keys, secrets and IAM. */

const SECRET = "aws:secretsmanager/secret:Secret";
const KMS_KEY = "aws:kms/key:Key";
const ROLE = "aws:iam/role:Role";
/** Resources whose `policy` property is an identity policy document. */
const POLICY_DOCUMENTS = ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"];
/** Resources attaching a managed policy by `policyArn`. */
const ATTACHMENTS = [
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
];

export const secretsCustomerKey = resourceRule({
    name: "secretsmanager-cmk-encrypted",
    summary: "Secrets Manager secrets are encrypted with a customer-managed KMS key, so that key policy and grants decide who can decrypt.",
    controls: ["Platform", "CIS EKS 5.3.1"],
    severity: "medium",
    appliesTo: ofTypes(SECRET),
    validate: (r, report) => {
        const key = r.props.kmsKeyId;
        if (!isSet(key)) {
            report("kmsKeyId is unset, so the secret uses the AWS managed key aws/secretsmanager; set the secrets CMK");
        } else if (String(key).includes("alias/aws/")) {
            report(`kmsKeyId is the AWS managed key ${String(key)}; use a customer-managed key`);
        }
    },
});

export const kmsKeyRotation = resourceRule({
    name: "kms-key-rotation",
    summary: "Symmetric customer-managed KMS keys rotate automatically.",
    controls: ["FSBP KMS.4"],
    severity: "medium",
    appliesTo: ofTypes(KMS_KEY),
    validate: (r, report) => {
        const spec = r.props.customerMasterKeySpec ?? r.props.keySpec ?? "SYMMETRIC_DEFAULT";
        const rotation = r.props.enableKeyRotation;
        // Asymmetric and HMAC keys cannot rotate automatically.
        if (spec !== "SYMMETRIC_DEFAULT" || isUnknown(rotation) || isTrue(rotation)) {
            return;
        }
        report("enableKeyRotation is not true; turn on automatic yearly rotation");
    },
});

/** The identity policy documents a resource carries, with where each sits. */
function documentsOf(type: string, props: Record<string, unknown>): [string, unknown][] {
    if (POLICY_DOCUMENTS.includes(type)) {
        return [["policy", props.policy]];
    }
    if (type === ROLE) {
        return list(props.inlinePolicies)
            .filter(isRecord)
            .map((p, i) => [`inlinePolicies[${str(p.name) ?? i}]`, p.policy]);
    }
    return [];
}

export const iamNoAdminWildcards = resourceRule({
    name: "iam-no-admin-wildcards",
    summary: "No IAM policy allows `*`, `*:*` or `service:*` actions (or NotAction), and nothing attaches AdministratorAccess.",
    controls: ["FSBP IAM.1", "FSBP IAM.21"],
    severity: "high",
    appliesTo: ofTypes(...POLICY_DOCUMENTS, ...ATTACHMENTS, ROLE),
    validate: (r, report) => {
        for (const [where, document] of documentsOf(r.type, r.props)) {
            const statements = statementsOf(document);
            for (const problem of wildcardGrants(statements ?? [])) {
                report(`${where}: ${problem}; grant the exact actions needed on exact ARNs`);
            }
        }
        const arns = ATTACHMENTS.includes(r.type) ? strings(r.props.policyArn) : r.type === ROLE ? strings(r.props.managedPolicyArns) : [];
        for (const arn of arns.filter((a) => ADMIN_MANAGED_POLICY.test(a))) {
            report(`attaches ${arn}, full administrative access; attach a least-privilege policy instead`);
        }
    },
});

export const irsaTrustPinned = resourceRule({
    name: "iam-irsa-trust-pinned",
    summary: "IAM roles assumed through an EKS OIDC provider (IRSA) pin both `sub` to one service account and `aud` to sts.amazonaws.com.",
    controls: ["CIS EKS 5.2.1"],
    severity: "high",
    appliesTo: ofTypes(ROLE),
    validate: (r, report) => {
        const statements = statementsOf(r.props.assumeRolePolicy);
        for (const problem of irsaTrustProblems(statements ?? [])) {
            report(`assumeRolePolicy ${problem}`);
        }
    },
});

export const podIdentityTrustPinned = resourceRule({
    name: "iam-pod-identity-trust-pinned",
    summary:
        "IAM roles EKS Pod Identity assumes trust pods.eks.amazonaws.com alone, with sts:AssumeRole and sts:TagSession only, pinned to the account, the cluster, one namespace and one service account, so that nothing else can assume them.",
    controls: ["CIS EKS 5.2.1", "Platform"],
    severity: "high",
    appliesTo: ofTypes(ROLE),
    validate: (r, report) => {
        const statements = statementsOf(r.props.assumeRolePolicy) ?? [];
        if (!isPodIdentityTrust(statements)) {
            return;
        }
        for (const problem of podIdentityTrustProblems(statements)) {
            report(`assumeRolePolicy ${problem}`);
        }
    },
});

/** Label that marks a service's namespace, with the service's name as its value. */
export const SERVICE_LABEL = "platform.io/service";
/** AWS managed policies that let a role read every secret. */
const READS_EVERY_SECRET = /^arn:aws[a-z-]*:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|SecretsManagerReadWrite)$/;
const SECRET_ARN = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.*)$/;
/** A secret ARN any pattern that reaches every secret would match. */
const ANY_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:any";

/** Roles assumed through IRSA by a service account of each service, by service. */
function serviceRoles(stack: Stack, serviceLabel: string): [StackResource, string][] {
    const services = new Map<string, string>();
    for (const ns of stack.where((t) => isKind(t, "core", "Namespace"))) {
        const name = str(nameOf(ns.props));
        const service = str(field(at(ns.props, "metadata.labels"), serviceLabel));
        if (name !== undefined && service !== undefined) {
            services.set(name, service);
        }
    }
    return stack.ofType(ROLE).flatMap((role) => {
        const namespaces = irsaSubjects(statementsOf(role.props.assumeRolePolicy) ?? []).map((sub) => sub.split(":")[2]);
        return [...new Set(namespaces.map((ns) => services.get(ns)).filter((s): s is string => s !== undefined))].map((s): [StackResource, string] => [role, s]);
    });
}

/** The identity policy documents attached to a role: its inline policies and the RolePolicy resources naming it. */
function roleDocuments(stack: Stack, role: StackResource): [string, unknown][] {
    const target = { urns: [role.urn], values: [str(role.props.name)].filter((n): n is string => n !== undefined && !isUnknown(n)) };
    return [
        ...documentsOf(ROLE, role.props),
        ...stack
            .ofType("aws:iam/rolePolicy:RolePolicy")
            .filter((p) => stack.references(p, "role", target) === true)
            .map((p): [string, unknown] => [`RolePolicy ${p.name}`, p.props.policy]),
    ];
}

/**
 * Why a resource pattern reaches beyond the secrets named `<stack prefix>/services/<service>/…`, or
 * undefined when it does not. `stackPrefixes` are the prefixes of this stack's service secrets (a role
 * reading the same service's secrets of another stack reaches beyond its own).
 */
function outsideOwnSecrets(resource: string, service: string, stackPrefixes: ReadonlySet<string>, names: ReadonlyMap<string, string>): string | undefined {
    const arn = SECRET_ARN.exec(resource);
    if (arn === null) {
        return wildcardMatches(resource, ANY_SECRET) ? `every secret ("${resource}")` : undefined;
    }
    const name = names.get(resource) ?? arn[1];
    const segment = name.indexOf("/services/");
    const prefix = segment < 0 ? "" : name.slice(0, segment);
    const owned = segment > 0 && name.startsWith(`/services/${service}/`, segment) && !/[*?]/.test(name.slice(0, segment + service.length + 11));
    return owned && (stackPrefixes.size === 0 || stackPrefixes.has(prefix)) ? undefined : `"${name}"`;
}

export const serviceReadsOwnSecrets = stackRule<{ serviceLabel: string }>({
    name: "iam-service-reads-own-secrets",
    summary:
        "The IAM role of an application service (IRSA, from a namespace labelled platform.io/service) reads only the secrets under its own prefix `<stack>/services/<service>/`: no admin secret, no other service's.",
    controls: ["Platform", "CIS EKS 5.2.1"],
    severity: "high",
    configSchema: {
        properties: { serviceLabel: { type: "string", default: SERVICE_LABEL, description: "Label on a service's namespace whose value is the service's name." } },
    },
    validate: (stack, report, config) => {
        const secrets = stack.ofType(SECRET);
        const names = new Map(secrets.flatMap((s) => (typeof s.props.arn === "string" && typeof s.props.name === "string" ? [[s.props.arn, s.props.name] as const] : [])));
        const stackPrefixes = new Set(
            secrets
                .map((s) => str(s.props.name) ?? "")
                .filter((n) => n.includes("/services/"))
                .map((n) => n.slice(0, n.indexOf("/services/"))),
        );
        for (const [role, service] of serviceRoles(stack, config.serviceLabel)) {
            const whose = `the role of service ${service} (${role.name})`;
            for (const [where, document] of roleDocuments(stack, role)) {
                const { resources, unbounded } = secretReads(statementsOf(document) ?? []);
                if (unbounded) {
                    report(`${whose}: ${where} reads secrets through NotResource or NotAction; list the service's own secret ARNs`, role.urn);
                }
                for (const resource of resources.filter((r) => !isUnknown(r))) {
                    const outside = outsideOwnSecrets(resource, service, stackPrefixes, names);
                    if (outside !== undefined) {
                        report(`${whose}: ${where} can read ${outside}, outside its own secrets <stack>/services/${service}/; grant exactly the ARNs of those`, role.urn);
                    }
                }
            }
            const attachments = stack.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => stack.references(a, "role", { urns: [role.urn], values: [] }) === true);
            for (const arn of attachments.flatMap((a) => strings(a.props.policyArn)).filter((a) => READS_EVERY_SECRET.test(a))) {
                report(`${whose}: attaches ${arn}, which reads every secret; grant exactly the ARNs of its own secrets`, role.urn);
            }
        }
    },
});

export const AWS_SECURITY_POLICIES: readonly PlatformPolicy[] = [secretsCustomerKey, kmsKeyRotation, iamNoAdminWildcards, irsaTrustPinned, podIdentityTrustPinned, serviceReadsOwnSecrets];
