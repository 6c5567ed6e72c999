import { strict as assert } from "assert";
import { ProgramRun } from "../../../offline/run";
import { ofType, one, stackRun, variantRun } from "../../harness";

type Rule = { protocol: string; fromPort: number; toPort: number; securityGroups?: string[]; cidrBlocks?: string[] };

/** The security group's ingress as [from, to, sources] triples. */
function ingress(run: ProgramRun, name: string): [number, number, string[]][] {
    return (one(run, "aws:ec2/securityGroup:SecurityGroup", name).inputs.ingress as Rule[]).map((r) => [r.fromPort, r.toPort, [...(r.securityGroups ?? []), ...(r.cidrBlocks ?? [])]]);
}

const workloadSg = (run: ProgramRun) => one(run, "aws:ec2/securityGroup:SecurityGroup", "network-workloads").id;
const vpcOut = (run: ProgramRun, key: string) => one(run, "awsx:ec2:Vpc").outputs[key];
const keyArn = (run: ProgramRun, purpose: string) => one(run, "aws:kms/key:Key", `encryption-${purpose}`).outputs.arn;

describe("database", () => {
    it("lives in isolated subnets and admits only the cluster's workloads on 5432", async () => {
        const run = await stackRun("dev");
        assert.deepEqual(one(run, "aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds, vpcOut(run, "isolatedSubnetIds"));
        assert.deepEqual(ingress(run, "database-sg"), [[5432, 5432, [workloadSg(run)]]]);
        const db = one(run, "aws:rds/instance:Instance", "database-primary");
        assert.equal(db.inputs.publiclyAccessible, false);
        assert.equal(db.inputs.dbSubnetGroupName, one(run, "aws:rds/subnetGroup:SubnetGroup").outputs.name);
    });

    it("encrypts storage with its CMK and lets RDS keep the master password in Secrets Manager", async () => {
        const run = await stackRun("dev");
        const db = one(run, "aws:rds/instance:Instance", "database-primary");
        assert.equal(db.inputs.storageEncrypted, true);
        assert.equal(db.inputs.kmsKeyId, keyArn(run, "database"));
        assert.equal(db.inputs.manageMasterUserPassword, true);
        assert.equal(db.inputs.masterUserSecretKmsKeyId, keyArn(run, "secrets"));
        assert.equal(db.inputs.password, undefined, "no password in config or state");
        assert.equal(db.inputs.username, "platform_admin");
        assert.equal(db.inputs.autoMinorVersionUpgrade, true);
        assert.equal(db.inputs.copyTagsToSnapshot, true);
        assert.equal(db.inputs.skipFinalSnapshot, false);
        const suffix = one(run, "random:index/randomId:RandomId", "database-final-snapshot");
        assert.equal(db.inputs.finalSnapshotIdentifier, `platform-dev-postgres-final-${suffix.outputs.hex}`);
    });

    it("forces TLS through its parameter group", async () => {
        const run = await stackRun("dev");
        const pg = one(run, "aws:rds/parameterGroup:ParameterGroup");
        assert.equal(pg.inputs.family, "postgres17");
        assert.ok((pg.inputs.parameters as { name: string; value: string }[]).some((p) => p.name === "rds.force_ssl" && p.value === "1"));
        assert.equal(one(run, "aws:rds/instance:Instance", "database-primary").inputs.parameterGroupName, pg.outputs.name);
    });

    it("dev: single-AZ, short backups, no replica; prod: Multi-AZ, 14-day backups, protections, insights, logs, one replica", async () => {
        const dev = await stackRun("dev");
        const d = one(dev, "aws:rds/instance:Instance", "database-primary").inputs;
        assert.deepEqual([d.multiAz, d.backupRetentionPeriod, d.deletionProtection, d.performanceInsightsEnabled, d.instanceClass], [false, 1, false, false, "db.t4g.micro"]);
        assert.deepEqual(d.enabledCloudwatchLogsExports, []);
        assert.equal(ofType(dev, "aws:rds/instance:Instance").length, 1);

        const prod = await stackRun("prod");
        const primary = one(prod, "aws:rds/instance:Instance", "database-primary");
        const p = primary.inputs;
        assert.deepEqual([p.multiAz, p.backupRetentionPeriod, p.deletionProtection, p.performanceInsightsEnabled, p.instanceClass], [true, 14, true, true, "db.m7g.large"]);
        assert.equal(p.performanceInsightsKmsKeyId, keyArn(prod, "database"));
        assert.deepEqual(p.enabledCloudwatchLogsExports, ["postgresql", "upgrade"]);
        const replica = one(prod, "aws:rds/instance:Instance", "database-replica-1");
        assert.equal(replica.inputs.replicateSourceDb, primary.outputs.identifier);
        assert.equal(replica.inputs.publiclyAccessible, false);
        assert.equal(replica.inputs.kmsKeyId, keyArn(prod, "database"));
        assert.equal(replica.inputs.autoMinorVersionUpgrade, true);
    });

    it("points the reader endpoint at the replica in prod and at the primary in dev", async () => {
        const prod = await stackRun("prod");
        assert.equal(prod.outputs.databaseReaderEndpoint, one(prod, "aws:rds/instance:Instance", "database-replica-1").outputs.address);
        const dev = await stackRun("dev");
        assert.equal(dev.outputs.databaseReaderEndpoint, dev.outputs.databaseEndpoint);
    });
});

describe("cache", () => {
    it("lives in isolated subnets and admits only the cluster's workloads on 6379", async () => {
        const run = await stackRun("dev");
        assert.deepEqual(one(run, "aws:elasticache/subnetGroup:SubnetGroup").inputs.subnetIds, vpcOut(run, "isolatedSubnetIds"));
        assert.deepEqual(ingress(run, "cache-sg"), [[6379, 6379, [workloadSg(run)]]]);
    });

    it("is Valkey, encrypted at rest with its CMK and in transit, with one user per service and the default user off", async () => {
        const run = await stackRun("dev");
        const g = one(run, "aws:elasticache/replicationGroup:ReplicationGroup").inputs;
        assert.equal(g.engine, "valkey");
        assert.equal(g.atRestEncryptionEnabled, true);
        assert.equal(g.kmsKeyId, keyArn(run, "cache"));
        assert.equal(g.transitEncryptionEnabled, true);
        assert.equal(g.authToken, undefined, "no shared AUTH token");
        assert.equal(g.autoMinorVersionUpgrade, true);
        assert.equal(g.subnetGroupName, one(run, "aws:elasticache/subnetGroup:SubnetGroup").outputs.name);
        const group = one(run, "aws:elasticache/userGroup:UserGroup").inputs;
        assert.deepEqual(g.userGroupIds, [group.userGroupId]);
        const users = ofType(run, "aws:elasticache/user:User").map((u) => u.inputs);
        assert.deepEqual((group.userIds as string[]).slice().sort(), users.map((u) => u.userId).sort());
        assert.deepEqual(
            users.map((u) => [u.userId, u.userName, u.accessString, u.engine]),
            [
                ["platform-dev-cache-default-off", "default", "off -@all", "valkey"],
                ["platform-dev-cache-api", "api", "on ~api:* &api:* +@all -@dangerous", "valkey"],
            ],
        );
        assert.ok(users.every((u) => u.passwords === "[secret]"), "passwords are secret");
    });

    it("dev: one node, no failover, no snapshots; prod: a replica, failover, Multi-AZ, 7 days of snapshots", async () => {
        const d = one(await stackRun("dev"), "aws:elasticache/replicationGroup:ReplicationGroup").inputs;
        assert.deepEqual([d.numCacheClusters, d.automaticFailoverEnabled, d.multiAzEnabled, d.snapshotRetentionLimit, d.finalSnapshotIdentifier], [1, false, false, 0, undefined]);
        const prod = await stackRun("prod");
        const p = one(prod, "aws:elasticache/replicationGroup:ReplicationGroup").inputs;
        const suffix = one(prod, "random:index/randomId:RandomId", "cache-final-snapshot").outputs.hex;
        assert.deepEqual([p.numCacheClusters, p.automaticFailoverEnabled, p.multiAzEnabled, p.snapshotRetentionLimit, p.finalSnapshotIdentifier], [2, true, true, 7, `platform-prod-cache-final-${suffix}`]);
    });

    it("shards in cluster mode when asked", async () => {
        const run = await variantRun("prod", { "platform:cache": { clusterMode: true, shards: 3, replicasPerShard: 2 } });
        const g = one(run, "aws:elasticache/replicationGroup:ReplicationGroup");
        assert.deepEqual([g.inputs.clusterMode, g.inputs.numNodeGroups, g.inputs.replicasPerNodeGroup, g.inputs.numCacheClusters], ["enabled", 3, 2, undefined]);
        assert.equal(g.inputs.parameterGroupName, "default.valkey8.cluster.on");
        assert.equal(run.outputs.cacheEndpoint, g.outputs.configurationEndpointAddress);
    });
});

describe("broker", () => {
    it("is never public and admits only the cluster's workloads, on AMQPS and the console", async () => {
        const run = await stackRun("dev");
        const b = one(run, "aws:mq/broker:Broker").inputs;
        assert.equal(b.publiclyAccessible, false);
        assert.deepEqual(b.subnetIds, [(vpcOut(run, "privateSubnetIds") as string[])[0]], "a single instance sits in one private subnet");
        assert.deepEqual(ingress(run, "broker-sg"), [[5671, 5671, [workloadSg(run)]], [443, 443, [workloadSg(run)]]]);
        assert.equal(b.autoMinorVersionUpgrade, true);
        assert.deepEqual(b.logs, { general: true });
    });

    it("keeps generated admin credentials in Secrets Manager", async () => {
        const run = await stackRun("dev");
        const users = one(run, "aws:mq/broker:Broker").inputs.users as { username: string; password: string }[];
        assert.deepEqual(users, [{ username: "platform_admin", password: "[secret]" }]);
        assert.equal(one(run, "aws:secretsmanager/secret:Secret", "broker-admin-secret").inputs.name, "platform/dev/broker/admin");
    });

    it("dev: one mq.t3.micro on RabbitMQ 3.13; prod: a three-node cluster on RabbitMQ 4.2 across the private subnets", async () => {
        const d = one(await stackRun("dev"), "aws:mq/broker:Broker").inputs;
        assert.deepEqual([d.deploymentMode, d.hostInstanceType, d.engineVersion, d.engineType], ["SINGLE_INSTANCE", "mq.t3.micro", "3.13", "RabbitMQ"]);
        const prod = await stackRun("prod");
        const p = one(prod, "aws:mq/broker:Broker").inputs;
        assert.deepEqual([p.deploymentMode, p.hostInstanceType, p.engineVersion], ["CLUSTER_MULTI_AZ", "mq.m7g.large", "4.2"]);
        assert.deepEqual(p.subnetIds, vpcOut(prod, "privateSubnetIds"));
    });
});

describe("data stores and the cluster", () => {
    it("do not wait for the EKS control plane: they admit a security group that exists before it", async () => {
        const run = await stackRun("prod");
        const eks = one(run, "eks:index:Cluster");
        for (const [type, name] of [
            ["aws:rds/instance:Instance", "database-primary"],
            ["aws:elasticache/replicationGroup:ReplicationGroup", "cache-group"],
            ["aws:mq/broker:Broker", "broker-broker"],
            ["aws:ec2/securityGroup:SecurityGroup", "database-sg"],
        ]) {
            assert.ok(!one(run, type, name).dependencies.includes(eks.urn), `${name} must not depend on the cluster`);
        }
    });
});
