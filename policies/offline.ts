import type {
    EnforcementLevel,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { Environment } from "../config/catalog";
import type { ProgramRun, RecordedResource } from "../offline/run";
import { PolicyPackConfigJson, defaultLevel, environmentFromStackName, levelFor, reconcileConfig, stackFromUrn } from "./lib/enforcement";
import { PlatformPolicy, mayJudge } from "./lib/rule";
import { POLICIES } from "./pack";

/**
 * Runs the pack over a recorded program run, the way `pulumi preview --policy-pack policies` runs it over
 * a real one: resource policies see each resource's inputs, stack policies see every resource with its
 * outputs, parent and dependencies. The recorder keeps one dependency list per resource, so
 * `propertyDependencies` is empty here and rules fall back on `dependencies` (see `Stack.references`).
 */

/** One policy violation. */
export interface Violation {
    readonly policy: string;
    /** The level it is enforced at, after environment defaults and overrides. */
    readonly level: "advisory" | "mandatory";
    /** URN of the offending resource; absent for a violation of the stack as a whole. */
    readonly resource?: string;
    readonly message: string;
}

export interface EvaluateOptions {
    /** Environment whose default levels apply. Defaults to the one the stack name in the URNs implies, else prod. */
    readonly environment?: Environment;
    /** Policy-pack config, as `--policy-pack-config` takes it: `{ "all": "advisory", "rds-multi-az": { "enforcementLevel": "disabled" } }`. */
    readonly overrides?: PolicyPackConfigJson;
    /** Policies to run. Defaults to the whole pack. */
    readonly policies?: readonly PlatformPolicy[];
}

/** The environment an offline run is judged as: explicit, else from the stack in the URNs, else prod. */
export function environmentOf(run: ProgramRun, explicit?: Environment): Environment {
    return explicit ?? environmentFromStackName(stackFromUrn(run.resources[0]?.urn)) ?? environmentFromStackName(run.stack) ?? "prod";
}

class NotApplicable extends Error {}

const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

/** CrossGuard's `isType`: generated resource classes carry their type token in `__pulumiType`. */
function typeMatcher(type: string): ResourceValidationArgs["isType"] {
    return (resourceClass) => {
        const cls = resourceClass as unknown as { __pulumiType?: unknown; isInstance?: (o: unknown) => boolean };
        return typeof cls.__pulumiType === "string" ? cls.__pulumiType === type : cls.isInstance?.({ __pulumiType: type }) === true;
    };
}

function optionsOf(r: RecordedResource): PolicyResourceOptions {
    return {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: r.parent,
    };
}

function settle(result: unknown, policy: string): void {
    if (result !== undefined && typeof (result as { then?: unknown }).then === "function") {
        throw new Error(`policy ${policy} validates asynchronously, which the offline evaluator does not support`);
    }
}

/** Runs the validations of one policy, treating "not applicable" as no violation. */
function guarded(run: () => unknown, policy: string): void {
    try {
        settle(run(), policy);
    } catch (e) {
        if (!(e instanceof NotApplicable)) {
            throw e;
        }
    }
}

/**
 * Every violation of the pack's policies in a recorded run, with the level each is enforced at. Throws
 * on an override naming an unknown policy or level, which the Pulumi CLI would also reject or ignore.
 */
export function evaluatePolicies(run: ProgramRun, options: EvaluateOptions = {}): Violation[] {
    const environment = environmentOf(run, options.environment);
    const policies: readonly PlatformPolicy[] = (options.policies ?? POLICIES).map((p) => ({ ...p, enforcementLevel: p.enforcementLevel ?? levelFor(environment, p.name) }));
    const config = reconcileConfig(policies, defaultLevel(environment), options.overrides);
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const providerOf = (r: RecordedResource): PolicyProviderResource | undefined => {
        const p = r.provider === undefined ? undefined : byUrn.get(r.provider);
        return p === undefined ? undefined : { type: p.type, props: p.inputs, urn: p.urn, name: p.name };
    };
    const violations: Violation[] = [];
    const active = policies
        .map((policy) => ({ policy, resolved: config.get(policy.name) }))
        .filter((p): p is { policy: PlatformPolicy; resolved: { level: EnforcementLevel; properties: Record<string, unknown> } } => p.resolved !== undefined && p.resolved.level !== "disabled");
    const reporter = (policy: string, level: EnforcementLevel, fallbackUrn?: string): ReportViolation => (message, urn) => {
        violations.push({ policy, level: level === "advisory" ? "advisory" : "mandatory", resource: urn ?? fallbackUrn, message });
    };

    for (const r of run.resources) {
        for (const { policy, resolved } of active) {
            const validations = (policy as ResourceValidationPolicy).validateResource;
            if (validations === undefined || !mayJudge(policy, r.type)) {
                continue;
            }
            const args: ResourceValidationArgs = {
                type: r.type,
                props: r.inputs,
                urn: r.urn,
                name: r.name,
                opts: optionsOf(r),
                provider: providerOf(r),
                stackTags: new Map(),
                isType: typeMatcher(r.type),
                asType: ((resourceClass: never) => (typeMatcher(r.type)(resourceClass) ? r.inputs : undefined)) as ResourceValidationArgs["asType"],
                getConfig: <T extends object>() => resolved.properties as T,
                notApplicable,
            };
            for (const validate of Array.isArray(validations) ? validations : [validations]) {
                guarded(() => validate(args, reporter(policy.name, resolved.level, r.urn)), policy.name);
            }
        }
    }

    const stackResources = new Map<string, PolicyResource>();
    for (const r of run.resources) {
        // Providers report the ID among a resource's outputs; components have none.
        const props = r.id === "" ? { ...r.inputs, ...r.outputs } : { ...r.inputs, ...r.outputs, id: r.id };
        stackResources.set(r.urn, {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: optionsOf(r),
            provider: providerOf(r),
            dependencies: [],
            propertyDependencies: {},
            isType: typeMatcher(r.type),
            asType: ((resourceClass: never) => (typeMatcher(r.type)(resourceClass) ? props : undefined)) as PolicyResource["asType"],
        });
    }
    for (const r of run.resources) {
        const resource = stackResources.get(r.urn) as PolicyResource;
        resource.parent = r.parent === undefined ? undefined : stackResources.get(r.parent);
        resource.dependencies = r.dependencies.map((u) => stackResources.get(u)).filter((d): d is PolicyResource => d !== undefined);
    }
    // One array for every stack policy: the rules' shared view of the stack is kept per array.
    const resources = [...stackResources.values()];
    for (const { policy, resolved } of active) {
        const validateStack = (policy as StackValidationPolicy).validateStack;
        if (validateStack === undefined) {
            continue;
        }
        const args: StackValidationArgs = {
            resources,
            stackTags: new Map(),
            getConfig: <T extends object>() => resolved.properties as T,
            notApplicable,
        };
        guarded(() => validateStack(args, reporter(policy.name, resolved.level)), policy.name);
    }
    return violations;
}
