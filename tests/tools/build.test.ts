import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../harness";

/** tools/build.cjs, which keeps bin/ in step with the sources (plain JavaScript, so typed here). */
const build = require("../../tools/build.cjs") as {
    changedSince(since: number, root?: string): string[];
    ensureBuilt(root?: string): string[];
    build(root?: string): number;
    builtAt(root?: string): number | undefined;
};

/** Writes files under `root`, all dated `time` (ms since the epoch). */
function files(root: string, contents: Record<string, string>, time: number): void {
    for (const [file, text] of Object.entries(contents)) {
        const full = path.join(root, file);
        fs.mkdirSync(path.dirname(full), { recursive: true });
        fs.writeFileSync(full, text);
        fs.utimesSync(full, time / 1000, time / 1000);
    }
}

const HOUR = 3_600_000;

describe("build: bin/ kept in step with the sources", () => {
    let root: string;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "build-test-"));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("counts as changed every newer .ts source and build setting, in any folder but the top-level outputs", () => {
        const then = Date.now() - 2 * HOUR;
        const now = Date.now();
        files(root, { "index.ts": "", "tools/plan/build.ts": "", "lib/old.ts": "" }, then);
        files(
            root,
            {
                "tools/plan/args.ts": "", // a folder named like the plan's output folder, deeper down
                "components/x.ts": "",
                "tsconfig.json": "{}",
                "package-lock.json": "{}",
                "types/x.d.ts": "", // declarations compile to nothing
                "README.md": "",
                "bin/index.ts": "",
                "plan/prod/x.ts": "",
                "node_modules/a/index.ts": "",
                ".git/x.ts": "",
            },
            now,
        );
        assert.deepEqual(build.changedSince(then + HOUR, root), ["components/x.ts", "package-lock.json", "tools/plan/args.ts", "tsconfig.json"].map((f) => path.normalize(f)));
        assert.deepEqual(build.changedSince(now + HOUR, root), []);
    });

    it("compiles everything when bin/ was never built, then only what changed, then nothing", () => {
        const then = Date.now() - 2 * HOUR;
        const tsconfig = { compilerOptions: { target: "ES2022", module: "commonjs", rootDir: ".", outDir: "bin", isolatedModules: true, sourceMap: true }, include: ["src/**/*.ts"] };
        files(root, { "tsconfig.json": JSON.stringify(tsconfig), "src/a.ts": "export const a: number = 1;\n", "src/b.ts": 'import { a } from "./a";\nexport const b = a + 1;\n' }, then);

        assert.deepEqual(build.ensureBuilt(root), ["src/a.ts", "src/b.ts"].map((f) => path.normalize(f)));
        assert.equal(require(path.join(root, "bin/src/b.js")).b, 2);
        assert.ok(fs.existsSync(path.join(root, "bin/src/a.js.map")));

        // The last build dated an hour after the sources, and a.ts saved since.
        fs.utimesSync(path.join(root, "bin", ".built"), (then + HOUR) / 1000, (then + HOUR) / 1000);
        files(root, { "src/a.ts": "export const a: number = 41;\n" }, Date.now() - 1000);
        assert.deepEqual(build.ensureBuilt(root), [path.normalize("src/a.ts")]);
        assert.match(fs.readFileSync(path.join(root, "bin/src/a.js"), "utf8"), /exports\.a = 41;/);

        assert.deepEqual(build.ensureBuilt(root), []);
    });

    it("copies the files the program reads beside its modules, and copies them again when they change", function () {
        this.timeout(60_000);
        const tsconfig = { compilerOptions: { target: "ES2022", module: "commonjs", rootDir: ".", outDir: "bin", isolatedModules: true }, include: ["src/**/*.ts"] };
        const then = Date.now() - 2 * HOUR;
        files(root, { "tsconfig.json": JSON.stringify(tsconfig), "src/a.ts": "export const a = 1;\n", "src/certs/ca.pem": "one\n" }, then);
        const copy = path.join(root, "bin/src/certs/ca.pem");
        assert.deepEqual(build.ensureBuilt(root), ["src/a.ts", "src/certs/ca.pem"].map((f) => path.normalize(f)));
        assert.equal(fs.readFileSync(copy, "utf8"), "one\n");
        files(root, { "src/certs/ca.pem": "two\n" }, Date.now() + 1000);
        assert.deepEqual(build.ensureBuilt(root), [path.normalize("src/certs/ca.pem")]);
        assert.equal(fs.readFileSync(copy, "utf8"), "two\n");
        fs.rmSync(copy);
        assert.deepEqual(build.ensureBuilt(root), [path.normalize("src/certs/ca.pem")], "a copy missing from bin/ is made again");
        assert.equal(fs.readFileSync(copy, "utf8"), "two\n");
        fs.rmSync(path.join(root, "bin"), { recursive: true });
        assert.equal(build.build(root), 0);
        assert.equal(fs.readFileSync(copy, "utf8"), "two\n");
    });

    it("leaves no file compiled on the side that the next tsc build would take as up to date", function () {
        this.timeout(60_000);
        const tsconfig = { compilerOptions: { target: "ES2022", module: "commonjs", rootDir: ".", outDir: "bin", isolatedModules: true, incremental: true, tsBuildInfoFile: "bin/.tsbuildinfo" }, include: ["src/**/*.ts"] };
        const compiled = () => fs.readFileSync(path.join(root, "bin/src/a.js"), "utf8");
        files(root, { "tsconfig.json": JSON.stringify(tsconfig), "src/a.ts": "export const a = 1;\n" }, Date.now() - 2 * HOUR);
        assert.equal(build.build(root), 0);
        assert.match(compiled(), /exports\.a = 1;/);
        // An edit that a run compiles on its own, then undone (a stash, a checkout): the source is again
        // what tsc last compiled, and bin/ must not keep the edit.
        files(root, { "src/a.ts": "export const a = 2;\n" }, Date.now() + 1000);
        build.ensureBuilt(root);
        assert.match(compiled(), /exports\.a = 2;/);
        files(root, { "src/a.ts": "export const a = 1;\n" }, Date.now() + 2000);
        assert.equal(build.build(root), 0);
        assert.match(compiled(), /exports\.a = 1;/);
    });

    it("recompiles a changed source before `npm run plan` runs it", function () {
        this.timeout(60_000);
        const plan = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.plan;
        assert.match(plan, /-r \.\/tools\/prelude\.cjs bin\/tools\/plan\.js$/);
        // args.ts saved after the last build, whose output is marked: the plan must run the source's code.
        const source = path.join(ROOT, "tools", "plan", "args.ts");
        const compiled = path.join(ROOT, "bin", "tools", "plan", "args.js");
        const stamp = path.join(ROOT, "bin", ".built");
        fs.appendFileSync(compiled, '\nexports.USAGE = "stale build";\n');
        const now = new Date();
        const past = new Date(now.getTime() - 1000);
        fs.utimesSync(source, now, now);
        fs.utimesSync(stamp, past, past);
        const r = spawnSync(process.execPath, [...plan.split(" ").slice(1), "--help"], { cwd: ROOT, encoding: "utf8" });
        assert.match(r.stderr, /changed since the last build .*: recompiled/);
        assert.match(r.stdout, /^Usage: npm run plan/m);
        assert.doesNotMatch(r.stdout, /stale build/);
        assert.ok(build.builtAt(ROOT)! > past.getTime(), "the recompile stamps bin/ again");
    });

    it("keeps tsconfig.json's isolatedModules, without which a file-by-file compile could differ from tsc's", () => {
        const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
        assert.equal(tsconfig.compilerOptions.isolatedModules, true);
        assert.equal(tsconfig.compilerOptions.outDir, "bin");
        assert.equal(tsconfig.compilerOptions.rootDir, ".");
    });
});
