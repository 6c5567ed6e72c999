import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
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

/** Groups objects into one YAML document stream per namespace, in registration order. */
export function renderManifests(manifests: readonly Manifest[]): Record<string, string> {
    const byFile = new Map<string, Manifest[]>();
    for (const m of manifests) {
        byFile.set(fileFor(m), [...(byFile.get(fileFor(m)) ?? []), m]);
    }
    return Object.fromEntries([...byFile].map(([file, ms]) => [file, ms.map((m) => stringify(m, { lineWidth: 0 })).join("---\n")]));
}

/** Index of the files a plan wrote into its output directory; only these are ever replaced or removed. */
export const INDEX_FILE = ".plan-manifests.json";

/** Raised when writing would overwrite a file the plan did not write. */
export class OutputDirError extends Error {}

function previousFiles(dir: string): string[] {
    try {
        const index = JSON.parse(fs.readFileSync(path.join(dir, INDEX_FILE), "utf8")) as { files?: unknown };
        return Array.isArray(index.files) ? index.files.filter((f): f is string => typeof f === "string" && !f.includes("/") && f.endsWith(".yaml")) : [];
    } catch {
        return [];
    }
}

/**
 * Validates every object and writes them under `dir`. Files an earlier plan wrote there (listed in
 * {@link INDEX_FILE}) are replaced or removed, so the directory shows exactly this plan; any other file is
 * left alone, and the plan refuses to overwrite one.
 */
export async function writeManifests(manifests: readonly Manifest[], dir: string): Promise<ManifestFiles> {
    const problems = await validateManifests(manifests);
    const rendered = renderManifests(manifests);
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
        files[file] = manifests.filter((m) => fileFor(m) === file).length;
    }
    fs.writeFileSync(path.join(dir, INDEX_FILE), `${JSON.stringify({ files: Object.keys(files) }, null, 2)}\n`);
    return { dir, files, objects: manifests.length, problems };
}
