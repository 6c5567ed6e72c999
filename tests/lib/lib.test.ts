import { strict as assert } from "assert";
import { contains, formatCidr, isCidr, isOpenToWorld, isPrivate, overlaps, parseCidr, subnetLayout, subnetPrefixes } from "../../lib/cidr";
import { irsaTrustPolicy, issuerHost, wildcardProblems } from "../../lib/iam";
import { deepMerge } from "../../lib/merge";
import { secretPrefix, stackPrefix } from "../../lib/naming";

const c = (t: string) => {
    const p = parseCidr(t);
    assert.ok(p, `${t} should parse`);
    return p;
};

describe("lib/cidr", () => {
    it("parses well-formed blocks and rejects the rest", () => {
        assert.deepEqual(parseCidr("10.0.0.0/16"), { network: 0x0a000000, prefix: 16 });
        for (const bad of ["10.0.0.0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0.1/24", "a.b.c.d/8", "10.0.0.0/-1"]) {
            assert.equal(isCidr(bad), false, bad);
        }
        assert.equal(formatCidr(c("192.168.4.0/22")), "192.168.4.0/22");
    });
    it("detects overlap and containment", () => {
        assert.equal(overlaps(c("10.0.0.0/16"), c("10.0.255.0/24")), true);
        assert.equal(overlaps(c("10.0.0.0/16"), c("10.1.0.0/16")), false);
        assert.equal(contains(c("10.0.0.0/8"), c("10.20.0.0/16")), true);
        assert.equal(contains(c("10.20.0.0/16"), c("10.0.0.0/8")), false);
    });
    it("knows the private ranges and the open internet", () => {
        assert.equal(isPrivate(c("172.20.0.0/16")), true);
        assert.equal(isPrivate(c("172.32.0.0/16")), false);
        assert.equal(isPrivate(c("192.169.0.0/16")), false);
        assert.equal(isOpenToWorld("0.0.0.0/0"), true);
        assert.equal(isOpenToWorld("10.0.0.0/8"), false);
    });
    it("sizes subnets so that three zones fit in the VPC", () => {
        for (const prefix of [16, 18, 20]) {
            const p = subnetPrefixes(prefix);
            const used = 3 * (2 ** -(p.public - prefix) + 2 ** -(p.private - prefix) + 2 ** -(p.isolated - prefix));
            assert.ok(used <= 1, `a /${prefix} VPC uses ${used} of its space`);
        }
        assert.deepEqual(subnetPrefixes(16), { public: 22, private: 19, isolated: 22 });
    });
    it("lays out non-overlapping subnets inside the VPC, stable as zones are added", () => {
        for (const vpc of ["10.0.0.0/16", "172.16.0.0/18", "192.168.0.0/20"]) {
            const three = subnetLayout(vpc, 3);
            const all = [...three.public, ...three.private, ...three.isolated].map(c);
            for (const [i, a] of all.entries()) {
                assert.ok(contains(c(vpc), a), `${formatCidr(a)} lies in ${vpc}`);
                all.slice(i + 1).forEach((b) => assert.ok(!overlaps(a, b), `${formatCidr(a)} and ${formatCidr(b)} overlap`));
            }
            const two = subnetLayout(vpc, 2);
            assert.deepEqual(two.private, three.private.slice(0, 2));
            assert.deepEqual(two.isolated, three.isolated.slice(0, 2));
        }
        assert.deepEqual(subnetLayout("10.0.0.0/16", 3).isolated, ["10.0.108.0/22", "10.0.112.0/22", "10.0.116.0/22"]);
        assert.throws(() => subnetLayout("10.0.0.0/16", 4), /zones must be 1 to 3/);
    });
});

describe("lib/iam", () => {
    it("pins both sub and aud in IRSA trust policies", () => {
        const doc = irsaTrustPolicy("arn:aws:iam::1:oidc-provider/oidc.eks.x/id/ABC", "oidc.eks.x/id/ABC", "ns", "sa");
        const s = doc.Statement[0];
        assert.equal(s.Action, "sts:AssumeRoleWithWebIdentity");
        assert.deepEqual(s.Principal, { Federated: "arn:aws:iam::1:oidc-provider/oidc.eks.x/id/ABC" });
        assert.deepEqual(s.Condition, {
            StringEquals: { "oidc.eks.x/id/ABC:sub": "system:serviceaccount:ns:sa", "oidc.eks.x/id/ABC:aud": "sts.amazonaws.com" },
        });
    });
    it("strips the scheme from issuer URLs", () => {
        assert.equal(issuerHost("https://oidc.eks.us-east-1.amazonaws.com/id/X"), "oidc.eks.us-east-1.amazonaws.com/id/X");
    });
    it("flags wildcard actions and passes exact ones", () => {
        assert.deepEqual(wildcardProblems([{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: "arn:x" }]), []);
        assert.equal(wildcardProblems([{ Effect: "Allow", Action: "*", Resource: "*" }]).length, 1);
        assert.equal(wildcardProblems([{ Sid: "s3", Effect: "Allow", Action: ["s3:*"], Resource: "arn:x" }])[0], 'statement s3 allows every action of "s3:*"');
        assert.deepEqual(wildcardProblems([{ Effect: "Deny", Action: "*", Resource: "*" }]), [], "a deny of everything is fine");
    });
});

describe("lib/merge", () => {
    it("merges objects deeply and replaces everything else", () => {
        const base = { a: { b: 1, c: [1, 2] }, d: true };
        assert.deepEqual(deepMerge(base, { a: { c: [3] }, d: false }), { a: { b: 1, c: [3] }, d: false });
        assert.deepEqual(deepMerge(base, { a: "text" }), { a: "text", d: true });
        assert.deepEqual(base, { a: { b: 1, c: [1, 2] }, d: true }, "inputs are not modified");
    });
});

describe("lib/naming", () => {
    it("derives stable names from project and stack only", () => {
        assert.equal(stackPrefix("platform", "dev"), "platform-dev");
        assert.equal(stackPrefix("Platform", "team_a"), "platform-team-a");
        assert.equal(secretPrefix("platform", "prod"), "platform/prod");
    });
});
