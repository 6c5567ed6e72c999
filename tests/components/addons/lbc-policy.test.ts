import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ADDONS } from "../../../components/addons";
import { PolicyDocument, PolicyStatement, allows, uncoveredGrants, withinAccount } from "../../../lib/iam";
import { addonFacts } from "./addonFacts";

/**
 * Controller version each chart version ships: `appVersion` in the chart's Chart.yaml (aws/eks-charts
 * `stable/aws-load-balancer-controller/Chart.yaml` at 1.17.1: `appVersion: v2.17.1`). A chart bump fails
 * here until its controller's policy is added to tests/fixtures.
 */
const CONTROLLER_OF_CHART: Record<string, string> = { "1.17.1": "v2.17.1" };

const facts = addonFacts();
const lbc = ADDONS.loadBalancerController;
const platform = (): PolicyStatement[] => lbc.policy?.(facts) ?? [];

function upstream(): PolicyStatement[] {
    const app = CONTROLLER_OF_CHART[lbc.version];
    assert.ok(app, `no controller version on file for chart ${lbc.version}; known: ${Object.keys(CONTROLLER_OF_CHART).join(", ")}`);
    const file = path.join(__dirname, "..", "..", "fixtures", `aws-load-balancer-controller-iam-policy-${app}.json`);
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as PolicyDocument;
    // Upstream leaves region and account open; granted in one stack, it reads as that stack's.
    return withinAccount(doc.Statement, facts);
}

const elb = (p: string) => `arn:aws:elasticloadbalancing:eu-west-1:111122223333:${p}`;
const sg = "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0abc";

describe("Load Balancer Controller IAM policy", () => {
    it("grants everything the pinned controller's upstream policy grants, on the same resources, under no stricter condition", () => {
        assert.deepEqual(uncoveredGrants(upstream(), platform()), []);
    });

    it("grants nothing beyond it: no action, resource or weaker condition upstream does not grant", () => {
        assert.deepEqual(uncoveredGrants(platform(), upstream()), []);
    });

    it("narrows upstream's any-region, any-account ARNs to the stack's own", () => {
        const arns = platform().flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource])).filter((r) => r.startsWith("arn:"));
        assert.ok(arns.length > 0);
        for (const arn of arns) {
            assert.match(arn, /^arn:aws:(ec2|elasticloadbalancing):eu-west-1:111122223333:/, arn);
        }
        assert.ok(!allows(platform(), { action: "elasticloadbalancing:RegisterTargets", resource: "arn:aws:elasticloadbalancing:us-east-1:444455556666:targetgroup/k8s-x/1" }), "another account's target group");
    });

    it("lets the controller tag the listeners and rules it creates", () => {
        const listener = elb("listener/app/k8s-platform-1a2b/50dc6c495c0c9188/f2f7dc8efc522ab2");
        const rule = elb("listener-rule/app/k8s-platform-1a2b/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee");
        for (const resource of [listener, rule]) {
            assert.ok(allows(platform(), { action: "elasticloadbalancing:AddTags", resource, context: { "elasticloadbalancing:CreateAction": "CreateListener", "aws:RequestTag/elbv2.k8s.aws/cluster": "platform-dev" } }), resource);
            assert.ok(allows(platform(), { action: "elasticloadbalancing:RemoveTags", resource }), resource);
        }
    });

    it("changes tags only on security groups and load balancers it owns, and never its ownership tag", () => {
        const own = { "aws:ResourceTag/elbv2.k8s.aws/cluster": "platform-dev" };
        assert.ok(allows(platform(), { action: "ec2:CreateTags", resource: sg, context: own }));
        assert.ok(!allows(platform(), { action: "ec2:DeleteTags", resource: sg }), "a security group it does not own");
        assert.ok(!allows(platform(), { action: "ec2:CreateTags", resource: sg, context: { "aws:RequestTag/elbv2.k8s.aws/cluster": "platform-dev" } }), "claiming someone else's group");
        assert.ok(!allows(platform(), { action: "ec2:CreateTags", resource: "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc", context: own }), "only security groups");
        const lb = elb("loadbalancer/app/k8s-platform-1a2b/50dc6c495c0c9188");
        assert.ok(!allows(platform(), { action: "elasticloadbalancing:RemoveTags", resource: lb, context: { ...own, "aws:RequestTag/elbv2.k8s.aws/cluster": "other" } }), "rewriting the owner tag");
        assert.ok(allows(platform(), { action: "elasticloadbalancing:AddTags", resource: lb, context: { "elasticloadbalancing:CreateAction": "CreateLoadBalancer", "aws:RequestTag/elbv2.k8s.aws/cluster": "platform-dev" } }));
    });
});
