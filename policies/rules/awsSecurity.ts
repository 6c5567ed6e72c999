import { ADMIN_MANAGED_POLICY, irsaTrustProblems, isPodIdentityTrust, podIdentityTrustProblems, statementsOf, wildcardGrants } from "../lib/iamDocuments";
import { PlatformPolicy, ofTypes, resourceRule } from "../lib/rule";
import { isRecord, isSet, isTrue, isUnknown, list, str, strings } from "../lib/values";

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

export const AWS_SECURITY_POLICIES: readonly PlatformPolicy[] = [secretsCustomerKey, kmsKeyRotation, iamNoAdminWildcards, irsaTrustPinned, podIdentityTrustPinned];
