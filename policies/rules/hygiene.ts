import { containersOf, isDeployment, isKind, isWorkload, podTemplate, sameNamespace, selects } from "../lib/kubernetes";
import { PlatformPolicy, resourceRule, stackRule } from "../lib/rule";
import { at, isSet, isTrue, isUnknown, list, num, str } from "../lib/values";
import { autoscalerMinimum, describeObject, isHpa, isScaledObject, namespaceOfResource, quietReplicas, templateLabels } from "../lib/workloads";

/** Workload hygiene, in the vocabulary of kube-score, kube-linter and Polaris. */

/** Why an image reference is not pinned, or `undefined` when it names a tag other than latest, or a digest. */
export function imagePinProblem(image: string): string | undefined {
    if (/@sha\d+:[a-f0-9]+$/.test(image)) {
        return undefined;
    }
    const colon = image.lastIndexOf(":");
    if (colon <= image.lastIndexOf("/")) {
        return `image "${image}" names no tag, which means latest; pin a version tag or a digest`;
    }
    if (image.slice(colon + 1) === "latest") {
        return `image "${image}" uses the mutable tag latest; pin a version tag or a digest`;
    }
    return undefined;
}

/** Pod specs of a workload resource, for rules that read containers. */
function podSpecOf(type: string, props: Record<string, unknown>): unknown {
    return podTemplate(type, props).spec;
}

export const imagePinned = resourceRule({
    name: "k8s-image-pinned",
    summary: "Every container image is pinned by a version tag or a digest, never latest or untagged.",
    controls: ["kube-score container-image-tag", "kube-linter latest-tag"],
    severity: "medium",
    appliesTo: isWorkload,
    validate: (r, report) => {
        for (const c of containersOf(podSpecOf(r.type, r.props))) {
            const image = str(c.container.image);
            const problem = image === undefined ? undefined : imagePinProblem(image);
            if (problem !== undefined) {
                report(`${c.label}: ${problem}`);
            }
        }
    },
});

export const resourcesSet = resourceRule<{ requireCpuLimits: boolean }>({
    name: "k8s-resources-set",
    summary: "Every container and init container sets CPU and memory requests and limits.",
    controls: ["kube-score container-resources", "kube-linter unset-cpu-requirements", "kube-linter unset-memory-requirements"],
    severity: "medium",
    configSchema: {
        properties: {
            requireCpuLimits: { type: "boolean", default: true, description: "Require limits.cpu as well (some teams prefer none, to avoid throttling)." },
        },
    },
    appliesTo: isWorkload,
    validate: (r, report, config) => {
        const wanted = ["requests.cpu", "requests.memory", "limits.memory", ...(config.requireCpuLimits ? ["limits.cpu"] : [])];
        for (const c of containersOf(podSpecOf(r.type, r.props), ["containers", "initContainers"])) {
            const resources = c.container.resources;
            if (isUnknown(resources)) {
                continue;
            }
            const missing = wanted.filter((path) => !isSet(at(resources, path)));
            if (missing.length > 0) {
                report(`${c.label}: resources lack ${missing.join(", ")}`);
            }
        }
    },
});

export const probesOnServedWorkloads = resourceRule({
    name: "k8s-probes-on-served-workloads",
    summary: "In Deployments, every container that declares a port has a readiness and a liveness probe.",
    controls: ["kube-score pod-probes", "Polaris readinessProbeMissing", "Polaris livenessProbeMissing"],
    severity: "medium",
    appliesTo: isDeployment,
    validate: (r, report) => {
        for (const c of containersOf(podSpecOf(r.type, r.props), ["containers"])) {
            if (list(c.container.ports).length === 0) {
                continue;
            }
            const missing = ["readinessProbe", "livenessProbe"].filter((p) => !isSet(c.container[p]));
            if (missing.length > 0) {
                report(`${c.label} serves a port but has no ${missing.join(" or ")}`);
            }
        }
    },
});

export const readOnlyRootFilesystem = resourceRule({
    name: "k8s-read-only-root-filesystem",
    summary: "Every container and init container mounts its root filesystem read-only (writable paths are emptyDir volumes).",
    controls: ["kube-linter no-read-only-root-fs", "kube-score container-security-context-readonlyrootfilesystem"],
    severity: "medium",
    appliesTo: isWorkload,
    validate: (r, report) => {
        for (const c of containersOf(podSpecOf(r.type, r.props), ["containers", "initContainers"])) {
            const value = at(c.container, "securityContext.readOnlyRootFilesystem");
            if (!isUnknown(value) && !isTrue(value)) {
                report(`${c.label}: securityContext.readOnlyRootFilesystem is not true; set it and mount an emptyDir where the process writes`);
            }
        }
    },
});

export const noNodePortOrLoadBalancer = resourceRule({
    name: "k8s-no-node-port-or-load-balancer",
    summary: "Services are ClusterIP (or headless/ExternalName): traffic enters only through the ALB Ingress.",
    controls: ["Platform", "CIS EKS 5.4.5"],
    severity: "high",
    appliesTo: (type) => isKind(type, "core", "Service"),
    validate: (r, report) => {
        const type = at(r.props, "spec.type");
        if (type === "LoadBalancer" || type === "NodePort") {
            report(`spec.type is ${type}; use ClusterIP and expose HTTP through an Ingress, where TLS terminates`);
        }
    },
});

export const autoscalerMinReplicas = resourceRule<{ minimum: number }>({
    name: "k8s-autoscaler-min-replicas",
    summary: "HorizontalPodAutoscalers and KEDA ScaledObjects keep at least 2 replicas.",
    controls: ["Polaris hpaMinAvailability"],
    severity: "medium",
    configSchema: {
        properties: { minimum: { type: "integer", minimum: 1, default: 2, description: "Fewest replicas an autoscaler may keep." } },
    },
    appliesTo: (type) => isHpa(type) || isScaledObject(type),
    validate: (r, report, config) => {
        const minimum = autoscalerMinimum(r);
        if (minimum !== undefined && minimum < config.minimum) {
            const key = isHpa(r.type) ? "spec.minReplicas" : "spec.minReplicaCount";
            report(`${key} is ${minimum}; keep at least ${config.minimum} so that one pod can fail or move without an outage`);
        }
    },
});

/** Pods a budget must keep: a count, or a percentage of the workload's replicas (rounded up, as Kubernetes does). */
function required(minAvailable: unknown, replicas: number): number | undefined {
    const text = str(minAvailable);
    if (text !== undefined && text.endsWith("%")) {
        return Math.ceil((replicas * Number(text.slice(0, -1))) / 100);
    }
    return num(minAvailable);
}

export const pdbAllowsDisruption = stackRule({
    name: "k8s-pdb-allows-disruption",
    summary: "No PodDisruptionBudget forbids every voluntary disruption (maxUnavailable 0, minAvailable 100% or equal to the workload's replicas), which would block node drains.",
    controls: ["kube-linter pdb-max-unavailable", "kube-linter pdb-min-available", "Polaris pdbDisruptionsIsZero"],
    severity: "medium",
    validate: (stack, report) => {
        const workloads = stack.where((t) => isKind(t, "apps", "Deployment") || isKind(t, "apps", "StatefulSet"));
        for (const pdb of stack.where((t) => isKind(t, "policy", "PodDisruptionBudget"))) {
            const maxUnavailable = at(pdb.props, "spec.maxUnavailable");
            const minAvailable = at(pdb.props, "spec.minAvailable");
            const name = describeObject(pdb);
            if (maxUnavailable === 0 || maxUnavailable === "0" || maxUnavailable === "0%") {
                report(`${name}: maxUnavailable is 0, so no pod may ever be evicted and node drains hang; allow at least 1`, pdb.urn);
                continue;
            }
            if (minAvailable === "100%") {
                report(`${name}: minAvailable is 100%, so no pod may ever be evicted; use maxUnavailable: 1`, pdb.urn);
                continue;
            }
            if (!isSet(minAvailable) || isUnknown(minAvailable)) {
                continue;
            }
            const selector = at(pdb.props, "spec.selector");
            for (const w of workloads) {
                if (!sameNamespace(namespaceOfResource(pdb), namespaceOfResource(w)) || selects(selector, templateLabels(w)) !== true) {
                    continue;
                }
                const replicas = quietReplicas(stack, w);
                const keep = replicas === undefined ? undefined : required(minAvailable, replicas);
                if (replicas !== undefined && keep !== undefined && keep >= replicas) {
                    report(`${name}: minAvailable ${String(minAvailable)} leaves no pod of ${describeObject(w)} (${replicas} replica(s)) evictable; use maxUnavailable: 1`, pdb.urn);
                }
            }
        }
    },
});

export const HYGIENE_POLICIES: readonly PlatformPolicy[] = [
    imagePinned,
    resourcesSet,
    probesOnServedWorkloads,
    readOnlyRootFilesystem,
    noNodePortOrLoadBalancer,
    autoscalerMinReplicas,
    pdbAllowsDisruption,
];
