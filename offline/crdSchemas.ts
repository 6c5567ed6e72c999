/**
 * Structural schemas (the subset of OpenAPI v3 a CRD's `openAPIV3Schema` uses) of the custom resources a
 * local stack creates and no kubernetes-models package covers, and a validator that checks an object the
 * way the API server's strict field validation does: types, enums, required fields, and unknown fields at
 * every level the schema declares properties for. Descriptions are dropped; nothing else is changed.
 *
 * Sources:
 * - rabbitmq.com/v1beta1 Permission, User: rabbitmq/messaging-topology-operator `config/crd/bases/`,
 *   commit 07f10cbf1a00; Queue, Binding: the same folder at commit 92e7cdaf60cb. The platform pins
 *   v1.20.1, whose CRDs could not be read here; these are the newest the index held and declare the same
 *   fields the platform writes. Exchange and Vhost: transcribed from the same operator's API the same way
 *   (marked `partial`: only the fields listed here are checked, others are let through).
 * - postgresql.cnpg.io/v1 Cluster and rabbitmq.com/v1beta1 RabbitmqCluster: their CRDs run to thousands of
 *   lines; only the fields the platform sets are declared (marked `partial`), so a typo there is caught and
 *   anything else in `spec` is not judged.
 */

export interface StructuralSchema {
    readonly type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
    readonly properties?: Readonly<Record<string, StructuralSchema>>;
    readonly items?: StructuralSchema;
    readonly required?: readonly string[];
    readonly enum?: readonly unknown[];
    readonly additionalProperties?: StructuralSchema;
    /** `x-kubernetes-preserve-unknown-fields`: keep whatever the object holds. */
    readonly preserveUnknown?: boolean;
    /** The schema lists only some of the CRD's properties at this level: other keys are not judged. */
    readonly partial?: boolean;
}

const str: StructuralSchema = { type: "string" };
const bool: StructuralSchema = { type: "boolean" };
const int: StructuralSchema = { type: "integer" };
const obj = (properties: Record<string, StructuralSchema>, required: string[] = [], partial = false): StructuralSchema => ({ type: "object", properties, required, partial });
const named = obj({ name: str });
const clusterReference = obj({ connectionSecret: named, name: str, namespace: str });
const freeForm: StructuralSchema = { type: "object", preserveUnknown: true };
const resources = obj({ limits: { type: "object", additionalProperties: { preserveUnknown: true } }, requests: { type: "object", additionalProperties: { preserveUnknown: true } }, claims: { type: "array" } });
const metadata: StructuralSchema = { type: "object", preserveUnknown: true };

/** A custom resource's schema: apiVersion, kind, metadata and the given spec. */
const resource = (spec: StructuralSchema): StructuralSchema => obj({ apiVersion: str, kind: str, metadata, spec, status: freeForm });

export const CRD_SCHEMAS: Readonly<Record<string, Readonly<Record<string, StructuralSchema>>>> = {
    "rabbitmq.com/v1beta1": {
        Permission: resource(obj({ permissions: obj({ configure: str, read: str, write: str }), rabbitmqClusterReference: clusterReference, user: str, userReference: named, vhost: str }, ["permissions", "rabbitmqClusterReference", "vhost"])),
        User: resource(
            obj(
                { importCredentialsSecret: named, rabbitmqClusterReference: clusterReference, tags: { type: "array", items: { type: "string", enum: ["management", "policymaker", "monitoring", "administrator"] } } },
                ["rabbitmqClusterReference"],
            ),
        ),
        Queue: resource(obj({ arguments: freeForm, autoDelete: bool, durable: bool, name: str, rabbitmqClusterReference: clusterReference, type: str, vhost: str }, ["name", "rabbitmqClusterReference"])),
        Binding: resource(
            obj(
                { arguments: freeForm, destination: str, destinationType: { type: "string", enum: ["exchange", "queue"] }, rabbitmqClusterReference: clusterReference, routingKey: str, source: str, vhost: str },
                ["rabbitmqClusterReference"],
            ),
        ),
        Exchange: resource(obj({ arguments: freeForm, autoDelete: bool, durable: bool, name: str, rabbitmqClusterReference: clusterReference, type: str, vhost: str }, ["name", "rabbitmqClusterReference"], true)),
        Vhost: resource(obj({ name: str, tags: { type: "array", items: str }, tracing: bool, rabbitmqClusterReference: clusterReference }, ["name", "rabbitmqClusterReference"], true)),
        RabbitmqCluster: resource(obj({ replicas: int, image: str, resources, persistence: obj({ storage: { preserveUnknown: true }, storageClassName: str }) }, [], true)),
    },
    "postgresql.cnpg.io/v1": {
        Cluster: resource(
            obj(
                {
                    instances: int,
                    imageName: str,
                    storage: obj({ size: str, storageClass: str, resizeInUseVolumes: bool }, [], true),
                    bootstrap: obj({ initdb: obj({ database: str, owner: str, secret: obj({ name: str }, ["name"]) }, [], true) }, [], true),
                    resources,
                },
                [],
                true,
            ),
        ),
    },
};

/** Problems of `value` against `schema`, each with the field path as the API server writes it. */
export function structuralProblems(value: unknown, schema: StructuralSchema, at = ""): string[] {
    const here = at === "" ? "<root>" : at;
    if (schema.preserveUnknown && schema.properties === undefined) {
        return schema.type === "object" && (value === null || typeof value !== "object" || Array.isArray(value)) ? [`${here}: expected object`] : [];
    }
    switch (schema.type) {
        case "string":
        case "boolean":
            return typeof value === schema.type ? enumProblems(value, schema, here) : [`${here}: expected ${schema.type}`];
        case "integer":
            return Number.isInteger(value) ? [] : [`${here}: expected integer`];
        case "number":
            return typeof value === "number" ? [] : [`${here}: expected number`];
        case "array": {
            if (!Array.isArray(value)) {
                return [`${here}: expected array`];
            }
            const items = schema.items;
            return items === undefined ? [] : value.flatMap((v, i) => structuralProblems(v, items, `${at}[${i}]`));
        }
        case "object":
        case undefined: {
            if (schema.type === undefined && schema.properties === undefined) {
                return [];
            }
            if (value === null || typeof value !== "object" || Array.isArray(value)) {
                return [`${here}: expected object`];
            }
            const record = value as Record<string, unknown>;
            const problems = (schema.required ?? []).filter((k) => record[k] === undefined).map((k) => `${at === "" ? k : `${at}.${k}`}: required`);
            for (const [k, v] of Object.entries(record)) {
                const path = at === "" ? k : `${at}.${k}`;
                const child = schema.properties?.[k] ?? schema.additionalProperties;
                if (child !== undefined) {
                    problems.push(...structuralProblems(v, child, path));
                } else if (!schema.partial && !schema.preserveUnknown) {
                    problems.push(`unknown field "${path}"`);
                }
            }
            return problems;
        }
    }
}

function enumProblems(value: unknown, schema: StructuralSchema, here: string): string[] {
    return schema.enum === undefined || schema.enum.includes(value) ? [] : [`${here}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`];
}
