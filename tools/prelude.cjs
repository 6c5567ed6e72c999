"use strict";
// Loaded before every compiled entry (`node -r ./tools/prelude.cjs bin/tools/<tool>.js`, and the Pulumi
// entry tools/pulumiProgram.cjs): brings bin/ up to date with the sources, compiles modules with the code
// cache of earlier runs, defers the SDK modules the program never uses, maps stack traces back to the
// TypeScript sources and keeps the SDK from tagging each of its promises.
require("./build.cjs");
const tool = /[\\/]bin[\\/]tools[\\/](\w+)\.js$/.exec(process.argv[1] ?? "");
require("./codeCache.cjs").install(tool !== null ? tool[1] : "program");
require("./lazySdk.cjs");
require("./stackTraces.cjs");
require("./sdkPromises.cjs");
