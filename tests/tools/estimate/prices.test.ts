import { strict as assert } from "assert";
import { BROKER_INSTANCE_TYPES, CACHE_NODE_TYPES, CI_COMPUTE_TYPES, DB_INSTANCE_CLASSES, NODE_INSTANCE_TYPES } from "../../../config/catalog";
import { AMAZON_MQ_HOURLY, CODEBUILD_PER_MINUTE, EC2_HOURLY, ELASTICACHE_REDIS_HOURLY, PRICES, Price, RDS_POSTGRES_HOURLY } from "../../../tools/estimate/prices";

const catalogs: [string, readonly string[], Readonly<Record<string, Price>>][] = [
    ["NODE_INSTANCE_TYPES", Object.keys(NODE_INSTANCE_TYPES), EC2_HOURLY],
    ["DB_INSTANCE_CLASSES", DB_INSTANCE_CLASSES, RDS_POSTGRES_HOURLY],
    ["CACHE_NODE_TYPES", CACHE_NODE_TYPES, ELASTICACHE_REDIS_HOURLY],
    ["BROKER_INSTANCE_TYPES", BROKER_INSTANCE_TYPES, AMAZON_MQ_HOURLY],
    ["CI_COMPUTE_TYPES", CI_COMPUTE_TYPES, CODEBUILD_PER_MINUTE],
];

describe("estimate: price table", () => {
    for (const [name, allowed, table] of catalogs) {
        it(`prices every value config/catalog.ts ${name} allows`, () => {
            const missing = allowed.filter((t) => table[t] === undefined);
            assert.deepEqual(missing, [], `no price for ${missing.join(", ")}`);
            assert.ok(allowed.length > 0);
        });
    }

    it("gives every figure a positive price, a unit and a source", () => {
        const all: [string, Price][] = [
            ...catalogs.flatMap(([, , table]) => Object.entries(table)),
            ...Object.entries(PRICES),
        ];
        for (const [key, p] of all) {
            assert.ok(p.usd > 0, `${key}: price`);
            assert.ok(p.unit.length > 0, `${key}: unit`);
            assert.ok(p.source.trim().length > 0, `${key}: source`);
        }
    });

    it("marks the figures the sources disagree on, and the derived ones, as estimates", () => {
        const weak = [RDS_POSTGRES_HOURLY["db.r6g.large"], RDS_POSTGRES_HOURLY["db.r7g.large"], AMAZON_MQ_HOURLY["mq.m7g.large"], AMAZON_MQ_HOURLY["mq.t3.micro"], AMAZON_MQ_HOURLY["mq.m7g.medium"]];
        assert.ok(weak.every((p) => p.estimate === true));
        assert.equal(EC2_HOURLY["m7g.large"].estimate, false);
        assert.equal(RDS_POSTGRES_HOURLY["db.m7g.large"].estimate, false);
    });

    it("orders sizes within a family by price, as AWS does", () => {
        const ascending = (table: Readonly<Record<string, Price>>, keys: string[]) =>
            keys.every((k, i) => i === 0 || table[keys[i - 1]].usd < table[k].usd);
        assert.ok(ascending(EC2_HOURLY, ["t4g.medium", "t4g.large"]));
        assert.ok(ascending(EC2_HOURLY, ["t3.medium", "t3.large"]));
        assert.ok(ascending(RDS_POSTGRES_HOURLY, ["db.t4g.micro", "db.t4g.small", "db.t4g.medium", "db.m7g.large"]));
        assert.ok(ascending(ELASTICACHE_REDIS_HOURLY, ["cache.t4g.micro", "cache.t4g.small", "cache.m7g.large", "cache.r7g.large"]));
        assert.ok(ascending(AMAZON_MQ_HOURLY, ["mq.t3.micro", "mq.m7g.medium", "mq.m7g.large"]));
        assert.ok(ascending(CODEBUILD_PER_MINUTE, [...CI_COMPUTE_TYPES]));
    });
});
