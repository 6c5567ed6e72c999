import { Props, UNKNOWN, at, field, isRecord, isSet, isUnknown, list, record, str } from "./values";

/**
 * Kubernetes objects as the Pulumi Kubernetes provider registers them: type token
 * `kubernetes:<group>/<version>:<Kind>` (group `core` for the legacy API) and inputs equal to the
 * manifest (apiVersion, kind, metadata, spec).
 */

export interface KubeType {
    readonly group: string;
    readonly version: string;
    readonly kind: string;
}

/** Parsed type tokens: a stack has few distinct types, asked about once per resource and rule. */
const kubeTypes = new Map<string, KubeType | undefined>();

/** Parses a Kubernetes type token; `undefined` for anything else (components such as `kubernetes:yaml/v2:ConfigGroup` included). */
export function kubeType(type: string): KubeType | undefined {
    if (!kubeTypes.has(type)) {
        const match = /^kubernetes:([^:/]+)\/([^:/]+):([A-Za-z0-9]+)$/.exec(type);
        kubeTypes.set(type, match ? Object.freeze({ group: match[1], version: match[2], kind: match[3] }) : undefined);
    }
    return kubeTypes.get(type);
}

/** A predicate for a kind in an API group, whatever the version. */
export function isKind(type: string, group: string, kind: string): boolean {
    const t = kubeType(type);
    return t !== undefined && t.group === group && t.kind === kind;
}

/** API group of each workload kind that carries a pod template (or is a pod). */
const WORKLOAD_GROUPS: Readonly<Record<string, string>> = {
    Deployment: "apps",
    StatefulSet: "apps",
    DaemonSet: "apps",
    ReplicaSet: "apps",
    Job: "batch",
    CronJob: "batch",
    Pod: "core",
};

/** True for Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods. */
export function isWorkload(type: string): boolean {
    const t = kubeType(type);
    return t !== undefined && WORKLOAD_GROUPS[t.kind] === t.group;
}

export const isDeployment = (type: string): boolean => isKind(type, "apps", "Deployment");

/** The pod template of a workload (for a Pod, the Pod itself): its metadata and spec, either possibly unknown. */
export function podTemplate(type: string, props: Props): { metadata: unknown; spec: unknown } {
    const kind = kubeType(type)?.kind;
    const template = kind === "Pod" ? props : kind === "CronJob" ? at(props, "spec.jobTemplate.spec.template") : at(props, "spec.template");
    return { metadata: field(template, "metadata"), spec: field(template, "spec") };
}

export type ContainerField = "containers" | "initContainers" | "ephemeralContainers";
export const ALL_CONTAINER_FIELDS: readonly ContainerField[] = ["containers", "initContainers", "ephemeralContainers"];

export interface ContainerRef {
    readonly field: ContainerField;
    /** `container "app"`, `initContainer "migrate"`: how messages name it. */
    readonly label: string;
    readonly container: Props;
}

/** The containers of a pod spec, in the fields asked for; unknown entries are skipped. */
export function containersOf(spec: unknown, fields: readonly ContainerField[] = ALL_CONTAINER_FIELDS): ContainerRef[] {
    const out: ContainerRef[] = [];
    for (const f of fields) {
        list(field(spec, f)).forEach((c, i) => {
            if (isRecord(c)) {
                const name = str(c.name) ?? `#${i}`;
                out.push({ field: f, label: `${f.replace(/s$/, "")} "${name}"`, container: c });
            }
        });
    }
    return out;
}

/** Namespace an object lands in: its own, else the provider's default, else `default`. May be unknown. */
export function namespaceOf(props: Props, providerProps: Props = {}): string {
    const own = at(props, "metadata.namespace");
    if (isSet(own)) {
        return isUnknown(own) ? UNKNOWN : String(own);
    }
    return str(providerProps.namespace) ?? "default";
}

/** True when two namespaces may be the same (an unknown one may be anything). */
export function sameNamespace(a: string, b: string): boolean {
    return a === b || isUnknown(a) || isUnknown(b);
}

/** `metadata.name`, possibly unknown or unset. */
export function nameOf(props: Props): unknown {
    return at(props, "metadata.name");
}

/** True when a name may equal another (an unknown name may be anything). */
export function sameName(a: unknown, b: unknown): boolean {
    return isUnknown(a) || isUnknown(b) || (a !== undefined && a === b);
}

/**
 * Whether a label selector selects a set of labels: `undefined` when either side is unknown, `false` for
 * a missing selector (selects nothing), `true` for an empty one (selects everything).
 */
export function selects(selector: unknown, labels: unknown): boolean | undefined {
    if (isUnknown(selector) || isUnknown(labels)) {
        return undefined;
    }
    if (!isRecord(selector)) {
        return false;
    }
    const have = record(labels);
    let undecided = false;
    for (const [key, want] of Object.entries(record(selector.matchLabels))) {
        if (isUnknown(want) || isUnknown(have[key])) {
            undecided = true;
        } else if (have[key] !== want) {
            return false;
        }
    }
    for (const expression of list(selector.matchExpressions)) {
        const key = str(field(expression, "key")) ?? "";
        const values = list(field(expression, "values"));
        const present = key in have;
        switch (field(expression, "operator")) {
            case "In":
                if (!present || !values.includes(have[key])) {
                    return false;
                }
                break;
            case "NotIn":
                if (present && values.includes(have[key])) {
                    return false;
                }
                break;
            case "Exists":
                if (!present) {
                    return false;
                }
                break;
            case "DoesNotExist":
                if (present) {
                    return false;
                }
                break;
            default:
                undecided = true;
        }
    }
    return undecided ? undefined : true;
}

/** `namespace/name` of an object for messages, tolerating unknown and unset names. */
export function displayName(props: Props, providerProps: Props, fallback: string): string {
    const name = str(nameOf(props)) ?? fallback;
    const ns = namespaceOf(props, providerProps);
    return isUnknown(ns) ? name : `${ns}/${name}`;
}
