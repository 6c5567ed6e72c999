import { strict as assert } from "assert";
import { PolicyStatement, allows, conditionImplies, patternCovers, uncoveredGrants, wildcardMatches, withinAccount } from "../../lib/iam";

describe("lib/iam: comparing policies", () => {
    it("tells when one wildcard pattern covers another", () => {
        const cases: [outer: string, inner: string, covers: boolean][] = [
            ["*", "*", true],
            ["*", "arn:aws:ec2:eu-west-1:1:security-group/*", true],
            ["arn:aws:ec2:eu-west-1:1:security-group/*", "*", false],
            ["arn:aws:ec2:*:*:security-group/*", "arn:aws:ec2:eu-west-1:1:security-group/*", true],
            ["arn:aws:ec2:eu-west-1:1:security-group/*", "arn:aws:ec2:*:*:security-group/*", false],
            ["arn:aws:elasticloadbalancing:r:1:listener/app/*/*/*", "arn:aws:elasticloadbalancing:r:1:listener/app/a/b/c", true],
            ["arn:aws:elasticloadbalancing:r:1:listener/app/*/*/*", "arn:aws:elasticloadbalancing:r:1:listener/net/a/b/c", false],
            ["a?c", "abc", true],
            ["a?c", "a?c", true],
            ["abc", "a?c", false],
            ["a?c", "a*c", false],
            ["a*", "a*b*", true],
            ["a*b", "a*", false],
        ];
        for (const [outer, inner, covers] of cases) {
            assert.equal(patternCovers(outer, inner), covers, `${outer} ⊇ ${inner}`);
        }
        assert.ok(patternCovers("EC2:describe*", "ec2:DescribeVpcs", true), "actions compare without case");
        assert.ok(!patternCovers("EC2:describe*", "ec2:DescribeVpcs"), "resources with case");
    });

    it("matches concrete strings against wildcard patterns", () => {
        assert.ok(wildcardMatches("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b.txt"));
        assert.ok(!wildcardMatches("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucketx/a"));
        assert.ok(wildcardMatches("a.b?", "a.bc") && !wildcardMatches("a.b?", "axbc"), "dots are literal");
        assert.ok(wildcardMatches("ELASTICLOADBALANCING:AddTags", "elasticloadbalancing:addtags", true));
    });

    it("orders conditions by strictness", () => {
        const tagged = { Null: { "aws:ResourceTag/owner": "false" } };
        const taggedAndKept = { Null: { "aws:ResourceTag/owner": "false", "aws:RequestTag/owner": "true" } };
        const onCreate = (...actions: string[]) => ({ StringEquals: { "ec2:CreateAction": actions } });
        const cases: [stronger: PolicyStatement["Condition"], weaker: PolicyStatement["Condition"], implies: boolean][] = [
            [undefined, undefined, true],
            [tagged, undefined, true],
            [undefined, tagged, false],
            [taggedAndKept, tagged, true],
            [tagged, taggedAndKept, false],
            [{ Null: { "aws:resourcetag/OWNER": "false" } }, tagged, true],
            [{ Null: { "aws:ResourceTag/owner": "true" } }, tagged, false],
            [onCreate("A"), onCreate("A", "B"), true],
            [onCreate("A", "B"), onCreate("A"), false],
            [{ StringLike: { "ec2:CreateAction": "A" } }, onCreate("A"), false],
        ];
        for (const [stronger, weaker, implies] of cases) {
            assert.equal(conditionImplies(stronger, weaker), implies, `${JSON.stringify(stronger)} ⇒ ${JSON.stringify(weaker)}`);
        }
    });

    it("lists the grants a policy lacks, per action and resource, with their condition", () => {
        const required: PolicyStatement[] = [
            { Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: "arn:aws:ec2:r:1:security-group/*", Condition: { Null: { "aws:ResourceTag/o": "false" } } },
            { Effect: "Allow", Action: "ec2:DescribeVpcs", Resource: "*" },
        ];
        const granted: PolicyStatement[] = [
            { Effect: "Allow", Action: "ec2:CreateTags", Resource: "arn:aws:ec2:r:1:security-group/*" },
            { Effect: "Allow", Action: "ec2:DeleteTags", Resource: "arn:aws:ec2:r:1:security-group/*", Condition: { Null: { "aws:ResourceTag/o": "false", "aws:RequestTag/o": "true" } } },
            { Effect: "Allow", Action: "ec2:Describe*", Resource: "*" },
        ];
        assert.deepEqual(uncoveredGrants(required, granted), [`ec2:DeleteTags on arn:aws:ec2:r:1:security-group/* when {"Null":{"aws:ResourceTag/o":"false"}}`], "granted only under a stricter condition");
        assert.deepEqual(uncoveredGrants(granted, required), ["ec2:CreateTags on arn:aws:ec2:r:1:security-group/*", "ec2:Describe* on *"], "wider: no condition, and a wildcard action");
        assert.throws(() => uncoveredGrants([{ Effect: "Deny", Action: "a:b", Resource: "*" }], granted), /Deny/);
    });

    it("pins a policy's open regions and accounts to one stack's", () => {
        const pinned = withinAccount(
            [{ Effect: "Allow", Action: "a:b", Resource: ["arn:aws:ec2:*:*:security-group/*", "arn:aws:iam::*:role/x", "arn:aws:s3:::bucket", "*", "arn:aws:logs:us-east-1:*:log-group:x"] }],
            { partition: "aws-cn", region: "cn-north-1", accountId: "1" },
        );
        assert.deepEqual(pinned[0].Resource, ["arn:aws-cn:ec2:cn-north-1:1:security-group/*", "arn:aws-cn:iam::1:role/x", "arn:aws-cn:s3:::bucket", "*", "arn:aws-cn:logs:us-east-1:1:log-group:x"]);
    });

    it("evaluates a request: some Allow matches in full, no Deny matches", () => {
        const policy: PolicyStatement[] = [
            { Effect: "Allow", Action: "elasticloadbalancing:AddTags", Resource: "arn:aws:elasticloadbalancing:r:1:loadbalancer/app/*/*", Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateLoadBalancer"] }, Null: { "aws:RequestTag/o": "false" } } },
            { Effect: "Deny", Action: "elasticloadbalancing:AddTags", Resource: "arn:aws:elasticloadbalancing:r:1:loadbalancer/app/blocked/*" },
        ];
        const lb = "arn:aws:elasticloadbalancing:r:1:loadbalancer/app/web/123";
        const create = { "elasticloadbalancing:CreateAction": "CreateLoadBalancer", "aws:RequestTag/o": "x" };
        assert.ok(allows(policy, { action: "elasticloadbalancing:AddTags", resource: lb, context: create }));
        assert.ok(!allows(policy, { action: "elasticloadbalancing:AddTags", resource: lb, context: { "aws:RequestTag/o": "x" } }), "not on create");
        assert.ok(!allows(policy, { action: "elasticloadbalancing:AddTags", resource: lb, context: { "elasticloadbalancing:CreateAction": "CreateLoadBalancer" } }), "without the tag");
        assert.ok(!allows(policy, { action: "elasticloadbalancing:RemoveTags", resource: lb, context: create }), "another action");
        assert.ok(!allows(policy, { action: "elasticloadbalancing:AddTags", resource: "arn:aws:elasticloadbalancing:r:1:loadbalancer/app/blocked/1", context: create }), "denied");
        assert.throws(() => allows([{ Effect: "Allow", Action: "a:b", Resource: "*", Condition: { NumericLessThan: { k: "1" } } }], { action: "a:b", resource: "x" }), /NumericLessThan is not modelled/);
    });
});
