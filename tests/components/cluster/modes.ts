import type { ProgramRun, RecordedResource } from "../../../offline/run";
import { ofType, variantRun } from "../../harness";

/** Program runs of the shipped stacks with one `platform:cluster` setting changed, each made once per test process. */
const runs = new Map<string, Promise<ProgramRun>>();

export function modeRun(stack: "dev" | "prod", cluster: Record<string, unknown>): Promise<ProgramRun> {
    const key = `${stack}:${JSON.stringify(cluster)}`;
    if (!runs.has(key)) {
        runs.set(key, variantRun(stack, { "platform:cluster": cluster }));
    }
    return runs.get(key) as Promise<ProgramRun>;
}

/** The compute and identity modes besides the shipped ones (nodeGroups, irsa), alone and combined. */
export const MODES: Record<string, Record<string, unknown>> = {
    karpenter: { compute: "karpenter" },
    autoMode: { compute: "autoMode" },
    podIdentity: { identity: "podIdentity" },
    "karpenter with podIdentity": { compute: "karpenter", identity: "podIdentity" },
    "autoMode with podIdentity": { compute: "autoMode", identity: "podIdentity" },
};

/** Helm releases by chart (the full `oci://` reference for OCI charts). */
export function releases(run: ProgramRun): Map<string, RecordedResource> {
    return new Map(ofType(run, "kubernetes:helm.sh/v3:Release").map((r) => [String(r.inputs.chart), r]));
}

/** Custom resources of one kind. */
export function customResources(run: ProgramRun, apiVersion: string, kind: string): RecordedResource[] {
    return ofType(run, `kubernetes:${apiVersion}:${kind}`);
}
