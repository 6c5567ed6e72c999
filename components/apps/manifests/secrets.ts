import type * as k8s from "@pulumi/kubernetes";
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
