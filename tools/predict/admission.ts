import { POD_SECURITY_LEVELS, PodSecurityLevel, podSecurityViolations } from "../../lib/podSecurity";
import type { PlannedPod } from "./pods";

/**
 * What Pod Security admission will do with every pod the stack runs: each namespace's `enforce` level
 * (`pod-security.kubernetes.io/enforce`; a namespace without the label, or one the program does not
 * create, enforces `privileged`, the admission controller's default as EKS configures it) against each pod
 * that will run there, judged by the Pod Security Standards model (`lib/podSecurity`).
 */

export const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

export interface AdmissionVerdict {
    readonly namespace: string;
    readonly level: PodSecurityLevel;
    readonly pod: string;
    readonly admitted: boolean;
    /** What the level forbids that the pod does; empty when admitted. */
    readonly problems: string[];
}

export interface Admission {
    /** Per namespace: its enforce level and how many of its pods it admits. */
    readonly namespaces: { readonly namespace: string; readonly level: PodSecurityLevel; readonly pods: number; readonly rejected: number }[];
    readonly pods: AdmissionVerdict[];
    /** The verdicts that reject a pod. */
    readonly rejected: AdmissionVerdict[];
}

/** The enforce level a namespace's labels set; `privileged` when they set none. Throws on a value that is not a level. */
export function enforceLevel(labels: Readonly<Record<string, string>> | undefined): PodSecurityLevel {
    const value = labels?.[ENFORCE_LABEL];
    if (value === undefined) {
        return "privileged";
    }
    if (!(POD_SECURITY_LEVELS as readonly string[]).includes(value)) {
        throw new Error(`${ENFORCE_LABEL} is "${value}", not one of ${POD_SECURITY_LEVELS.join(", ")}`);
    }
    return value as PodSecurityLevel;
}

/** Judges every pod against its namespace's enforce level. */
export function evaluateAdmission(pods: readonly PlannedPod[], namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>): Admission {
    const verdicts = pods.map((p): AdmissionVerdict => {
        const level = enforceLevel(namespaceLabels.get(p.namespace));
        const problems = podSecurityViolations(p.shape, level);
        return { namespace: p.namespace, level, pod: p.owner, admitted: problems.length === 0, problems };
    });
    const names = [...new Set(verdicts.map((v) => v.namespace))].sort();
    return {
        namespaces: names.map((namespace) => {
            const here = verdicts.filter((v) => v.namespace === namespace);
            return { namespace, level: here[0].level, pods: here.length, rejected: here.filter((v) => !v.admitted).length };
        }),
        pods: verdicts,
        rejected: verdicts.filter((v) => !v.admitted),
    };
}
