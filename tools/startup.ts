/**
 * Loads and runs the program once under mocks for one stack and prints how long that took, so that the
 * cost of TypeScript handling at start-up can be compared (`node -r ts-node/register[/transpile-only]`).
 */
import * as path from "path";
import { runProgram } from "../offline/run";
import { readStackConfig } from "../offline/stackConfig";

const stack = process.argv[2] ?? "dev";
const started = process.hrtime.bigint();
runProgram({ ...readStackConfig(path.resolve(__dirname, "..", `Pulumi.${stack}.yaml`)), stack })
    .then((run) => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        console.log(`${stack}: ${run.resources.length} resources registered in ${ms.toFixed(0)} ms (after module load)`);
    })
    .catch((e) => {
        console.error(e);
        process.exit(1);
    });
