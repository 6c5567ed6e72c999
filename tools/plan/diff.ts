import { LOSS, forcesReplacement, isStateful } from "./replacement";

/** A resource as the plan's JSON records it. */
export interface PlannedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    readonly inputs: Record<string, unknown>;
}

export interface PlanDiff {
    readonly added: PlannedResource[];
    readonly removed: PlannedResource[];
    readonly changed: { readonly resource: PlannedResource; readonly inputs: string[] }[];
    /** Stateful resources that the change would replace or delete, with the inputs responsible. */
    readonly destructive: { readonly resource: PlannedResource; readonly action: "replace" | "delete"; readonly inputs: string[]; readonly loss: string }[];
    readonly costDeltaUsd: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Paths (`a.b[2].c`) at which two input trees differ; a changed array element is reported at its index. */
export function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
    if (isObject(before) && isObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
    }
    if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
        return before.flatMap((b, i) => changedPaths(b, after[i], `${prefix}[${i}]`));
    }
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || "(value)"];
}

/** Compares two plans resource by resource (by URN, which encodes type, name and parents). */
export function diffPlans(
    base: { resources: PlannedResource[]; cost: { monthlyUsd: number } },
    head: { resources: PlannedResource[]; cost: { monthlyUsd: number } },
): PlanDiff {
    const before = new Map(base.resources.map((r) => [r.urn, r]));
    const after = new Map(head.resources.map((r) => [r.urn, r]));
    const added = head.resources.filter((r) => !before.has(r.urn));
    const removed = base.resources.filter((r) => !after.has(r.urn));
    const changed = head.resources
        .filter((r) => before.has(r.urn))
        .map((r) => ({ resource: r, inputs: changedPaths((before.get(r.urn) as PlannedResource).inputs, r.inputs) }))
        .filter((c) => c.inputs.length > 0);
    const destructive: PlanDiff["destructive"] = [];
    for (const c of changed) {
        const type = c.resource.type;
        const forcing = forcesReplacement(type, c.inputs);
        if (forcing.length > 0 && isStateful(type)) {
            destructive.push({ resource: c.resource, action: "replace", inputs: forcing, loss: LOSS[type] });
        }
    }
    for (const r of removed) {
        if (isStateful(r.type)) {
            destructive.push({ resource: r, action: "delete", inputs: [], loss: LOSS[r.type] });
        }
    }
    const costDeltaUsd = Math.round((head.cost.monthlyUsd - base.cost.monthlyUsd) * 100) / 100;
    return { added, removed, changed, destructive, costDeltaUsd };
}
