import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface StackConfig {
    /** Flat map as Pulumi hands it to a program: structured values as JSON text. */
    readonly config: Record<string, string>;
    /** Keys whose values are encrypted in the file; offline they hold a placeholder. */
    readonly secretKeys: string[];
}

/**
 * The directory holding `Pulumi.yaml`: the nearest one above this module, whether it runs from its source
 * (under ts-node) or from the compiled copy in `bin/`.
 */
export function projectRoot(from: string = __dirname): string {
    for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`no Pulumi.yaml in ${from} or any directory above it`);
        }
    }
}

function encode(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** The `default` of every key that `Pulumi.yaml` declares, as the CLI applies them before a run. */
export function projectDefaults(projectFile: string): Record<string, string> {
    const doc = parse(fs.readFileSync(projectFile, "utf8")) as { name: string; config?: Record<string, unknown> };
    const out: Record<string, string> = {};
    for (const [key, decl] of Object.entries(doc.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${doc.name}:${key}`;
        if (decl !== null && typeof decl === "object" && "default" in (decl as object)) {
            out[fullKey] = encode((decl as { default: unknown }).default);
        } else if (decl === null || typeof decl !== "object") {
            out[fullKey] = encode(decl);
        }
    }
    return out;
}

/**
 * Reads a `Pulumi.<stack>.yaml` file (or any file of that format) into the flat config map a program
 * receives, over the project defaults of `Pulumi.yaml` beside it (or `projectFile`). Encrypted (`secure:`)
 * values cannot be decrypted without the stack's key, so they become a placeholder marked secret.
 */
export function readStackConfig(file: string, projectFile = path.join(projectRoot(), "Pulumi.yaml")): StackConfig {
    const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    const config: Record<string, string> = projectDefaults(projectFile);
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(doc?.config ?? {})) {
        if (value !== null && typeof value === "object" && "secure" in (value as object)) {
            config[key] = "offline-placeholder";
            secretKeys.push(key);
        } else {
            config[key] = encode(value);
        }
    }
    return { config, secretKeys };
}
