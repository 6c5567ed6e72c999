import { ConfigError, ConfigIssue } from "../../config/errors";
import { FAKE_ACCOUNT_ID } from "../../offline/fakes";
import { isPlainObject } from "../../lib/merge";

/**
 * Stacks that import Pulumi ESC environments, planned offline. The plan opens no environment (that needs a
 * Pulumi Cloud login, and would hand credentials to a plan that needs none), so it cannot see the values
 * the environments set. Settings that validation requires and an environment typically provides get a
 * placeholder of the right shape when the stack file leaves them unset; the plan says which.
 */

/** A setting an imported environment may provide, with the placeholder the offline plan uses for it. */
interface Placeholder {
    /** The config key (`platform:ingress`) and the field inside its object. */
    readonly key: string;
    readonly field: string;
    readonly value: (region: string) => string;
}

/** What validation requires that an ESC environment is the usual place for (README, "Pulumi ESC"). */
export const ESC_PLACEHOLDERS: readonly Placeholder[] = [
    {
        key: "platform:ingress",
        field: "certificateArn",
        value: (region) => `arn:aws:acm:${region}:${FAKE_ACCOUNT_ID}:certificate/00000000-0000-4000-8000-000000000000`,
    },
];

export interface EscView {
    /** The environments the stack imports, in merge order. */
    readonly environments: string[];
    /** Settings planned with a placeholder, as `platform:ingress.certificateArn`. */
    readonly placeholders: string[];
}

function parsed(text: string | undefined): Record<string, unknown> | undefined {
    if (text === undefined) {
        return {};
    }
    try {
        const value = JSON.parse(text) as unknown;
        return isPlainObject(value) ? value : undefined;
    } catch {
        return undefined;
    }
}

/**
 * The flat config with placeholders where an imported environment may provide a required setting that the
 * stack file leaves unset; unchanged for a stack that imports none.
 */
export function withEscPlaceholders(config: Readonly<Record<string, string>>, environments: readonly string[]): { config: Record<string, string>; esc: EscView } {
    const out = { ...config };
    const placeholders: string[] = [];
    if (environments.length > 0) {
        for (const p of ESC_PLACEHOLDERS) {
            const object = parsed(out[p.key]);
            const current = object?.[p.field];
            if (object !== undefined && (current === undefined || current === "")) {
                out[p.key] = JSON.stringify({ ...object, [p.field]: p.value(out["aws:region"] ?? "us-east-1") });
                placeholders.push(`${p.key}.${p.field}`);
            }
        }
    }
    return { config: out, esc: { environments: [...environments], placeholders } };
}

/** Required settings still missing in a stack that imports environments: say that the plan cannot see them there. */
export function explainMissing(error: ConfigError, environments: readonly string[]): ConfigError {
    if (environments.length === 0) {
        return error;
    }
    const hint = `; if ${environments.join(" or ")} sets it, the offline plan cannot see that (it opens no ESC environment): set it in the stack file too`;
    const issues: ConfigIssue[] = error.issues.map((i) => (i.value === undefined && i.message.startsWith("is required") ? { ...i, message: `${i.message}${hint}` } : i));
    return new ConfigError(issues);
}
