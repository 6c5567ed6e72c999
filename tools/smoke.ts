import { runProgram } from "../mocks/run";
import { readStackConfig } from "../mocks/stackConfig";
(async () => {
    for (const stack of ["dev", "prod"]) {
        const t = Date.now();
        const c = readStackConfig(`Pulumi.${stack}.yaml`);
        const run = await runProgram({ ...c, stack });
        const counts: Record<string, number> = {};
        run.resources.forEach((r) => (counts[r.type] = (counts[r.type] ?? 0) + 1));
        console.log(stack, run.resources.length, Date.now() - t, "ms", counts);
    }
})().catch((e) => { console.error("FAILED", e); process.exit(1); });
