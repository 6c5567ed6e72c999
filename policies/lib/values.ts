/**
 * Reading resource properties that may be unknown. During `pulumi preview` a property computed from
 * another resource's output has no value yet: CrossGuard hands it over as a sentinel string wrapped in a
 * proxy that throws on access, and the offline recorder prints it as `[unknown]`. Rules see both as
 * {@link UNKNOWN} and never judge a value they cannot know; the update re-runs them with real values.
 */

/** What an unknown value looks like to a rule, offline and in a real preview alike. */
export const UNKNOWN = "[unknown]";

/** The Pulumi wire protocol's sentinels for unknown booleans, numbers, strings, arrays, assets, archives and objects. */
const WIRE_UNKNOWNS = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** CrossGuard's property proxies answer these keys with a marker and with the wrapped object. */
const PROXY_MARKER = "__isSpecialProxy";
const PROXY_TARGET = "__getSpecialProxyTarget";

/** Properties of a resource as rules read them: plain JSON-like data, unknowns as {@link UNKNOWN}. */
export type Props = Record<string, unknown>;

/** True for a value that is not known yet. */
export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN || (typeof value === "string" && WIRE_UNKNOWNS.has(value));
}

/**
 * Copies CrossGuard's (possibly proxied) properties into plain data with unknowns normalised, so that a
 * rule can walk them without tripping the proxy's "unknown during preview" error.
 */
export function plain(value: unknown): unknown {
    if (value !== null && typeof value === "object") {
        const marked = (value as Record<string, unknown>)[PROXY_MARKER] === true;
        const target = marked ? (value as Record<string, unknown>)[PROXY_TARGET] : value;
        if (Array.isArray(target)) {
            return target.map(plain);
        }
        if (target !== null && typeof target === "object") {
            return Object.fromEntries(Object.entries(target as Props).map(([k, v]) => [k, plain(v)]));
        }
        return target;
    }
    return isUnknown(value) ? UNKNOWN : value;
}

/** Plain properties of a resource; anything that is not an object reads as no properties. */
export function plainProps(value: unknown): Props {
    const p = plain(value);
    return isRecord(p) ? p : {};
}

export function isRecord(value: unknown): value is Props {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The value at a dotted path, `undefined` when a step is missing, {@link UNKNOWN} when a step is unknown.
 * Keys that contain dots (annotations) are read with {@link field} instead.
 */
export function at(value: unknown, path: string): unknown {
    let current = value;
    for (const key of path.split(".")) {
        if (isUnknown(current)) {
            return UNKNOWN;
        }
        if (!isRecord(current)) {
            return undefined;
        }
        current = current[key];
    }
    return current;
}

/** One key of an object, tolerating missing and unknown objects. */
export function field(value: unknown, key: string): unknown {
    if (isUnknown(value)) {
        return UNKNOWN;
    }
    return isRecord(value) ? value[key] : undefined;
}

/** An object, or an empty one when the value is missing, unknown or not an object. */
export function record(value: unknown): Props {
    return isRecord(value) ? value : {};
}

/** An array, or an empty one when the value is missing, unknown or not an array. */
export function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** Known `true` (providers accept `"true"` for booleans, and the Kubernetes provider echoes strings). */
export function isTrue(value: unknown): boolean {
    return value === true || value === "true";
}

/** Known `false`. */
export function isFalse(value: unknown): boolean {
    return value === false || value === "false";
}

/** A known string, or `undefined`. */
export function str(value: unknown): string | undefined {
    return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

/** A known number (numeric strings included), or `undefined`. */
export function num(value: unknown): number | undefined {
    if (typeof value === "number") {
        return value;
    }
    if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) {
        return Number(value);
    }
    return undefined;
}

/** True when a value is present: set, and either known or unknown (an unknown value will be set). */
export function isSet(value: unknown): boolean {
    return value !== undefined && value !== null && value !== "";
}

/** Known strings of a string-or-list value (IAM and Kubernetes accept both shapes). */
export function strings(value: unknown): string[] {
    const values = Array.isArray(value) ? value : [value];
    return values.filter((v): v is string => typeof v === "string" && !isUnknown(v));
}
