import { z } from "zod";
import { ENVIRONMENTS, Environment } from "./catalog";
import { ConfigError, ConfigIssue } from "./errors";
import { PROFILES } from "./profiles";
import { SETTINGS_KEYS, Settings, settingsSchema } from "./schema";
import { checkSettings } from "./rules";
import { deepMerge } from "../lib/merge";

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

function describe(issue: z.core.$ZodIssue, value: unknown): string {
    switch (issue.code) {
        case "invalid_type":
            return value === undefined ? "is required" : `has the wrong type: expected ${issue.expected}`;
        case "invalid_value":
            return `is not allowed; allowed: ${issue.values.map((v) => String(v)).join(", ")}`;
        case "too_small":
            return bound(issue.origin, "at least", issue.minimum);
        case "too_big":
            return bound(issue.origin, "at most", issue.maximum);
        case "invalid_union":
            return "has the wrong shape: expected a number or { min, max }";
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
        issues.push({ path, value, message: describe(issue, value) });
    }
    return issues;
}

/**
 * Turns the raw `platform:` object into validated settings: the profile chosen by `environment` supplies
 * every default, explicit keys override it, then shapes, allowed values and cross-key rules are checked.
 * Throws a {@link ConfigError} listing every problem; nothing is returned half-valid.
 */
export function resolveSettings(raw: Readonly<Record<string, unknown>>, region: string): Settings {
    raw = { services: [], ...raw };
    const environment = raw.environment;
    if (!ENVIRONMENTS.includes(environment as Environment)) {
        throw new ConfigError([
            {
                path: ["environment"],
                value: environment,
                message: environment === undefined ? `is required; allowed: ${ENVIRONMENTS.join(", ")}` : `is not allowed; allowed: ${ENVIRONMENTS.join(", ")}`,
            },
        ]);
    }
    const unknown = Object.keys(raw).filter((k) => !SETTINGS_KEYS.includes(k));
    const early: ConfigIssue[] = unknown.map((k) => ({
        path: [k],
        value: undefined,
        message: `is not a known key; allowed keys: ${SETTINGS_KEYS.join(", ")}`,
    }));
    const known = Object.fromEntries(Object.entries(raw).filter(([k]) => !unknown.includes(k)));
    const merged = deepMerge(PROFILES[environment as Environment], known);
    const parsed = settingsSchema.safeParse(merged);
    if (!parsed.success) {
        throw new ConfigError([...early, ...zodIssues(parsed.error, merged)]);
    }
    const settings = { ...parsed.data, region };
    const issues = [...early, ...checkSettings(settings)];
    if (issues.length > 0) {
        throw new ConfigError(issues);
    }
    return settings;
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** Validates a flat Pulumi config map, as a real run and the offline plan both see it. */
export function loadSettingsFromConfigMap(flat: Readonly<Record<string, string>>): Settings {
    const region = flat["aws:region"];
    if (region === undefined || !REGION.test(region)) {
        throw new ConfigError([
            {
                namespace: "aws",
                path: ["region"],
                value: region,
                message: region === undefined ? "is required (e.g. us-east-1)" : "is not an AWS region name such as us-east-1",
            },
        ]);
    }
    return resolveSettings(decodeConfigMap(flat), region);
}

