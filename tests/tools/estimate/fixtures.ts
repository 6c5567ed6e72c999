import type { ProgramRun, RecordedResource } from "../../../offline/run";

/** What a hand-made registration may set; everything else gets the value a plain custom resource has. */
export interface FakeResource {
    readonly parent?: RecordedResource;
    readonly inputs?: Record<string, unknown>;
    readonly outputs?: Record<string, unknown>;
    readonly dependsOn?: RecordedResource[];
    readonly custom?: boolean;
    readonly remote?: boolean;
    readonly provider?: RecordedResource;
    /** Defaults to `<name>-id` for custom resources, empty for components. */
    readonly id?: string;
}

/** A recorded registration built by hand, so that estimator tests know every input. */
export function fake(type: string, name: string, f: FakeResource = {}): RecordedResource {
    return {
        urn: `urn:pulumi:test::platform::${type}::${name}`,
        type,
        name,
        id: f.id ?? ((f.custom ?? true) ? `${name}-id` : ""),
        parent: f.parent?.urn,
        custom: f.custom ?? true,
        remote: f.remote ?? false,
        provider: f.provider?.urn,
        inputs: f.inputs ?? {},
        outputs: f.outputs ?? {},
        dependencies: (f.dependsOn ?? []).map((d) => d.urn),
        explicitDependencies: [],
        protect: false,
        ignoreChanges: [],
        retainOnDelete: false,
        deleteBeforeReplace: false,
        inputDependencies: {},
    };
}

/** A program-level component such as `database`. */
export function component(type: string, name: string, parent?: RecordedResource): RecordedResource {
    return fake(type, name, { custom: false, parent });
}

/** A run holding exactly these registrations. */
export function runOf(...resources: RecordedResource[]): ProgramRun {
    return { project: "platform", stack: "test", resources, outputs: {} };
}
