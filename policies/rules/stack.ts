import { isDeployment, isKind, nameOf, sameName, sameNamespace, selects } from "../lib/kubernetes";
import { PlatformPolicy, Stack, StackResource, stackRule } from "../lib/rule";
import { at, field, isRecord, isSet, isUnknown, list, num, record, str, strings } from "../lib/values";
import { autoscalersOf, describeObject, namespaceOfResource, templateLabels } from "../lib/workloads";

/** Rules that relate resources across the stack: availability, isolation, protection and ingress. */

const isPdb = (t: string) => isKind(t, "policy", "PodDisruptionBudget");
const isNetworkPolicy = (t: string) => isKind(t, "networking.k8s.io", "NetworkPolicy");

/** Objects of a kind in the workload's namespace whose selector picks its pods (`true` or undecidable). */
function selecting(workload: StackResource, candidates: StackResource[], selectorPath: string): StackResource[] {
    const ns = namespaceOfResource(workload);
    const labels = templateLabels(workload);
    return candidates.filter((c) => sameNamespace(namespaceOfResource(c), ns) && selects(at(c.props, selectorPath), labels) !== false);
}

export const deploymentHasPdb = stackRule({
    name: "k8s-deployment-has-pdb",
    summary: "Every Deployment is selected by a PodDisruptionBudget, so node drains and upgrades keep it serving.",
    controls: ["kube-score deployment-has-poddisruptionbudget", "Polaris missingPodDisruptionBudget"],
    severity: "medium",
    validate: (stack, report) => {
        const budgets = stack.where(isPdb);
        for (const d of stack.where(isDeployment)) {
            if (selecting(d, budgets, "spec.selector").length === 0) {
                report(`${describeObject(d)} has no PodDisruptionBudget selecting its pods; add one with maxUnavailable: 1`, d.urn);
            }
        }
    },
});

/** A NetworkPolicy that allows something: the namespace's deny-all default selects every pod but admits nothing. */
const hasRules = (np: StackResource) => list(at(np.props, "spec.ingress")).length > 0 || list(at(np.props, "spec.egress")).length > 0;

export const deploymentHasNetworkPolicy = stackRule({
    name: "k8s-deployment-has-network-policy",
    summary: "Every Deployment's pods are selected by a NetworkPolicy with rules of its own (beyond the namespace's default deny).",
    controls: ["kube-score pod-networkpolicy", "Polaris missingNetworkPolicy", "CIS EKS 4.3.2"],
    severity: "medium",
    validate: (stack, report) => {
        const policies = stack.where(isNetworkPolicy).filter((np) => hasRules(np) || isUnknown(at(np.props, "spec")));
        for (const d of stack.where(isDeployment)) {
            if (selecting(d, policies, "spec.podSelector").length === 0) {
                report(`${describeObject(d)} is selected by no NetworkPolicy with rules; add one that admits only its callers and the egress it needs`, d.urn);
            }
        }
    },
});

export const deploymentScales = stackRule({
    name: "k8s-deployment-scales",
    summary: "Every Deployment is targeted by a HorizontalPodAutoscaler or KEDA ScaledObject, or runs at least 2 replicas.",
    controls: ["kube-score deployment-replicas"],
    severity: "medium",
    validate: (stack, report) => {
        for (const d of stack.where(isDeployment)) {
            const replicas = at(d.props, "spec.replicas");
            if (autoscalersOf(stack, d).length > 0 || isUnknown(replicas) || (num(replicas) ?? 1) >= 2) {
                continue;
            }
            report(`${describeObject(d)} runs ${num(replicas) ?? 1} replica and no autoscaler targets it; add an HPA or ScaledObject, or set spec.replicas to 2 or more`, d.urn);
        }
    },
});

export const autoscaledReplicasUnmanaged = stackRule({
    name: "k8s-autoscaled-replicas-unmanaged",
    summary: "A Deployment targeted by an autoscaler does not have Pulumi manage spec.replicas (unset, or listed in ignoreChanges).",
    controls: ["kube-score deployment-targeted-by-hpa-does-not-have-replicas-configured"],
    severity: "low",
    validate: (stack, report) => {
        for (const d of stack.where(isDeployment)) {
            if (!isSet(at(d.props, "spec.replicas")) || d.opts.ignoreChanges.includes("spec.replicas") || autoscalersOf(stack, d).length === 0) {
                continue;
            }
            report(`${describeObject(d)} sets spec.replicas although an autoscaler owns it; every update would reset the scale: drop it or add ignoreChanges ["spec.replicas"]`, d.urn);
        }
    },
});

/** Default label marking application namespaces. */
export const TENANT_LABEL = "platform.io/tenant";

/** A NetworkPolicy selecting every pod, for both directions, with no rules: it denies all traffic. */
function isDefaultDeny(np: StackResource): boolean {
    const spec = record(at(np.props, "spec"));
    const selector = record(spec.podSelector);
    const selectsAll = Object.keys(record(selector.matchLabels)).length === 0 && list(selector.matchExpressions).length === 0;
    const types = strings(spec.policyTypes);
    return selectsAll && types.includes("Ingress") && types.includes("Egress") && list(spec.ingress).length === 0 && list(spec.egress).length === 0;
}

export const namespaceDefaultDeny = stackRule<{ tenantLabel: string; tenantValue: string }>({
    name: "k8s-namespace-default-deny",
    summary: 'Every application namespace (label platform.io/tenant: "true") has a default-deny NetworkPolicy: podSelector {}, policyTypes Ingress and Egress, no rules.',
    controls: ["CIS EKS 4.3.2", "kube-linter non-isolated-pod"],
    severity: "high",
    configSchema: {
        properties: {
            tenantLabel: { type: "string", default: TENANT_LABEL, description: "Label that marks application namespaces." },
            tenantValue: { type: "string", default: "true", description: "Value of that label on application namespaces." },
        },
    },
    validate: (stack, report, config) => {
        const policies = stack.where(isNetworkPolicy);
        for (const ns of stack.where((t) => isKind(t, "core", "Namespace"))) {
            if (field(at(ns.props, "metadata.labels"), config.tenantLabel) !== config.tenantValue) {
                continue;
            }
            const name = nameOf(ns.props);
            const denies = policies.filter((np) => sameName(namespaceOfResource(np), name) && (isUnknown(at(np.props, "spec")) || isDefaultDeny(np)));
            if (denies.length === 0) {
                report(`namespace ${str(name) ?? ns.name} has no default-deny NetworkPolicy; add one with podSelector {}, policyTypes [Ingress, Egress] and no rules`, ns.urn);
            }
        }
    },
});

/** Types whose loss loses data or access to it, or that take days to rebuild. */
export const STATEFUL_TYPES = [
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:mq/broker:Broker",
    "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret",
    "eks:index:Cluster",
    "aws:eks/cluster:Cluster",
] as const;

export type StatefulType = (typeof STATEFUL_TYPES)[number];

export const statefulResourcesProtected = stackRule({
    name: "stateful-resources-protected",
    summary: "Databases, caches, brokers, KMS keys, secrets and EKS clusters are protected (`protect`), so no update or destroy can delete them.",
    controls: ["FSBP KMS.3", "Platform"],
    severity: "high",
    validate: (stack, report) => {
        for (const r of stack.ofType(...STATEFUL_TYPES)) {
            if (r.opts.protect !== true) {
                report(`${r.type} ${r.name} is not protected; set the protect option (platform:protection.enabled) so that Pulumi refuses to delete or replace it`, r.urn);
            }
        }
    },
});

const ALB = "alb.ingress.kubernetes.io/";
const MODERN_TLS = /TLS13|TLS-1-2/;

/** The listeners an ALB Ingress asks for; the controller's default is HTTP 80, or HTTPS 443 with a certificate. */
function listenersOf(annotations: Record<string, unknown>, hasCertificate: boolean): { protocol: string; port: number }[] | "unknown" | "invalid" {
    const raw = annotations[`${ALB}listen-ports`];
    if (raw === undefined) {
        return [hasCertificate ? { protocol: "HTTPS", port: 443 } : { protocol: "HTTP", port: 80 }];
    }
    if (isUnknown(raw)) {
        return "unknown";
    }
    try {
        const parsed: unknown = JSON.parse(String(raw));
        return list(parsed)
            .filter(isRecord)
            .flatMap((entry) => Object.entries(entry).map(([protocol, port]) => ({ protocol: protocol.toUpperCase(), port: Number(port) })));
    } catch {
        return "invalid";
    }
}

/** Certificate and TLS policy an IngressClass may supply through its IngressClassParams. */
function classDefaults(stack: Stack, className: unknown): { certificate: boolean; sslPolicy?: string; alb: boolean } {
    const ingressClass = stack.where((t) => isKind(t, "networking.k8s.io", "IngressClass")).find((c) => nameOf(c.props) === className);
    const params = at(ingressClass?.props, "spec.parameters");
    const found = stack
        .where((t) => isKind(t, "elbv2.k8s.aws", "IngressClassParams"))
        .find((p) => field(params, "kind") === "IngressClassParams" && nameOf(p.props) === field(params, "name"));
    return {
        alb: className === "alb" || at(ingressClass?.props, "spec.controller") === "ingress.k8s.aws/alb",
        certificate: strings(at(found?.props, "spec.certificateArn")).length > 0,
        sslPolicy: str(at(found?.props, "spec.sslPolicy")),
    };
}

export const ingressHttpsOnly = stackRule({
    name: "k8s-ingress-https-only",
    summary: "Every Ingress serves HTTPS only: ALB listeners HTTPS 443 (plus HTTP 80 only with ssl-redirect 443), a certificate ARN and a TLS 1.2+ ssl-policy; other classes declare spec.tls.",
    controls: ["FSBP ELB.1", "FSBP ELB.17", "CIS EKS 5.4.5", "Polaris tlsSettingsMissing"],
    severity: "high",
    validate: (stack, report) => {
        for (const ingress of stack.where((t) => isKind(t, "networking.k8s.io", "Ingress"))) {
            const annotations = record(at(ingress.props, "metadata.annotations"));
            const className = at(ingress.props, "spec.ingressClassName") ?? annotations["kubernetes.io/ingress.class"];
            const defaults = classDefaults(stack, className);
            const name = describeObject(ingress);
            const say = (message: string) => report(`${name}: ${message}`, ingress.urn);
            const isAlb = defaults.alb || className === undefined || Object.keys(annotations).some((k) => k.startsWith(ALB));
            if (!isAlb) {
                if (!isUnknown(at(ingress.props, "spec.tls")) && list(at(ingress.props, "spec.tls")).length === 0) {
                    say("spec.tls is empty, so the Ingress serves plain HTTP");
                }
                continue;
            }
            const certificate = annotations[`${ALB}certificate-arn`];
            const hasCertificate = isSet(certificate) || defaults.certificate;
            if (!hasCertificate) {
                say(`no ${ALB}certificate-arn; name the ACM certificate`);
            }
            const sslPolicy = annotations[`${ALB}ssl-policy`] ?? defaults.sslPolicy;
            if (!isSet(sslPolicy)) {
                say(`no ${ALB}ssl-policy; set a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06`);
            } else if (!isUnknown(sslPolicy) && !MODERN_TLS.test(String(sslPolicy))) {
                say(`${ALB}ssl-policy ${String(sslPolicy)} allows TLS older than 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06`);
            }
            const listeners = listenersOf(annotations, hasCertificate);
            if (listeners === "invalid") {
                say(`${ALB}listen-ports is not valid JSON`);
                continue;
            }
            if (listeners === "unknown") {
                continue;
            }
            const other = listeners.filter((l) => !(l.protocol === "HTTPS" && l.port === 443) && !(l.protocol === "HTTP" && l.port === 80));
            if (other.length > 0) {
                say(`listens on ${other.map((l) => `${l.protocol} ${l.port}`).join(", ")}; only HTTPS 443 (and HTTP 80 redirecting to it) is allowed`);
            }
            if (!listeners.some((l) => l.protocol === "HTTPS" && l.port === 443)) {
                say(`does not listen on HTTPS 443; set ${ALB}listen-ports to '[{"HTTP": 80}, {"HTTPS": 443}]'`);
            }
            if (listeners.some((l) => l.protocol === "HTTP" && l.port === 80) && annotations[`${ALB}ssl-redirect`] !== "443" && !isUnknown(annotations[`${ALB}ssl-redirect`])) {
                say(`listens on HTTP 80 without ${ALB}ssl-redirect: '443', so it serves plain HTTP`);
            }
        }
    },
});

export const STACK_POLICIES: readonly PlatformPolicy[] = [
    deploymentHasPdb,
    deploymentHasNetworkPolicy,
    deploymentScales,
    autoscaledReplicasUnmanaged,
    namespaceDefaultDeny,
    statefulResourcesProtected,
    ingressHttpsOnly,
];
