import { parse } from "yaml";

/**
 * Block-style YAML for the plain data of a Kubernetes object, written directly: the `yaml` library's
 * document model costs several milliseconds an object when it runs cold, and a plan renders every object.
 * Only what is certain is written here: strings that YAML 1.2 and YAML 1.1 readers (kubectl's) both read
 * back as the same string when written plain, other printable ASCII strings double-quoted (keys too),
 * integers and plain decimals.
 * For anything else (a multi-line string, a string either reader would take for another type, an exotic
 * number) it returns undefined and the caller writes the object with the library. The layout is the
 * library's (two-space indents, sequences indented under their key, `{}` and `[]` for empty ones), which
 * tests check object by object against it.
 */

/**
 * Strings written plain here: printable ASCII whose first character is no indicator (`#`, quotes,
 * brackets…; `-`, `?` and `:` only when no space follows); `: ` and ` #` inside, and a space or colon at
 * the end, are ruled out below.
 */
const PLAIN_TEXT = /^(?:[A-Za-z0-9_./^$()+;<=~\\]|[-?:][\x21-\x7e])[\x20-\x7e]*$/;
/** Strings written double-quoted here when they cannot be plain: printable ASCII but `"` and `\`. */
const QUOTABLE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

/** Words that YAML 1.2 or YAML 1.1 reads as booleans or null in some capitalisation. */
const KEYWORDS = new Set(["true", "false", "yes", "no", "y", "n", "on", "off", "null"]);

/** Strings of other kinds checked so far by parsing them. */
const readsBack = new Map<string, boolean>();

/** True when `text`, written plain, reads back as itself in YAML 1.2 and in YAML 1.1. */
function plainSafe(text: string): boolean {
    if (!PLAIN_TEXT.test(text) || text.endsWith(" ") || text.endsWith(":") || text.includes(": ") || text.includes(" #")) {
        return false;
    }
    // Most strings start with a letter and are no keyword: no reader takes those for a number, a date,
    // a boolean or null, and parsing them to find out would cost more than writing the whole object.
    if (/^[A-Za-z_/]/.test(text) && !KEYWORDS.has(text.toLowerCase())) {
        return true;
    }
    let known = readsBack.get(text);
    if (known === undefined) {
        known = parse(text, { version: "1.2" }) === text && parse(text, { version: "1.1" }) === text;
        readsBack.set(text, known);
    }
    return known;
}

class NotPlain extends Error {}

function scalar(value: unknown): string {
    if (value === null) {
        return "null";
    }
    switch (typeof value) {
        case "boolean":
            return String(value);
        case "number": {
            const text = String(value);
            if (Number.isSafeInteger(value) || /^-?\d+\.\d+$/.test(text)) {
                return text;
            }
            throw new NotPlain();
        }
        case "string":
            if (plainSafe(value)) {
                return value;
            }
            // Printable ASCII with nothing to escape reads the same double-quoted in JSON and in YAML.
            if (QUOTABLE.test(value)) {
                return JSON.stringify(value);
            }
            throw new NotPlain();
        default:
            throw new NotPlain();
    }
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** `value` as it follows `key:` or `- `: inline when it is a scalar or empty, else on the lines below. */
function inline(value: unknown): string | undefined {
    if (Array.isArray(value)) {
        return value.length === 0 ? "[]" : undefined;
    }
    if (isMap(value)) {
        return Object.keys(value).length === 0 ? "{}" : undefined;
    }
    return scalar(value);
}

/** The lines of a non-empty map or sequence at `indent`. */
function lines(value: Record<string, unknown> | unknown[], indent: string, out: string[]): void {
    if (Array.isArray(value)) {
        for (const item of value) {
            const text = inline(item);
            if (text !== undefined) {
                out.push(`${indent}- ${text}`);
                continue;
            }
            // The item's first line follows its dash; the rest line up under that line.
            const nested: string[] = [];
            lines(item as Record<string, unknown> | unknown[], `${indent}  `, nested);
            out.push(`${indent}- ${nested[0].slice(indent.length + 2)}`, ...nested.slice(1));
        }
        return;
    }
    for (const [k, v] of Object.entries(value)) {
        if (v === undefined) {
            throw new NotPlain();
        }
        const text = inline(v);
        if (text !== undefined) {
            out.push(`${indent}${scalar(k)}: ${text}`);
        } else {
            out.push(`${indent}${scalar(k)}:`);
            lines(v as Record<string, unknown> | unknown[], `${indent}  `, out);
        }
    }
}

/** An object as a YAML document (ending in a newline), or undefined when it is no object or holds what is not written here. */
export function blockYaml(value: unknown): string | undefined {
    if (!isMap(value)) {
        return undefined;
    }
    if (Object.keys(value).length === 0) {
        return "{}\n";
    }
    const out: string[] = [];
    try {
        lines(value, "", out);
    } catch (e) {
        if (e instanceof NotPlain) {
            return undefined;
        }
        throw e;
    }
    return `${out.join("\n")}\n`;
}
