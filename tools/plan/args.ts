/** Command-line options of `npm run plan`. */
export interface PlanArgs {
    readonly stack: string;
    /** Stack config file; defaults to `Pulumi.<stack>.yaml`. */
    readonly config?: string;
    readonly json?: string;
    /** Directory for the Kubernetes manifests; defaults to `plan/<stack>`. */
    readonly out?: string;
    /** A previous plan's JSON to compare with. */
    readonly diff?: string;
    readonly allowReplace: boolean;
    /** Judge Kubernetes version support as of this day (YYYY-MM-DD) instead of today, e.g. a planned rollout. */
    readonly asOf?: string;
}

export const USAGE = `Usage: npm run plan -- [--stack dev] [--config <file>] [--json <file>] [--out <dir>] [--diff <base.json>] [--allow-replace] [--as-of YYYY-MM-DD]

  --stack <name>      stack to plan; reads Pulumi.<name>.yaml (default: dev)
  --config <file>     plan this stack config file instead (same format as Pulumi.<stack>.yaml)
  --json <file>       also write the plan as JSON
  --out <dir>         where to write the Kubernetes manifests (default: plan/<stack>)
  --diff <base.json>  compare with a plan written by --json (for example the base branch's)
  --allow-replace     do not fail when a change would replace a stateful resource
  --as-of <date>      judge Kubernetes version support as of this day (default: today)

Exit codes: 0 ok, 1 mandatory policy violation or invalid manifest, 2 bad config or arguments,
3 a change would replace or delete a stateful resource, 4 the estimate exceeds platform:budget.`;

export class UsageError extends Error {}

const VALUED = ["--stack", "--config", "--json", "--out", "--diff", "--as-of"] as const;

/** Parses argv (without node and script). Unknown flags and missing values are errors, not ignored. */
export function parseArgs(argv: readonly string[]): PlanArgs {
    const values: Record<string, string> = {};
    let allowReplace = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--allow-replace") {
            allowReplace = true;
        } else if ((VALUED as readonly string[]).includes(arg)) {
            const value = argv[i + 1];
            if (value === undefined || value.startsWith("--")) {
                throw new UsageError(`${arg} needs a value`);
            }
            values[arg.slice(2)] = value;
            i++;
        } else if (arg === "--help" || arg === "-h") {
            throw new UsageError("");
        } else {
            throw new UsageError(`unknown argument "${arg}"; allowed: ${[...VALUED, "--allow-replace"].join(", ")}`);
        }
    }
    const fromFile = values.config !== undefined ? /^Pulumi\.(.+)\.ya?ml$/.exec(values.config.split(/[\\/]/).pop() ?? "")?.[1] : undefined;
    const stack = values.stack ?? fromFile ?? "dev";
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new UsageError(`--stack "${stack}" is not a stack name (letters, digits, '-', '_', '.')`);
    }
    const asOf = values["as-of"];
    if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
        throw new UsageError(`--as-of "${asOf}" is not a date such as 2027-01-31`);
    }
    return { stack, config: values.config, json: values.json, out: values.out, diff: values.diff, allowReplace, ...(asOf !== undefined ? { asOf } : {}) };
}
