import { strict as assert } from "assert";
import { STATEFUL_TYPES } from "../../../policies/rules/stack";
import { ofType, one, stackRun } from "../../harness";

/** Stateful types the offline program registers (EKS's own cluster appears only as a child in a real preview). */
const STATEFUL = STATEFUL_TYPES.filter((t) => t !== "aws:eks/cluster:Cluster");

describe("secrets", () => {
    for (const [stack, window] of [["dev", 0], ["prod", 30]] as const) {
        it(`${stack}: every secret is encrypted with the secrets CMK, recoverable for ${window} days`, async () => {
            const run = await stackRun(stack);
            const key = one(run, "aws:kms/key:Key", "encryption-secrets").outputs.arn;
            const secrets = ofType(run, "aws:secretsmanager/secret:Secret");
            assert.ok(secrets.length >= 5);
            for (const s of secrets) {
                assert.equal(s.inputs.kmsKeyId, key, s.name);
                assert.equal(s.inputs.recoveryWindowInDays, window, s.name);
            }
        });
    }

    it("creates each service's declared application secrets and its own login to each store it uses under its own prefix", async () => {
        const run = await stackRun("dev");
        const names = ofType(run, "aws:secretsmanager/secret:Secret").map((s) => s.inputs.name).sort();
        assert.deepEqual(names, [
            "platform/dev/broker/admin",
            "platform/dev/platform/grafana-admin",
            "platform/dev/services/api/app/stripe-api-key",
            "platform/dev/services/api/broker",
            "platform/dev/services/api/cache",
            "platform/dev/services/api/database",
            "platform/dev/services/nightly-report/database",
            "platform/dev/services/worker/broker",
            "platform/dev/services/worker/database",
        ]);
        const outputs = run.outputs.serviceSecretArns as Record<string, { app: Record<string, string>; database?: string }>;
        assert.equal(outputs.api.app["stripe-api-key"], one(run, "aws:secretsmanager/secret:Secret", "secrets-api-stripe-api-key-secret").outputs.arn);
        assert.equal(outputs.frontend.database, undefined, "a service that does not use the database gets no credentials");
    });

    it("keeps an application secret's value once people set it in Secrets Manager; infrastructure credentials stay Pulumi's", async () => {
        const run = await stackRun("dev");
        assert.deepEqual(one(run, "aws:secretsmanager/secretVersion:SecretVersion", "secrets-api-stripe-api-key-version").ignoreChanges, ["secretString"]);
        assert.deepEqual(one(run, "aws:secretsmanager/secretVersion:SecretVersion", "secrets-api-cache-version").ignoreChanges, []);
    });

    it("never puts a generated value in plain text into any input or output", async () => {
        for (const stack of ["dev", "prod"]) {
            const run = await stackRun(stack);
            const generated = ofType(run, "random:index/randomPassword:RandomPassword").map((p) => String(p.outputs.result));
            assert.ok(generated.length > 0 && generated.every((g) => g.length >= 32));
            const everything = JSON.stringify([run.resources.filter((r) => r.type !== "random:index/randomPassword:RandomPassword").map((r) => r.inputs), run.outputs]);
            for (const value of generated) {
                assert.ok(!everything.includes(value), `${stack}: a generated secret appears in plain text`);
            }
            for (const version of ofType(run, "aws:secretsmanager/secretVersion:SecretVersion")) {
                assert.equal(version.inputs.secretString, "[secret]");
            }
            assert.equal(run.outputs.kubeconfig, "[secret]");
        }
    });
});

describe("protection", () => {
    it("prod protects every stateful resource; dev protects nothing", async () => {
        const prod = await stackRun("prod");
        for (const type of STATEFUL) {
            const found = ofType(prod, type);
            assert.ok(found.length > 0, type);
            for (const r of found) {
                assert.equal(r.protect, true, `${r.type} ${r.name}`);
            }
        }
        assert.equal(one(prod, "eks:index:Cluster").inputs.deletionProtection, true);
        const dev = await stackRun("dev");
        assert.deepEqual(dev.resources.filter((r) => r.protect).map((r) => r.name), []);
    });

    it("keeps physical names that force replacement fixed per stack", async () => {
        const run = await stackRun("prod");
        assert.equal(one(run, "aws:rds/instance:Instance", "database-primary").inputs.identifier, "platform-prod-postgres");
        assert.equal(one(run, "aws:elasticache/replicationGroup:ReplicationGroup").inputs.replicationGroupId, "platform-prod-cache");
        assert.equal(one(run, "aws:mq/broker:Broker").inputs.brokerName, "platform-prod-rabbitmq");
        assert.equal(one(run, "eks:index:Cluster").inputs.name, "platform-prod");
    });
});

describe("stack outputs", () => {
    it("exports network IDs, the cluster, endpoints and secret ARNs; the kubeconfig only as a secret", async () => {
        const run = await stackRun("prod");
        const vpc = one(run, "awsx:ec2:Vpc").outputs;
        assert.equal(run.outputs.vpcId, vpc.vpcId);
        for (const k of ["publicSubnetIds", "privateSubnetIds", "isolatedSubnetIds"]) {
            assert.deepEqual(run.outputs[k], vpc[k], k);
        }
        assert.equal(run.outputs.clusterName, "platform-prod");
        assert.equal(run.outputs.databaseEndpoint, one(run, "aws:rds/instance:Instance", "database-primary").outputs.address);
        assert.equal(run.outputs.databaseMasterSecretArn, (one(run, "aws:rds/instance:Instance", "database-primary").outputs.masterUserSecrets as { secretArn: string }[])[0].secretArn);
        assert.equal(run.outputs.cacheEndpoint, one(run, "aws:elasticache/replicationGroup:ReplicationGroup").outputs.primaryEndpointAddress);
        assert.match(String(run.outputs.brokerEndpoint), /^amqps:\/\/.+:5671$/);
        assert.equal(run.outputs.brokerCredentialsSecretArn, one(run, "aws:secretsmanager/secret:Secret", "broker-admin-secret").outputs.arn);
        assert.equal(run.outputs.kubeconfig, "[secret]");
    });

    it("tags every AWS resource through the provider's default tags", async () => {
        const run = await stackRun("dev");
        const provider = one(run, "pulumi:providers:aws");
        assert.deepEqual(JSON.parse(String(provider.inputs.defaultTags)).tags, { Project: "platform", Stack: "dev", ManagedBy: "pulumi" });
        const awsResources = run.resources.filter((r) => r.type.startsWith("aws:"));
        assert.ok(awsResources.every((r) => r.provider === provider.urn), "every AWS resource uses the tagged provider");
    });
});
