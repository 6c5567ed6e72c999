import * as fs from "fs";
import * as path from "path";
import { ConfigError, loadSettingsFromConfigMap } from "../../config";
import type { Settings } from "../../config/schema";
import { manifestsOf } from "../../offline/manifests";
import { ProgramRun, runProgram } from "../../offline/run";
import { readStackConfig } from "../../offline/stackConfig";
import { Violation, evaluatePolicies } from "../../policies/offline";
import { CostEstimate, DeployEstimate, estimateCost, estimateDeploy } from "../estimate";
import { PlanArgs, UsageError } from "./args";
import { PlanDiff, PlannedResource, diffPlans } from "./diff";
import { ManifestFiles, writeManifests } from "./manifests";

export const ROOT = path.resolve(__dirname, "..", "..");

/** Exit codes, most severe first when several apply. */
export const EXIT = { ok: 0, policy: 1, config: 2, replace: 3, budget: 4 } as const;

export interface Plan {
    readonly stack: string;
    readonly configFile: string;
    readonly settings: Settings;
    readonly run: ProgramRun;
    readonly resources: PlannedResource[];
    readonly violations: Violation[];
    readonly cost: CostEstimate;
    readonly deploy: DeployEstimate;
    readonly manifests: ManifestFiles;
    readonly diff?: PlanDiff;
    readonly allowReplace: boolean;
    /** Why the plan fails, empty when it passes. */
    readonly failures: { readonly code: number; readonly reason: string }[];
    readonly exitCode: number;
    /** Seconds spent in each phase, for `npm run bench` and anyone wondering where the time goes. */
    readonly timings: Record<string, number>;
}

/** Runs the program offline for a stack and gathers everything the plan reports. */
export async function buildPlan(args: PlanArgs): Promise<Plan> {
    const configFile = path.resolve(args.config ?? path.join(ROOT, `Pulumi.${args.stack}.yaml`));
    if (!fs.existsSync(configFile)) {
        throw new UsageError(`config file ${configFile} does not exist`);
    }
    const timings: Record<string, number> = {};
    const timed = async <T>(phase: string, work: () => T | Promise<T>): Promise<T> => {
        const started = process.hrtime.bigint();
        const result = await work();
        timings[phase] = Number(process.hrtime.bigint() - started) / 1e9;
        return result;
    };
    const stackConfig = readStackConfig(configFile);
    // The same validation the program runs; done first so a bad config is reported without a stack trace.
    const settings = loadSettingsFromConfigMap(stackConfig.config);
    const run = await timed("program", () => runProgram({ ...stackConfig, stack: args.stack }));

    const resources: PlannedResource[] = run.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, inputs: r.inputs }));
    const overrides = args.asOf !== undefined ? { "eks-supported-version": { asOf: args.asOf } } : undefined;
    const violations = await timed("policies", () => evaluatePolicies(run, { environment: settings.environment, overrides }));
    const cost = await timed("cost", () => estimateCost(run, { region: settings.region }));
    const deploy = await timed("deploy", () => estimateDeploy(run));
    const manifests = await timed("manifests", () => writeManifests(manifestsOf(run.resources), path.resolve(args.out ?? path.join(ROOT, "plan", args.stack))));

    let diff: PlanDiff | undefined;
    if (args.diff !== undefined) {
        if (!fs.existsSync(args.diff)) {
            throw new UsageError(`--diff file ${args.diff} does not exist`);
        }
        const base = JSON.parse(fs.readFileSync(args.diff, "utf8")) as Parameters<typeof diffPlans>[0] & { stack?: string };
        if (base.stack !== undefined && base.stack !== args.stack) {
            throw new UsageError(`--diff ${args.diff} is a plan of stack ${base.stack}, not ${args.stack}`);
        }
        diff = diffPlans(base, { resources, cost });
    }

    const failures: { code: number; reason: string }[] = [];
    if (diff && diff.destructive.length > 0 && !args.allowReplace) {
        failures.push({ code: EXIT.replace, reason: `${diff.destructive.length} stateful resource(s) would be replaced or deleted (--allow-replace to accept)` });
    }
    const mandatory = violations.filter((v) => v.level === "mandatory");
    if (mandatory.length > 0) {
        failures.push({ code: EXIT.policy, reason: `${mandatory.length} mandatory policy violation(s)` });
    }
    if (manifests.problems.length > 0) {
        failures.push({ code: EXIT.policy, reason: `${manifests.problems.length} Kubernetes object(s) fail their schema` });
    }
    if (settings.budget > 0 && cost.monthlyUsd > settings.budget) {
        failures.push({ code: EXIT.budget, reason: `estimated $${cost.monthlyUsd.toFixed(2)}/month exceeds platform:budget $${settings.budget}` });
    }
    const order: number[] = [EXIT.replace, EXIT.policy, EXIT.budget];
    const exitCode = order.find((code) => failures.some((f) => f.code === code)) ?? EXIT.ok;
    return { stack: args.stack, configFile, settings, run, resources, violations, cost, deploy, manifests, diff, allowReplace: args.allowReplace, failures, exitCode, timings };
}

/** The plan for machines: the facts the report prints, with secrets already shown as `[secret]`. */
export function planJson(plan: Plan): Record<string, unknown> {
    return {
        stack: plan.stack,
        environment: plan.settings.environment,
        region: plan.settings.region,
        configFile: path.relative(process.cwd(), plan.configFile),
        resources: plan.resources,
        policy: { violations: plan.violations },
        cost: { monthlyUsd: plan.cost.monthlyUsd, budgetUsd: plan.settings.budget, items: plan.cost.items, warnings: plan.cost.warnings },
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
                      destructive: plan.diff.destructive.map((d) => ({ resource: d.resource.urn, action: d.action, inputs: d.inputs, loss: d.loss })),
                      costDeltaUsd: plan.diff.costDeltaUsd,
                  },
              }
            : {}),
        result: { exitCode: plan.exitCode, failures: plan.failures },
    };
}

export { ConfigError };
