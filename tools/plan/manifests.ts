import * as fs from "fs";
import * as path from "path";
import { Document, Scalar, parse, visit } from "yaml";
import { blockYaml } from "../../lib/blockYaml";
import { Manifest, ManifestProblems, validateManifests } from "../../offline/manifests";

export interface ManifestFiles {
    readonly dir: string;
    /** File name → number of objects in it. */
    readonly files: Record<string, number>;
    readonly objects: number;
    readonly problems: ManifestProblems[];
}

/** `cluster.yaml` for cluster-scoped objects, `<namespace>.yaml` for the rest. */
export function fileFor(m: Manifest): string {
    return `${m.metadata.namespace ?? "cluster"}.yaml`;
}

const readsAsText = new Map<string, boolean>();

/**
 * True when a YAML 1.1 reader (kubectl's, which reads `on`, `yes`, `n`, `1:20` and `0755` as booleans and
 * numbers) takes `text`, written plain, for the string it is.
 */
function plainInYaml11(text: string): boolean {
    if (text.length > 40 || !/^[-+.\w:~ ]+$/.test(text)) {
        return true;
    }
    if (!readsAsText.has(text)) {
        readsAsText.set(text, typeof parse(text, { version: "1.1" }) === "string");
    }
    return readsAsText.get(text) as boolean;
}

/**
 * One object as YAML that YAML 1.2 readers and kubectl's YAML 1.1 reader both read back as it is: strings
 * that either version would take for another type are quoted. Written directly when it can be (see
 * lib/blockYaml), else by the library.
 */
export function toYaml(value: unknown): string {
    return blockYaml(value) ?? libraryYaml(value);
}

/** {@link toYaml} by the `yaml` library alone. */
export function libraryYaml(value: unknown): string {
    // Never with anchors and aliases, which Kubernetes objects must not use and looking for costs time.
    const doc = new Document(value, { aliasDuplicateObjects: false });
    visit(doc, {
        Scalar(_, node) {
            if (typeof node.value === "string" && !plainInYaml11(node.value)) {
                node.type = Scalar.QUOTE_DOUBLE;
            }
        },
    });
    return doc.toString({ lineWidth: 0 });
}

/**
 * Groups objects into one YAML document stream per namespace, in registration order; `documents` holds
 * each object already rendered by {@link toYaml}, when it is.
 */
export function renderManifests(manifests: readonly Manifest[], documents: readonly string[] = manifests.map(toYaml)): Record<string, string> {
    const byFile = new Map<string, string[]>();
    manifests.forEach((m, i) => {
        const docs = byFile.get(fileFor(m)) ?? [];
        docs.push(documents[i]);
        byFile.set(fileFor(m), docs);
    });
    return Object.fromEntries([...byFile].map(([file, docs]) => [file, docs.join("---\n")]));
}

/** Index of the files a plan wrote into its output directory; only these are ever replaced or removed. */
export const INDEX_FILE = ".plan-manifests.json";

/** Raised when writing would overwrite a file the plan did not write. */
export class OutputDirError extends Error {}

function readIndex(dir: string): { files?: unknown; config?: unknown } {
    try {
        return JSON.parse(fs.readFileSync(path.join(dir, INDEX_FILE), "utf8")) as { files?: unknown; config?: unknown };
    } catch {
        return {};
    }
}

function previousFiles(dir: string): string[] {
    const index = readIndex(dir);
    return Array.isArray(index.files) ? index.files.filter((f): f is string => typeof f === "string" && !f.includes("/") && f.endsWith(".yaml")) : [];
}

/** The stack config file an earlier plan in `dir` was made from, when its index records one. */
export function plannedFrom(dir: string): string | undefined {
    const config = readIndex(dir).config;
    return typeof config === "string" ? config : undefined;
}

/** What validating and rendering a run's objects found, done ahead (see ./manifestWorker). */
export interface CheckedManifests {
    readonly problems: ManifestProblems[];
    /** Each object as a YAML document, in the order of the objects. */
    readonly documents: string[];
}

/**
 * Writes every object under `dir` and returns them with their schema problems; `checked` holds the
 * problems and documents when they were worked out ahead, else that happens here. Files an earlier plan
 * wrote there (listed in {@link INDEX_FILE}) are replaced or removed, so the directory shows exactly this
 * plan; any other file is left alone, and the plan refuses to overwrite one. The index also records
 * `source`, the stack config file planned, so that a later plan of another file can refuse to take the
 * directory over.
 */
export async function writeManifests(manifests: readonly Manifest[], dir: string, source?: string, checked?: CheckedManifests): Promise<ManifestFiles> {
    const problems = checked?.problems ?? (await validateManifests(manifests));
    const rendered = renderManifests(manifests, checked?.documents);
    const ours = new Set(previousFiles(dir));
    const foreign = Object.keys(rendered).filter((file) => fs.existsSync(path.join(dir, file)) && !ours.has(file));
    if (foreign.length > 0) {
        throw new OutputDirError(`--out ${dir} holds ${foreign.join(", ")}, which an earlier plan did not write; choose an empty or plan-only directory`);
    }
    fs.mkdirSync(dir, { recursive: true });
    for (const old of ours) {
        fs.rmSync(path.join(dir, old), { force: true });
    }
    const files: Record<string, number> = {};
    for (const [file, text] of Object.entries(rendered)) {
        fs.writeFileSync(path.join(dir, file), text);
        files[file] = 0;
    }
    manifests.forEach((m) => files[fileFor(m)]++);
    fs.writeFileSync(path.join(dir, INDEX_FILE), `${JSON.stringify({ files: Object.keys(files), ...(source !== undefined ? { config: source } : {}) }, null, 2)}\n`);
    return { dir, files, objects: manifests.length, problems };
}
