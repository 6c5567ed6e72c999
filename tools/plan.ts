import * as path from "path";
import { ConfigError } from "../config";
import { ProgramRun, RecordedResource, runProgram } from "../mocks/run";
import { readStackConfig } from "../mocks/stackConfig";

/** The top-level resource a registration belongs to (its own URN when it has no parent). */
function topLevel(run: ProgramRun, r: RecordedResource): RecordedResource {
    const byUrn = new Map(run.resources.map((x) => [x.urn, x]));
    let cur = r;
    while (cur.parent && byUrn.has(cur.parent)) {
        cur = byUrn.get(cur.parent) as RecordedResource;
    }
    return cur;
}

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const stack = args[args.indexOf("--stack") + 1] && args.includes("--stack") ? args[args.indexOf("--stack") + 1] : "dev";
    const file = path.resolve(__dirname, "..", `Pulumi.${stack}.yaml`);
    const run = await runProgram({ ...readStackConfig(file), stack });
    const groups = new Map<string, Map<string, number>>();
    for (const r of run.resources) {
        const top = topLevel(run, r).name;
        const counts = groups.get(top) ?? new Map<string, number>();
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
        groups.set(top, counts);
    }
    console.log(`Stack ${stack}: ${run.resources.length} resources\n`);
    for (const [component, counts] of groups) {
        const total = [...counts.values()].reduce((a, b) => a + b, 0);
        console.log(`${component} (${total})`);
        for (const [type, n] of counts) {
            console.log(`  ${String(n).padStart(3)}  ${type}`);
        }
    }
}

main().catch((e) => {
    if (e instanceof ConfigError) {
        console.error(e.message);
        process.exit(2);
    }
    console.error(e);
    process.exit(1);
});
