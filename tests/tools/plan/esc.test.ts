import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KUBERNETES_VERSIONS_AS_OF } from "../../../config/catalog";
import { ConfigError, formatIssue, loadSettingsFromConfigMap } from "../../../config";
import { readStackFile } from "../../../config/stackFile";
import { buildPlan, planJson } from "../../../tools/plan/build";
import { explainMissing, withEscPlaceholders } from "../../../tools/plan/esc";
import { renderReport } from "../../../tools/plan/report";
import { ROOT, enqueue } from "../../harness";

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "plan-esc-"));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));
let n = 0;
const write = (text: string, name = "Pulumi.dev.yaml") => {
    const dir = path.join(TMP, String(++n));
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
};
/** The shipped dev stack importing an ESC environment that is meant to hold its certificate. */
const devWithEsc = () =>
    "environment:\n  - platform/dev\n" +
    fs
        .readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")
        .replace(/ {2}platform:ingress:\n {4}certificateArn: \S+\n/, "");

describe("plan: stacks that import Pulumi ESC environments", function () {
    this.timeout(120_000);

    describe("the stack file", () => {
        it("reads environment: as the environments to import, in order", () => {
            const file = readStackFile(write("environment:\n  - platform/common\n  - acme/platform/prod@stable\nconfig:\n  aws:region: us-east-1\n"));
            assert.deepEqual(file.environments, ["platform/common", "acme/platform/prod@stable"]);
            assert.deepEqual(file.issues, []);
        });

        it("reads a file whose settings all come from environments", () => {
            const file = readStackFile(write("environment:\n  - platform/prod\n"));
            assert.equal(file.readable, true);
            assert.deepEqual([file.config, file.issues], [{}, []]);
        });

        it("names an environment: that is not a list of environment names, at its line", () => {
            const single = readStackFile(write("environment: platform/dev\nconfig:\n  aws:region: us-east-1\n"), "Pulumi.dev.yaml");
            assert.deepEqual(single.issues.map(formatIssue), ['Pulumi.dev.yaml:1:14: environment: is the value "platform/dev"; it lists Pulumi ESC environments to import (environment: [platform/prod])']);
            const spaced = readStackFile(write("environment:\n  - my env\nconfig:\n  aws:region: us-east-1\n"), "Pulumi.dev.yaml");
            assert.deepEqual(spaced.issues.map(formatIssue), ['Pulumi.dev.yaml:2:5: environment: "my env" is not an ESC environment name such as platform/prod (letters, digits, - _ . in up to three parts separated by /)']);
        });
    });

    describe("placeholders", () => {
        const base = { "aws:region": "eu-west-1", "platform:environment": "dev", "platform:ingress": JSON.stringify({ scheme: "internal" }), "platform:cluster": JSON.stringify({ deployRoleArn: "arn:aws:iam::123456789012:role/platform-dev-deploy" }) };

        it("stand in for the certificate only when the stack imports an environment and leaves it unset", () => {
            assert.deepEqual(withEscPlaceholders(base, []), { config: base, esc: { environments: [], placeholders: [] } });
            const { config, esc } = withEscPlaceholders(base, ["platform/dev"]);
            assert.deepEqual(esc.placeholders, ["platform:ingress.certificateArn"]);
            const ingress = JSON.parse(config["platform:ingress"]) as Record<string, string>;
            assert.equal(ingress.scheme, "internal", "the stack's own settings stay");
            assert.equal(loadSettingsFromConfigMap(config).ingress.certificateArn, ingress.certificateArn, "the placeholder passes validation, in the stack's region");
            assert.match(ingress.certificateArn, /^arn:aws:acm:eu-west-1:/);
            const own = { ...base, "platform:ingress": JSON.stringify({ certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c2a56-8f7e-4d5b-9a1c-3e2b1d0c9f8a" }) };
            assert.deepEqual(withEscPlaceholders(own, ["platform/dev"]).config, own, "a certificate the file sets is kept");
        });

        it("adds to a missing required setting that the plan cannot see what an environment holds", () => {
            const error = new ConfigError([
                { namespace: "aws", path: ["region"], value: undefined, message: "is required (e.g. us-east-1)" },
                { path: ["network", "cidr"], value: "x", message: "is not a valid IPv4 CIDR" },
            ]);
            const lines = explainMissing(error, ["platform/prod"]).issues.map(formatIssue);
            assert.match(lines[0], /^aws:region: is required \(e\.g\. us-east-1\); if platform\/prod sets it, the offline plan cannot see that/);
            assert.equal(lines[1], 'platform:network.cidr: "x" is not a valid IPv4 CIDR');
            assert.equal(explainMissing(error, []), error);
        });
    });

    it("plans the dev stack whose certificate an environment holds, without a login, and says so first", async () => {
        const config = write(devWithEsc());
        const plan = await enqueue(() => buildPlan({ stack: "dev", config, out: path.join(TMP, "m"), allowReplace: false, asOf: KUBERNETES_VERSIONS_AS_OF }));
        assert.deepEqual(plan.failures, []);
        assert.deepEqual(plan.esc, { environments: ["platform/dev"], placeholders: ["platform:ingress.certificateArn"] });
        assert.deepEqual(planJson(plan).esc, plan.esc);
        const second = renderReport(plan).split("\n")[1];
        assert.match(second, /^Imports the Pulumi ESC environment\(s\) platform\/dev, which the offline plan does not open \(no login, no credentials\): .*placeholder for platform:ingress\.certificateArn$/);
    });
});
