import { graphFormat } from "../predict/serviceGraph";

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
    /** Write the service graph there: Graphviz DOT (`.dot`, `.gv`) or Mermaid (`.mmd`, `.mermaid`). */
    readonly graph?: string;
    /** Show the stack trace of an internal error. Defaults to false. */
    readonly debug?: boolean;
}

export const USAGE = `Usage: npm run plan -- [--stack dev] [--config <file>] [--json <file>] [--out <dir>] [--diff <base.json>] [--allow-replace] [--as-of YYYY-MM-DD] [--graph <file>] [--debug]

  --stack <name>      stack to plan; reads Pulumi.<name>.yaml (default: dev)
  --config <file>     plan this stack config file instead; the stack is <name> of a Pulumi.<name>.yaml,
                      otherwise give --stack
  --json <file>       also write the plan as JSON (also when the config is invalid)
  --out <dir>         where to write the Kubernetes manifests (default: plan/<stack>, or
                      plan/<config file's folder>/<stack> for a --config file outside the project)
  --diff <base.json>  compare with a plan written by --json (for example the base branch's)
  --allow-replace     do not fail when a change would replace a stateful resource
  --as-of <date>      judge Kubernetes version support as of this day (default: today)
  --graph <file>      write the service graph: Graphviz DOT (.dot, .gv) or Mermaid (.mmd, .mermaid)
  --debug             show the stack trace of an internal error

Exit codes: 0 ok, 1 mandatory policy violation or invalid manifest, 2 bad config or arguments,
3 a change would replace or delete a stateful resource, 4 the estimate exceeds platform:budget,
5 an internal error of the plan itself.`;

/** Bad arguments; `showUsage` when the command line itself is malformed, so that the usage helps. */
export class UsageError extends Error {
    constructor(
        message: string,
        public readonly showUsage = false,
    ) {
        super(message);
    }
}

const VALUED = ["--stack", "--config", "--json", "--out", "--diff", "--as-of", "--graph"] as const;
const FLAGS = ["--allow-replace", "--debug"] as const;

/** True when `text` is a real calendar day written YYYY-MM-DD. */
export function isDate(text: string): boolean {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) {
        return false;
    }
    const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return day.toISOString().slice(0, 10) === text;
}

/** Parses argv (without node and script). Unknown flags and missing values are errors, not ignored. */
export function parseArgs(argv: readonly string[]): PlanArgs {
    const values: Record<string, string> = {};
    const flags = new Set<string>();
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if ((FLAGS as readonly string[]).includes(arg)) {
            flags.add(arg);
        } else if ((VALUED as readonly string[]).includes(arg)) {
            const value = argv[i + 1];
            if (value === undefined || value.startsWith("--")) {
                throw new UsageError(`${arg} needs a value`, true);
            }
            values[arg.slice(2)] = value;
            i++;
        } else if (arg === "--help" || arg === "-h") {
            throw new UsageError("");
        } else {
            throw new UsageError(`unknown argument "${arg}"; allowed: ${[...VALUED, ...FLAGS].join(", ")}`, true);
        }
    }
    const fromFile = values.config !== undefined ? /^Pulumi\.(.+)\.ya?ml$/.exec(values.config.split(/[\\/]/).pop() ?? "")?.[1] : undefined;
    if (values.config !== undefined && fromFile === undefined && values.stack === undefined) {
        throw new UsageError(`--config ${values.config} does not name its stack (Pulumi.<stack>.yaml); add --stack <name>`);
    }
    if (fromFile !== undefined && values.stack !== undefined && values.stack !== fromFile) {
        throw new UsageError(`--stack ${values.stack} disagrees with --config ${values.config}, the config of stack ${fromFile}; drop --stack or rename the file`);
    }
    const stack = values.stack ?? fromFile ?? "dev";
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new UsageError(`--stack "${stack}" is not a stack name (letters, digits, '-', '_', '.')`);
    }
    const asOf = values["as-of"];
    if (asOf !== undefined && !isDate(asOf)) {
        throw new UsageError(`--as-of "${asOf}" is not a date such as 2027-01-31 (YYYY-MM-DD, a day that exists)`);
    }
    if (values.graph !== undefined && graphFormat(values.graph) === undefined) {
        throw new UsageError(`--graph ${values.graph} does not end in .dot, .gv (Graphviz) or .mmd, .mermaid (Mermaid)`);
    }
    return {
        stack,
        config: values.config,
        json: values.json,
        out: values.out,
        diff: values.diff,
        allowReplace: flags.has("--allow-replace"),
        ...(asOf !== undefined ? { asOf } : {}),
        ...(values.graph !== undefined ? { graph: values.graph } : {}),
        ...(flags.has("--debug") ? { debug: true } : {}),
    };
}
