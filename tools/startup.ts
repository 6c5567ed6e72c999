import * as path from "path";
import { median } from "./bench";
import { HostedRun, runAsLanguageHost } from "./languageHost";

/**
 * `npm run startup -- [--stack dev] [--runs 5] [--compare <dir>] [--cpu-prof <dir>]`: how long
 * `pulumi preview`/`up` takes to start the program, measured as Pulumi's language host starts it (see
 * ./languageHost): from spawning node to the first resource the program registers (by then the whole
 * program has been built), with the CPU time used by then, and to the program's exit with every resource
 * registered. `--compare` alternates run by run with another checkout (say, the base branch) started the
 * same way, with its own `Pulumi.yaml`; `--cpu-prof` writes a V8 CPU profile of each run into a directory.
 */

function arg(name: string): string | undefined {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
    const stack = arg("stack") ?? "dev";
    const runs = Number(arg("runs") ?? 5);
    const profile = arg("cpu-prof");
    const extraNodeArgs = profile !== undefined ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(profile)] : [];
    const compare = arg("compare");
    const checkouts = [{ label: "this checkout", root: undefined as string | undefined }, ...(compare !== undefined ? [{ label: path.resolve(compare), root: path.resolve(compare) }] : [])];
    const results = checkouts.map((): HostedRun[] => []);
    for (let r = 0; r < runs; r++) {
        // Each round starts with a different checkout, so that neither always runs right after the other.
        for (let k = 0; k < checkouts.length; k++) {
            const i = (r + k) % checkouts.length;
            const run = await runAsLanguageHost({ stack, root: checkouts[i].root, extraNodeArgs });
            if (run.exitCode !== 0) {
                throw new Error(`the program of ${checkouts[i].label} exited ${run.exitCode}:\n${run.stderr.slice(-3000)}`);
            }
            results[i].push(run);
            console.error(`  ${checkouts[i].label}, run ${r + 1}: first registration ${seconds(run.firstRegistrationMs)} (CPU ${seconds(run.firstRegistrationCpuMs)}), exit ${seconds(run.exitMs)}`);
        }
    }
    console.log(`\nProgram start-up under Pulumi's run harness, ${stack} stack, medians of ${runs} runs\n`);
    console.log("| checkout | first registration | its CPU time | all registered | registrations |");
    console.log("|---|---:|---:|---:|---:|");
    checkouts.forEach((c, i) => {
        const of = (pick: (r: HostedRun) => number) => seconds(median(results[i].map(pick)));
        const count = results[i][0]?.registrations.length ?? 0;
        console.log(`| ${c.label} | ${of((r) => r.firstRegistrationMs)} | ${of((r) => r.firstRegistrationCpuMs)} | ${of((r) => r.exitMs)} | ${count} |`);
    });
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
