import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { projectRuntime, runAsLanguageHost } from "../../tools/languageHost";
import { ROOT, stackRun } from "../harness";

/** Runs a snippet in a fresh node process from the repository root; returns its stdout. */
function node(args: string[], code: string): string {
    const r = spawnSync(process.execPath, [...args, "-e", code], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
}

describe("start-up: the program as `pulumi preview` and `up` start it", function () {
    this.timeout(120_000);

    it("names the compiled program as the entry, with no TypeScript loader", () => {
        const runtime = projectRuntime(ROOT);
        assert.equal(path.relative(ROOT, runtime.entry), path.join("tools", "pulumiProgram.cjs"));
        assert.equal(runtime.typescript, false);
        assert.deepEqual(runtime.nodeargs, []);
        assert.match(fs.readFileSync(runtime.entry, "utf8"), /require\("\.\.\/bin\/index\.js"\)/);
    });

    it("registers, under Pulumi's own run harness, exactly what the offline run records", async () => {
        const hosted = await runAsLanguageHost({ stack: "dev" });
        assert.equal(hosted.exitCode, 0, hosted.stderr);
        const offline = await stackRun("dev");
        const names = (rs: readonly { type: string; name: string }[]) => rs.map((r) => `${r.type} ${r.name}`).sort();
        assert.deepEqual(names(hosted.registrations.filter((r) => r.type !== "pulumi:pulumi:Stack")), names(offline.resources));
        assert.ok(hosted.firstRegistrationMs > 0 && hosted.firstRegistrationMs <= hosted.exitMs);
    });

    it("defers the SDK's TypeScript compiler and Arborist until a function is serialized, with the same result", () => {
        const probe = `
            const pulumi = require("@pulumi/pulumi");
            const loaded = () => Object.keys(require.cache).filter((f) => /node_modules\\/(typescript|@npmcli\\/arborist)\\//.test(f)).length > 0;
            const before = loaded();
            pulumi.runtime.serializeFunction(() => 42).then((f) => console.log(JSON.stringify({ before, after: loaded(), text: f.text })));`;
        const deferred = JSON.parse(node(["-r", "./tools/lazySdk.cjs"], probe)) as { before: boolean; after: boolean; text: string };
        const eager = JSON.parse(node([], probe)) as { before: boolean; text: string };
        assert.equal(eager.before, true, "without the hook the SDK loads them at once");
        assert.equal(deferred.before, false);
        assert.equal(deferred.after, true);
        assert.equal(deferred.text, eager.text);
    });

    it("runs the program without the AWS and Kubernetes package roots, the SDK's Automation API or zod's locales, which still load when used", () => {
        const probe = `
            const { runProgram } = require("./bin/offline/run");
            const { readStackConfig } = require("./bin/offline/stackConfig");
            const loaded = (file) => Object.keys(require.cache).some((f) => f.endsWith(file));
            const roots = ["@pulumi/aws/index.js", "@pulumi/kubernetes/index.js", "@pulumi/pulumi/automation/index.js", "zod/v4/locales/index.cjs"];
            runProgram({ ...readStackConfig("Pulumi.prod.yaml"), stack: "prod" }).then((run) => {
                const during = roots.filter(loaded);
                const automation = typeof require("@pulumi/pulumi").automation.LocalWorkspace;
                const locales = typeof require("zod").locales.de;
                console.log(JSON.stringify({ resources: run.resources.length, during, automation, locales, after: roots.filter(loaded) }));
            });`;
        const out = JSON.parse(node(["-r", "./tools/prelude.cjs"], probe)) as { resources: number; during: string[]; automation: string; locales: string; after: string[] };
        assert.ok(out.resources > 100, JSON.stringify(out));
        assert.deepEqual(out.during, []);
        assert.equal(out.automation, "function");
        assert.equal(out.locales, "function");
        assert.deepEqual(out.after, ["@pulumi/pulumi/automation/index.js", "zod/v4/locales/index.cjs"]);
    });

    it("validates manifests in a worker that loads no Pulumi SDK, which would cost it most of a second", () => {
        // The worker thread starts from manifestWorker.js alone; what that module pulls in is what it loads.
        const probe = `
            require("./bin/tools/plan/manifestWorker");
            const sdks = Object.keys(require.cache).filter((f) => /node_modules\\/(@pulumi|@grpc|@npmcli)\\//.test(f));
            console.log(JSON.stringify({ modules: Object.keys(require.cache).length, sdks }));`;
        const out = JSON.parse(node([], probe)) as { modules: number; sdks: string[] };
        assert.deepEqual(out.sdks, []);
        assert.ok(out.modules > 5, JSON.stringify(out));
    });

    it("runs the program's modules as loaded on a process's first run, and reloads them for the next", () => {
        // The plan validates the config with the program's own loader before the run; `pulumi up` loads each module once.
        const probe = `
            const { runProgram } = require("./bin/offline/run");
            const { readStackConfig } = require("./bin/offline/stackConfig");
            const file = require.resolve("./bin/config");
            require(file);
            const loaded = require.cache[file];
            const run = () => runProgram({ ...readStackConfig("Pulumi.dev.yaml"), stack: "dev" });
            run().then(async (first) => {
                const afterFirst = require.cache[file];
                const second = await run();
                console.log(JSON.stringify({ first: afterFirst === loaded, second: require.cache[file] === loaded, same: first.resources.length === second.resources.length }));
            });`;
        assert.deepEqual(JSON.parse(node(["-r", "./tools/prelude.cjs"], probe)), { first: true, second: false, same: true });
    });

    it("keeps the SDK's promises untagged, with the same results and the same leak report at exit", () => {
        // A settled promise, a rejected one and one left pending, which the SDK reports at exit (status 1).
        const probe = `
            const debuggable = require("@pulumi/pulumi/runtime/debuggable");
            const settled = Promise.resolve(1);
            const rejected = Promise.reject(new Error("no"));
            debuggable.debuggablePromise(Promise.resolve(0), "first");
            debuggable.debuggablePromise(new Promise(() => {}), "pending");
            Promise.all([
                debuggable.debuggablePromise(settled, "settled"),
                debuggable.debuggablePromise(rejected, "rejected").catch((e) => e.promise === rejected),
            ]).then(([value, carried]) => console.log(JSON.stringify({ value, carried, tagged: settled._debugStackTrace !== undefined })));`;
        const run = (args: string[], env: Record<string, string> = {}) => {
            const r = spawnSync(process.execPath, [...args, "-e", probe], { cwd: ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });
            return { status: r.status, out: JSON.parse(r.stdout) as { value: number; carried: boolean; tagged: boolean }, leak: /detected that 1 promise was still active/.test(r.stderr) };
        };
        const sdk = run([]);
        const untagged = run(["-r", "./tools/prelude.cjs"]);
        const asked = run(["-r", "./tools/prelude.cjs"], { PULUMI_DEBUG_PROMISE_LEAKS: "1" });
        assert.deepEqual(sdk, { status: 1, out: { value: 1, carried: true, tagged: true }, leak: true });
        assert.deepEqual(untagged, { ...sdk, out: { ...sdk.out, tagged: false } });
        assert.deepEqual(asked, sdk);
    });

    it("maps stack frames of the compiled program to its TypeScript lines and leaves other frames as V8 writes them", () => {
        const out = node(
            ["-r", "./tools/prelude.cjs"],
            `try { require("./bin/config").loadSettingsFromConfigMap({}); } catch (e) { console.log(e.stack); }`,
        );
        const source = fs.readFileSync(path.join(ROOT, "config", "load.ts"), "utf8").split("\n");
        const frame = /at (?:Object\.)?resolveSettings \((.*):(\d+):(\d+)\)/.exec(out);
        assert.ok(frame, out);
        assert.equal(frame[1], path.join(ROOT, "config", "load.ts"));
        assert.match(source[Number(frame[2]) - 1], /throw new ConfigError/);
        assert.match(out, /at \[eval\]:1:\d+/);
    });
});
