import type {
    PolicyConfigSchema,
    PolicyResourceOptions,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { Props, isRecord, isUnknown, plainProps, strings } from "./values";

/**
 * The two shapes every rule of the pack takes. Rules receive plain properties (see `values.ts`) and
 * report messages; these builders turn them into CrossGuard policies, so that the same code runs in
 * `pulumi preview --policy-pack` and in the offline evaluator.
 */

/** What every rule declares about itself. */
export interface RuleInfo {
    /** Policy name, after what it guards (`rds-not-public`). Unique in the pack. */
    readonly name: string;
    /** One sentence: what a compliant resource or stack does. */
    readonly summary: string;
    /** Controls the rule implements, e.g. `FSBP RDS.2`, `CIS EKS 4.5.2`, `PSS restricted`. */
    readonly controls: readonly string[];
    readonly severity: Severity;
    /** Settings the rule reads from policy-pack config; every property has a default. */
    readonly configSchema?: PolicyConfigSchema;
}

/** A CrossGuard policy of this pack, carrying the controls it implements. */
export type PlatformPolicy = (ResourceValidationPolicy | StackValidationPolicy) & {
    readonly controls: readonly string[];
    readonly summary: string;
};

/** A resource as a resource rule sees it. */
export interface ResourceView {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The resource's inputs. */
    readonly props: Props;
    readonly opts: PolicyResourceOptions;
    /** Inputs of the resource's explicit provider (e.g. the Kubernetes provider's default namespace). */
    readonly providerProps: Props;
}

/** A resource as a stack rule sees it. */
export interface StackResource extends ResourceView {
    /** URN of the parent. */
    readonly parent?: string;
    /** URNs this resource depends on. */
    readonly dependencies: readonly string[];
    /** URNs each input property depends on; empty where the engine did not say (offline). */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

/** What a resource property may point at: the target's URNs (itself, a wrapping component) and known IDs. */
export interface Target {
    readonly urns: readonly string[];
    readonly values: readonly string[];
}

/** The resources of a stack with the look-ups stack rules share. */
export class Stack {
    private readonly byUrn: Map<string, StackResource>;
    /** {@link where}'s answers by predicate: rules ask the same question once per workload. */
    private readonly selections = new Map<(type: string) => boolean, readonly StackResource[]>();

    constructor(public readonly resources: readonly StackResource[]) {
        this.byUrn = new Map(resources.map((r) => [r.urn, r]));
    }

    /** Resources of exactly these types. */
    ofType(...types: string[]): StackResource[] {
        return this.resources.filter((r) => types.includes(r.type));
    }

    /** Resources whose type satisfies the predicate (e.g. every Kubernetes workload kind). */
    where(predicate: (type: string) => boolean): StackResource[] {
        let found = this.selections.get(predicate);
        if (found === undefined) {
            found = this.resources.filter((r) => predicate(r.type));
            this.selections.set(predicate, found);
        }
        return [...found];
    }

    /** The resource with this URN, if the stack has it. */
    get(urn: string | undefined): StackResource | undefined {
        return urn === undefined ? undefined : this.byUrn.get(urn);
    }

    /** True when a resource of the type sits anywhere below `ancestor`. */
    hasDescendant(ancestor: StackResource, type: string): boolean {
        return this.resources.some((r) => r.type === type && this.isBelow(r, ancestor.urn));
    }

    private isBelow(resource: StackResource, ancestorUrn: string): boolean {
        const seen = new Set<string>();
        let parent = resource.parent;
        while (parent !== undefined && !seen.has(parent)) {
            if (parent === ancestorUrn) {
                return true;
            }
            seen.add(parent);
            parent = this.byUrn.get(parent)?.parent;
        }
        return false;
    }

    /**
     * Whether `from`'s property points at `target`: `true` or `false` when the engine's dependencies or
     * known values decide it, `undefined` when nothing can (an unknown value with no dependency data).
     */
    references(from: StackResource, property: string, target: Target): boolean | undefined {
        const urns = new Set(target.urns);
        const exact = from.propertyDependencies[property];
        if (exact?.some((u) => urns.has(u))) {
            return true;
        }
        const value = from.props[property];
        const known = strings(Array.isArray(value) ? value.flat() : value);
        if (known.some((v) => target.values.includes(v))) {
            return true;
        }
        if (exact !== undefined && exact.length > 0) {
            return false;
        }
        const hasUnknown = isUnknown(value) || (Array.isArray(value) && value.some(isUnknown));
        if (known.length > 0 && target.values.length > 0 && !hasUnknown) {
            return false;
        }
        if (from.dependencies.some((u) => urns.has(u))) {
            return true;
        }
        return hasUnknown ? undefined : false;
    }
}

/** A predicate matching exact type tokens. */
export function ofTypes(...types: string[]): (type: string) => boolean {
    return (type) => types.includes(type);
}

/** Schema defaults overlaid with the configured values (the engine fills defaults too; offline runs may not). */
export function configOf<C>(schema: PolicyConfigSchema | undefined, given: object): C {
    const defaults: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema?.properties ?? {})) {
        if (isRecord(property) && property.default !== undefined) {
            defaults[key] = property.default;
        }
    }
    return { ...defaults, ...given } as C;
}

function describe(info: RuleInfo): string {
    return `${info.summary} [${info.controls.join(", ")}]`;
}

/** What every policy of the pack carries besides its check: identity, controls and documentation. */
function metadata(info: RuleInfo) {
    return {
        name: info.name,
        description: describe(info),
        summary: info.summary,
        controls: info.controls,
        severity: info.severity,
        configSchema: info.configSchema,
    };
}

/** A rule judging one resource at a time, from its inputs. */
export function resourceRule<C extends object = object>(
    info: RuleInfo & {
        /** Types the rule judges; others are skipped. */
        readonly appliesTo: (type: string) => boolean;
        readonly validate: (resource: ResourceView, report: (message: string) => void, config: C) => void;
    },
): PlatformPolicy {
    const policy: PlatformPolicy = {
        ...metadata(info),
        validateResource: (args, reportViolation) => {
            if (!info.appliesTo(args.type)) {
                return;
            }
            const view: ResourceView = {
                type: args.type,
                name: args.name,
                urn: args.urn,
                props: sharedPlainProps(args.props),
                opts: args.opts,
                providerProps: sharedPlainProps(args.provider?.props),
            };
            info.validate(view, (message) => reportViolation(message), configOf<C>(info.configSchema, args.getConfig()));
        },
    };
    judgedTypes.set(policy.validateResource as object, info.appliesTo);
    return policy;
}

/**
 * The types each resource rule judges, by its validation function (which copies of the policy with
 * another enforcement level share), for evaluators that can skip the others without calling it.
 */
const judgedTypes = new WeakMap<object, (type: string) => boolean>();

/** Whether a policy may judge a resource of this type: false only for a resource rule that skips it. */
export function mayJudge(policy: PlatformPolicy, type: string): boolean {
    const validate = (policy as { validateResource?: object }).validateResource;
    return validate === undefined || (judgedTypes.get(validate)?.(type) ?? true);
}

/**
 * Plain copies shared by every rule of one evaluation: stack rules all receive the same resources, and
 * every Kubernetes resource carries its provider's (large) properties, so copying them once per rule
 * made the stack rules the slowest part of a large plan. Views are read-only by convention.
 */
const plainCopies = new WeakMap<object, Props>();
const stackViews = new WeakMap<object, Stack>();

function sharedPlainProps(value: unknown): Props {
    if (value === null || typeof value !== "object") {
        return plainProps(value);
    }
    let copy = plainCopies.get(value);
    if (copy === undefined) {
        copy = plainProps(value);
        plainCopies.set(value, copy);
    }
    return copy;
}

function stackView(resources: StackValidationArgs["resources"]): Stack {
    let stack = stackViews.get(resources);
    if (stack === undefined) {
        stack = new Stack(
            resources.map((r) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                props: sharedPlainProps(r.props),
                opts: r.opts,
                providerProps: sharedPlainProps(r.provider?.props),
                parent: r.parent?.urn,
                dependencies: r.dependencies.map((d) => d.urn),
                propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([key, deps]) => [key, deps.map((d) => d.urn)])),
            })),
        );
        stackViews.set(resources, stack);
    }
    return stack;
}

/** A rule judging the whole stack, for checks that relate resources to each other. */
export function stackRule<C extends object = object>(
    info: RuleInfo & {
        readonly validate: (stack: Stack, report: (message: string, urn?: string) => void, config: C) => void;
    },
): PlatformPolicy {
    return {
        ...metadata(info),
        validateStack: (args, reportViolation) => {
            const stack = stackView(args.resources);
            info.validate(stack, (message, urn) => reportViolation(message, urn), configOf<C>(info.configSchema, args.getConfig()));
        },
    };
}
