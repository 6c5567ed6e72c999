"use strict";
// Loaded before every compiled entry (`node -r ./tools/prelude.cjs bin/tools/<tool>.js`, and the Pulumi
// entry tools/pulumiProgram.cjs): brings bin/ up to date with the sources, defers the SDK modules the
// program never uses, and maps stack traces back to the TypeScript sources.
require("./build.cjs");
require("./lazySdk.cjs");
require("./stackTraces.cjs");
