import * as pulumi from "@pulumi/pulumi";
import { loadSettingsFromConfigMap } from "./load";
import type { Settings } from "./schema";

export type * from "./schema";
export { ConfigError, formatIssue, issueKey, issueMessage } from "./errors";
export { resolveSettings, decodeConfigMap, loadSettingsFromConfigMap } from "./load";

/**
 * Reads and validates every `platform:*` key of the current stack, and the stack name the physical names
 * derive from. This is the only place in the program that reads Pulumi config; components receive plain
 * settings.
 */
export function loadSettings(): Settings {
    return loadSettingsFromConfigMap(pulumi.runtime.allConfig(), { project: pulumi.getProject(), stack: pulumi.getStack() });
}
