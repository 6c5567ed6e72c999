import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { UNKNOWN } from "../policies/lib/values";
import { ModelledChild, fakeCall, fakeResource, modelledChildren } from "./fakes";
import { Answered, answerRegistrations } from "./monitor";
import { withPlainStructs } from "./plainStruct";
import { SECRET } from "./printable";

/** What a registered input or output looks like once secrets and references are made printable; unknowns print as the policies' {@link UNKNOWN}. */
export { SECRET };

/** One resource registration, as the engine would receive it. */
export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Provider-assigned ID (empty for components). */
    readonly id: string;
    /** URN of the parent resource, when there is one. */
    readonly parent?: string;
    /** True for provider-backed resources, false for components (local or implemented by a plugin). */
    readonly custom: boolean;
    /** True for components implemented in a provider plugin (`eks:index:Cluster`, `awsx:ec2:Vpc`). */
    readonly remote: boolean;
    /** URN of the explicit provider, if any. */
    readonly provider?: string;
    /** Inputs with secrets shown as `[secret]` and resource references as URNs. */
    readonly inputs: Record<string, unknown>;
    /** Outputs the (fake) provider returned, printable like the inputs. */
    readonly outputs: Record<string, unknown>;
    /** URNs this resource waits for: data flowing into its inputs, and explicit `dependsOn`. */
    readonly dependencies: string[];
    /** Of {@link dependencies}, those that no input flows from: explicit `dependsOn` only. */
    readonly explicitDependencies: string[];
    /** For each top-level input, the resources whose outputs flow into it. */
    readonly inputDependencies: Readonly<Record<string, string[]>>;
    readonly protect: boolean;
    readonly ignoreChanges: string[];
    readonly retainOnDelete: boolean;
    /** The resource is deleted before its replacement is created (names that cannot exist twice). */
    readonly deleteBeforeReplace: boolean;
    /**
     * What a packaged component (`eks:index:Cluster`) creates inside its provider, modelled by the fakes
     * from its inputs, after the transforms registered on it: mocks never see those children themselves.
     */
    readonly modelledChildren?: ModelledChild[];
}

export interface ProgramRun {
    readonly project: string;
    readonly stack: string;
    readonly resources: RecordedResource[];
    /** Stack outputs, secrets shown as `[secret]`. */
    readonly outputs: Record<string, unknown>;
}

export interface RunOptions {
    /** Flat config map, as `pulumi.runtime.allConfig()` returns it. */
    readonly config: Record<string, string>;
    /** Keys of {@link config} that are secret. Defaults to none. */
    readonly secretKeys?: string[];
    readonly stack: string;
    /** Defaults to `platform`. */
    readonly project?: string;
    /** Called with each registration as soon as it is recorded. Defaults to none. */
    readonly onRecord?: (resource: RecordedResource) => void;
    /** Entry module of the program. Defaults to the repository's `index.ts`, or its compiled `bin/index.js` when this module runs compiled. */
    readonly program?: string;
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Replaces the wire encodings of secrets, resource references and unknowns with printable values. */
export function printable(value: unknown): unknown {
    if (value === UNKNOWN_VALUE) {
        return UNKNOWN;
    }
    if (Array.isArray(value)) {
        return value.map(printable);
    }
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            return SECRET;
        }
        if (obj[SIG_KEY] === RESOURCE_SIG) {
            return obj.urn;
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, printable(v)]));
    }
    return value;
}

let running = false;
/** Whether a run in this process has loaded the program already. */
let ranBefore = false;

/**
 * Runs the Pulumi program under mocks and records every registration. The same path serves the tests and
 * the offline plan: config goes through the program's own loader, so a bad config fails here exactly as
 * it would in `pulumi up`. Runs are sequential; the program's own modules are reloaded for each.
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
    if (running) {
        throw new Error("runProgram: another run is in progress; runs share Pulumi's global runtime state");
    }
    running = true;
    const project = options.project ?? "platform";
    const program = options.program ?? require.resolve(path.resolve(__dirname, "..", "index"));
    const region = options.config["aws:region"] ?? "us-east-1";
    const resources: RecordedResource[] = [];
    const children = new Map<string, ModelledChild[]>();
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    const restoreTraces = process.env.PLATFORM_STACK_TRACES === "1" ? () => undefined : withoutTraces();
    const restoreStructs = withPlainStructs();
    try {
        pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
        const mocks: pulumi.runtime.Mocks = {
            newResource: async (args) => {
                const modelled = modelledChildren(args.type, args.name, args.inputs);
                if (modelled.length > 0) {
                    children.set(`${args.type}::${args.name}`, await transformed(modelled, args.transforms ?? []));
                }
                return fakeResource({ region }, args.type, args.name, args.inputs);
            },
            call: (args) => fakeCall({ region }, args.token, args.inputs),
        };
        await pulumi.runtime.setMocks(mocks, project, options.stack, false);
        answerRegistrations(pulumi.runtime.getMonitor(), mocks, (answered) => {
            const record = recordOf(answered, children);
            resources.push(record);
            options.onRecord?.(record);
        });
        // A process's first run finds the program's modules as `pulumi up` does: loaded once, some of them
        // perhaps already (the plan validates the config with the program's own loader first). Later runs
        // reload them all, so that each builds its resources anew.
        if (ranBefore) {
            reloadProgramModules(path.dirname(program));
        }
        delete require.cache[program];
        ranBefore = true;
        const exported = require(program) as Record<string, unknown>;
        const outputs = await settle(exported);
        await pulumi.runtime.disconnect();
        if (failures.length > 0) {
            throw failures[0];
        }
        return { project, stack: options.stack, resources, outputs: printable(outputs) as Record<string, unknown> };
    } finally {
        restoreStructs();
        restoreTraces();
        process.off("unhandledRejection", onRejection);
        running = false;
    }
}

/**
 * Runs the transforms a component was registered with over its modelled children, in order, as the engine
 * runs a parent's transforms over the children a provider registers.
 */
async function transformed(modelled: ModelledChild[], transforms: pulumi.ResourceTransform[]): Promise<ModelledChild[]> {
    const out: ModelledChild[] = [];
    for (const child of modelled) {
        let props: pulumi.Inputs = child.inputs;
        let opts: pulumi.ResourceOptions = { ignoreChanges: child.ignoreChanges };
        for (const transform of transforms) {
            const result = await transform({ type: child.type, name: child.name, custom: true, props, opts });
            if (result !== undefined) {
                props = result.props;
                opts = result.opts;
            }
        }
        out.push({ ...child, inputs: props as Record<string, unknown>, ignoreChanges: opts.ignoreChanges ?? [] });
    }
    return out;
}

/**
 * The SDK records a stack trace for every promise and registration (for leak reports, and for each
 * resource's source position, taken with no limit on frames), which under ts-node's source maps cost more
 * than the rest of an offline run together. Nothing reads them offline (PLATFORM_STACK_TRACES=1 keeps them
 * for debugging a failing run): errors get no frames, and registrations no source position. Returns what
 * undoes this.
 */
function withoutTraces(): () => void {
    const stackTraceLimit = Error.stackTraceLimit;
    const prepareStackTrace = Error.prepareStackTrace;
    const resource = pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] };
    const stackTrace = resource.stackTrace;
    Error.stackTraceLimit = 0;
    Error.prepareStackTrace = (error: Error) => Error.prototype.toString.call(error);
    resource.stackTrace = () => [];
    return () => {
        Error.stackTraceLimit = stackTraceLimit;
        Error.prepareStackTrace = prepareStackTrace;
        resource.stackTrace = stackTrace;
    };
}

/** The record of one answered registration. */
function recordOf({ req, urn, id, inputs, outputs }: Answered, children: ReadonlyMap<string, ModelledChild[]>): RecordedResource {
    const dependencies = req.getDependenciesList();
    const fromInputs = new Set<string>();
    const inputDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
        const urns = deps.getUrnsList();
        urns.forEach((u) => fromInputs.add(u));
        if (urns.length > 0) {
            inputDependencies[key] = urns;
        }
    });
    return {
        urn,
        type: req.getType(),
        name: req.getName(),
        id,
        parent: req.getParent() || undefined,
        custom: req.getCustom(),
        remote: req.getRemote(),
        provider: req.getProvider() ? req.getProvider().split("::").slice(0, -1).join("::") : undefined,
        inputs: printable(inputs) as Record<string, unknown>,
        outputs: printable(outputs) as Record<string, unknown>,
        dependencies,
        explicitDependencies: dependencies.filter((u) => !fromInputs.has(u)),
        inputDependencies,
        protect: req.getProtect(),
        ignoreChanges: req.getIgnorechangesList(),
        retainOnDelete: req.getRetainondelete(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        modelledChildren: children.get(`${req.getType()}::${req.getName()}`),
    };
}

/** Drops the program's own modules from the require cache so that each run builds its resources anew. */
function reloadProgramModules(root: string): void {
    const nodeModules = `${path.sep}node_modules${path.sep}`;
    for (const file of Object.keys(require.cache)) {
        if (file.startsWith(root) && !file.includes(nodeModules) && !file.startsWith(path.join(root, "offline"))) {
            delete require.cache[file];
        }
    }
}

/** Waits for every exported output to resolve and returns plain values, secrets marked. */
async function settle(exported: Record<string, unknown>): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
        Object.entries(exported).map(async ([key, value]) => {
            if (!pulumi.Output.isInstance(value) && !(value !== null && typeof value === "object")) {
                return [key, value] as const;
            }
            const out = pulumi.output(value);
            const isSecret = await (out as unknown as { isSecret: Promise<boolean> }).isSecret;
            const resolved = await new Promise<unknown>((resolve) => out.apply((v) => resolve(v)));
            return [key, isSecret ? SECRET : resolved] as const;
        }),
    );
    return Object.fromEntries(entries);
}
