import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { runProgram } from "../offline/run";
import { projectRoot } from "../offline/stackConfig";

/**
 * `npm run bench -- [--peer <dir>] [--runs 5] [--sizes 1,10,50,100]` times whole processes, wall clock,
 * on this machine, and reports medians:
 *
 * 1. side by side, alternating run by run: `npm run plan -- --stack prod` as the README gives it, the same
 *    plan without npm in between, and the peer's synth (`npx ts-node --transpile-only src/app.ts`, as its
 *    README gives it, with as many teams as the prod stack has services), when the peer is installed:
 *    `--peer <dir>`, else `$PEER_DIR`, else `../peer-cdk` beside the repository;
 * 2. the plan of the prod stack with 1, 10, 50 and 100 generated services (sizes taken in turn within
 *    each round, so that a busy moment on the machine does not land on one size only);
 * 3. with `--floor`, what registering alone costs: a program of nothing but ConfigMaps, 500 and 3,000 of
 *    them, run by the offline recorder in a fresh process each time (the floor under any plan's time per
 *    resource, whatever the program computes).
 *
 * Each part starts with an untimed run (the first plan after a build writes the code cache), and says
 * the machine's load average at its start and end: other jobs on the machine slow every process.
 */

const ROOT = projectRoot();

/** The middle value (the upper one of the two middle values for an even count). */
export function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

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

/**
 * The prod cluster settings with node groups large enough for `n` generated services, so that the plan
 * passes its capacity check: the system group runs a database exporter (two replicas) and a provisioning
 * Job per service that uses the database, the apps group the services at their maximum replicas.
 */
export function benchCluster(cluster: unknown, n: number): Record<string, unknown> {
    const groups = { system: { maxSize: Math.max(4, Math.ceil(n / 8)) }, apps: { maxSize: Math.max(14, Math.ceil(n / 2)) } };
    return { ...(cluster as Record<string, unknown>), nodeGroups: groups };
}

/** One command to time: what runs, where, and how a reader would type it. */
interface Command {
    readonly label: string;
    readonly file: string;
    readonly args: string[];
    readonly cwd: string;
    readonly env?: Record<string, string>;
}

/** Wall-clock seconds of one whole process; throws when it fails. */
function time(c: Command): number {
    const started = process.hrtime.bigint();
    const result = spawnSync(c.file, c.args, { cwd: c.cwd, env: { ...process.env, ...c.env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) {
        console.error(result.stdout?.slice(-3000), result.stderr?.slice(-3000));
        throw new Error(`${c.label} exited ${result.status ?? result.signal}`);
    }
    return seconds;
}

/** The arguments to node of package.json's plan script, to run it without npm. */
export function planNodeArgs(): string[] {
    const script = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.plan;
    const [node, ...nodeArgs] = script.split(/\s+/);
    if (node !== "node") {
        throw new Error(`the plan script should start with node: ${script}`);
    }
    return nodeArgs;
}

function arg(name: string): string | undefined {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The machine as the heading of a table says it: CPUs, Node, and how busy other jobs kept it. */
function machine(loadAtStart: number): string {
    const load = (x: number) => x.toFixed(1);
    return `${os.cpus().length} CPUs, node ${process.version}, load average ${load(loadAtStart)} at the start and ${load(os.loadavg()[0])} at the end`;
}

function stats(xs: number[]): string {
    return `${median(xs).toFixed(2)} | ${Math.min(...xs).toFixed(2)} | ${Math.max(...xs).toFixed(2)}`;
}

function peerComparison(peer: string, runs: number, dir: string, services: number): void {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const npx = process.platform === "win32" ? "npx.cmd" : "npx";
    const commands: Command[] = [
        { label: "`npm run plan -- --stack prod`", file: npm, args: ["run", "plan", "--", "--stack", "prod"], cwd: ROOT },
        { label: "the same plan without npm (`node …` as package.json runs it)", file: process.execPath, args: [...planNodeArgs(), "--stack", "prod"], cwd: ROOT },
        {
            label: `peer: \`npx ts-node --transpile-only src/app.ts\` (SERVICES=${services})`,
            file: npx,
            args: ["ts-node", "--transpile-only", "src/app.ts"],
            cwd: peer,
            env: { SERVICES: String(services), CDK_OUTDIR: path.join(dir, "cdk.out") },
        },
    ];
    // One untimed run of each first: the plan's first run after a build also writes its code cache.
    commands.forEach(time);
    const loadAtStart = os.loadavg()[0];
    const seconds = commands.map((): number[] => []);
    for (let r = 0; r < runs; r++) {
        // Each round starts with a different command, so that none always runs right after another.
        for (let k = 0; k < commands.length; k++) {
            const i = (r + k) % commands.length;
            seconds[i].push(time(commands[i]));
        }
        console.error(`  round ${r + 1}: ${seconds.map((xs) => `${xs[r].toFixed(2)} s`).join(", ")}`);
    }
    console.log(`\nSide by side, alternating, ${runs} runs each (${machine(loadAtStart)}); peer in ${peer}\n`);
    console.log("| command | median (s) | min (s) | max (s) |");
    console.log("|---|---:|---:|---:|");
    commands.forEach((c, i) => console.log(`| ${c.label} | ${stats(seconds[i])} |`));
    const peerMedian = median(seconds[2]);
    console.log(`\n\`npm run plan -- --stack prod\` takes ${(median(seconds[0]) / peerMedian).toFixed(2)}× the peer's synth; without npm ${(median(seconds[1]) / peerMedian).toFixed(2)}×.`);
}

function sizeTable(sizes: number[], runs: number, dir: string, base: { config: Record<string, unknown> }): void {
    const nodeArgs = planNodeArgs();
    const rows = sizes.map((n) => {
        const file = path.join(dir, String(n), "Pulumi.prod.yaml");
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, stringify({ config: { ...base.config, "platform:services": generatedServices(n), "platform:cluster": benchCluster(base.config["platform:cluster"], n), "platform:budget": 0 } }));
        const json = path.join(dir, String(n), "plan.json");
        const command: Command = { label: `plan of ${n} services`, file: process.execPath, args: [...nodeArgs, "--config", file, "--stack", "prod", "--json", json, "--out", path.join(dir, String(n), "manifests")], cwd: ROOT };
        return { n, json, command, seconds: [] as number[] };
    });
    time(rows[0].command);
    const loadAtStart = os.loadavg()[0];
    for (let r = 0; r < runs; r++) {
        for (const row of rows) {
            row.seconds.push(time(row.command));
        }
        console.error(`  round ${r + 1}: ${rows.map((row) => `${row.n}: ${row.seconds[r].toFixed(2)} s`).join(", ")}`);
    }
    console.log(`\nWhole plan process (package.json's command, without npm), prod stack, ${runs} runs each (${machine(loadAtStart)})\n`);
    console.log("| services | resources | median (s) | min (s) | max (s) |");
    console.log("|---:|---:|---:|---:|---:|");
    for (const row of rows) {
        const resources = (JSON.parse(fs.readFileSync(row.json, "utf8")) as { resources: unknown[] }).resources.length;
        console.log(`| ${row.n} | ${resources} | ${stats(row.seconds)} |`);
    }
    const ten = rows.find((r) => r.n === 10);
    const hundred = rows.find((r) => r.n === 100);
    if (ten && hundred) {
        console.log(`\n100 services take ${(median(hundred.seconds) / median(ten.seconds)).toFixed(2)}× the time of 10.`);
    }
}

/** A program registering `n` ConfigMaps and nothing else, as a CommonJS module the offline recorder runs. */
export function configMapProgram(n: number): string {
    const module = JSON.stringify(require.resolve("@pulumi/kubernetes/core/v1", { paths: [ROOT] }));
    return [
        `const { ConfigMap } = require(${module});`,
        `for (let i = 0; i < ${n}; i++) {`,
        "    new ConfigMap(`cm-${i}`, { metadata: { name: `cm-${i}`, namespace: \"bench\", labels: { app: \"bench\" } }, data: { key: `value-${i}` } });",
        "}",
        "",
    ].join("\n");
}

/** In a child process: runs the ConfigMap program of `n` and prints its registrations and seconds as JSON. */
async function floorChild(n: number): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-floor-"));
    try {
        const program = path.join(dir, "index.js");
        fs.writeFileSync(program, configMapProgram(n));
        const started = process.hrtime.bigint();
        const run = await runProgram({ config: {}, stack: "bench", program });
        console.log(JSON.stringify({ registrations: run.resources.length, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function registrationFloor(sizes: number[], runs: number): void {
    const nodeArgs = planNodeArgs().slice(0, -1);
    const measure = (n: number) => {
        const result = spawnSync(process.execPath, [...nodeArgs, __filename, "--floor-child", String(n)], { cwd: ROOT, encoding: "utf8" });
        if (result.status !== 0) {
            throw new Error(`the registration floor run of ${n} exited ${result.status ?? result.signal}: ${result.stderr.slice(-2000)}`);
        }
        return JSON.parse(result.stdout.trim().split("\n").pop() as string) as { registrations: number; seconds: number };
    };
    measure(sizes[0]);
    const loadAtStart = os.loadavg()[0];
    const rows = sizes.map((n) => ({ n, seconds: [] as number[], registrations: 0 }));
    for (let r = 0; r < runs; r++) {
        for (const row of rows) {
            const m = measure(row.n);
            row.seconds.push(m.seconds);
            row.registrations = m.registrations;
        }
    }
    console.log(`\nRegistering alone: a program of nothing but ConfigMaps under the offline recorder, ${runs} runs each (${machine(loadAtStart)})\n`);
    console.log("| registrations | median (s) | min (s) | max (s) | ms per registration (median) |");
    console.log("|---:|---:|---:|---:|---:|");
    for (const row of rows) {
        console.log(`| ${row.registrations} | ${stats(row.seconds)} | ${((median(row.seconds) * 1000) / row.registrations).toFixed(2)} |`);
    }
}

function main(): void {
    const runs = Number(arg("runs") ?? process.env.BENCH_RUNS ?? 5);
    const sizes = (arg("sizes") ?? process.env.BENCH_SIZES ?? "1,10,50,100").split(",").filter((s) => s !== "").map(Number);
    const peer = path.resolve(arg("peer") ?? process.env.PEER_DIR ?? path.join(ROOT, "..", "peer-cdk"));
    const base = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-bench-"));
    try {
        if (fs.existsSync(path.join(peer, "node_modules", "aws-cdk-lib"))) {
            peerComparison(peer, runs, dir, ((base.config["platform:services"] as unknown[]) ?? []).length);
        } else {
            console.log(`No peer installed at ${peer} (pass --peer <dir> or set PEER_DIR; see README "Speed"): skipping the side-by-side comparison.`);
        }
        if (sizes.length > 0) {
            sizeTable(sizes, runs, dir, base);
        }
        if (process.argv.includes("--floor")) {
            registrationFloor([500, 3000], runs);
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

if (require.main === module) {
    const child = arg("floor-child");
    if (child !== undefined) {
        floorChild(Number(child)).catch((e: unknown) => {
            console.error(e);
            process.exit(1);
        });
    } else {
        main();
    }
}
