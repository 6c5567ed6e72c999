import * as path from "path";
import { ConfigError, issueKey, issueMessage, loadSettingsFromConfigMap } from "../../config";
import type { Settings } from "../../config/schema";
import { readStackFile } from "../../config/stackFile";
import { ProgramRun, runProgram } from "../../offline/run";
import { projectDefaults, projectRoot } from "../../offline/stackConfig";
import { Violation, evaluatePolicies } from "../../policies/offline";
import { ChangeEstimate, CostEstimate, DeployEstimate, estimateChange, estimateCost, estimateCostAtMaximum, estimateDeploy } from "../estimate";
import { Predictions, predict } from "../predict";
import { connectivityViolations, predictionsJson } from "./predictions";
import { PlanArgs } from "./args";
import { PlanDiff, PlannedResource, diffPlans } from "./diff";
import { EscView, explainMissing, withEscPlaceholders } from "./esc";
import { checkInputs } from "./inputs";
import { ManifestFiles, writeManifests } from "./manifests";
import { ManifestWorker } from "./manifestWorker";

export const ROOT = projectRoot();

/** Exit codes, most severe first when several apply. */
export const EXIT = { ok: 0, policy: 1, config: 2, replace: 3, budget: 4, internal: 5 } as const;

/** The project the program belongs to: physical names derive from it (`Pulumi.yaml` `name`). */
export const PROJECT = "platform";

export interface Plan {
    readonly stack: string;
    readonly configFile: string;
    readonly settings: Settings;
    /** The Pulumi ESC environments the stack imports, and the settings planned with placeholders for them. */
    readonly esc: EscView;
    readonly run: ProgramRun;
    readonly resources: PlannedResource[];
    readonly violations: Violation[];
    readonly cost: CostEstimate;
    /** The estimate with every node group at its maximum size: what autoscaling can spend. */
    readonly costAtMaximum: CostEstimate;
    readonly deploy: DeployEstimate;
    /** Connectivity, admission and capacity, as the cluster will see what the program applies. */
    readonly predictions: Predictions;
    readonly manifests: ManifestFiles;
    readonly diff?: PlanDiff;
    /** With a diff: how long applying the changed resources takes, step by step (an upgrade's order). */
    readonly change?: ChangeEstimate;
    /** Why there is no diff although `--diff` was given. */
    readonly diffSkipped?: string;
    readonly allowReplace: boolean;
    /** Why the plan fails, empty when it passes. */
    readonly failures: { readonly code: number; readonly reason: string }[];
    readonly exitCode: number;
    /** Seconds spent in each phase, for `npm run bench` and anyone wondering where the time goes. */
    readonly timings: Record<string, number>;
}

/** Runs the program offline for a stack and gathers everything the plan reports. */
export async function buildPlan(args: PlanArgs): Promise<Plan> {
    const inputs = checkInputs(args, ROOT);
    const configFile = inputs.configFile;
    const timings: Record<string, number> = {};
    const timed = async <T>(phase: string, work: () => T | Promise<T>): Promise<T> => {
        const started = process.hrtime.bigint();
        const result = await work();
        timings[phase] = Number(process.hrtime.bigint() - started) / 1e9;
        return result;
    };
    const file = readStackFile(configFile, args.config);
    if (!file.readable) {
        throw new ConfigError(file.issues);
    }
    const { config, esc } = withEscPlaceholders({ ...projectDefaults(path.join(ROOT, "Pulumi.yaml")), ...file.config }, file.environments);
    const stackConfig = { config, secretKeys: file.secretKeys };
    // The same validation the program runs; done first so a bad config is reported without a stack trace.
    const settings = validated(() => loadSettingsFromConfigMap(stackConfig.config, { project: PROJECT, stack: args.stack }, file.issues), file.environments);
    const worker = new ManifestWorker();
    const run = await timed("program", () => runProgram({ ...stackConfig, stack: args.stack, project: PROJECT, onRecord: (r) => worker.add(r) }));

    const resources: PlannedResource[] = run.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        ...(r.provider !== undefined ? { provider: r.provider } : {}),
        inputs: r.inputs,
        dependencies: { ...(r.parent !== undefined ? { parent: r.parent } : {}), dependsOn: r.explicitDependencies, inputs: r.inputDependencies },
        options: { protect: r.protect, ignoreChanges: r.ignoreChanges, retainOnDelete: r.retainOnDelete, deleteBeforeReplace: r.deleteBeforeReplace },
    }));
    const overrides = args.asOf !== undefined ? { "eks-supported-version": { asOf: args.asOf } } : undefined;
    const objects = worker.manifests;
    const policyViolations = await timed("policies", () => evaluatePolicies(run, { environment: settings.environment, overrides }));
    const predictions = await timed("predictions", () => predict(run, objects, settings));
    const violations = [...policyViolations, ...connectivityViolations(predictions.connectivity, run, settings.environment)];
    const cost = await timed("cost", () => estimateCost(run, { region: settings.region }));
    const costAtMaximum = estimateCostAtMaximum(run, { region: settings.region });
    const deploy = await timed("deploy", () => estimateDeploy(run));
    const manifests = await timed("manifests", async () => writeManifests(worker.manifests, inputs.out, path.relative(ROOT, configFile), await worker.finish()));

    const base = inputs.base;
    const diff: PlanDiff | undefined = base?.kind === "plan" ? diffPlans(base, { resources, cost }) : undefined;
    const change = diff ? estimateChange(run, new Map(diff.changed.map((c) => [c.resource.urn, c.inputs]))) : undefined;
    const diffSkipped = base?.kind === "invalid-config" ? `the base plan ${args.diff} stopped at an invalid config, so there is nothing to compare with` : undefined;

    const failures: { code: number; reason: string }[] = [];
    if (diff && diff.destructive.length > 0 && !args.allowReplace) {
        failures.push({ code: EXIT.replace, reason: `${diff.destructive.length} stateful resource(s) would be replaced or deleted (--allow-replace to accept)` });
    }
    const mandatory = violations.filter((v) => v.level === "mandatory");
    if (mandatory.length > 0) {
        failures.push({ code: EXIT.policy, reason: `${mandatory.length} mandatory policy violation(s)` });
    }
    if (predictions.admission.rejected.length > 0) {
        failures.push({ code: EXIT.policy, reason: `${predictions.admission.rejected.length} pod(s) their namespace's Pod Security level would reject` });
    }
    if (predictions.capacity.failures.length > 0) {
        failures.push({ code: EXIT.policy, reason: `${predictions.capacity.failures.length} capacity problem(s): pods that cannot be scheduled` });
    }
    if (manifests.problems.length > 0) {
        failures.push({ code: EXIT.policy, reason: `${manifests.problems.length} Kubernetes object(s) fail their schema` });
    }
    if (settings.budget > 0 && cost.monthlyUsd > settings.budget) {
        failures.push({ code: EXIT.budget, reason: `estimated $${cost.monthlyUsd.toFixed(2)}/month exceeds platform:budget $${settings.budget}` });
    }
    const order: number[] = [EXIT.replace, EXIT.policy, EXIT.budget];
    const exitCode = order.find((code) => failures.some((f) => f.code === code)) ?? EXIT.ok;
    return {
        stack: args.stack,
        configFile,
        settings,
        esc,
        run,
        resources,
        violations,
        cost,
        costAtMaximum,
        deploy,
        predictions,
        manifests,
        diff,
        change,
        diffSkipped,
        allowReplace: args.allowReplace,
        failures,
        exitCode,
        timings,
    };
}

/** Validation, with a word on required settings that imported ESC environments might hold. */
function validated(load: () => Settings, environments: readonly string[]): Settings {
    try {
        return load();
    } catch (e) {
        throw e instanceof ConfigError ? explainMissing(e, environments) : e;
    }
}

/** The plan for machines: the facts the report prints, with secrets already shown as `[secret]`. */
export function planJson(plan: Plan): Record<string, unknown> {
    return {
        stack: plan.stack,
        environment: plan.settings.environment,
        region: plan.settings.region,
        configFile: path.relative(process.cwd(), plan.configFile),
        ...(plan.esc.environments.length > 0 ? { esc: plan.esc } : {}),
        resources: plan.resources,
        policy: { violations: plan.violations },
        cost: {
            monthlyUsd: plan.cost.monthlyUsd,
            budgetUsd: plan.settings.budget,
            range: { desiredSizeUsd: plan.cost.monthlyUsd, maximumSizeUsd: plan.costAtMaximum.monthlyUsd },
            items: plan.cost.items,
            warnings: plan.cost.warnings,
        },
        ...predictionsJson(plan.predictions),
        deploy: {
            criticalPathMinutes: plan.deploy.criticalPathMinutes,
            rangeMinutes: plan.deploy.rangeMinutes,
            path: plan.deploy.path.map((p) => ({ resource: p.resource, minutes: p.minutes, startMinutes: p.startMinutes, basis: p.basis })),
        },
        manifests: { dir: path.relative(process.cwd(), plan.manifests.dir), files: plan.manifests.files, problems: plan.manifests.problems.map((p) => ({ kind: p.manifest.kind, name: p.manifest.metadata.name, namespace: p.manifest.metadata.namespace, problems: p.problems })) },
        ...(plan.diff
            ? {
                  diff: {
                      added: plan.diff.added.map((r) => r.urn),
                      removed: plan.diff.removed.map((r) => r.urn),
                      changed: plan.diff.changed.map((c) => ({ resource: c.resource.urn, inputs: c.inputs })),
                      replaced: plan.diff.replaced.map((r) => ({ resource: r.resource.urn, direct: r.direct, because: r.because })),
                      destructive: plan.diff.destructive.map((d) => ({ resource: d.resource.urn, action: d.action, inputs: d.inputs, loss: d.loss })),
                      costDeltaUsd: plan.diff.costDeltaUsd,
                      ...(plan.change
                          ? {
                                change: {
                                    totalMinutes: plan.change.totalMinutes,
                                    rangeMinutes: plan.change.rangeMinutes,
                                    steps: plan.change.steps.map((s) => ({ resource: s.urn, inputs: s.inputs, startMinutes: s.startMinutes, minutes: s.minutes, basis: s.basis })),
                                },
                            }
                          : {}),
                  },
              }
            : {}),
        ...(plan.diffSkipped !== undefined ? { diffSkipped: plan.diffSkipped } : {}),
        result: { exitCode: plan.exitCode, failures: plan.failures },
    };
}

/**
 * The plan for machines when the config is invalid: which stack, and every problem as a key and a one-line
 * message, so that a pull-request comment can say why the plan failed.
 */
export function invalidConfigJson(stack: string, configFile: string, error: ConfigError): Record<string, unknown> {
    return {
        stack,
        configFile: path.relative(process.cwd(), configFile),
        result: "invalid-config",
        exitCode: EXIT.config,
        problems: error.issues.map((i) => ({ key: issueKey(i), message: issueMessage(i) })),
    };
}

export { ConfigError };
