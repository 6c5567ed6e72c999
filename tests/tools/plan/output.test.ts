import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { INDEX_FILE, OutputDirError, writeManifests } from "../../../tools/plan/manifests";
import { Manifest } from "../../../offline/manifests";
import { UsageError } from "../../../tools/plan/args";
import { buildPlan } from "../../../tools/plan/build";
import { ROOT } from "../../harness";

const ns = (name: string): Manifest => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
const cm = (name: string, namespace: string): Manifest => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data: { a: "b" } });

describe("plan: its output directory", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("replaces what an earlier plan wrote and leaves every other file alone", async () => {
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config: {}\n");
        await writeManifests([ns("a"), cm("x", "a"), cm("y", "b")], dir);
        assert.deepEqual(fs.readdirSync(dir).sort(), [INDEX_FILE, "Pulumi.dev.yaml", "a.yaml", "b.yaml", "cluster.yaml"]);
        await writeManifests([ns("a"), cm("x", "a")], dir);
        assert.deepEqual(fs.readdirSync(dir).sort(), [INDEX_FILE, "Pulumi.dev.yaml", "a.yaml", "cluster.yaml"], "b.yaml of the earlier plan is gone");
        assert.equal(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8"), "config: {}\n");
    });

    it("refuses to overwrite a file it did not write", async () => {
        fs.writeFileSync(path.join(dir, "a.yaml"), "mine: true\n");
        await assert.rejects(writeManifests([cm("x", "a")], dir), (e: unknown) => e instanceof OutputDirError && /holds a\.yaml, which an earlier plan did not write/.test(e.message));
        assert.equal(fs.readFileSync(path.join(dir, "a.yaml"), "utf8"), "mine: true\n");
    });

    it("refuses a base plan of another stack", async () => {
        const base = path.join(dir, "base.json");
        fs.writeFileSync(base, JSON.stringify({ stack: "prod", resources: [], cost: { monthlyUsd: 0 } }));
        await assert.rejects(
            buildPlan({ stack: "dev", config: path.join(ROOT, "Pulumi.dev.yaml"), out: path.join(dir, "m"), diff: base, allowReplace: false }),
            (e: unknown) => e instanceof UsageError && e.message.endsWith("is a plan of stack prod, not dev"),
        );
    });
});
