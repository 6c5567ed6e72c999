"use strict";
/**
 * Defers modules that SDKs load eagerly but this program never uses; each is replaced by a stand-in that
 * loads the real module on first use, so a program that does use one gets the same module, only later:
 *
 * - the TypeScript compiler (9 MB of JavaScript, loaded to parse function text), npm's Arborist (about
 *   600 modules) and package.json normalization (to find a function's package dependencies), which the Pulumi SDK's closure
 *   serializer needs only to serialize JavaScript functions (`pulumi.runtime.serializeFunction`, magic
 *   Lambda callbacks); together they are about half of what loading `@pulumi/pulumi` costs;
 * - the SDK's Automation API (`pulumi.automation`, for driving the CLI from code);
 * - the whole AWS provider (about 300 service modules) and Kubernetes provider (every API group, Helm v3
 *   and YAML support), which @pulumi/eks loads for helpers and a getter the program does not use
 *   (`getRoleProvider`, `createNodeGroupSecurityGroup`, `createStorageClass`, `Cluster.provider`); the
 *   components load only the modules they use (components/aws.ts, components/kubernetes.ts).
 * - zod's messages in every language but English (`z.locales`; English is loaded on its own).
 *
 * Only the requests listed, made from the files listed, are deferred; anything else loads as usual. If a
 * later SDK no longer makes these requests, nothing is deferred and nothing else changes.
 */
const Module = require("module");
const path = require("path");

/** Which requests are deferred, by the file that makes them (a path inside node_modules, with / for separators). */
const DEFERRED = [
    { from: /\/@pulumi\/pulumi\/runtime\/closure\/[^/]+\.js$/, requests: new Set(["../../typescript-shim", "@npmcli/arborist", "normalize-package-data"]) },
    { from: /\/@pulumi\/pulumi\/index\.js$/, requests: new Set(["./automation"]) },
    { from: /\/@pulumi\/eks\/(clusterMixins|nodegroupMixins|storageclassMixins)\.js$/, requests: new Set(["@pulumi/aws", "@pulumi/kubernetes"]) },
    { from: /\/zod\/v4\/(classic\/external|core\/index)\.cjs$/, requests: new Set(["../locales/index.cjs"]) },
];

/** Whether `parent` requiring `request` is deferred. */
function isDeferred(request, parent) {
    const from = parent?.filename?.split(path.sep).join("/");
    return from !== undefined && DEFERRED.some((d) => d.requests.has(request) && d.from.test(from));
}

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
    if (isDeferred(request, parent)) {
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
