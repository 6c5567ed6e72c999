import * as fs from "fs";
import * as path from "path";
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseDocument, Scalar } from "yaml";
import type { ConfigIssue } from "./errors";

/**
 * Reads a stack config file (`Pulumi.<stack>.yaml`) the way the Pulumi CLI hands it to a program, and
 * says precisely what is wrong with one that cannot be read: YAML errors and duplicate keys at their line
 * and column, a file that is empty or not a map, keys outside `config:`, encrypted platform settings,
 * numbers YAML reads as infinite, an `environment:` that is not a list of Pulumi ESC environment names.
 * Offline, only; `pulumi up` reads the file itself.
 */

/** An ESC environment reference: `[org/][project/]name`, each part letters, digits, `-`, `_`, `.`, and an optional `@version`. */
const ESC_ENVIRONMENT = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+){0,2}(@[A-Za-z0-9._-]+)?$/;

/** What `secure:` values become offline, where the stack's key is not at hand. */
export const SECRET_PLACEHOLDER = "offline-placeholder";

export interface StackFile {
    /** Flat config map: structured values as JSON text, as a program receives them. */
    readonly config: Record<string, string>;
    /** Keys whose values are encrypted in the file. */
    readonly secretKeys: string[];
    /** What is wrong with the file; empty when it reads well. */
    readonly issues: ConfigIssue[];
    /** False when the file could not be read as a stack config at all, so that its keys mean nothing. */
    readonly readable: boolean;
    /** Pulumi ESC environments the stack imports (`environment:`), in merge order; offline, none is opened. */
    readonly environments: string[];
}

const kindOf = (node: unknown) => (isSeq(node) ? "a list" : isMap(node) ? "a map" : isScalar(node) ? `the value ${JSON.stringify(node.value)}` : "empty");

function encode(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Paths below `node` (as `.a[0].b`) holding .inf, -.inf or .nan, which have no JSON form. */
function nonFinite(node: unknown, at = ""): { at: string; node: Scalar }[] {
    if (isScalar(node)) {
        return typeof node.value === "number" && !Number.isFinite(node.value) ? [{ at, node }] : [];
    }
    if (isSeq(node)) {
        return node.items.flatMap((item, i) => nonFinite(item, `${at}[${i}]`));
    }
    if (isMap(node)) {
        return node.items.flatMap((pair) => (isPair(pair) ? nonFinite(pair.value, `${at}.${String(isScalar(pair.key) ? pair.key.value : pair.key)}`) : []));
    }
    return [];
}

/** Reads `file`; `shown` is how messages name it (a path relative to the working directory). */
export function readStackFile(file: string, shown = path.relative(process.cwd(), file) || file): StackFile {
    const lines = new LineCounter();
    const doc: Document = parseDocument(fs.readFileSync(file, "utf8"), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const where = (offset: number | undefined) => {
        const pos = lines.linePos(offset ?? 0);
        return `${shown}:${pos.line}:${pos.col}`;
    };
    const issue = (key: string, message: string): ConfigIssue => ({ key, path: [], value: undefined, message });
    const empty: StackFile = { config: {}, secretKeys: [], issues: [], readable: false, environments: [] };
    if (doc.errors.length > 0) {
        // One problem per place: the parser often reports a second error where the first one already is.
        const found = doc.errors.map((e) => issue(where(e.pos[0]), `is not valid YAML: ${e.message.split("\n")[0]}`));
        return { ...empty, issues: found.filter((f, i) => found.findIndex((g) => g.key === f.key) === i) };
    }
    const root = doc.contents;
    if (!isMap(root)) {
        return { ...empty, issues: [issue(shown, `is ${kindOf(root)}; a stack config file is a map with a config: map inside (config: {aws:region: …, platform:environment: …})`)] };
    }
    const issues: ConfigIssue[] = [];
    for (const pair of root.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : "";
        if (key.includes(":")) {
            issues.push(issue(where((pair.key as Node).range?.[0]), `${key} is outside config:; indent it under the config: key`));
        }
    }
    const environments = readEnvironments(root.get("environment", true), issues, where);
    const configNode = root.get("config", true);
    if (configNode === undefined && environments.length > 0) {
        // Every setting may come from the imported environments; validation names what is still missing.
        return { config: {}, secretKeys: [], issues, readable: true, environments };
    }
    if (!isMap(configNode)) {
        issues.push(issue(shown, configNode === undefined ? "has no config: map; put aws:region, platform:environment and the other keys under config:" : `has config: set to ${kindOf(configNode)}; it must be a map of keys`));
        return { ...empty, issues };
    }
    const values = (doc.toJS({ maxAliasCount: 1000 }) as { config: Record<string, unknown> }).config;
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const pair of configNode.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const value = pair.value;
        if (isMap(value) && value.has("secure")) {
            if (key.startsWith("platform:")) {
                issues.push(issue(key, "is encrypted (secure:), but platform settings hold no secrets and the offline plan cannot decrypt it; write the value in plain text (application secrets belong in platform:services[].secrets)"));
            } else {
                secretKeys.push(key);
                config[key] = SECRET_PLACEHOLDER;
            }
            continue;
        }
        const infinite = nonFinite(value);
        for (const bad of infinite) {
            issues.push(issue(`${key}${bad.at}`, `is ${bad.node.source ?? String(bad.node.value)} (${where(bad.node.range?.[0])}), which is not a finite number; give a number such as 400`));
        }
        // A key already reported is left out, so that it is not reported twice.
        if (infinite.length === 0) {
            config[key] = encode(values[key]);
        }
    }
    return { config, secretKeys, issues, readable: true, environments };
}

/** The `environment:` list: Pulumi ESC environments, merged in order into the stack's config by `pulumi`. */
function readEnvironments(node: unknown, issues: ConfigIssue[], where: (offset: number | undefined) => string): string[] {
    if (node === undefined || (isScalar(node) && node.value === null)) {
        return [];
    }
    const at = (n: unknown) => where((n as Node).range?.[0]);
    if (!isSeq(node)) {
        issues.push({ key: at(node), path: [], value: undefined, message: `environment: is ${kindOf(node)}; it lists Pulumi ESC environments to import (environment: [platform/prod])` });
        return [];
    }
    const names: string[] = [];
    for (const item of node.items) {
        const name = isScalar(item) ? item.value : undefined;
        if (typeof name === "string" && ESC_ENVIRONMENT.test(name)) {
            names.push(name);
        } else {
            issues.push({ key: at(item), path: [], value: undefined, message: `environment: ${isScalar(item) ? JSON.stringify(item.value) : kindOf(item)} is not an ESC environment name such as platform/prod (letters, digits, - _ . in up to three parts separated by /)` });
        }
    }
    return names;
}
