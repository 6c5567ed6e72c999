import { strict as assert } from "assert";
import { ConfigError, loadSettingsFromConfigMap, resolveSettings } from "../../config";
import { environmentKeyIssues } from "../../config/localRules";
import { formatIssue } from "../../config/errors";

/** Problems of a raw `platform:` object, one line each as a person reads them. */
function problems(raw: Record<string, unknown>, region = ""): string[] {
    try {
        resolveSettings(raw, region);
        return [];
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        return e.issues.map(formatIssue);
    }
}

const worker = { name: "worker", kind: "worker", image: "w:1.0", uses: ["database", "broker"], queue: { name: "jobs", targetLength: 10 } };

describe("stack config of a local stack", () => {
    it("accepts a local stack with only the keys it reads, and needs no aws:region", () => {
        const s = loadSettingsFromConfigMap({ "platform:environment": "local", "platform:local": JSON.stringify({ context: "kind-dev" }), "platform:services": JSON.stringify([worker]) });
        assert.equal(s.environment, "local");
        assert.deepEqual(s.local, { context: "kind-dev", domain: "localtest.me", databaseStorageGi: 1 });
        assert.equal(s.addons.externalSecrets.enabled, false, "AWS-only add-ons are off in the local profile");
    });

    const refused: [string, Record<string, unknown>, string][] = [
        ["an RDS instance class", { database: { instanceClass: "db.t4g.micro" } }, "platform:database.instanceClass: is read only by the AWS environments"],
        ["EKS node groups", { cluster: { nodeGroups: {} } }, "platform:cluster: is read only by the AWS environments"],
        ["an ElastiCache node type", { cache: { nodeType: "cache.t4g.micro" } }, "platform:cache.nodeType: is read only by the AWS environments"],
        ["an Amazon MQ deployment mode", { broker: { deploymentMode: "SINGLE_INSTANCE" } }, "platform:broker.deploymentMode: is read only by the AWS environments"],
        ["the ALB ingress", { ingress: { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x" } }, "platform:ingress: is read only by the AWS environments"],
        ["an AWS-only add-on", { addons: { externalSecrets: { enabled: true } } }, "platform:addons.externalSecrets: is read only by the AWS environments"],
        ["tags", { tags: { team: "a" } }, "platform:tags: is read only by the AWS environments"],
    ];
    for (const [title, raw, expected] of refused) {
        it(`refuses ${title}, naming the key`, () => {
            const found = problems({ environment: "local", ...raw });
            assert.ok(found.some((p) => p.startsWith(expected)), `expected ${expected}\ngot:\n  ${found.join("\n  ")}`);
        });
    }

    it("refuses aws:region in a local stack", () => {
        assert.throws(() => loadSettingsFromConfigMap({ "platform:environment": "local", "aws:region": "us-east-1" }), /aws:region: "us-east-1" is read only by the AWS environments/);
    });

    it("refuses platform:local in an AWS stack, and an empty section (Pulumi.yaml's default) in neither", () => {
        assert.ok(problems({ environment: "dev", local: { context: "kind-dev" } }, "us-east-1").some((p) => p.startsWith("platform:local: is read only by a local stack")));
        assert.deepEqual(environmentKeyIssues({ local: {} }, "dev"), []);
        assert.deepEqual(environmentKeyIssues({ network: {}, tags: {} }, "local"), []);
    });

    it("requires the stores and add-ons a service needs, as on AWS", () => {
        const found = problems({ environment: "local", database: { enabled: false }, addons: { keda: { enabled: false } }, services: [worker] });
        assert.ok(found.includes("platform:database.enabled: false must be true: platform:services[0] (worker) needs it because it uses the database"), found.join("\n"));
        assert.ok(found.includes("platform:addons.keda.enabled: false must be true: platform:services[0] (worker) needs it because it scales on a queue"), found.join("\n"));
    });

    it("refuses a bad context or domain", () => {
        assert.ok(problems({ environment: "local", local: { context: "my context" } }).some((p) => p.startsWith('platform:local.context: "my context" is not a kubeconfig context name')));
        assert.ok(problems({ environment: "local", local: { domain: "localhost" } }).some((p) => p.startsWith('platform:local.domain: "localhost" is not a DNS domain')));
    });
});
