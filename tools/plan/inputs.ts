import * as fs from "fs";
import * as path from "path";
import { PlanArgs, UsageError } from "./args";
import type { PlannedResource } from "./diff";
import { plannedFrom } from "./manifests";

/**
 * Everything the plan reads or writes besides the program, checked before the program runs, so that a
 * wrong path fails in a second with one line instead of after the run, or with a stack trace.
 */

/** A previous plan read from `--diff`: a full plan, or one that stopped at an invalid config. */
export type BasePlan =
    | { readonly kind: "plan"; readonly stack?: string; readonly resources: PlannedResource[]; readonly cost: { readonly monthlyUsd: number } }
    | { readonly kind: "invalid-config"; readonly stack?: string };

export interface PlanInputs {
    readonly configFile: string;
    /** The manifests' directory. */
    readonly out: string;
    /** True when `out` is the default directory rather than one the user chose. */
    readonly defaultOut: boolean;
    readonly base?: BasePlan;
}

const kindOf = (p: string) => {
    try {
        return fs.statSync(p).isDirectory() ? "directory" : "file";
    } catch {
        return undefined;
    }
};

/** The default manifests directory: `plan/<stack>` for the project's own stack files, a directory of its own for any other file. */
export function defaultOutDir(root: string, configFile: string, stack: string): string {
    const own = path.join(root, `Pulumi.${stack}.yaml`);
    if (path.resolve(configFile) === own || path.resolve(configFile) === own.replace(/\.yaml$/, ".yml")) {
        return path.join(root, "plan", stack);
    }
    const dir = path.relative(root, path.dirname(path.resolve(configFile)));
    const slug = (dir.startsWith("..") || path.isAbsolute(dir) ? path.basename(path.dirname(path.resolve(configFile))) : dir).replace(/[^A-Za-z0-9_.-]+/g, "-");
    return path.join(root, "plan", slug || "config", stack);
}

/** The nearest existing ancestor of `p`, and whether it is a directory. */
function existingAncestor(p: string): string {
    let dir = path.dirname(path.resolve(p));
    while (!fs.existsSync(dir)) {
        dir = path.dirname(dir);
    }
    return dir;
}

function checkWritableFile(flag: string, file: string): void {
    if (kindOf(file) === "directory") {
        throw new UsageError(`${flag} ${file} is a directory; give a file name`);
    }
    const ancestor = existingAncestor(file);
    if (kindOf(ancestor) !== "directory") {
        throw new UsageError(`${flag} ${file} cannot be written: ${ancestor} is a file, not a directory`);
    }
    try {
        fs.accessSync(fs.existsSync(file) ? file : ancestor, fs.constants.W_OK);
    } catch {
        throw new UsageError(`${flag} ${file} cannot be written: no permission to write in ${fs.existsSync(file) ? file : ancestor}`);
    }
}

function readBase(file: string): BasePlan {
    if (kindOf(file) === undefined) {
        throw new UsageError(`--diff file ${file} does not exist`);
    }
    if (kindOf(file) === "directory") {
        throw new UsageError(`--diff ${file} is a directory; give a plan written by --json`);
    }
    let json: unknown;
    try {
        json = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new UsageError(`--diff ${file} is not JSON (${(e as Error).message}); give a plan written by --json`);
    }
    const plan = json as { stack?: unknown; result?: unknown; resources?: unknown; cost?: { monthlyUsd?: unknown } };
    const stack = typeof plan?.stack === "string" ? plan.stack : undefined;
    if (plan?.result === "invalid-config") {
        return { kind: "invalid-config", stack };
    }
    const resources = plan?.resources;
    const wellFormed =
        Array.isArray(resources) &&
        resources.every((r) => typeof r?.urn === "string" && typeof r?.type === "string" && r?.inputs !== null && typeof r?.inputs === "object") &&
        typeof plan.cost?.monthlyUsd === "number";
    if (!wellFormed) {
        throw new UsageError(`--diff ${file} is not a plan (no resources with urn, type and inputs, or no cost.monthlyUsd); give a plan written by --json`);
    }
    return { kind: "plan", stack, resources: resources as PlannedResource[], cost: { monthlyUsd: plan.cost?.monthlyUsd as number } };
}

/** Checks every path the arguments name and reads the base plan; throws a {@link UsageError} on the first problem. */
export function checkInputs(args: PlanArgs, root: string): PlanInputs {
    const configFile = path.resolve(args.config ?? path.join(root, `Pulumi.${args.stack}.yaml`));
    const shown = args.config ?? path.relative(process.cwd(), configFile);
    if (kindOf(configFile) === undefined) {
        throw new UsageError(`config file ${shown} does not exist`);
    }
    if (kindOf(configFile) === "directory") {
        throw new UsageError(`--config ${shown} is a directory; give a stack config file such as ${path.join(shown, `Pulumi.${args.stack}.yaml`)}`);
    }
    const out = path.resolve(args.out ?? defaultOutDir(root, configFile, args.stack));
    if (kindOf(out) === "file") {
        throw new UsageError(`--out ${args.out ?? out} is a file; give a directory for the manifests`);
    }
    if (args.out === undefined) {
        const previous = plannedFrom(out);
        if (previous !== undefined && path.resolve(root, previous) !== configFile) {
            throw new UsageError(`${path.relative(process.cwd(), out)} holds the manifests planned from ${previous}, another config of stack ${args.stack}; choose a directory with --out`);
        }
    }
    if (args.json !== undefined) {
        checkWritableFile("--json", args.json);
    }
    const base = args.diff !== undefined ? readBase(args.diff) : undefined;
    if (base?.stack !== undefined && base.stack !== args.stack) {
        throw new UsageError(`--diff ${args.diff} is a plan of stack ${base.stack}, not ${args.stack}`);
    }
    return { configFile, out, defaultOut: args.out === undefined, ...(base !== undefined ? { base } : {}) };
}
