import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../../offline/run";
import { enqueue } from "../harness";

describe("offline run: what the SDK records for debugging is not taken", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "offline-run-test-"));
        // Two resources, one inside a component: each registration would take a stack trace with no frame limit.
        fs.writeFileSync(
            path.join(dir, "index.js"),
            `const pulumi = require(${JSON.stringify(require.resolve("@pulumi/pulumi"))});
            class Box extends pulumi.ComponentResource { constructor(name) { super("test:index:Box", name); new pulumi.CustomResource("test:index:Thing", name + "-thing", {}, { parent: this }); this.registerOutputs({}); } }
            new Box("box");
            module.exports = { ok: true };`,
        );
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("takes no stack trace for a resource's source position, and restores the SDK afterwards", async () => {
        const resource = pulumi.Resource as unknown as { callsites: () => unknown[]; stackTrace: unknown };
        const { callsites, stackTrace } = resource;
        let taken = 0;
        resource.callsites = () => {
            taken++;
            return callsites.call(resource);
        };
        try {
            const run = await enqueue(() => runProgram({ config: {}, stack: "dev", program: path.join(dir, "index.js") }));
            assert.deepEqual(run.resources.map((r) => r.type).sort(), ["test:index:Box", "test:index:Thing"]);
            assert.equal(taken, 0);
            assert.equal(resource.stackTrace, stackTrace);
        } finally {
            resource.callsites = callsites;
        }
    });
});
