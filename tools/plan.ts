import { runCli } from "./plan/cli";
import { useColor } from "./plan/style";

/**
 * `npm run plan`: what a stack would create, whether it is compliant, what it would cost, how long its
 * first deploy would take and what a change does, with no cloud account and no Pulumi CLI.
 */
const processStart = Date.now() - process.uptime() * 1000;

runCli(process.argv.slice(2), {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    color: useColor(process.stdout.isTTY, process.env),
    width: process.stdout.isTTY ? process.stdout.columns : undefined,
    processStart,
}).then(
    (code) => process.exit(code),
    // runCli turns every failure into an exit code; reaching this is a bug in runCli itself.
    (e: unknown) => {
        console.error(`plan: internal error: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(5);
    },
);
