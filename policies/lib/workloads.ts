import { isKind, kubeType, namespaceOf, nameOf, podTemplate, sameName, sameNamespace } from "./kubernetes";
import { Stack, StackResource } from "./rule";
import { at, field, isUnknown, num, str } from "./values";

/** How workloads, autoscalers and disruption budgets relate across a stack. */

export const isHpa = (type: string): boolean => isKind(type, "autoscaling", "HorizontalPodAutoscaler");
export const isScaledObject = (type: string): boolean => isKind(type, "keda.sh", "ScaledObject");
const isAutoscaler = (type: string): boolean => isHpa(type) || isScaledObject(type);

/** Pod template labels of a workload (possibly unknown). */
export function templateLabels(workload: StackResource): unknown {
    return field(podTemplate(workload.type, workload.props).metadata, "labels");
}

export function namespaceOfResource(r: StackResource): string {
    return namespaceOf(r.props, r.providerProps);
}

/** HorizontalPodAutoscalers and KEDA ScaledObjects whose scale target is the workload. */
export function autoscalersOf(stack: Stack, workload: StackResource): StackResource[] {
    const kind = kubeType(workload.type)?.kind;
    const name = nameOf(workload.props);
    const ns = namespaceOfResource(workload);
    return stack.where(isAutoscaler).filter((a) => {
        const ref = at(a.props, "spec.scaleTargetRef");
        // KEDA defaults the target kind to Deployment; an HPA must name it.
        const targetKind = field(ref, "kind") ?? (isScaledObject(a.type) ? "Deployment" : undefined);
        return (
            sameNamespace(namespaceOfResource(a), ns) &&
            (isUnknown(ref) || ((isUnknown(targetKind) || targetKind === kind) && sameName(field(ref, "name"), name)))
        );
    });
}

/** The fewest replicas an autoscaler keeps: HPA minReplicas (default 1), KEDA minReplicaCount (default 0). */
export function autoscalerMinimum(autoscaler: StackResource | { type: string; props: Record<string, unknown> }): number | undefined {
    const key = isHpa(autoscaler.type) ? "spec.minReplicas" : "spec.minReplicaCount";
    const value = at(autoscaler.props, key);
    if (isUnknown(value)) {
        return undefined;
    }
    return num(value) ?? (isHpa(autoscaler.type) ? 1 : 0);
}

/**
 * The replicas a workload runs at its quietest: the smallest autoscaler minimum (at least 1, since a
 * workload scaled to zero has no pods to disrupt), else `spec.replicas` (default 1). `undefined` when unknown.
 */
export function quietReplicas(stack: Stack, workload: StackResource): number | undefined {
    const autoscalers = autoscalersOf(stack, workload);
    if (autoscalers.length > 0) {
        const minimums = autoscalers.map(autoscalerMinimum);
        return minimums.some((m) => m === undefined) ? undefined : Math.max(1, Math.min(...(minimums as number[])));
    }
    const replicas = at(workload.props, "spec.replicas");
    return isUnknown(replicas) ? undefined : num(replicas) ?? 1;
}

/** `kind namespace/name` for messages. */
export function describeObject(r: StackResource): string {
    const kind = kubeType(r.type)?.kind ?? r.type;
    const ns = namespaceOfResource(r);
    const name = str(nameOf(r.props)) ?? r.name;
    return `${kind} ${isUnknown(ns) ? "" : `${ns}/`}${name}`;
}
