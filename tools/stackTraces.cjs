"use strict";
/**
 * Stack traces that point into the TypeScript sources, at a fraction of what source-map-support costs.
 *
 * The Pulumi SDK takes a stack trace for every resource (to tell the engine where it was declared) and for
 * every promise it creates (to report leaks), and Pulumi's run harness formats each one through
 * source-map-support, which copies every frame and looks up a source map for it. For this program that was
 * the largest single part of `pulumi preview`'s start-up. This formatter writes frames as V8 does and
 * maps only the program's own frames (bin/**.js, compiled by tools/build.cjs with source maps) back to
 * their .ts lines, so resource positions and error traces still name index.ts, components/… as before.
 *
 * A promise's trace is read only to report leaked promises with PULUMI_DEBUG_PROMISE_LEAKS set (the SDK
 * prints nothing of it otherwise), so without that variable it keeps just its first frame.
 */
const fs = require("fs");
const path = require("path");
const { SourceMap } = require("module");

const BIN = path.join(path.resolve(__dirname, ".."), "bin") + path.sep;
/** Where the SDK records a trace for every promise (`debuggablePromise`). */
const PROMISE_TRACES = `${path.sep}@pulumi${path.sep}pulumi${path.sep}runtime${path.sep}debuggable.js`;
/** Read once, as the SDK reads it. */
const PROMISE_TRACES_READ = Boolean(process.env.PULUMI_DEBUG_PROMISE_LEAKS);

/** Parsed source maps of compiled files, null where there is none. */
const maps = new Map();

function sourceMapOf(file) {
    if (!maps.has(file)) {
        let map = null;
        try {
            map = { map: new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, "utf8"))), dir: path.dirname(file) };
        } catch {
            // No map (or an unreadable one): the frame keeps its compiled position.
        }
        maps.set(file, map);
    }
    return maps.get(file);
}

/** One frame as V8 writes it, with a compiled position of the program replaced by its source position. */
function formatFrame(frame) {
    const text = frame.toString();
    const file = frame.getFileName();
    if (typeof file !== "string" || !file.startsWith(BIN)) {
        return text;
    }
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (line === null || column === null) {
        return text;
    }
    const found = sourceMapOf(file);
    const entry = found?.map.findEntry(line - 1, column - 1);
    if (entry === undefined || entry.originalSource === undefined) {
        return text;
    }
    const source = path.resolve(found.dir, entry.originalSource);
    return text.replace(`${file}:${line}:${column}`, `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
}

function prepareStackTrace(error, frames) {
    let head;
    try {
        head = Error.prototype.toString.call(error);
    } catch {
        head = "<error>";
    }
    const unread = !PROMISE_TRACES_READ && frames.length > 0 && frames[0].getFunctionName() === "debuggablePromise" && (frames[0].getFileName() ?? "").endsWith(PROMISE_TRACES);
    const shown = unread ? frames.slice(0, 1) : frames;
    return shown.length === 0 ? head : `${head}\n    at ${shown.map(formatFrame).join("\n    at ")}`;
}

module.exports = { prepareStackTrace, formatFrame };

Error.prepareStackTrace = prepareStackTrace;
