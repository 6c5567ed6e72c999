"use strict";
/**
 * A V8 code cache for the CommonJS modules a run loads, kept in bin/.code-cache (git-ignored).
 *
 * Compiling JavaScript is the largest single cost of starting the plan or the program: about 1,100
 * modules (the Pulumi SDKs, the AWS provider's 300 service modules, zod, gRPC, the program), and V8 also
 * compiles each function the first time it is called. Node 22 caches this itself (`module.enableCompileCache`,
 * used where it exists); Node 20 does not, so this module does what that does: each module is compiled with the code V8 produced
 * for it in an earlier run, and the code of modules that had none, taken at exit so that it covers the
 * functions the run called, is saved for the next run. A file that changed (its size or modification time)
 * is compiled afresh, and V8 itself rejects a cache made by another V8 version or with other flags.
 *
 * The first run after `npm ci`, or after a change to the compiled program, compiles as usual and then
 * writes the cache; later runs skip most of the compiling.
 */
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");

const ROOT = path.resolve(__dirname, "..");

/**
 * How this process caches: "vm" (this module's own, with how many modules were compiled with cached code
 * and how many without), "node" (Node's own compile cache, which keeps no counts) or "off".
 */
const stats = { mode: "off", cached: 0, compiled: 0 };

/** A file's identity for the cache: when a source changes, its entry no longer applies. */
function stampOf(file) {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}`;
}

/**
 * The store of one kind of process (the plan, the program, …), one file: the length of its index (4 bytes),
 * the index as JSON, then the code of every module, where the index says.
 */
function load(dir, name) {
    try {
        const file = fs.readFileSync(path.join(dir, `${name}.cache`));
        const length = file.readUInt32LE(0);
        return { index: JSON.parse(file.subarray(4, 4 + length).toString("utf8")), blob: file.subarray(4 + length) };
    } catch {
        return { index: {}, blob: Buffer.alloc(0) };
    }
}

/**
 * Writes the entries that still apply and the new ones, replacing the file at once, so that a process
 * reading it meanwhile sees the old store or the new one; of two writing at once, the last one wins.
 */
function save(dir, name, store, fresh) {
    const parts = [];
    const index = {};
    let offset = 0;
    const add = (file, stamp, data) => {
        index[file] = { stamp, start: offset, end: offset + data.length };
        parts.push(data);
        offset += data.length;
    };
    for (const [file, e] of Object.entries(store.index)) {
        if (!fresh.has(file)) {
            add(file, e.stamp, store.blob.subarray(e.start, e.end));
        }
    }
    for (const [file, { stamp, script }] of fresh) {
        add(file, stamp, script.createCachedData());
    }
    const json = Buffer.from(JSON.stringify(index), "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length, 0);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `${name}.${process.pid}.${require("worker_threads").threadId}.tmp`);
    fs.writeFileSync(tmp, Buffer.concat([length, json, ...parts]));
    fs.renameSync(tmp, path.join(dir, `${name}.cache`));
}

/** The `require` a module receives, as Node builds it. */
function requireFor(mod) {
    const require = (id) => mod.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    return require;
}

/**
 * Compiles the CommonJS modules this process loads from under `root` with the cache named `name` (kept in
 * `dir`), and saves what was missing at exit; on a Node that has its own compile cache (22.1 and later),
 * turns that on instead, in `dir`/node. PLATFORM_CODE_CACHE=0 turns either off.
 */
function install(name, root = ROOT, dir = path.join(ROOT, "bin", ".code-cache")) {
    if (process.env.PLATFORM_CODE_CACHE === "0") {
        return;
    }
    if (typeof Module.enableCompileCache === "function") {
        Module.enableCompileCache(path.join(dir, "node"));
        stats.mode = "node";
        return;
    }
    const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
    if (importModuleDynamically === undefined) {
        return;
    }
    stats.mode = "vm";
    const eligible = (file) => file.startsWith(root + path.sep) && file.endsWith(".js");
    const store = load(dir, name);
    const fresh = new Map();
    const compile = Module.prototype._compile;
    Module.prototype._compile = function (content, filename) {
        // A leading #! line is valid only at the very start of a script, not inside the module wrapper. A
        // module that may import() is left to Node too: Node 20 warns that a script's dynamic imports
        // through the main context's loader are experimental.
        if (!eligible(filename) || content.startsWith("#!") || content.includes("import(")) {
            return compile.call(this, content, filename);
        }
        const stamp = stampOf(filename);
        const entry = store.index[filename];
        const cachedData = entry?.stamp === stamp ? store.blob.subarray(entry.start, entry.end) : undefined;
        const script = new vm.Script(Module.wrap(content), { filename, cachedData, importModuleDynamically });
        if (cachedData === undefined || script.cachedDataRejected) {
            fresh.set(filename, { stamp, script });
            stats.compiled++;
        } else {
            stats.cached++;
        }
        const wrapper = script.runInThisContext({ displayErrors: true });
        return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
    };
    process.once("exit", () => {
        if (fresh.size > 0) {
            try {
                save(dir, name, store, fresh);
            } catch {
                // A cache that cannot be written only costs the next run its head start.
            }
        }
    });
}

module.exports = { install, stats };
