import { irsaSubjects, statementsOf } from "../lib/iamDocuments";
import { containersOf, isKind, isWorkload, kubeType, namespaceOf, nameOf, podTemplate, sameName, sameNamespace } from "../lib/kubernetes";
import { PlatformPolicy, StackResource, resourceRule, stackRule } from "../lib/rule";
import { at, field, isRecord, isSet, isUnknown, list, record, str } from "../lib/values";
import { describeObject, namespaceOfResource } from "../lib/workloads";

/** CIS Amazon EKS Benchmark items about namespaces, service accounts and secrets. */

/** Namespaced kinds that are workloads or belong to one; protective objects (NetworkPolicy, quotas) may live anywhere. */
const NAMESPACED_KINDS = new Set([
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Service",
    "ServiceAccount",
    "ConfigMap",
    "Secret",
    "Ingress",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "Role",
    "RoleBinding",
    "PersistentVolumeClaim",
    "ScaledObject",
    "ScaledJob",
    "TriggerAuthentication",
    "ExternalSecret",
    "SecretStore",
    "ServiceMonitor",
    "PodMonitor",
    "TargetGroupBinding",
]);

const isHelmRelease = (type: string) => isKind(type, "helm.sh", "Release");

export const noDefaultNamespace = resourceRule({
    name: "k8s-no-default-namespace",
    summary: "No workload, its configuration or a Helm release lands in the `default` namespace.",
    controls: ["CIS EKS 4.5.2"],
    severity: "medium",
    appliesTo: (type) => isHelmRelease(type) || NAMESPACED_KINDS.has(kubeType(type)?.kind ?? ""),
    validate: (r, report) => {
        const ns = isHelmRelease(r.type) ? str(r.props.namespace) ?? str(r.providerProps.namespace) ?? "default" : namespaceOf(r.props, r.providerProps);
        if (ns === "default") {
            const where = isHelmRelease(r.type) ? "namespace" : "metadata.namespace";
            report(`lands in the default namespace (${where} unset or "default"); put it in the application's own namespace`);
        }
    },
});

/** The service account a pod spec names, `undefined` when it names none (and so runs as `default`). */
function serviceAccountOf(spec: unknown): unknown {
    return field(spec, "serviceAccountName") ?? field(spec, "serviceAccount");
}

export const noDefaultServiceAccount = resourceRule({
    name: "k8s-no-default-service-account",
    summary: "Every workload runs as a service account of its own, never the namespace's `default` one.",
    controls: ["CIS EKS 4.1.5"],
    severity: "medium",
    appliesTo: isWorkload,
    validate: (r, report) => {
        const spec = podTemplate(r.type, r.props).spec;
        const account = serviceAccountOf(spec);
        if (!isRecord(spec) || isUnknown(account)) {
            return;
        }
        if (account === undefined || account === "" || account === "default") {
            report("runs as the default service account; set spec.serviceAccountName to a dedicated ServiceAccount");
        }
    },
});

const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";

/** Roles of the stack a service account's role-arn annotation points at. */
function rolesFor(account: StackResource, roles: StackResource[]): StackResource[] {
    const arn = field(at(account.props, "metadata.annotations"), ROLE_ARN_ANNOTATION);
    if (!isUnknown(arn)) {
        return roles.filter((role) => role.props.arn === arn);
    }
    const exact = account.propertyDependencies.metadata;
    return roles.filter((role) => (exact ?? account.dependencies).includes(role.urn));
}

export const dedicatedServiceAccounts = stackRule({
    name: "k8s-dedicated-service-accounts",
    summary: "Workloads run as ServiceAccounts the stack defines, and every IRSA-annotated ServiceAccount points at a role whose trust names exactly it.",
    controls: ["CIS EKS 5.2.1", "CIS EKS 4.1.5", "kube-linter non-existent-service-account"],
    severity: "medium",
    validate: (stack, report) => {
        const accounts = stack.where((t) => isKind(t, "core", "ServiceAccount"));
        for (const w of stack.where(isWorkload)) {
            const account = serviceAccountOf(podTemplate(w.type, w.props).spec);
            if (account === undefined || account === "default" || isUnknown(account)) {
                continue;
            }
            const ns = namespaceOfResource(w);
            if (!accounts.some((a) => sameNamespace(namespaceOfResource(a), ns) && sameName(nameOf(a.props), account))) {
                report(`${describeObject(w)} runs as service account "${String(account)}", which the stack does not define; create it next to the workload`, w.urn);
            }
        }
        const roles = stack.ofType("aws:iam/role:Role");
        for (const account of accounts) {
            if (field(at(account.props, "metadata.annotations"), ROLE_ARN_ANNOTATION) === undefined) {
                continue;
            }
            const ns = namespaceOfResource(account);
            const name = nameOf(account.props);
            if (isUnknown(ns) || isUnknown(name) || name === undefined) {
                continue;
            }
            const subject = `system:serviceaccount:${ns}:${String(name)}`;
            for (const role of rolesFor(account, roles)) {
                const statements = statementsOf(role.props.assumeRolePolicy);
                const subjects = statements === undefined ? undefined : irsaSubjects(statements);
                if (subjects !== undefined && !subjects.includes(subject)) {
                    report(
                        `${describeObject(account)} is annotated with role ${role.name}, whose trust policy admits ${subjects.join(", ") || "no service account"} but not ${subject}`,
                        account.urn,
                    );
                }
            }
        }
    },
});

/** Environment variable names that hold secrets, unless they only name or locate one. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)/i;
const REFERENCE_NAME = /_(ARN|NAME|ID|PATH|FILE|REF|URL)$/i;

export const noLiteralSecrets = resourceRule({
    name: "k8s-no-literal-secrets",
    summary: "Secrets come from the external secret store (External Secrets and Secrets Manager): no Kubernetes Secret with data, and no secret-named environment variable with a literal value, in the program.",
    controls: ["CIS EKS 4.4.2", "kube-linter env-var-secret"],
    severity: "high",
    appliesTo: (type) => isKind(type, "core", "Secret") || isWorkload(type),
    validate: (r, report) => {
        if (isKind(r.type, "core", "Secret")) {
            const keys = ["data", "stringData"].filter((k) => isUnknown(r.props[k]) || Object.keys(record(r.props[k])).length > 0);
            if (keys.length > 0) {
                report(`carries ${keys.join(" and ")} in the program (and so in Pulumi state); create an ExternalSecret that reads Secrets Manager instead`);
            }
            return;
        }
        for (const c of containersOf(podTemplate(r.type, r.props).spec)) {
            for (const env of list(c.container.env).filter(isRecord)) {
                const name = str(env.name) ?? "";
                const value = env.value;
                if (SECRET_NAME.test(name) && !REFERENCE_NAME.test(name) && isSet(value) && !String(value).startsWith("arn:")) {
                    report(`${c.label}: env ${name} has a literal value; read it from a Secret synced by External Secrets (valueFrom.secretKeyRef)`);
                }
            }
        }
    },
});

export const KUBERNETES_POLICIES: readonly PlatformPolicy[] = [noDefaultNamespace, noDefaultServiceAccount, dedicatedServiceAccounts, noLiteralSecrets];
