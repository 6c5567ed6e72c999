import type { Environment } from "../config/catalog";
import type { ProgramRun, RecordedResource } from "../offline/run";
import { PolicyPackConfigJson } from "./lib/enforcement";
import { PlatformPolicy } from "./lib/rule";
import { Violation, evaluatePolicies } from "./offline";

/**
 * Hand-made resources for trying rules without running the program: tests build a few recorded
 * resources, run one policy over them and read its messages.
 */

export interface ResourceOptions {
    /** Logical name. Defaults to one derived from the type and a counter. */
    readonly name?: string;
    /** Provider-assigned ID. Defaults to one derived from the name (none for components). */
    readonly id?: string;
    /** Outputs beyond the echoed inputs (what a provider computes). */
    readonly outputs?: Record<string, unknown>;
    readonly protect?: boolean;
    readonly ignoreChanges?: string[];
    /** URN of the parent. */
    readonly parent?: string;
    readonly dependencies?: string[];
    /** URN of the explicit provider. */
    readonly provider?: string;
    /** Stack named in the URN. Defaults to prod. */
    readonly stack?: string;
}

let counter = 0;

/** A resource as the recorder would have seen it register. */
export function resource(type: string, inputs: Record<string, unknown>, options: ResourceOptions = {}): RecordedResource {
    counter += 1;
    const name = options.name ?? `${type.split(":").pop()?.toLowerCase() ?? "resource"}-${counter}`;
    const stack = options.stack ?? "prod";
    const custom = !type.includes(":index:Cluster") && !type.startsWith("awsx:");
    return {
        urn: `urn:pulumi:${stack}::platform::${type}::${name}`,
        type,
        name,
        id: options.id ?? (custom ? `${name}-id` : ""),
        parent: options.parent,
        custom,
        remote: type === "eks:index:Cluster" || type.startsWith("awsx:"),
        provider: options.provider,
        inputs,
        outputs: { ...inputs, ...options.outputs },
        dependencies: options.dependencies ?? [],
        explicitDependencies: [],
        protect: options.protect ?? false,
        ignoreChanges: options.ignoreChanges ?? [],
        retainOnDelete: false,
        deleteBeforeReplace: false,
        inputDependencies: {},
    };
}

/** A program run holding the given resources. */
export function runOf(resources: RecordedResource[], stack = "prod"): ProgramRun {
    return { project: "platform", stack, resources, outputs: {} };
}

/** The violations one policy reports over some resources, judged as prod unless told otherwise. */
export function check(
    policy: PlatformPolicy,
    resources: RecordedResource[],
    options: { environment?: Environment; overrides?: PolicyPackConfigJson } = {},
): Violation[] {
    return evaluatePolicies(runOf(resources), { environment: options.environment ?? "prod", overrides: options.overrides, policies: [policy] });
}

/** One hand-made case for a rule: resources, and whether the rule must report them. */
export interface RuleCase {
    readonly title: string;
    readonly resources: RecordedResource[];
    /** A pattern one of the rule's messages must match; absent when the case must pass. */
    readonly violation?: RegExp;
    readonly overrides?: PolicyPackConfigJson;
}

/** What is wrong with a rule's verdict on a case, or `undefined` when the verdict is the expected one. */
export function caseProblem(policy: PlatformPolicy, c: RuleCase): string | undefined {
    const messages = check(policy, c.resources, { overrides: c.overrides }).map((v) => v.message);
    if (c.violation === undefined) {
        return messages.length === 0 ? undefined : `expected no violation, got: ${messages.join(" | ")}`;
    }
    if (messages.length === 0) {
        return `expected a violation matching ${c.violation}, got none`;
    }
    return messages.some((m) => c.violation?.test(m)) ? undefined : `expected a violation matching ${c.violation}, got: ${messages.join(" | ")}`;
}

/** Rules that lack a compliant or a violating case, and case names that are not rules. */
export function coverageProblems(policies: readonly PlatformPolicy[], cases: Readonly<Record<string, readonly RuleCase[]>>): string[] {
    const names = new Set(policies.map((p) => p.name));
    const problems = Object.keys(cases)
        .filter((name) => !names.has(name))
        .map((name) => `cases for unknown rule ${name}`);
    for (const name of names) {
        const own = cases[name] ?? [];
        if (!own.some((c) => c.violation === undefined)) {
            problems.push(`${name} has no compliant case`);
        }
        if (!own.some((c) => c.violation !== undefined)) {
            problems.push(`${name} has no violating case`);
        }
    }
    return problems;
}

/** A container that passes every pod security and hygiene rule; cases start from it and break one thing. */
export function compliantContainer(name = "app", port = true): Record<string, unknown> {
    const probe = { httpGet: { path: "/healthz", port: "http" } };
    return {
        name,
        image: "ghcr.io/example/orders-api:2.4.1",
        ...(port ? { ports: [{ name: "http", containerPort: 8080 }], readinessProbe: probe, livenessProbe: probe } : {}),
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    };
}

/** A pod spec that passes every pod security and hygiene rule. */
export function compliantPodSpec(containers: Record<string, unknown>[] = [compliantContainer()]): Record<string, unknown> {
    return {
        serviceAccountName: "api",
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers,
        volumes: [{ name: "tmp", emptyDir: {} }],
    };
}

/** Type token per Kubernetes kind the cases use. */
const KUBE_TYPES: Readonly<Record<string, string>> = {
    Deployment: "apps/v1",
    StatefulSet: "apps/v1",
    DaemonSet: "apps/v1",
    Job: "batch/v1",
    CronJob: "batch/v1",
    Pod: "core/v1",
    Service: "core/v1",
    ServiceAccount: "core/v1",
    Secret: "core/v1",
    Namespace: "core/v1",
    ConfigMap: "core/v1",
    NetworkPolicy: "networking.k8s.io/v1",
    Ingress: "networking.k8s.io/v1",
    IngressClass: "networking.k8s.io/v1",
    PodDisruptionBudget: "policy/v1",
    HorizontalPodAutoscaler: "autoscaling/v2",
    ScaledObject: "keda.sh/v1alpha1",
    IngressClassParams: "elbv2.k8s.aws/v1beta1",
};

/** A Kubernetes object as the Kubernetes provider registers it: `kubernetes:<group>/<version>:<Kind>`, inputs the manifest. */
export function kube(kind: string, manifest: Record<string, unknown>, options: ResourceOptions = {}): RecordedResource {
    const groupVersion = KUBE_TYPES[kind];
    if (groupVersion === undefined) {
        throw new Error(`kube: no type token known for kind ${kind}`);
    }
    const apiVersion = groupVersion.startsWith("core/") ? groupVersion.slice("core/".length) : groupVersion;
    return resource(`kubernetes:${groupVersion}:${kind}`, { apiVersion, kind, ...manifest }, options);
}

export interface WorkloadOptions extends ResourceOptions {
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly replicas?: number;
    readonly templateAnnotations?: Record<string, string>;
}

/** A workload of any kind around a pod spec, in namespace `api` with labels `app: api` unless told otherwise. */
export function workload(kind: string, podSpec: Record<string, unknown>, options: WorkloadOptions = {}): RecordedResource {
    const labels = options.labels ?? { app: "api" };
    const template = { metadata: { labels, ...(options.templateAnnotations ? { annotations: options.templateAnnotations } : {}) }, spec: podSpec };
    const metadata = { name: options.name ?? "api", namespace: options.namespace ?? "api" };
    const spec =
        kind === "Pod"
            ? podSpec
            : kind === "CronJob"
              ? { schedule: "0 3 * * *", jobTemplate: { spec: { template } } }
              : kind === "Job"
                ? { template }
                : { ...(options.replicas === undefined ? {} : { replicas: options.replicas }), selector: { matchLabels: labels }, template };
    return kube(kind, { metadata: kind === "Pod" ? { ...metadata, labels } : metadata, spec }, { ...options, name: options.name });
}
