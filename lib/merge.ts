/** True for plain objects (not arrays, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Deep-merges `override` onto `base`: objects merge key by key, anything else (arrays, scalars, a value of
 * another type) replaces. Neither argument is modified.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
    if (override === undefined) {
        return base;
    }
    if (!isPlainObject(base) || !isPlainObject(override)) {
        return override;
    }
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) {
        out[key] = deepMerge(base[key], value);
    }
    return out;
}
