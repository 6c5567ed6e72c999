import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { Manifest, ManifestProblems, validateManifests } from "../../lib/kubernetes";

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

/**
 * Validates every object and writes them under `dir`. YAML files left there by an earlier plan are
 * removed first, so the directory always shows exactly this plan; nothing else in it is touched.
 */
export async function writeManifests(manifests: readonly Manifest[], dir: string): Promise<ManifestFiles> {
    const problems = await validateManifests(manifests);
    fs.mkdirSync(dir, { recursive: true });
    for (const old of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
        fs.rmSync(path.join(dir, old));
    }
    const rendered = renderManifests(manifests);
    const files: Record<string, number> = {};
    for (const [file, text] of Object.entries(rendered)) {
        fs.writeFileSync(path.join(dir, file), text);
        files[file] = manifests.filter((m) => fileFor(m) === file).length;
    }
    return { dir, files, objects: manifests.length, problems };
}
