import { strict as assert } from "assert";
import * as path from "path";
import { ProgramRun } from "../../../offline/run";
import { readStackConfig } from "../../../offline/stackConfig";
import { CostEstimate, estimateCost } from "../../../tools/estimate/cost";
import { estimateDeploy, whyWaits } from "../../../tools/estimate/deploy";
import { EC2_HOURLY, HOURS_PER_MONTH, SPOT_DISCOUNT } from "../../../tools/estimate/prices";
import { ROOT, ofType, one, stackRun } from "../../harness";

/** The monthly budget a stack file sets (`platform:budget`). */
function budget(stack: string): number {
    return Number(readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`)).config["platform:budget"]);
}

function componentTotal(e: CostEstimate, component: string): number {
    return e.items.filter((i) => i.component === component).reduce((s, i) => s + i.monthlyUsd, 0);
}

/** Node-group instance cost recomputed from the recorded inputs and the table, independently of the pricer. */
function expectedNodeCost(run: ProgramRun): number {
    return ofType(run, "aws:eks/nodeGroup:NodeGroup").reduce((sum, ng) => {
        const types = ng.inputs.instanceTypes as string[];
        const desired = (ng.inputs.scalingConfig as { desiredSize: number }).desiredSize;
        if (ng.inputs.capacityType === "SPOT") {
            const dearest = Math.max(...types.map((t) => EC2_HOURLY[t].usd));
            return sum + desired * dearest * (1 - SPOT_DISCOUNT.value) * HOURS_PER_MONTH;
        }
        return sum + desired * EC2_HOURLY[types[0]].usd * HOURS_PER_MONTH;
    }, 0);
}

const COMPONENTS = ["network", "cluster", "database", "cache", "broker", "encryption"];

describe("estimate: the shipped stacks", () => {
    for (const stack of ["dev", "prod"]) {
        describe(stack, () => {
            it("costs something in every component that bills, within the stack's budget, with nothing unpriced", async () => {
                const run = await stackRun(stack);
                const e = estimateCost(run);
                for (const c of COMPONENTS) {
                    assert.ok(e.items.some((i) => i.component === c && i.monthlyUsd > 0), `no cost for ${c}`);
                }
                assert.ok(e.items.some((i) => i.component.startsWith("secrets-")), "service secrets");
                assert.deepEqual(e.warnings, []);
                assert.ok(e.monthlyUsd > 100, `total $${e.monthlyUsd} is implausibly low`);
                assert.ok(e.monthlyUsd <= budget(stack), `total $${e.monthlyUsd} exceeds the budget of $${budget(stack)}`);
                assert.ok(e.items.every((i) => i.basis.length > 0 && Number.isFinite(i.monthlyUsd)));
            });

            it("prices the node groups from their recorded sizes and types", async () => {
                const run = await stackRun(stack);
                const e = estimateCost(run);
                const nodes = e.items.filter((i) => i.type === "aws:eks/nodeGroup:NodeGroup" && !i.resource.endsWith("root volumes"));
                const priced = nodes.reduce((s, i) => s + i.monthlyUsd, 0);
                assert.ok(Math.abs(priced - expectedNodeCost(run)) < 0.01 * nodes.length, `$${priced} vs $${expectedNodeCost(run)}`);
            });

            it("has a critical path from a resource that starts at once to the last finish", async () => {
                const run = await stackRun(stack);
                const d = estimateDeploy(run);
                assert.ok(d.path.length >= 2);
                assert.equal(d.path[0].startMinutes, 0);
                const last = d.path[d.path.length - 1];
                assert.ok(Math.abs(last.finishMinutes - d.criticalPathMinutes) < 1e-9);
                const sum = d.path.reduce((s, p) => s + p.minutes, 0);
                assert.ok(Math.abs(sum - d.criticalPathMinutes) < 1e-9, "the path's steps add up to its length");
                assert.ok(d.rangeMinutes.min <= d.criticalPathMinutes && d.criticalPathMinutes <= d.rangeMinutes.max);
                assert.deepEqual(d.warnings, []);
                for (const r of run.resources) {
                    assert.ok((d.finishMinutes.get(r.urn) as number) <= d.criticalPathMinutes + 1e-9, r.urn);
                }
            });

            it("creates the data stores while the EKS cluster is still coming up", async () => {
                const run = await stackRun(stack);
                const eks = one(run, "eks:index:Cluster").urn;
                const stores = [
                    ...ofType(run, "aws:rds/instance:Instance"),
                    ...ofType(run, "aws:elasticache/replicationGroup:ReplicationGroup"),
                    ...ofType(run, "aws:mq/broker:Broker"),
                ];
                assert.ok(stores.length >= 3);
                for (const store of stores) {
                    const chain = whyWaits(run, store.urn, eks);
                    assert.equal(chain, undefined, `${store.name} waits for the cluster: ${chain?.join(" → ")}`);
                }
                const d = estimateDeploy(run);
                const primary = one(run, "aws:rds/instance:Instance", "database-primary").urn;
                assert.ok((d.startMinutes.get(primary) as number) < (d.finishMinutes.get(eks) as number));
            });
        });
    }

    it("dev: within 8–30 minutes, through the EKS control plane and a node group", async () => {
        const d = estimateDeploy(await stackRun("dev"));
        assert.ok(d.criticalPathMinutes >= 8 && d.criticalPathMinutes <= 30, `${d.criticalPathMinutes} min`);
        assert.ok(d.path.some((p) => p.resource.startsWith("eks:index:Cluster::")));
        assert.ok(d.path.some((p) => p.resource.startsWith("aws:eks/nodeGroup:NodeGroup::")));
    });

    it("prod: within 12–40 minutes, beginning with the VPC and dominated by a slow managed service", async () => {
        const d = estimateDeploy(await stackRun("prod"));
        assert.ok(d.criticalPathMinutes >= 12 && d.criticalPathMinutes <= 40, `${d.criticalPathMinutes} min`);
        assert.equal(d.path[0].resource, "awsx:ec2:Vpc::network-vpc");
        const slow = ["aws:rds/instance:Instance", "aws:mq/broker:Broker", "aws:elasticache/replicationGroup:ReplicationGroup", "eks:index:Cluster"];
        const longest = d.path.reduce((a, b) => (b.minutes > a.minutes ? b : a));
        assert.ok(slow.some((t) => longest.resource.startsWith(`${t}::`)), `longest step: ${longest.resource}`);
        assert.ok(longest.minutes >= 10);
    });

    it("prod costs more than dev in every component that bills", async () => {
        const dev = estimateCost(await stackRun("dev"));
        const prod = estimateCost(await stackRun("prod"));
        for (const c of COMPONENTS.filter((x) => x !== "encryption")) {
            assert.ok(componentTotal(prod, c) > componentTotal(dev, c), c);
        }
    });
});
