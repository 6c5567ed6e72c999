import type { ProgramRun, RecordedResource } from "../../offline/run";
import { at, isFalse, isTrue, isUnknown, num, str } from "../../policies/lib/values";

/**
 * Lookups over one recorded program run that the cost and deploy-time estimators share: resources by URN,
 * children by parent, and the top-level component each resource belongs to.
 */
export interface RunIndex {
    readonly run: ProgramRun;
    readonly byUrn: ReadonlyMap<string, RecordedResource>;
    readonly children: ReadonlyMap<string, readonly RecordedResource[]>;
}

/** The type token of the stack resource a real engine adds as the root of every program. */
export const STACK_TYPE = "pulumi:pulumi:Stack";

/** Indexes a run once; every lookup below is then constant time or a walk up the parent chain. */
export function indexRun(run: ProgramRun): RunIndex {
    const byUrn = new Map<string, RecordedResource>();
    const children = new Map<string, RecordedResource[]>();
    for (const r of run.resources) {
        byUrn.set(r.urn, r);
    }
    for (const r of run.resources) {
        if (r.parent !== undefined && byUrn.has(r.parent)) {
            const list = children.get(r.parent) ?? [];
            list.push(r);
            children.set(r.parent, list);
        }
    }
    return { run, byUrn, children };
}

/** `type::name`: what a reader recognises a resource by, shorter than its URN. */
export function label(r: RecordedResource): string {
    return `${r.type}::${r.name}`;
}

/**
 * The parent of a resource within the program, or undefined at the top. The stack resource of a real
 * preview is not counted: the program's own components are the top level a reader thinks in.
 */
export function parentOf(index: RunIndex, r: RecordedResource): RecordedResource | undefined {
    const parent = r.parent === undefined ? undefined : index.byUrn.get(r.parent);
    return parent === undefined || parent.type === STACK_TYPE ? undefined : parent;
}

/** The outermost ancestor of a resource (itself when it has none): `network`, `cluster`, `database`… */
export function topLevelOf(index: RunIndex, r: RecordedResource): RecordedResource {
    let current = r;
    for (let parent = parentOf(index, current); parent !== undefined; parent = parentOf(index, current)) {
        current = parent;
    }
    return current;
}

/** Every resource below `r` in the parent tree. */
export function descendantsOf(index: RunIndex, r: RecordedResource): RecordedResource[] {
    const out: RecordedResource[] = [];
    const pending = [...(index.children.get(r.urn) ?? [])];
    while (pending.length > 0) {
        const next = pending.pop() as RecordedResource;
        out.push(next);
        pending.push(...(index.children.get(next.urn) ?? []));
    }
    return out;
}

/** True when the run records any resource of one of `types` anywhere below `r`. */
export function hasDescendantOfType(index: RunIndex, r: RecordedResource, types: readonly string[]): boolean {
    return descendantsOf(index, r).some((d) => types.includes(d.type));
}

/**
 * Reads a nested input such as `scalingConfig.desiredSize`, as the policies read properties. Values the
 * engine does not know yet (`[unknown]` in a preview) read as undefined, so callers fall back to their
 * documented default.
 */
export function inputAt(r: RecordedResource, path: string): unknown {
    const value = at(r.inputs, path);
    return isUnknown(value) ? undefined : value;
}

/** A numeric input; numbers that arrive as text (as some provider inputs do) are accepted. */
export function numberAt(r: RecordedResource, path: string): number | undefined {
    const n = num(inputAt(r, path));
    return n !== undefined && Number.isFinite(n) ? n : undefined;
}

export function stringAt(r: RecordedResource, path: string): string | undefined {
    return str(inputAt(r, path));
}

/** A boolean input; `"true"`/`"false"` text counts, as the providers accept both. */
export function booleanAt(r: RecordedResource, path: string): boolean | undefined {
    const value = inputAt(r, path);
    return isTrue(value) ? true : isFalse(value) ? false : undefined;
}

export function arrayAt(r: RecordedResource, path: string): unknown[] | undefined {
    const value = inputAt(r, path);
    return Array.isArray(value) ? value : undefined;
}

/** A Helm chart's own name, whether given bare, as `repo/name` or as an OCI reference. */
export function chartName(r: RecordedResource): string | undefined {
    const chart = stringAt(r, "chart");
    return chart?.split("/").pop()?.replace(/:.*$/, "");
}
