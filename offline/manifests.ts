import { isWorkload, podTemplate } from "../policies/lib/kubernetes";
import { isRecord } from "../policies/lib/values";
import type { RecordedResource } from "./run";

/** A Kubernetes object as the program would apply it. */
export interface Manifest {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
    readonly [key: string]: unknown;
}

/** Resource types that are Pulumi constructs rather than Kubernetes objects. */
const NOT_OBJECTS = new Set(["pulumi:providers:kubernetes", "kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"]);

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

/** Checks one object against the Kubernetes (or CRD) OpenAPI schema of its kind. */
async function schemaProblems(m: Manifest): Promise<string[]> {
    const schema = await schemaOf(m.apiVersion, m.kind);
    if ("missing" in schema) {
        return [schema.missing];
    }
    try {
        new schema.Model(m).validate();
        return [];
    } catch (e) {
        return String((e as Error).message)
            .split(", ")
            .map((p) => p.replace(/^data\//, ""));
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

/** Validates every object against its schema and the format rules; returns only those with problems. */
export async function validateManifests(manifests: readonly Manifest[]): Promise<ManifestProblems[]> {
    const results = await Promise.all(manifests.map(async (manifest) => ({ manifest, problems: [...(await schemaProblems(manifest)), ...formatProblems(manifest)] })));
    return results.filter((r) => r.problems.length > 0);
}
