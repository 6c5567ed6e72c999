import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../config";
import { USAGE, UsageError, parseArgs } from "./plan/args";
import { EXIT, buildPlan, planJson } from "./plan/build";
import { renderReport } from "./plan/report";
import { OutputDirError } from "./plan/manifests";

/**
 * `npm run plan`: what a stack would create, whether it is compliant, what it would cost, how long its
 * first deploy would take and what a change does, with no cloud account and no Pulumi CLI.
 */
async function main(): Promise<number> {
    const started = Date.now();
    const args = parseArgs(process.argv.slice(2));
    const plan = await buildPlan(args);
    console.log(renderReport(plan));
    if (args.json) {
        fs.mkdirSync(path.dirname(path.resolve(args.json)), { recursive: true });
        fs.writeFileSync(args.json, `${JSON.stringify(planJson(plan), null, 2)}\n`);
        console.log(`JSON written to ${args.json}`);
    }
    const phases = Object.entries(plan.timings).map(([phase, seconds]) => `${phase} ${seconds.toFixed(2)} s`).join(", ");
    console.log(`(planned in ${((Date.now() - started) / 1000).toFixed(1)} s: ${phases})`);
    return plan.exitCode;
}

main().then(
    (code) => process.exit(code),
    (e) => {
        if (e instanceof ConfigError) {
            console.error(e.message);
            process.exit(EXIT.config);
        }
        if (e instanceof OutputDirError) {
            console.error(`plan: ${e.message}`);
            process.exit(EXIT.config);
        }
        if (e instanceof UsageError) {
            console.error(e.message ? `plan: ${e.message}\n\n${USAGE}` : USAGE);
            process.exit(e.message ? EXIT.config : EXIT.ok);
        }
        console.error(e);
        process.exit(1);
    },
);
