import { strict as assert } from "assert";
import { estimateCost } from "../../../tools/estimate/cost";
import { estimateDeploy } from "../../../tools/estimate/deploy";
import { stackRun } from "../../harness";
import { modeRun } from "../../components/cluster/modes";

const clusterItems = (e: ReturnType<typeof estimateCost>) => e.items.filter((i) => i.component === "cluster").map((i) => i.resource);

describe("estimate: compute modes", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: Karpenter's stack pays for the system node group and the apps NodePool, as the node-group stack pays for both groups`, async () => {
            const groups = estimateCost(await stackRun(stack));
            const karpenter = estimateCost(await modeRun(stack, { compute: "karpenter" }));
            assert.deepEqual(karpenter.warnings, []);
            const items = clusterItems(karpenter);
            assert.ok(items.includes("cluster-system"), "the controllers' node group");
            assert.ok(items.includes("cluster-karpenter-apps-pool") && items.includes("cluster-karpenter-apps-pool volumes"), items.join(", "));
            assert.equal(items.includes("cluster-apps"), false);
            const apps = (e: typeof groups, prefix: string) => e.items.filter((i) => i.resource.startsWith(prefix)).reduce((s, i) => s + i.monthlyUsd, 0);
            // Same types, same planned size: on-demand pools may launch a cheaper listed type than a node group's first.
            assert.ok(apps(karpenter, "cluster-karpenter-apps-pool") <= apps(groups, "cluster-apps") + 0.01);
            assert.ok(apps(karpenter, "cluster-karpenter-apps-pool") > 0);
        });

        it(`${stack}: Auto Mode's stack pays the management fee on every planned instance and its shared ALB`, async () => {
            const auto = estimateCost(await modeRun(stack, { compute: "autoMode" }));
            assert.deepEqual(auto.warnings, []);
            const fees = auto.items.filter((i) => i.resource.endsWith("Auto Mode fee"));
            assert.deepEqual(fees.map((i) => i.resource).sort(), ["cluster-auto-apps-pool Auto Mode fee", "cluster-auto-system-pool Auto Mode fee"]);
            assert.ok(fees.every((f) => f.monthlyUsd > 0 && f.estimate));
            const alb = auto.items.filter((i) => i.resource.startsWith("shared ALB"));
            assert.deepEqual(alb.map((i) => i.component), ["cluster"], "Auto Mode builds the shared ALB, filed under the cluster that declares its IngressClass");
            assert.equal(clusterItems(auto).some((r) => r === "cluster-system" || r === "cluster-apps"), false, "no managed node group");
        });
    }

    it("dev: each mode's first deploy waits for the nodes its add-ons run on", async () => {
        const path = async (cluster: Record<string, unknown>) => estimateDeploy(await modeRun("dev", cluster)).path.map((s) => s.resource);
        assert.ok((await path({ compute: "autoMode" })).some((r) => r.endsWith("NodePool::cluster-auto-system-pool")), "Auto Mode: the system pool's first node");
        const karpenter = await path({ compute: "karpenter" });
        assert.ok(karpenter.some((r) => r.endsWith("NodeGroup::cluster-system")), "Karpenter: the system node group its controller runs on");
    });
});
