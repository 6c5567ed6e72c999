"use strict";
/**
 * The program and its tools run compiled, from bin/ (git-ignored), so that no run pays for transpiling
 * TypeScript. This module keeps bin/ in step with the sources, in plain JavaScript because it has to work
 * before anything is compiled:
 *
 * - `node tools/build.cjs` (`npm run build`; `prepare`, which `npm ci` runs; the first step of `npm test`)
 *   type-checks and compiles everything with tsc (incremental), copies the files the program reads beside
 *   its modules (certificates), then stamps bin/;
 * - required or preloaded (through tools/prelude.cjs by `npm run plan` and the other tools, and by
 *   tools/pulumiProgram.cjs, the entry `Pulumi.yaml` names), it first recompiles every source changed
 *   since the stamp, one file at a time and without type checking, as ts-node's transpile-only mode did
 *   (tsconfig.json sets isolatedModules, so that this gives what tsc would). So a stale build never runs,
 *   and an edit needs no separate build step; `npm test` and CI type-check.
 */
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
/** Top-level directories that hold no sources of the build (plan/ is the plan's default output). */
const SKIP = new Set(["node_modules", "bin", "plan"]);
/** Inputs that can change every output: when one of them changes, every source is recompiled. */
const SETTINGS = ["tsconfig.json", "package-lock.json"];

/** Files the program reads beside its modules (certificates), copied into bin/ as they are. */
const isAsset = (file) => file.endsWith(".pem");

const stampOf = (root) => path.join(root, "bin", ".built");

/** When bin/ was last brought up to date (ms since the epoch), or undefined when it never was. */
function builtAt(root = ROOT) {
    try {
        return fs.statSync(stampOf(root)).mtimeMs;
    } catch {
        return undefined;
    }
}

/** Stamps bin/ as up to date with the sources as they were at `time`. */
function stamp(root, time) {
    fs.mkdirSync(path.join(root, "bin"), { recursive: true });
    fs.writeFileSync(stampOf(root), `${time.toISOString()}\n`);
    fs.utimesSync(stampOf(root), time, time);
}

/** The .ts sources, assets and build settings of `root`, relative to it, with when each was last modified. */
function sources(root) {
    const found = [];
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            if (entry.name.startsWith(".") || (dir === root && SKIP.has(entry.name))) {
                continue;
            }
            const file = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(file);
            } else if ((entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) || isAsset(entry.name) || (dir === root && SETTINGS.includes(entry.name))) {
                found.push({ file: path.relative(root, file), modified: fs.statSync(file).mtimeMs });
            }
        }
    };
    walk(root);
    return found.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0));
}

/** The .ts sources, assets and build settings modified after `since` (ms since the epoch), relative to `root`. */
function changedSince(since, root = ROOT) {
    return sources(root)
        .filter((s) => s.modified > since)
        .map((s) => s.file);
}

/** The compiler options and source files (relative to `root`) of its tsconfig.json. */
function project(ts, root) {
    const host = {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        },
    };
    const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, host);
    return { options: config.options, files: config.fileNames.map((f) => path.relative(root, f)) };
}

/** Compiles sources one by one, without type checking, into bin/ as tsc lays them out (rootDir "."). */
function transpile(ts, root, options, files) {
    for (const file of files) {
        const source = path.join(root, file);
        const output = path.join(root, "bin", file.replace(/\.ts$/, ".js"));
        const result = ts.transpileModule(fs.readFileSync(source, "utf8"), { compilerOptions: options, fileName: path.basename(source) });
        fs.mkdirSync(path.dirname(output), { recursive: true });
        fs.writeFileSync(output, result.outputText);
        if (result.sourceMapText !== undefined) {
            const map = JSON.parse(result.sourceMapText);
            map.sources = [path.relative(path.dirname(output), source)];
            fs.writeFileSync(`${output}.map`, JSON.stringify(map));
        }
    }
}

/** Copies assets (paths relative to `root`) to the same place under bin/. */
function copyAssets(root, assets) {
    for (const file of assets) {
        const output = path.join(root, "bin", file);
        fs.mkdirSync(path.dirname(output), { recursive: true });
        fs.copyFileSync(path.join(root, file), output);
    }
}

/** Recompiles what changed since the last build of `root`; returns the files recompiled or copied. */
function ensureBuilt(root = ROOT) {
    const since = builtAt(root);
    const all = sources(root);
    const changed = since === undefined ? undefined : all.filter((s) => s.modified > since).map((s) => s.file);
    // An asset that bin/ lacks though it is older than the last build (bin/ built before it was an asset).
    const missing = all.filter((s) => isAsset(s.file) && !fs.existsSync(path.join(root, "bin", s.file))).map((s) => s.file);
    if (changed !== undefined && changed.length === 0 && missing.length === 0) {
        return [];
    }
    const started = new Date();
    const ts = require("typescript");
    const { options, files } = project(ts, root);
    const everything = changed === undefined || changed.some((f) => SETTINGS.includes(f));
    const todo = everything ? files : files.filter((f) => changed.includes(f));
    transpile(ts, root, options, todo);
    const assets = everything ? all.map((s) => s.file).filter(isAsset) : [...new Set([...changed.filter(isAsset), ...missing])];
    copyAssets(root, assets);
    // tsc's incremental state records what it last compiled, by content: a source changed back to that
    // (a stash, a checkout) would look up to date to the next build, which would then keep the output
    // compiled here. Without the state, that build compiles everything again.
    if (options.incremental || options.composite) {
        fs.rmSync(ts.getTsBuildInfoEmitOutputFilePath(options), { force: true });
    }
    stamp(root, started);
    const why =
        since === undefined
            ? "bin/ had not been built"
            : changed.length === 0
              ? `bin/ lacked ${missing.join(", ")}`
              : `${changed.length} source(s) changed since the last build (${changed.slice(0, 3).join(", ")}${changed.length > 3 ? ", …" : ""})`;
    process.stderr.write(`${why}: recompiled ${todo.length} file(s) and copied ${assets.length} into bin/ without type checking (npm run build type-checks)\n`);
    return [...todo, ...assets];
}

/** Type-checks and compiles everything with tsc; returns tsc's exit status. */
function build(root = ROOT) {
    const started = new Date();
    const tsc = require.resolve("typescript/bin/tsc");
    const result = require("child_process").spawnSync(process.execPath, [tsc, "-p", root], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    if (result.status === 0) {
        copyAssets(
            root,
            sources(root)
                .map((s) => s.file)
                .filter(isAsset),
        );
        // Stamped with the start time, so that a source saved during the build still counts as changed.
        stamp(root, started);
    }
    return result.status ?? 1;
}

module.exports = { ensureBuilt, build, changedSince, builtAt };

if (require.main === module) {
    process.exit(build());
} else {
    ensureBuilt();
}
