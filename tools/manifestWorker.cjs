"use strict";
// Entry of the plan's manifest worker thread (see tools/plan/manifestWorker.ts): the thread compiles its
// modules (yaml, the validators) with a code cache of its own, as the main thread does, before loading them.
require("./codeCache.cjs").install("manifest-worker");
require("../bin/tools/plan/manifestWorker.js");
