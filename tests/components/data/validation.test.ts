import { strict as assert } from "assert";
import { brokerProblems, cacheProblems, databaseProblems } from "../../../components/data/validation";
import { ArgProblem, rejectProblems } from "../../../lib/validation";

/** Each rule: arguments, then the problem it finds (undefined for none), named as a component names its arguments. */
const CASES: [string, () => ArgProblem[], ArgProblem | undefined][] = [
    ["replica with backups", () => databaseProblems({ readReplicas: 1, backupRetentionDays: 1 }), undefined],
    ["no replica, no backups", () => databaseProblems({ readReplicas: 0, backupRetentionDays: 0 }), undefined],
    [
        "replica without backups",
        () => databaseProblems({ readReplicas: 2, backupRetentionDays: 0 }),
        { key: "backupRetentionDays", value: 0, message: "must be at least 1 when readReplicas is set: RDS replicas need backups" },
    ],
    ["one shard without cluster mode", () => cacheProblems({ clusterMode: false, shards: 1 }), undefined],
    ["shards in cluster mode", () => cacheProblems({ clusterMode: true, shards: 3 }), undefined],
    ["shards without cluster mode", () => cacheProblems({ clusterMode: false, shards: 3 }), { key: "shards", value: 3, message: "needs clusterMode true; without cluster mode there is one shard" }],
    ["single t3 broker", () => brokerProblems({ deploymentMode: "SINGLE_INSTANCE", instanceType: "mq.t3.micro" }), undefined],
    ["clustered m7g broker", () => brokerProblems({ deploymentMode: "CLUSTER_MULTI_AZ", instanceType: "mq.m7g.large" }), undefined],
    [
        "clustered t3 broker",
        () => brokerProblems({ deploymentMode: "CLUSTER_MULTI_AZ", instanceType: "mq.t3.micro" }),
        { key: "instanceType", value: "mq.t3.micro", message: "cannot form a cluster; CLUSTER_MULTI_AZ needs mq.m5 or mq.m7g" },
    ],
];

describe("data store argument rules", () => {
    for (const [title, run, expected] of CASES) {
        it(title, () => assert.deepEqual(run(), expected ? [expected] : []));
    }

    it("name the other key as the caller asks (the config loader passes its full path)", () => {
        const [p] = cacheProblems({ clusterMode: false, shards: 2 }, (key) => `platform:cache.${key}`);
        assert.equal(p.message, "needs platform:cache.clusterMode true; without cluster mode there is one shard");
    });

    it("stop a component before it creates anything, naming it, the argument and the value", () => {
        assert.throws(() => rejectProblems("Cache cache", cacheProblems({ clusterMode: false, shards: 2 })), {
            message: "Cache cache: shards 2 needs clusterMode true; without cluster mode there is one shard",
        });
        assert.doesNotThrow(() => rejectProblems("Cache cache", []));
    });
});
