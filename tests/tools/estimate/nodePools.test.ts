import { strict as assert } from "assert";
import { nodePoolSpec, plannedNodes } from "../../../components/cluster/nodePools";
import type { NodeGroupSettings } from "../../../config/schema";
import { estimateCost } from "../../../tools/estimate/cost";
import { EC2_NODE_CLASS_TYPE, NODE_POOL_TYPE, recordedPoolCapacity } from "../../../tools/estimate/nodePools";
import { fake, runOf } from "./fixtures";

const H = 730;

const group = (over: Partial<NodeGroupSettings>): NodeGroupSettings =>
    ({ instanceTypes: ["t4g.large", "m7g.large"], capacityType: "ON_DEMAND", minSize: 1, desiredSize: 2, maxSize: 4, diskSizeGb: 20, ...over }) as NodeGroupSettings;

/** A NodePool as the cluster records it: the same spec builder, the same planned-nodes annotation. */
function pool(name: string, settings: NodeGroupSettings, nodeClassRef: { group: string; kind: string; name: string }) {
    return fake(NODE_POOL_TYPE, name, {
        inputs: { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name, annotations: plannedNodes(settings) }, spec: nodePoolSpec({ group: "apps", settings, architecture: "arm64", nodeClassRef }) },
    });
}

const KARPENTER_CLASS = { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "apps" };
const AUTO_MODE_CLASS = { group: "eks.amazonaws.com", kind: "NodeClass", name: "default" };
const ec2NodeClass = (sizes: string[]) =>
    fake(EC2_NODE_CLASS_TYPE, "apps-class", { inputs: { metadata: { name: "apps" }, spec: { blockDeviceMappings: sizes.map((s, i) => ({ deviceName: `/dev/xvd${"ab"[i]}`, ebs: { volumeSize: s } })) } } });

function usd(items: { resource: string; monthlyUsd: number }[], resource: string): number {
    const found = items.find((i) => i.resource === resource);
    assert.ok(found, `an item ${resource} among ${items.map((i) => i.resource).join(", ")}`);
    return found.monthlyUsd;
}

describe("estimate: NodePools", () => {
    it("reads a pool's ceiling, types and planned size from its recorded spec", () => {
        const cap = recordedPoolCapacity(pool("apps", group({ maxSize: 4 }), KARPENTER_CLASS));
        // m7g.large and t4g.large both have 2 vCPUs and 8 GiB: 4 nodes → 8 vCPUs, 32 GiB.
        assert.deepEqual(cap, {
            pool: "apps",
            instanceTypes: ["t4g.large", "m7g.large"],
            capacityTypes: ["on-demand"],
            cpu: 8,
            memoryGiB: 32,
            plannedNodes: 2,
            nodeClassRef: KARPENTER_CLASS,
        });
        const bare = fake(NODE_POOL_TYPE, "bare", { inputs: { metadata: { name: "bare" }, spec: { limits: { cpu: "1500m", memory: "512Mi" } } } });
        assert.deepEqual([recordedPoolCapacity(bare).cpu, recordedPoolCapacity(bare).memoryGiB, recordedPoolCapacity(bare).plannedNodes], [1.5, 0.5, undefined]);
    });

    it("prices a Karpenter pool's on-demand nodes at the cheapest listed type, with its EC2NodeClass's volumes", () => {
        const e = estimateCost(runOf(pool("apps", group({}), KARPENTER_CLASS), ec2NodeClass(["20Gi"])));
        assert.ok(Math.abs(usd(e.items, "apps") - 2 * 0.0672 * H) < 0.01, "2 × t4g.large, the cheaper of the two");
        assert.match(e.items.find((i) => i.resource === "apps")?.basis ?? "", /2 × t4g\.large on-demand .*cheapest listed type/);
        assert.ok(Math.abs(usd(e.items, "apps volumes") - 2 * 20 * 0.08) < 0.01);
        assert.equal(e.items.some((i) => /Auto Mode/.test(i.resource)), false, "no Auto Mode fee outside Auto Mode");
        assert.deepEqual(e.warnings, []);
    });

    it("sums a Bottlerocket node's OS and data volumes", () => {
        const e = estimateCost(runOf(pool("apps", group({}), KARPENTER_CLASS), ec2NodeClass(["4Gi", "20Gi"])));
        assert.ok(Math.abs(usd(e.items, "apps volumes") - 2 * 24 * 0.08) < 0.01);
    });

    it("prices spot pools at the dearest type with the spot discount", () => {
        const e = estimateCost(runOf(pool("apps", group({ capacityType: "SPOT" }), KARPENTER_CLASS), ec2NodeClass(["20Gi"])));
        assert.ok(Math.abs(usd(e.items, "apps") - 2 * 0.0816 * (1 - 0.65) * H) < 0.01);
    });

    it("adds Auto Mode's fee per instance on its on-demand price, and its NodeClass's default volume", () => {
        const e = estimateCost(runOf(pool("apps", group({ instanceTypes: ["m7g.large"], desiredSize: 3 }), AUTO_MODE_CLASS)));
        assert.ok(Math.abs(usd(e.items, "apps") - 3 * 0.0816 * H) < 0.01);
        assert.ok(Math.abs(usd(e.items, "apps Auto Mode fee") - 3 * 0.0816 * 0.12 * H) < 0.01);
        assert.ok(Math.abs(usd(e.items, "apps volumes") - 3 * 80 * 0.08) < 0.01);
        assert.ok(e.items.filter((i) => i.resource.startsWith("apps")).every((i) => i.resource === "apps" || i.estimate), "the fee and the default volume are estimates");
    });

    it("warns instead of guessing when a pool has no planned size or its NodeClass no volumes", () => {
        const unplanned = fake(NODE_POOL_TYPE, "x", { inputs: { metadata: { name: "x" }, spec: nodePoolSpec({ group: "apps", settings: group({}), architecture: "arm64", nodeClassRef: KARPENTER_CLASS }) } });
        const e = estimateCost(runOf(unplanned));
        assert.deepEqual(e.items, []);
        assert.match(e.warnings.join("\n"), /no platform\.io\/planned-nodes annotation/);
        const noClass = estimateCost(runOf(pool("apps", group({}), KARPENTER_CLASS)));
        assert.deepEqual(noClass.items.map((i) => i.resource), ["apps"]);
        assert.match(noClass.warnings.join("\n"), /no volume sizes on its NodeClass/);
    });
});
