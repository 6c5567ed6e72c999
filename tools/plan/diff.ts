import { Dependent, Replacement, propagate, replacingInputs, vpcFacets } from "./propagation";
import { LOSS, isStateful } from "./replacement";

/** What a resource waits for: its parent, explicit `dependsOn`, and the resources whose outputs flow into each input. */
export interface ResourceDependencies {
    readonly parent?: string;
    readonly dependsOn: string[];
    readonly inputs: Record<string, string[]>;
}

/** The resource options that change what `pulumi up` and `destroy` do with it. */
export interface ResourceOptions {
    readonly protect: boolean;
    readonly ignoreChanges: string[];
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
}

/** A resource as the plan's JSON records it (dependencies, options and provider are absent from older plans). */
export interface PlannedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    readonly provider?: string;
    readonly inputs: Record<string, unknown>;
    readonly dependencies?: ResourceDependencies;
    readonly options?: ResourceOptions;
}

export interface PlanDiff {
    readonly added: PlannedResource[];
    readonly removed: PlannedResource[];
    readonly changed: { readonly resource: PlannedResource; readonly inputs: string[] }[];
    /** Every resource the change replaces, directly or because what it is built on is replaced. */
    readonly replaced: { readonly resource: PlannedResource; readonly because: string[]; readonly direct: boolean }[];
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
    const direct: Replacement[] = changed.flatMap((c): Replacement[] => {
        if (c.resource.type === "awsx:ec2:Vpc") {
            const facets = vpcFacets(c.inputs, (before.get(c.resource.urn) as PlannedResource).inputs, c.resource.inputs);
            return facets.length > 0 ? [{ urn: c.resource.urn, facets, because: c.inputs.filter((p) => p === "cidrBlock" || p.startsWith("subnetSpecs")), direct: true }] : [];
        }
        const forcing = replacingInputs(c.resource.type, c.inputs);
        return forcing.length > 0 ? [{ urn: c.resource.urn, facets: ["all"], because: forcing, direct: true }] : [];
    });
    const dependents: Dependent[] = head.resources.filter((r) => before.has(r.urn)).map((r) => ({ ...r, inputDependencies: r.dependencies?.inputs }));
    const replaced = propagate(direct, dependents).map((x) => ({ resource: after.get(x.urn) as PlannedResource, because: x.because, direct: x.direct }));
    const destructive: PlanDiff["destructive"] = replaced
        .filter((x) => isStateful(x.resource.type))
        .map((x) => ({ resource: x.resource, action: "replace" as const, inputs: x.because, loss: LOSS[x.resource.type as keyof typeof LOSS] }));
    for (const r of removed) {
        if (isStateful(r.type)) {
            destructive.push({ resource: r, action: "delete", inputs: [], loss: LOSS[r.type] });
        }
    }
    const costDeltaUsd = Math.round((head.cost.monthlyUsd - base.cost.monthlyUsd) * 100) / 100;
    return { added, removed, changed, replaced, destructive, costDeltaUsd };
}
