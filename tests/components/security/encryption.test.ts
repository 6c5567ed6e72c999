import { strict as assert } from "assert";
import { KEY_PURPOSES } from "../../../components/security/encryption";
import { json, ofType, one, stackRun } from "../../harness";

describe("encryption", () => {
    for (const [stack, window] of [["dev", 7], ["prod", 30]] as const) {
        it(`${stack}: one rotating customer-managed key per purpose, ${window}-day deletion window`, async () => {
            const run = await stackRun(stack);
            const keys = ofType(run, "aws:kms/key:Key");
            assert.deepEqual(keys.map((k) => k.name).sort(), KEY_PURPOSES.map((p) => `encryption-${p}`).sort());
            for (const key of keys) {
                assert.equal(key.inputs.enableKeyRotation, true, key.name);
                assert.equal(key.inputs.deletionWindowInDays, window, key.name);
            }
            const aliases = ofType(run, "aws:kms/alias:Alias").map((a) => a.inputs.name).sort();
            assert.deepEqual(aliases, KEY_PURPOSES.map((p) => `alias/platform-${stack}-${p}`).sort());
        });
    }

    it("lets CloudWatch Logs use the logs key, for this account's log groups only", async () => {
        const run = await stackRun("dev");
        const policy = json<{ Statement: { Sid: string; Principal: unknown; Condition?: unknown }[] }>(one(run, "aws:kms/key:Key", "encryption-logs").inputs.policy);
        const logs = policy.Statement.find((s) => s.Sid === "CloudWatchLogsUse");
        assert.deepEqual(logs?.Principal, { Service: "logs.us-east-1.amazonaws.com" });
        assert.deepEqual(logs?.Condition, { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*" } });
        const other = json<{ Statement: { Sid: string }[] }>(one(run, "aws:kms/key:Key", "encryption-database").inputs.policy);
        assert.deepEqual(other.Statement.map((s) => s.Sid), ["AccountAdministersThroughIam"], "only the logs key admits a service principal");
    });
});
