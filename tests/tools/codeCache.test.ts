import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../harness";

const CODE_CACHE = path.join(ROOT, "tools", "codeCache.cjs");

interface Loaded {
    readonly value: string;
    readonly filename: string;
    readonly dirname: string;
    readonly resolved: string;
    readonly stats: { mode: string; cached: number; compiled: number };
}

/** Node 22.1 and later cache compiled code themselves, which the module then turns on instead of its own. */
const OWN = typeof (require("module") as { enableCompileCache?: unknown }).enableCompileCache !== "function";

describe("code cache: modules compiled with the code of earlier runs", function () {
    this.timeout(60_000);
    let root: string;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "code-cache-test-"));
        fs.writeFileSync(path.join(root, "a.js"), 'module.exports = { value: "one" };\n');
        fs.writeFileSync(
            path.join(root, "b.js"),
            'const a = require("./a");\nmodule.exports = { value: a.value, filename: __filename, dirname: __dirname, resolved: require.resolve("./a") };\n',
        );
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    /** Loads b.js (which loads a.js) in a fresh process with the cache installed, as the prelude installs it. */
    function load(env: Record<string, string> = {}): Loaded {
        const code = `
            const cache = require(${JSON.stringify(CODE_CACHE)});
            cache.install("test", ${JSON.stringify(root)}, ${JSON.stringify(path.join(root, "cache"))});
            const b = require(${JSON.stringify(path.join(root, "b.js"))});
            console.log(JSON.stringify({ ...b, stats: cache.stats }));`;
        const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8", env: { ...process.env, ...env } });
        assert.equal(r.status, 0, r.stderr);
        return JSON.parse(r.stdout) as Loaded;
    }

    it("compiles and saves on the first run, then runs the same modules from the cache", () => {
        const first = load();
        assert.equal(first.stats.mode, OWN ? "vm" : "node");
        assert.ok(fs.existsSync(path.join(root, "cache", OWN ? "test.cache" : "node")));
        const second = load();
        if (OWN) {
            assert.deepEqual(first.stats, { mode: "vm", cached: 0, compiled: 2 });
            assert.deepEqual(second.stats, { mode: "vm", cached: 2, compiled: 0 });
        }
        assert.equal(second.value, "one");
        assert.equal(second.filename, path.join(root, "b.js"));
        assert.equal(second.dirname, root);
        assert.equal(second.resolved, path.join(root, "a.js"));
    });

    it("compiles a changed module afresh, even when its length is the same (which V8's own check would pass)", () => {
        load();
        const a = path.join(root, "a.js");
        const before = fs.statSync(a);
        fs.writeFileSync(a, 'module.exports = { value: "two" };\n');
        assert.equal(fs.statSync(a).size, before.size);
        const later = new Date(before.mtimeMs + 5000);
        fs.utimesSync(a, later, later);
        const changed = load();
        assert.equal(changed.value, "two");
        if (OWN) {
            assert.deepEqual(changed.stats, { mode: "vm", cached: 1, compiled: 1 });
            assert.deepEqual(load().stats, { mode: "vm", cached: 2, compiled: 0 });
        }
    });

    it("leaves a module that starts with #! to Node", () => {
        fs.writeFileSync(path.join(root, "a.js"), '#!/usr/bin/env node\nmodule.exports = { value: "one" };\n');
        const loaded = load();
        assert.equal(loaded.value, "one");
        assert.equal(load().value, "one");
        if (OWN) {
            assert.deepEqual(loaded.stats, { mode: "vm", cached: 0, compiled: 1 });
        }
    });

    it("leaves a module that may import() to Node, which runs it without warnings", () => {
        fs.writeFileSync(path.join(root, "c.mjs"), 'export const value = "esm";\n');
        fs.writeFileSync(path.join(root, "a.js"), 'module.exports = { value: "one", later: () => import("./c.mjs") };\n');
        const code = `
            require(${JSON.stringify(CODE_CACHE)}).install("test", ${JSON.stringify(root)}, ${JSON.stringify(path.join(root, "cache"))});
            require(${JSON.stringify(path.join(root, "a.js"))}).later().then((m) => console.log(m.value));`;
        for (let run = 0; run < 2; run++) {
            const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8" });
            assert.equal(r.status, 0, r.stderr);
            assert.equal(r.stdout.trim(), "esm");
            assert.equal(r.stderr, "");
        }
    });

    it("stays out of the way with PLATFORM_CODE_CACHE=0", () => {
        const off = load({ PLATFORM_CODE_CACHE: "0" });
        assert.deepEqual(off.stats, { mode: "off", cached: 0, compiled: 0 });
        assert.equal(off.value, "one");
        assert.ok(!fs.existsSync(path.join(root, "cache")));
    });
});
