import { z } from "zod";
import { AWS_REGIONS, BROKER_ENGINE_VERSIONS, CACHE_ENGINE_VERSIONS, ENVIRONMENTS, Environment, KUBERNETES_VERSIONS, POSTGRES_MAJOR_VERSIONS } from "./catalog";
import { ConfigError, ConfigIssue } from "./errors";
import { PROFILES } from "./profiles";
import { SETTINGS_KEYS, Settings, settingsSchema } from "./schema";
import { checkSettings } from "./rules";
import { checkServiceNames, checkStackName } from "./names";
import { environmentKeyIssues, localRegionIssues } from "./localRules";
import { deepMerge, isPlainObject } from "../lib/merge";
import { closest } from "../lib/suggest";

export const NAMESPACE = "platform";

/**
 * Decodes Pulumi's flat config map (`{"platform:network": "{\"cidr\":…}"}`, as `pulumi.runtime.allConfig()`
 * returns it) into the raw `platform:` object. Values that are JSON (objects, arrays, numbers, booleans)
 * are decoded the way `Config.getObject` does; anything else stays a string.
 */
export function decodeConfigMap(flat: Readonly<Record<string, string>>, namespace = NAMESPACE): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(flat)) {
        if (!fullKey.startsWith(`${namespace}:`)) {
            continue;
        }
        const key = fullKey.slice(namespace.length + 1);
        try {
            raw[key] = JSON.parse(text);
        } catch {
            raw[key] = text;
        }
    }
    return raw;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = root;
    for (const part of path) {
        if (cur === null || typeof cur !== "object") {
            return undefined;
        }
        cur = (cur as Record<PropertyKey, unknown>)[part];
    }
    return cur;
}

/** The keys an object schema accepts at `path`, for "unknown key" messages. */
function allowedKeysAt(path: readonly PropertyKey[]): string[] {
    // Walk the schema alongside the path; numbers index arrays, strings index object shapes.
    let schema: z.ZodType | undefined = settingsSchema;
    for (const part of path) {
        schema = unwrap(schema);
        if (schema instanceof z.ZodArray) {
            schema = schema.element as z.ZodType;
        } else if (schema instanceof z.ZodObject) {
            schema = (schema.shape as Record<string, z.ZodType>)[String(part)];
        } else {
            return [];
        }
    }
    schema = unwrap(schema);
    return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
    let s = schema;
    while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) {
        s = s.unwrap() as z.ZodType;
    }
    if (s instanceof z.ZodUnion) {
        s = (s.options as z.ZodType[]).find((o) => o instanceof z.ZodObject) ?? s;
    }
    return s;
}

/** `must have at least 1 item(s)`, `must be at most 5`: a size limit in the words of what it limits. */
function bound(origin: string, limit: "at least" | "at most", n: number | bigint): string {
    return origin === "array" ? `must have ${limit} ${n} item(s)` : origin === "string" ? `must have ${limit} ${n} character(s)` : `must be ${limit} ${n}`;
}

/** Keys whose value is a version, with the versions allowed: YAML numbers there get a hint to quote them. */
const VERSION_KEYS: Readonly<Record<string, readonly string[]>> = {
    "cluster.version": Object.keys(KUBERNETES_VERSIONS),
    "database.engineVersion": POSTGRES_MAJOR_VERSIONS,
    "cache.engineVersion": Object.values(CACHE_ENGINE_VERSIONS).flatMap((v) => Object.keys(v)),
    "broker.engineVersion": BROKER_ENGINE_VERSIONS,
};

/** A YAML number where text is expected, at a key whose values are free text (env values, tag values). */
function isTextValue(path: readonly PropertyKey[]): boolean {
    return ["env", "tags"].includes(String(path[path.length - 2]));
}

function describe(issue: z.core.$ZodIssue, value: unknown): string {
    const versions = VERSION_KEYS[issue.path.join(".")];
    if (typeof value === "number" && versions !== undefined) {
        return `was read as a number; quote the version, e.g. "${versions[versions.length - 1]}"; allowed: ${versions.join(", ")}`;
    }
    switch (issue.code) {
        case "invalid_type":
            if (value === undefined) {
                return "is required";
            }
            if (value === null) {
                return `is empty (YAML null); expected ${issue.expected}`;
            }
            if (typeof value !== "string" && issue.expected === "string" && isTextValue(issue.path)) {
                return `has the wrong type: expected text; quote it: "${String(value)}"`;
            }
            return `has the wrong type: expected ${issue.expected}`;
        case "invalid_value":
            return `is not allowed; allowed: ${issue.values.map((v) => String(v)).join(", ")}`;
        case "too_small":
            return bound(issue.origin, "at least", issue.minimum);
        case "too_big":
            return bound(issue.origin, "at most", issue.maximum);
        case "invalid_union":
            // Each union in the schema says what it takes in its own error.
            return issue.message;
        case "invalid_key":
            return `has an invalid key: ${issue.issues.map((i) => i.message).join("; ")}`;
        default:
            return issue.message;
    }
}

function zodIssues(error: z.ZodError, merged: unknown): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    for (const issue of error.issues) {
        const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
        if (issue.code === "unrecognized_keys") {
            const allowed = allowedKeysAt(path);
            for (const key of issue.keys) {
                issues.push({ path: [...path, key], value: undefined, message: `is not a known key; allowed keys: ${allowed.join(", ")}` });
            }
            continue;
        }
        const value = valueAt(merged, path);
        const hideValue = issue.code === "custom" && (issue.params as { hideValue?: boolean } | undefined)?.hideValue === true;
        issues.push({ path, value: hideValue || value === null ? undefined : value, message: describe(issue, value) });
    }
    return issues;
}

/** With an existing VPC, `network.availabilityZones` defaults to the number of zones it lists, not to the profile's. */
function zonesOfExistingVpc(known: Record<string, unknown>): Record<string, unknown> {
    const network = known.network;
    const zones = isPlainObject(network) && isPlainObject(network.existing) ? network.existing.availabilityZones : undefined;
    // A list of a size the schema refuses is reported there, once; the profile's count stands in meanwhile.
    if (!isPlainObject(network) || network.availabilityZones !== undefined || !Array.isArray(zones) || zones.length < 2 || zones.length > 3) {
        return known;
    }
    return { ...known, network: { ...network, availabilityZones: zones.length } };
}

/** Who the settings are for: physical names derive from the project and stack names. */
export interface StackIdentity {
    readonly project: string;
    readonly stack: string;
}

/**
 * Turns the raw `platform:` object into validated settings: the profile chosen by `environment` supplies
 * every default, explicit keys override it, then shapes, allowed values and cross-key rules are checked.
 * Throws a {@link ConfigError} listing every problem found (`early` ones, found before, included); nothing
 * is returned half-valid. Without a valid environment the shapes are still checked, against the dev profile.
 */
export function resolveSettings(raw: Readonly<Record<string, unknown>>, region: string, identity?: StackIdentity, early: ConfigIssue[] = []): Settings {
    raw = { services: [], ...raw };
    const environment = raw.environment;
    const issues = [...early];
    const validEnvironment = ENVIRONMENTS.includes(environment as Environment);
    if (!validEnvironment) {
        issues.push({
            path: ["environment"],
            value: environment,
            message: environment === undefined ? `is required; allowed: ${ENVIRONMENTS.join(", ")}` : `is not allowed; allowed: ${ENVIRONMENTS.join(", ")}`,
        });
    }
    if (validEnvironment) {
        issues.push(...environmentKeyIssues(raw, environment as Environment));
    }
    const unknown = Object.keys(raw).filter((k) => !SETTINGS_KEYS.includes(k));
    issues.push(
        ...unknown.map((k) => ({
            path: [k],
            value: undefined,
            message: `is not a known key; allowed keys: ${SETTINGS_KEYS.join(", ")}`,
        })),
    );
    const known = zonesOfExistingVpc(Object.fromEntries(Object.entries(raw).filter(([k]) => !unknown.includes(k))));
    const merged = deepMerge(PROFILES[validEnvironment ? (environment as Environment) : "dev"], validEnvironment ? known : { ...known, environment: "dev" });
    const parsed = settingsSchema.safeParse(merged);
    if (!parsed.success) {
        throw new ConfigError([...issues, ...zodIssues(parsed.error, merged)]);
    }
    if (!validEnvironment) {
        // The cross-key rules depend on the environment; judged against a stand-in, they would mislead.
        throw new ConfigError(issues);
    }
    const settings = { ...parsed.data, region };
    const { project, stack } = identity ?? { project: "platform", stack: "dev" };
    issues.push(...checkSettings(settings), ...checkServiceNames(settings, project, stack));
    if (identity !== undefined && settings.environment !== "local") {
        issues.push(...checkStackName(settings, project, stack));
    }
    if (issues.length > 0) {
        throw new ConfigError(issues);
    }
    return settings;
}

/** Config namespaces the program reads: its own, and those of the providers it uses. */
export const KNOWN_NAMESPACES = [NAMESPACE, "aws", "awsx", "eks", "kubernetes", "random", "pulumi"] as const;

/** Keys outside every namespace the program knows: a typo there would otherwise be ignored in silence. */
export function namespaceIssues(keys: readonly string[]): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    for (const key of keys) {
        const [namespace, ...rest] = key.split(":");
        if (rest.length === 0) {
            const meant = key === "region" ? "aws:region" : SETTINGS_KEYS.includes(key) ? `${NAMESPACE}:${key}` : undefined;
            issues.push({ key, path: [], value: undefined, message: `has no namespace; ${meant !== undefined ? `write ${meant}` : `name one, such as ${NAMESPACE}:${key}`}` });
        } else if (!(KNOWN_NAMESPACES as readonly string[]).includes(namespace)) {
            const guess = closest(namespace, KNOWN_NAMESPACES);
            issues.push({
                key,
                path: [],
                value: undefined,
                message: `is in namespace "${namespace}", which nothing reads${guess !== undefined ? `; did you mean ${guess}:${rest.join(":")}?` : ""} (known namespaces: ${KNOWN_NAMESPACES.join(", ")})`,
            });
        }
    }
    return issues;
}

/** `aws:region`, which must name a region of the AWS provider's own list. */
export function regionIssues(region: string | undefined): ConfigIssue[] {
    if (region !== undefined && AWS_REGIONS.includes(region)) {
        return [];
    }
    const guess = region === undefined ? undefined : closest(region, AWS_REGIONS);
    return [
        {
            namespace: "aws",
            path: ["region"],
            value: region,
            message:
                region === undefined
                    ? "is required (e.g. us-east-1)"
                    : `is not an AWS region name such as us-east-1${guess !== undefined ? `; did you mean ${guess}?` : ""} (regions: ${AWS_REGIONS.join(", ")})`,
        },
    ];
}

/** Validates a flat Pulumi config map, as a real run and the offline plan both see it; `early` adds problems found before. */
export function loadSettingsFromConfigMap(flat: Readonly<Record<string, string>>, identity?: StackIdentity, early: ConfigIssue[] = []): Settings {
    const region = flat["aws:region"];
    // A local stack makes no AWS provider: it needs no region, and one written there would mislead.
    const local = flat[`${NAMESPACE}:environment`] === "local";
    const issues = [...early, ...namespaceIssues(Object.keys(flat)), ...(local ? localRegionIssues(region) : regionIssues(region))];
    return resolveSettings(decodeConfigMap(flat), region ?? "", identity, issues);
}
