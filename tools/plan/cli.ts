import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../config";
import { PlanArgs, USAGE, UsageError, parseArgs } from "./args";
import { EXIT, ROOT, buildPlan, invalidConfigJson, planJson } from "./build";
import { OutputDirError } from "./manifests";
import { renderReport } from "./report";
import { GraphFormat, graphFormat, renderGraph } from "../predict/serviceGraph";
import { style } from "./style";

/** Where the command writes, and how its output should look. */
export interface Io {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
    /** Colour the report. */
    readonly color: boolean;
    /** Characters a line may take. Defaults to 120. */
    readonly width?: number;
    /** When the process started (ms since the epoch), so that the time printed is the whole process's. */
    readonly processStart: number;
}

function writeJson(file: string, value: unknown): void {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * `npm run plan`, start to exit code: every bad input ends in exit 2 with one line that names it, a bug in
 * the plan in exit 5 with one line (its stack with `--debug`), and nothing is reported OK that was not.
 */
export async function runCli(argv: readonly string[], io: Io, build = buildPlan): Promise<number> {
    const started = Date.now();
    let args: PlanArgs;
    try {
        args = parseArgs(argv);
    } catch (e) {
        if (e instanceof UsageError && e.message === "") {
            io.out(USAGE);
            return EXIT.ok;
        }
        io.err(e instanceof UsageError && e.showUsage ? `plan: ${e.message}\n\n${USAGE}` : `plan: ${e instanceof Error ? e.message : String(e)} (npm run plan -- --help for the usage)`);
        return EXIT.config;
    }
    if (args.debug === true) {
        // Offline runs drop the SDK's stack traces for speed (offline/run.ts); a debugging run keeps them.
        process.env.PLATFORM_STACK_TRACES = "1";
    }
    try {
        const plan = await build(args);
        if (args.json !== undefined) {
            writeJson(args.json, planJson(plan));
        }
        if (args.graph !== undefined) {
            fs.mkdirSync(path.dirname(path.resolve(args.graph)), { recursive: true });
            fs.writeFileSync(args.graph, renderGraph(plan.predictions.connectivity, graphFormat(args.graph) as GraphFormat));
        }
        io.out(renderReport(plan, { color: io.color, width: io.width }));
        if (args.json !== undefined) {
            io.out(`JSON written to ${args.json}`);
        }
        if (args.graph !== undefined) {
            io.out(`Service graph written to ${args.graph}`);
        }
        const phases = Object.entries(plan.timings).map(([phase, s]) => `${phase} ${s.toFixed(2)} s`).join(", ");
        const end = Date.now();
        io.out(style(io.color).dim(`(planned in ${seconds(end - io.processStart)}, the whole process: start-up ${seconds(started - io.processStart)}, ${phases})`));
        return plan.exitCode;
    } catch (e) {
        return failure(e, args, io);
    }
}

/** The one line (and exit code) for a plan that could not be made. */
function failure(e: unknown, args: PlanArgs, io: Io): number {
    if (e instanceof ConfigError) {
        io.err(e.message);
        if (args.json !== undefined) {
            const configFile = path.resolve(args.config ?? path.join(ROOT, `Pulumi.${args.stack}.yaml`));
            try {
                writeJson(args.json, invalidConfigJson(args.stack, configFile, e));
                io.err(`JSON of the invalid config written to ${args.json}`);
            } catch (w) {
                io.err(`plan: --json ${args.json} cannot be written: ${(w as Error).message}`);
            }
        }
        return EXIT.config;
    }
    if (e instanceof UsageError || e instanceof OutputDirError) {
        io.err(`plan: ${e.message}`);
        return EXIT.config;
    }
    const error = e instanceof Error ? e : new Error(String(e));
    const errno = (error as NodeJS.ErrnoException).code;
    if (errno !== undefined && "path" in error) {
        // A file the plan could not read or write: the environment's doing, not a bug.
        io.err(`plan: ${error.message}`);
        return EXIT.config;
    }
    io.err(`plan: internal error: ${error.message.split("\n")[0]}. This is a bug in the plan, not in your config; ${args.debug === true ? "its stack trace follows" : "rerun with --debug for its stack trace"}.`);
    if (args.debug === true && error.stack !== undefined) {
        io.err(error.stack);
    }
    return EXIT.internal;
}
