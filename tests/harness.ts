import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KUBERNETES_VERSIONS_AS_OF } from "../config/catalog";
import { Plan, buildPlan } from "../tools/plan/build";
import { ProgramRun, RecordedResource, runProgram } from "../offline/run";
import { readStackConfig } from "../offline/stackConfig";

/** Repository root. */
export const ROOT = path.resolve(__dirname, "..");

const cache = new Map<string, Promise<ProgramRun>>();
let queue: Promise<unknown> = Promise.resolve();

/** Runs are sequential (Pulumi's runtime is global); this chains them, across test files too. */
export function enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
}

/** The program run for a stack file, once per test process. */
export function stackRun(stack: string): Promise<ProgramRun> {
    const key = `stack:${stack}`;
    if (!cache.has(key)) {
        cache.set(key, enqueue(() => runProgram({ ...readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`)), stack })));
    }
    return cache.get(key) as Promise<ProgramRun>;
}

const plans = new Map<string, Promise<Plan>>();

/** The plan of one example's stack file (`examples/<example>/Pulumi.<env>.yaml`), built once per test process. */
export function examplePlan(example: string, env: string): Promise<Plan> {
    const key = `${example}/${env}`;
    if (!plans.has(key)) {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), `example-${example}-${env}-`));
        const config = path.join(ROOT, "examples", example, `Pulumi.${env}.yaml`);
        plans.set(key, enqueue(() => buildPlan({ stack: env, config, out, allowReplace: false, asOf: KUBERNETES_VERSIONS_AS_OF })));
    }
    return plans.get(key) as Promise<Plan>;
}

/**
 * The program run for a stack file with some `platform:` keys overridden (values as they would be written
 * in YAML), to exercise settings the shipped stacks do not use. An object is merged over the stack file's
 * object of the same key (so `platform:cluster` keeps the file's deploying role); anything else replaces it.
 */
export function variantRun(stack: string, overrides: Record<string, unknown>): Promise<ProgramRun> {
    const base = readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`));
    const config = { ...base.config };
    const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
    for (const [key, value] of Object.entries(overrides)) {
        const fromFile: unknown = isObject(value) && config[key]?.startsWith("{") ? JSON.parse(config[key]) : undefined;
        const merged = isObject(value) && isObject(fromFile) ? { ...fromFile, ...value } : value;
        config[key] = typeof merged === "string" ? merged : JSON.stringify(merged);
    }
    return enqueue(() => runProgram({ config, secretKeys: base.secretKeys, stack }));
}

/** Resources of a type (exact token). */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((r) => r.type === type);
}

/** The one resource of a type whose logical name matches; fails loudly when there is not exactly one. */
export function one(run: ProgramRun, type: string, name?: string | RegExp): RecordedResource {
    const found = ofType(run, type).filter((r) => name === undefined || (typeof name === "string" ? r.name === name : name.test(r.name)));
    if (found.length !== 1) {
        throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    }
    return found[0];
}

export function byUrn(run: ProgramRun, urn: string): RecordedResource {
    const r = run.resources.find((x) => x.urn === urn);
    if (!r) {
        throw new Error(`no resource with URN ${urn}`);
    }
    return r;
}

/** Parses a JSON document input (IAM policies are passed as JSON text). */
export function json<T = Record<string, unknown>>(value: unknown): T {
    return JSON.parse(String(value)) as T;
}
