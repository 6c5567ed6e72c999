import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import { ENVIRONMENTS, Environment } from "../../config/catalog";
import { configOf } from "./rule";
import { isRecord } from "./values";

/**
 * How strictly the pack enforces, and for which environment. The environment is the stack's own
 * `platform:environment` (the same key the program's config loader reads), so the pack and the program
 * can never disagree about it; the stack name is the fallback. Levels then follow CrossGuard's standard
 * policy-pack config: `all` first, then each policy's `enforcementLevel`.
 */

/** The stack config key naming the environment. */
export const ENVIRONMENT_CONFIG_KEY = "platform:environment";

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Mandatory in prod and staging; advisory in dev and on a laptop (local), where cheaper, less available choices are deliberate. */
export function defaultLevel(environment: Environment): EnforcementLevel {
    return environment === "dev" || environment === "local" ? "advisory" : "mandatory";
}

/**
 * Rules whose remedy is production-sized spend: staging runs them as advisories. A RabbitMQ cluster costs
 * three large brokers; two replicas of everything doubles a stack meant to be small; on-demand nodes cost
 * about three times spot ones.
 */
export const STAGING_ADVISORY: ReadonlySet<string> = new Set(["mq-cluster-deployment", "k8s-autoscaler-min-replicas", "k8s-deployment-scales", "compute-on-demand"]);

/** The level a policy is enforced at by default in an environment. */
export function levelFor(environment: Environment, policy: string): EnforcementLevel {
    return environment === "staging" && STAGING_ADVISORY.has(policy) ? "advisory" : defaultLevel(environment);
}

function asEnvironment(value: unknown): Environment | undefined {
    return (ENVIRONMENTS as readonly unknown[]).includes(value) ? (value as Environment) : undefined;
}

/**
 * The environment a stack name implies: `prod`, `acme/platform/prod` and `prod-eu` are prod; `dev` and
 * `dev-alice` are dev; anything else implies none.
 */
export function environmentFromStackName(stack: string | undefined): Environment | undefined {
    const tokens = (stack ?? "").split("/").pop()?.toLowerCase().split(/[-_.]/) ?? [];
    if (tokens.some((t) => t === "prod" || t === "production")) {
        return "prod";
    }
    if (tokens.some((t) => t === "staging" || t === "stage" || t === "stg")) {
        return "staging";
    }
    if (tokens.some((t) => t === "dev" || t === "development")) {
        return "dev";
    }
    if (tokens.some((t) => t === "local")) {
        return "local";
    }
    return undefined;
}

/** The stack named in a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function stackFromUrn(urn: string | undefined): string | undefined {
    return /^urn:pulumi:([^:]+)::/.exec(urn ?? "")?.[1];
}

/** An environment and where it was found, so that a run can say why it enforces as it does. */
export interface ResolvedEnvironment {
    readonly environment: Environment;
    readonly source: string;
}

/**
 * The environment of the stack a policy pack process serves. The Pulumi CLI starts every policy pack
 * with the stack's config in `PULUMI_CONFIG` (JSON) and its name in `PULUMI_STACK`. Without either, the
 * pack assumes prod: failing closed costs a re-run, failing open could ship a public database.
 */
export function environmentFromProcess(env: Readonly<Record<string, string | undefined>>): ResolvedEnvironment {
    try {
        const config: unknown = JSON.parse(env.PULUMI_CONFIG ?? "{}");
        const configured = isRecord(config) ? asEnvironment(config[ENVIRONMENT_CONFIG_KEY]) : undefined;
        if (configured !== undefined) {
            return { environment: configured, source: `stack config ${ENVIRONMENT_CONFIG_KEY}` };
        }
    } catch {
        // A malformed PULUMI_CONFIG says nothing about the environment; the stack name may.
    }
    const stack = env.PULUMI_STACK ?? env.PULUMI_NODEJS_STACK;
    const named = environmentFromStackName(stack);
    if (named !== undefined) {
        return { environment: named, source: `stack name "${stack}"` };
    }
    return { environment: "prod", source: "default (no stack config or stack name)" };
}

/** Policy-pack config as `--policy-pack-config` takes it: per policy (or `all`) a level or an object. */
export type PolicyPackConfigJson = Readonly<Record<string, EnforcementLevel | Readonly<Record<string, unknown>>>>;

/** One policy's effective level and settings. */
export interface ResolvedPolicyConfig {
    readonly level: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

interface ConfigurablePolicy {
    readonly name: string;
    readonly enforcementLevel?: EnforcementLevel;
    readonly configSchema?: PolicyConfigSchema;
}

function levelOf(key: string, value: unknown): EnforcementLevel | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (!LEVELS.includes(value as EnforcementLevel)) {
        throw new Error(`policy config "${key}": "${String(value)}" is not an enforcement level; allowed: ${LEVELS.join(", ")}`);
    }
    return value as EnforcementLevel;
}

/**
 * What the Pulumi engine hands each policy: its declared level and schema defaults, then the `all`
 * level, then the policy's own entry (level and properties). Offline runs use this to match previews.
 * Unlike the engine, it rejects entries that name no policy, so that a misspelt override cannot pass
 * unnoticed.
 */
export function reconcileConfig(
    policies: readonly ConfigurablePolicy[],
    packLevel: EnforcementLevel,
    config: PolicyPackConfigJson = {},
): Map<string, ResolvedPolicyConfig> {
    const entry = (key: string) => {
        const value = config[key];
        return typeof value === "string"
            ? { level: levelOf(key, value), properties: {} }
            : { level: levelOf(key, value?.enforcementLevel), properties: Object.fromEntries(Object.entries(value ?? {}).filter(([k]) => k !== "enforcementLevel")) };
    };
    const known = new Set(policies.map((p) => p.name));
    const unknown = Object.keys(config).filter((k) => k !== "all" && !known.has(k));
    if (unknown.length > 0) {
        throw new Error(`policy config names unknown policies: ${unknown.join(", ")}`);
    }
    const all = entry("all").level;
    return new Map(
        policies.map((p) => {
            const own = entry(p.name);
            const level = own.level ?? all ?? p.enforcementLevel ?? packLevel;
            return [p.name, { level, properties: configOf<Record<string, unknown>>(p.configSchema, own.properties) }];
        }),
    );
}
