"use strict";
/**
 * Defers two modules the Pulumi SDK loads eagerly but needs only to serialize JavaScript functions
 * (`pulumi.runtime.serializeFunction`, magic Lambda callbacks), which this program never does: the
 * TypeScript compiler (9 MB of JavaScript, loaded to parse function text) and npm's Arborist (about 600
 * modules, loaded to find a function's package dependencies). Together they are about half of what loading
 * `@pulumi/pulumi` costs. Each is replaced by a stand-in that loads the real module on first use, so a
 * program that does serialize a function gets the same modules, only later.
 *
 * Only requests made from the SDK's closure serializer are deferred; anything else loads as usual. If a
 * later SDK no longer makes these requests, nothing is deferred and nothing else changes.
 */
const Module = require("module");
const path = require("path");

const CLOSURE_DIR = `${path.sep}@pulumi${path.sep}pulumi${path.sep}runtime${path.sep}closure${path.sep}`;
const DEFERRED = new Set(["../../typescript-shim", "@npmcli/arborist"]);

/** A stand-in for a module that loads it on first use. */
function deferred(load) {
    let real;
    const target = () => (real ??= load());
    return new Proxy(
        {},
        {
            // `__importStar` (TypeScript's CommonJS interop) returns a module flagged as an ES module as is,
            // instead of copying its properties, which would load it at once.
            get: (_, key) => (key === "__esModule" && real === undefined ? true : target()[key]),
            has: (_, key) => key in target(),
            ownKeys: () => Reflect.ownKeys(target()),
            getOwnPropertyDescriptor: (_, key) => {
                const d = Reflect.getOwnPropertyDescriptor(target(), key);
                return d === undefined ? undefined : { ...d, configurable: true };
            },
        },
    );
}

const standIns = new Map();
const load = Module._load;
Module._load = function (request, parent, isMain) {
    if (DEFERRED.has(request) && parent?.filename?.includes(CLOSURE_DIR)) {
        const file = Module._resolveFilename(request, parent);
        if (require.cache[file] !== undefined) {
            return require.cache[file].exports;
        }
        if (!standIns.has(file)) {
            standIns.set(file, deferred(() => load.call(Module, request, parent, false)));
        }
        return standIns.get(file);
    }
    return load.call(this, request, parent, isMain);
};
