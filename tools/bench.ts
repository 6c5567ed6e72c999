import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { projectRoot } from "../offline/stackConfig";

/**
 * `npm run bench`: times the whole `plan` process for the prod stack with 1, 10, 50 and 100 services in
 * the catalog (generated from the shipped prod config) and prints a table. Each size runs
 * BENCH_RUNS times (default 3); the median is reported.
 */

const ROOT = projectRoot();
/** The node arguments of package.json's plan script: the compiled plan, brought up to date first. */
const PLAN_NODE_ARGS = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { plan: string } }).scripts.plan.split(" ").slice(1);
const SIZES = (process.env.BENCH_SIZES ?? "1,10,50,100").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** A catalog of `n` services cycling through the kinds the platform offers. */
export function generatedServices(n: number): Record<string, unknown>[] {
    return Array.from({ length: n }, (_, i) => {
        const name = `svc-${String(i + 1).padStart(3, "0")}`;
        const common = { name, image: `ghcr.io/example/${name}:1.0.${i}`, cpu: "100m", memory: "128Mi" };
        switch (i % 4) {
            case 0:
                return { ...common, kind: "web", port: 8080, replicas: { min: 2, max: 6 }, uses: ["database", "cache"], secrets: ["api-key"], ingress: { host: "bench.example.com", path: `/${name}` } };
            case 1:
                return { ...common, kind: "web", port: 8080, replicas: 2, uses: ["cache"], callers: [`svc-${String(i).padStart(3, "0")}`] };
            case 2:
                return { ...common, kind: "worker", replicas: { min: 2, max: 10 }, uses: ["database", "broker"], queue: { name: `${name}-jobs`, targetLength: 20 } };
            default:
                return { ...common, kind: "cron", schedule: "15 * * * *", uses: ["database"] };
        }
    });
}

/** The middle value (the upper one of the two middle values for an even count). */
export function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

function main(): void {
    const base = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-bench-"));
    const rows: { n: number; resources: number; seconds: number[] }[] = [];
    for (const n of SIZES) {
        const file = path.join(dir, `Pulumi.prod.yaml`);
        const config = { ...base.config, "platform:services": generatedServices(n), "platform:budget": 0 };
        fs.writeFileSync(file, stringify({ config }));
        const json = path.join(dir, `plan-${n}.json`);
        const seconds: number[] = [];
        for (let r = 0; r < RUNS; r++) {
            const started = process.hrtime.bigint();
            const result = spawnSync(process.execPath, [...PLAN_NODE_ARGS, "--config", file, "--stack", "prod", "--json", json, "--out", path.join(dir, "manifests")], {
                cwd: ROOT,
                encoding: "utf8",
            });
            seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
            if (result.status !== 0) {
                console.error(result.stdout.slice(-3000), result.stderr.slice(-3000));
                throw new Error(`plan of ${n} services exited ${result.status}`);
            }
        }
        const resources = (JSON.parse(fs.readFileSync(json, "utf8")) as { resources: unknown[] }).resources.length;
        rows.push({ n, resources, seconds });
        console.error(`  ${n} services: ${seconds.map((s) => s.toFixed(2)).join(", ")} s`);
    }
    fs.rmSync(dir, { recursive: true, force: true });

    console.log(`\nWhole plan process, prod stack, median of ${RUNS} runs (${os.cpus().length} CPUs, node ${process.version})\n`);
    console.log("| services | resources | median (s) | min (s) | max (s) |");
    console.log("|---:|---:|---:|---:|---:|");
    for (const r of rows) {
        console.log(`| ${r.n} | ${r.resources} | ${median(r.seconds).toFixed(2)} | ${Math.min(...r.seconds).toFixed(2)} | ${Math.max(...r.seconds).toFixed(2)} |`);
    }
    const ten = rows.find((r) => r.n === 10);
    const hundred = rows.find((r) => r.n === 100);
    if (ten && hundred) {
        console.log(`\n100 services take ${(median(hundred.seconds) / median(ten.seconds)).toFixed(2)}× the time of 10.`);
    }
}

if (require.main === module) {
    main();
}
