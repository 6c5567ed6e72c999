import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSettings } from "../../../config/schema";
import { WAIT_FOR_READY, externalSecretSpec, secretStoreSpec } from "../../../lib/kubernetesSpecs";
import { ServiceWiring, meta, secretName } from "./common";

/**
 * The service's credentials as External Secrets objects: a store reading Secrets Manager as the
 * service's own account, and the Secret it materialises. Which keys the Secret holds comes from the
 * wiring alone.
 */

/** Secret keys the ExternalSecret materialises, by environment variable name. */
export function secretKeys(w: ServiceWiring): string[] {
    return w.data.secretKeys.map((k) => k.env);
}

/** Reads only this service's secrets, as its own service account (ESO's JWT auth through IRSA). */
export function secretStore(svc: ServiceSettings, w: ServiceWiring): k8s.apiextensions.CustomResourceArgs {
    if (w.region === undefined) {
        throw new Error(`Service ${svc.name}: a SecretStore reads Secrets Manager in a region, and the wiring names none`);
    }
    return {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: meta(svc, svc.name),
        spec: secretStoreSpec(w.region, svc.name),
    };
}

/**
 * Materialises the service's credentials from Secrets Manager and refreshes them hourly. Templated keys
 * (the broker URL with credentials) are assembled by External Secrets, so no secret value passes through
 * Pulumi.
 */
export function externalSecret(svc: ServiceSettings, w: ServiceWiring): k8s.apiextensions.CustomResourceArgs {
    const data = w.data.secretKeys.flatMap((k) => ("from" in k ? [{ secretKey: k.env, key: k.from.secretArn, property: k.from.property }] : []));
    const templated = w.data.secretKeys.flatMap((k) => ("template" in k ? [[k.env, k.template] as const] : []));
    const template = templated.length > 0 ? { engineVersion: "v2", mergePolicy: "Merge", data: Object.fromEntries(templated) } : undefined;
    return {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        // Pulumi waits until the Secret exists, so workloads never start without their credentials.
        metadata: meta(svc, secretName(svc), { annotations: WAIT_FOR_READY }),
        spec: externalSecretSpec({ kind: "SecretStore", name: svc.name }, secretName(svc), { data }, template),
    };
}

/**
 * Values the program generated for a local stack, by secret reference and property: what each key's
 * `from` names. On AWS the same references are Secrets Manager ARNs that External Secrets reads.
 */
export type SecretValues = Readonly<Record<string, Readonly<Record<string, pulumi.Input<string>>>>>;

/**
 * The service's Secret on a local stack, with the same name and keys External Secrets gives it on AWS,
 * written from values the program generated. Templated keys are filled from the other keys, as External
 * Secrets' template does. Throws when a key names a value that was not generated.
 */
export function kubernetesSecret(svc: ServiceSettings, w: ServiceWiring, values: SecretValues): k8s.types.input.core.v1.Secret {
    const data: Record<string, pulumi.Input<string>> = {};
    for (const key of w.data.secretKeys) {
        if (!("from" in key)) {
            continue;
        }
        const ref = key.from.secretArn;
        const value = typeof ref === "string" ? values[ref]?.[key.from.property] : undefined;
        if (value === undefined) {
            throw new Error(`Service ${svc.name}: no value was generated for ${key.env} (${String(ref)}, ${key.from.property})`);
        }
        data[key.env] = value;
    }
    for (const key of w.data.secretKeys) {
        if ("template" in key) {
            data[key.env] = pulumi.all([key.template, pulumi.all(data)]).apply(([template, known]) =>
                template.replace(/\{\{ \.(\w+) \}\}/g, (_, name: string) => encodeURIComponent(known[name] ?? "")),
            );
        }
    }
    // Each value secret on its own, so that the keys stay readable in previews and the offline plan.
    return { metadata: meta(svc, secretName(svc)), type: "Opaque", stringData: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, pulumi.secret(v)])) };
}
