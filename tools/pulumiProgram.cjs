"use strict";
// The entry `Pulumi.yaml` names for `pulumi preview` and `up`: the program compiled from index.ts
// (bin/index.js), after ./prelude.cjs has brought bin/ up to date with the sources.
require("./prelude.cjs");
module.exports = require("../bin/index.js");
