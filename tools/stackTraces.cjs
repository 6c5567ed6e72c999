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
 * (The traces the SDK takes for its promises are dealt with by ./sdkPromises.cjs.)
 */
const fs = require("fs");
const path = require("path");
const { SourceMap } = require("module");

const BIN = path.join(path.resolve(__dirname, ".."), "bin") + path.sep;

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
    return frames.length === 0 ? head : `${head}\n    at ${frames.map(formatFrame).join("\n    at ")}`;
}

module.exports = { prepareStackTrace, formatFrame };

Error.prepareStackTrace = prepareStackTrace;
