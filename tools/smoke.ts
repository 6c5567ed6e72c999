import { runProgram } from "../mocks/run";
import { readStackConfig } from "../mocks/stackConfig";
(async () => {
    for (const stack of ["dev", "prod"]) {
        const t = Date.now();
        const c = readStackConfig(`Pulumi.${stack}.yaml`);
        const run = await runProgram({ ...c, stack });
        console.log(stack, run.resources.length, "resources", Date.now() - t, "ms");
        const counts: Record<string, number> = {};
        run.resources.forEach((r) => (counts[r.type] = (counts[r.type] ?? 0) + 1));
        console.log(counts);
        console.log(JSON.stringify(run.outputs, null, 1).slice(0, 1500));
    }
})().catch((e) => { console.error("FAILED", e); process.exit(1); });
