// GitHub Actions expressions, evaluated the way the runner evaluates them, so that workflow checks judge
// what a condition or a `runs-on:` label becomes for an event instead of matching its text. Covers the
// language the workflows use: literals, context paths with `.name` and `[index]`, the operators
// ! < <= > >= == != && || with GitHub's loose comparison and value-returning && and ||, and the functions
// contains, startsWith, endsWith, format, join, toJSON, fromJSON and the status checks.
// Reference: https://docs.github.com/en/actions/reference/workflows-and-actions/expressions

/** A value an expression can produce. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** Nested contexts as the runner provides them: `{ github: { event_name: "push" }, inputs: {...} }`. */
export type Context = { [name: string]: Value };

/** Outcome of the steps or jobs so far, which `success()`, `failure()`, `cancelled()` and `always()` read. */
export type Status = "success" | "failure" | "cancelled";

export interface Scope {
    readonly context: Context;
    /** Defaults to `success`. */
    readonly status?: Status;
}

/**
 * Builds nested contexts from dotted keys, which read better in tests:
 * `contextOf({ "github.event_name": "push" })` is `{ github: { event_name: "push" } }`.
 */
export function contextOf(flat: Readonly<Record<string, Value>>): Context {
    const root: Context = {};
    for (const [key, value] of Object.entries(flat)) {
        const parts = key.split(".");
        let node: Context = root;
        for (const part of parts.slice(0, -1)) {
            const next = node[part];
            if (next === undefined || next === null || typeof next !== "object" || Array.isArray(next)) {
                node[part] = {};
            }
            node = node[part] as Context;
        }
        node[parts[parts.length - 1]] = value;
    }
    return root;
}

/** A scope from dotted keys: `scopeOf({ "github.event_name": "push" })`. */
export function scopeOf(flat: Readonly<Record<string, Value>>, status?: Status): Scope {
    return { context: contextOf(flat), status };
}

const TOKEN = /\s*('(?:[^']|'')*'|0x[0-9a-fA-F]+|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_][\w-]*|&&|\|\||==|!=|<=|>=|[()[\].,!<>])\s*/y;

function tokenize(expr: string): string[] {
    const tokens: string[] = [];
    let at = 0;
    while (at < expr.length) {
        TOKEN.lastIndex = at;
        const m = TOKEN.exec(expr);
        if (m === null) {
            if (expr.slice(at).trim() === "") {
                break;
            }
            throw new Error(`cannot read the expression ${JSON.stringify(expr)} at ${at}`);
        }
        tokens.push(m[1]);
        at = TOKEN.lastIndex;
    }
    return tokens;
}

/** GitHub's truthiness: false, 0, -0, "", null and NaN are falsy; arrays and objects are truthy. */
export function truthy(v: Value): boolean {
    return !(v === null || v === false || v === "" || (typeof v === "number" && (v === 0 || Number.isNaN(v))));
}

function toNumber(v: Value): number {
    if (v === null) {
        return 0;
    }
    if (typeof v === "boolean") {
        return v ? 1 : 0;
    }
    if (typeof v === "number") {
        return v;
    }
    if (typeof v === "string") {
        return v.trim() === "" ? 0 : Number(v);
    }
    return NaN;
}

/** Loose equality: same-typed strings compare case-insensitively; other mixes compare as numbers; objects only by identity. */
function equal(a: Value, b: Value): boolean {
    if (typeof a === "string" && typeof b === "string") {
        return a.toLowerCase() === b.toLowerCase();
    }
    const isObject = (v: Value) => v !== null && typeof v === "object";
    if (isObject(a) || isObject(b)) {
        return a === b;
    }
    return toNumber(a) === toNumber(b);
}

function compare(a: Value, b: Value): number {
    if (typeof a === "string" && typeof b === "string") {
        const x = a.toLowerCase();
        const y = b.toLowerCase();
        return x < y ? -1 : x > y ? 1 : 0;
    }
    return toNumber(a) - toNumber(b);
}

/** How a value is written into a string by `${{ }}` or `format`. */
export function asString(v: Value): string {
    if (v === null) {
        return "";
    }
    if (Array.isArray(v)) {
        return "Array";
    }
    if (typeof v === "object") {
        return "Object";
    }
    return String(v);
}

/** Property lookup is case-insensitive, as in GitHub's contexts. */
function property(target: Value, key: Value): Value {
    if (Array.isArray(target)) {
        const index = toNumber(key);
        return Number.isInteger(index) && index >= 0 && index < target.length ? target[index] : null;
    }
    if (target === null || typeof target !== "object") {
        return null;
    }
    const name = asString(key).toLowerCase();
    const found = Object.keys(target).find((k) => k.toLowerCase() === name);
    return found === undefined ? null : target[found];
}

function format(template: string, args: Value[]): string {
    return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (m, index: string | undefined) => {
        if (index === undefined) {
            return m[0];
        }
        const i = Number(index);
        if (i >= args.length) {
            throw new Error(`format: no argument {${i}} in ${JSON.stringify(template)}`);
        }
        return asString(args[i]);
    });
}

function call(name: string, args: Value[], status: Status): Value {
    const arity = (n: number) => {
        if (args.length !== n) {
            throw new Error(`${name}() takes ${n} argument(s), got ${args.length}`);
        }
    };
    switch (name.toLowerCase()) {
        case "success":
            arity(0);
            return status === "success";
        case "failure":
            arity(0);
            return status === "failure";
        case "cancelled":
            arity(0);
            return status === "cancelled";
        case "always":
            arity(0);
            return true;
        case "contains": {
            arity(2);
            const [search, item] = args;
            if (Array.isArray(search)) {
                return search.some((x) => equal(x, item));
            }
            return asString(search).toLowerCase().includes(asString(item).toLowerCase());
        }
        case "startswith":
            arity(2);
            return asString(args[0]).toLowerCase().startsWith(asString(args[1]).toLowerCase());
        case "endswith":
            arity(2);
            return asString(args[0]).toLowerCase().endsWith(asString(args[1]).toLowerCase());
        case "format":
            if (args.length < 1) {
                throw new Error("format() needs a template");
            }
            return format(asString(args[0]), args.slice(1));
        case "join": {
            const [items, separator] = args;
            const sep = args.length > 1 ? asString(separator) : ",";
            return Array.isArray(items) ? items.map(asString).join(sep) : asString(items);
        }
        case "tojson":
            arity(1);
            return JSON.stringify(args[0], null, 2);
        case "fromjson":
            arity(1);
            if (typeof args[0] !== "string" || args[0].trim() === "") {
                throw new Error(`fromJSON() of ${JSON.stringify(args[0])}: empty or not a string`);
            }
            return JSON.parse(args[0]) as Value;
        default:
            throw new Error(`unknown function ${name}()`);
    }
}

const STATUS_FUNCTIONS = /\b(success|failure|cancelled|always)\s*\(/i;

/** Evaluates one expression (the inside of `${{ }}`). */
export function evaluate(expr: string, scope: Scope): Value {
    const { context, status } = scope;
    const tokens = tokenize(expr);
    let i = 0;
    const peek = () => tokens[i];
    const expect = (t: string) => {
        if (tokens[i++] !== t) {
            throw new Error(`expected ${t} in ${expr}`);
        }
    };
    const primary = (): Value => {
        const t = tokens[i++];
        if (t === undefined) {
            throw new Error(`unexpected end of ${expr}`);
        }
        if (t === "(") {
            const v = or();
            expect(")");
            return v;
        }
        if (t === "!") {
            return !truthy(primary());
        }
        if (t.startsWith("'")) {
            return t.slice(1, -1).replace(/''/g, "'");
        }
        if (/^-?\d|^0x/.test(t)) {
            return Number(t);
        }
        if (/^(true|false)$/i.test(t)) {
            return t.toLowerCase() === "true";
        }
        if (/^null$/i.test(t)) {
            return null;
        }
        if (!/^[A-Za-z_]/.test(t)) {
            throw new Error(`unexpected ${t} in ${expr}`);
        }
        let value: Value;
        if (peek() === "(") {
            i++;
            const args: Value[] = [];
            while (peek() !== ")") {
                args.push(or());
                if (peek() === ",") {
                    i++;
                }
            }
            expect(")");
            value = call(t, args, status ?? "success");
        } else {
            value = property(context, t);
        }
        while (peek() === "." || peek() === "[") {
            if (tokens[i++] === ".") {
                const name = tokens[i++];
                if (name === undefined || !/^[A-Za-z_]/.test(name)) {
                    throw new Error(`expected a property name after . in ${expr}`);
                }
                value = property(value, name);
            } else {
                const key = or();
                expect("]");
                value = property(value, key);
            }
        }
        return value;
    };
    const comparison = (): Value => {
        let left = primary();
        while (["==", "!=", "<", "<=", ">", ">="].includes(peek())) {
            const op = tokens[i++];
            const right = primary();
            switch (op) {
                case "==":
                    left = equal(left, right);
                    break;
                case "!=":
                    left = !equal(left, right);
                    break;
                case "<":
                    left = compare(left, right) < 0;
                    break;
                case "<=":
                    left = compare(left, right) <= 0;
                    break;
                case ">":
                    left = compare(left, right) > 0;
                    break;
                default:
                    left = compare(left, right) >= 0;
            }
        }
        return left;
    };
    const and = (): Value => {
        let left = comparison();
        while (peek() === "&&") {
            i++;
            const right = comparison();
            left = truthy(left) ? right : left;
        }
        return left;
    };
    const or = (): Value => {
        let left = and();
        while (peek() === "||") {
            i++;
            const right = and();
            left = truthy(left) ? left : right;
        }
        return left;
    };
    const value = or();
    if (i !== tokens.length) {
        throw new Error(`unexpected ${tokens[i]} in ${expr}`);
    }
    return value;
}

/** A workflow value with its `${{ }}` parts evaluated, as the runner would see it. */
export function interpolate(template: string, scope: Scope): string {
    return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => asString(evaluate(expr, scope)));
}

/**
 * An `if:` as the runner decides it: `${{ }}` is optional, and a condition without a status function
 * behaves as `success() && (condition)`, so it is false once something before it failed or was cancelled.
 * A missing condition is `success()`.
 */
export function condition(text: string | boolean | undefined, scope: Scope): boolean {
    if (text === undefined) {
        return (scope.status ?? "success") === "success";
    }
    if (typeof text === "boolean") {
        return text && (scope.status ?? "success") === "success";
    }
    const whole = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text);
    const expr = whole ? whole[1] : text;
    const guarded = STATUS_FUNCTIONS.test(expr) ? expr : `success() && (${expr})`;
    return truthy(evaluate(guarded, scope));
}
