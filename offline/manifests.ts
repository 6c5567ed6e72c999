import { isWorkload, podTemplate } from "../policies/lib/kubernetes";
import { isRecord } from "../policies/lib/values";
import { SECRET } from "./printable";
import type { RecordedResource } from "./run";
import { CRD_SCHEMAS, structuralProblems } from "./crdSchemas";
import { LOCAL_SCHEMAS } from "./eksAutoModeSchemas";

/** A Kubernetes object as the program would apply it. */
export interface Manifest {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
    readonly [key: string]: unknown;
}

/** Resource types that are Pulumi constructs rather than Kubernetes objects. */
const NOT_OBJECTS = new Set(["pulumi:providers:kubernetes", "kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigFile"]);

/** The Kubernetes object a recorded registration applies, or undefined when it is not one. */
export function manifestOf(r: RecordedResource): Manifest | undefined {
    if (!r.type.startsWith("kubernetes:") || NOT_OBJECTS.has(r.type)) {
        return undefined;
    }
    const [, groupVersion, kind] = r.type.split(":");
    const apiVersion = groupVersion.startsWith("core/") ? groupVersion.slice("core/".length) : groupVersion;
    const outputs = r.outputs as { metadata?: { name?: string } };
    const inputs = r.inputs as { metadata?: Record<string, unknown> };
    // An object without a name gets one from the provider; the recorded outputs carry it.
    const metadata = { ...(inputs.metadata ?? {}), name: (inputs.metadata?.name as string | undefined) ?? outputs.metadata?.name ?? r.name };
    return { ...r.inputs, apiVersion, kind, metadata } as Manifest;
}

/** The Kubernetes objects among recorded registrations, in registration order. */
export function manifestsOf(resources: readonly RecordedResource[]): Manifest[] {
    return resources.map(manifestOf).filter((m): m is Manifest => m !== undefined);
}

/** Where the schema of each API version lives: kubernetes-models and its CRD packages. */
const SCHEMA_MODULES: Record<string, string> = {
    "external-secrets.io/v1": "@kubernetes-models/external-secrets/external-secrets.io/v1",
    "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
    "keda.sh/v1alpha1": "@kubernetes-models/keda/keda.sh/v1alpha1",
    "cert-manager.io/v1": "@kubernetes-models/cert-manager/cert-manager.io/v1",
    "karpenter.sh/v1": "@kubernetes-models/karpenter/karpenter.sh/v1",
    "karpenter.k8s.aws/v1": "@kubernetes-models/karpenter/karpenter.k8s.aws/v1",
};

function schemaModule(apiVersion: string): string {
    return SCHEMA_MODULES[apiVersion] ?? `kubernetes-models/${apiVersion}`;
}

// kubernetes-models ships ES modules only; a native dynamic import keeps them loadable from CommonJS.
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<Record<string, unknown>>;

type ModelClass = new (data: unknown) => { validate(): void };

/** A kind's model, or why there is none. */
export type Schema = { readonly Model: ModelClass } | { readonly missing: string };

const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

/** One entry per `apiVersion kind`: each validator module is loaded (and compiled by V8) once per process. */
const schemas = new Map<string, Promise<Schema>>();

/**
 * The model of one kind, from its own module (`kubernetes-models/apps/v1/Deployment`) rather than its
 * group-version index, which would load every kind of the group (over 200 for `v1`) to validate a few.
 */
export function schemaOf(apiVersion: string, kind: string): Promise<Schema> {
    const key = `${apiVersion} ${kind}`;
    let schema = schemas.get(key);
    if (schema === undefined) {
        schema = loadSchema(apiVersion, kind);
        schemas.set(key, schema);
    }
    return schema;
}

async function loadSchema(apiVersion: string, kind: string): Promise<Schema> {
    const Model = KIND.test(kind) ? ((await importModule(`${schemaModule(apiVersion)}/${kind}`).catch(() => undefined))?.[kind] as ModelClass | undefined) : undefined;
    if (Model !== undefined) {
        return { Model };
    }
    // Only on this rare path: tell an unknown API version from an unknown kind of a known one.
    const known = await importModule(schemaModule(apiVersion)).then(
        () => true,
        () => false,
    );
    return { missing: known ? `no schema known for ${apiVersion} ${kind}` : `no schema known for ${apiVersion}` };
}

/** The keys of each object (by identity) that a validator looked up, whether the object had them or not. */
type Lookups = Map<object, Set<string>>;

/** `value`, with every object in it watched: each property lookup is recorded in `lookups`. */
function watched(value: unknown, lookups: Lookups): unknown {
    if (value === null || typeof value !== "object") {
        return value;
    }
    const keys = new Set<string>();
    lookups.set(value, keys);
    const children = new Map<string, unknown>();
    return new Proxy(value, {
        get(target, key, receiver) {
            if (typeof key !== "string") {
                return Reflect.get(target, key, receiver) as unknown;
            }
            keys.add(key);
            if (!children.has(key)) {
                children.set(key, watched((target as Record<string, unknown>)[key], lookups));
            }
            return children.get(key);
        },
    });
}

/** Field paths as the API server writes them: `spec.template.spec.containers[0].name`. */
function fieldPath(parent: string, key: string | number): string {
    return typeof key === "number" ? `${parent}[${key}]` : parent === "" ? key : `${parent}.${key}`;
}

/** Fields present in `value` that its schema does not declare (see {@link unknownFieldProblems}). */
function unknownFields(value: unknown, at: string, lookups: Lookups, found: string[]): void {
    if (Array.isArray(value)) {
        value.forEach((item, i) => unknownFields(item, fieldPath(at, i), lookups, found));
        return;
    }
    if (value === null || typeof value !== "object") {
        return;
    }
    const declared = lookups.get(value);
    // A schema that names no property and no value type for its keys is free-form (RawExtension, or a
    // CRD field with x-kubernetes-preserve-unknown-fields): the API server keeps whatever it holds.
    if (declared === undefined || declared.size === 0) {
        return;
    }
    for (const [key, child] of Object.entries(value)) {
        if (declared.has(key)) {
            unknownFields(child, fieldPath(at, key), lookups, found);
        } else {
            found.push(fieldPath(at, key));
        }
    }
}

/**
 * Fields the schema of the object's kind does not declare, at any depth: what the API server's strict
 * field validation (server-side apply, `kubectl --validate=strict`) refuses with `unknown field "…"`, and
 * what lenient validation silently drops. The OpenAPI schemas leave `additionalProperties` open, so
 * validating against them accepts such fields; instead, the schema's own validator is run over a watched
 * copy. Validators generated from the schemas (kubernetes-models) look up every property the schema
 * declares, present or not, and visit every key of a map (`additionalProperties`), so a key present in an
 * object that the validator never looked up is one the schema does not have.
 */
function unknownFieldProblems(Model: ModelClass, m: Manifest): string[] {
    // The model copies the object (dropping undefined values, as the API request would); the validator
    // then reads the copy through the proxy.
    const copy = new Model(m);
    const lookups: Lookups = new Map();
    try {
        (watched(copy, lookups) as { validate(): void }).validate();
    } catch {
        // Schema errors are reported by schemaProblems; here only the lookups matter.
    }
    const found: string[] = [];
    unknownFields(copy, "", lookups, found);
    return found.map((f) => `unknown field "${f}"`);
}

/** Checks one object against the Kubernetes (or CRD) OpenAPI schema of its kind, unknown fields included. */
async function schemaProblems(m: Manifest): Promise<string[]> {
    const local = LOCAL_SCHEMAS[`${m.apiVersion} ${m.kind}`];
    if (local !== undefined) {
        return local(m);
    }
    const crd = CRD_SCHEMAS[m.apiVersion]?.[m.kind];
    if (crd !== undefined) {
        return structuralProblems(m, crd);
    }
    const schema = await schemaOf(m.apiVersion, m.kind);
    if ("missing" in schema) {
        return [schema.missing];
    }
    const unknown = unknownFieldProblems(schema.Model, m);
    try {
        new schema.Model(m).validate();
        return unknown;
    } catch (e) {
        return [
            ...String((e as Error).message)
                .split(", ")
                .map((p) => p.replace(/^data\//, "")),
            ...unknown,
        ];
    }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*$/;

/** The Pulumi type token of an object's kind, as the policies read it: `kubernetes:apps/v1:Deployment`. */
function typeToken(m: Manifest): string {
    return `kubernetes:${m.apiVersion.includes("/") ? m.apiVersion : `core/${m.apiVersion}`}:${m.kind}`;
}

/** Pod specs inside a workload object (for a Pod, its own), found as the policies find them. */
export function podSpecsOf(m: Manifest): Record<string, unknown>[] {
    const type = typeToken(m);
    const spec = isWorkload(type) ? podTemplate(type, m).spec : undefined;
    return isRecord(spec) ? [spec] : [];
}

/** Rules the OpenAPI schemas do not express: name formats, label values, port name lengths. */
export function formatProblems(m: Manifest): string[] {
    const problems: string[] = [];
    const { name, namespace, labels } = m.metadata;
    const nameRule = m.kind === "Namespace" ? DNS_LABEL : m.kind === "Service" ? DNS_1035_LABEL : DNS_SUBDOMAIN;
    const maxName = m.kind === "Namespace" || m.kind === "Service" ? 63 : 253;
    if (!nameRule.test(name) || name.length > maxName) {
        problems.push(`metadata.name "${name}" is not a valid ${m.kind} name (${nameRule === DNS_SUBDOMAIN ? "DNS-1123 subdomain" : nameRule === DNS_LABEL ? "DNS-1123 label" : "DNS-1035 label"}, at most ${maxName} characters)`);
    }
    if (namespace !== undefined && (!DNS_LABEL.test(namespace) || namespace.length > 63)) {
        problems.push(`metadata.namespace "${namespace}" is not a DNS-1123 label`);
    }
    for (const [key, value] of Object.entries(labels ?? {})) {
        if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value)) {
            problems.push(`label ${key}="${value}" is not a valid label value (at most 63 characters, alphanumeric at both ends)`);
        }
    }
    const portNames: string[] = [];
    for (const pod of podSpecsOf(m)) {
        for (const c of [...((pod.containers as Record<string, unknown>[]) ?? []), ...((pod.initContainers as Record<string, unknown>[]) ?? [])]) {
            for (const p of (c.ports as { name?: string }[]) ?? []) {
                if (p.name !== undefined) {
                    portNames.push(p.name);
                }
            }
        }
    }
    if (m.kind === "Service") {
        for (const p of ((m.spec as { ports?: { name?: string }[] })?.ports ?? [])) {
            if (p.name !== undefined) {
                portNames.push(p.name);
            }
        }
    }
    for (const p of portNames) {
        if (p.length > 15 || !IANA_SVC_NAME.test(p)) {
            problems.push(`port name "${p}" is not an IANA service name (at most 15 characters, lower-case letters, digits and single dashes)`);
        }
    }
    return problems;
}

export interface ManifestProblems {
    readonly manifest: Manifest;
    readonly problems: string[];
}

/**
 * The object as validation sees it: a Secret's `data` and `stringData`, which the Kubernetes provider marks
 * secret whole, print as `[secret]`; the plan cannot see their keys, so they are left out rather than
 * judged as a string where a map belongs.
 */
function withoutHiddenSecrets(m: Manifest): Manifest {
    if (m.kind !== "Secret" || (m.data !== SECRET && m.stringData !== SECRET)) {
        return m;
    }
    const { data, stringData, ...rest } = m;
    return { ...rest, ...(data !== SECRET && data !== undefined ? { data } : {}), ...(stringData !== SECRET && stringData !== undefined ? { stringData } : {}) } as Manifest;
}

/** Validates every object against its schema and the format rules; returns only those with problems. */
export async function validateManifests(manifests: readonly Manifest[]): Promise<ManifestProblems[]> {
    const results = await Promise.all(
        manifests.map(async (manifest) => ({ manifest, problems: [...(await schemaProblems(withoutHiddenSecrets(manifest))), ...formatProblems(manifest)] })),
    );
    return results.filter((r) => r.problems.length > 0);
}
