import { strict as assert } from "assert";
import { evaluateCapacity, packs } from "../../../tools/predict/capacity";
import type { PlannedPod } from "../../../tools/predict/pods";

const Mi = 2 ** 20;
const pod = (owner: string, cpu: number, memoryMi: number, count: PlannedPod["count"], nodeGroup?: string, hostNetwork = false): PlannedPod => ({
    owner,
    namespace: "x",
    labels: {},
    namedPorts: {},
    nodeGroup,
    requests: { cpuMillis: cpu, memoryBytes: memoryMi * Mi },
    count,
    shape: { spec: { containers: [] } },
    hostNetwork,
});
const group = (name: string, instanceTypes: string[], maxSize: number) => ({ name, instanceTypes, minSize: 1, desiredSize: 1, maxSize });

describe("predict/capacity", () => {
    it("packs first-fit by decreasing size, per node, so that sums alone do not hide fragmentation", () => {
        const node = () => ({ cpuMillis: 1000, memoryBytes: 1000, pods: 10 });
        assert.equal(packs([{ cpuMillis: 600, memoryBytes: 1 }, { cpuMillis: 600, memoryBytes: 1 }], [node(), node()]), true);
        assert.equal(packs([{ cpuMillis: 600, memoryBytes: 1 }, { cpuMillis: 600, memoryBytes: 1 }, { cpuMillis: 600, memoryBytes: 1 }], [node(), node()]), false, "1800m in total fits 2000m, but not three 600m pods on two 1000m nodes");
        assert.equal(packs([{ cpuMillis: 1, memoryBytes: 1 }, { cpuMillis: 1, memoryBytes: 1 }], [{ cpuMillis: 1000, memoryBytes: 1000, pods: 1 }]), false, "out of pod addresses");
    });

    it("passes when the maximum fits, warns when only the minimum does, and fails when the minimum does not", () => {
        const g = [group("apps", ["t4g.medium"], 2)];
        const fits = evaluateCapacity([pod("a", 500, 512, { min: 1, max: 4 }, "apps")], g);
        assert.deepEqual([fits.failures, fits.warnings], [[], []]);
        assert.deepEqual(fits.groups[0].atMaximum, { cpuMillis: 2000, memoryBytes: 2048 * Mi, pods: 4, fits: true });
        const warns = evaluateCapacity([pod("a", 500, 512, { min: 1, max: 10 }, "apps")], g);
        assert.deepEqual(warns.failures, []);
        assert.match(warns.warnings[0], /node group apps: its pods at their maximum \(5000m CPU, 5\.0Gi, 10 pods\) do not fit; 2 × t4g.medium offer 3860m CPU/);
        const fails = evaluateCapacity([pod("a", 500, 512, { min: 8, max: 10 }, "apps")], g);
        assert.match(fails.failures[0], /its pods at their minimum/);
    });

    it("places DaemonSets on every node before anything else, and fails a pod larger than the largest type", () => {
        const g = [group("apps", ["t4g.medium", "t4g.large"], 1)];
        const daemon = pod("logs", 900, 64, "per-node");
        const big = pod("big", 1100, 64, { min: 1, max: 1 }, "apps");
        const r = evaluateCapacity([daemon, big], g);
        assert.deepEqual(r.groups[0].tooLarge, ["big"], "1930m allocatable less 900m for the DaemonSet leaves 1030m");
        assert.match(r.failures.join("\n"), /big request\(s\) more than its largest type/);
        const memory = evaluateCapacity([pod("mem", 10, 6000, { min: 1, max: 1 }, "apps")], g);
        assert.deepEqual(memory.groups[0].tooLarge, [], "t4g.large holds 6000Mi");
        assert.match(memory.failures.join("\n"), /minimum/, "but the group's weakest node (t4g.medium) does not");
    });

    it("packs unpinned pods on what the groups leave, and fails pods pinned to a group that does not exist", () => {
        const g = [group("system", ["t4g.medium"], 1)];
        const r = evaluateCapacity([pod("sys", 1800, 100, { min: 1, max: 1 }, "system"), pod("dns", 200, 70, { min: 2, max: 2 }), pod("lost", 1, 1, { min: 1, max: 1 }, "gpu")], g);
        assert.match(r.failures.join("\n"), /pinned to no node group \(dns\) do not fit/);
        assert.match(r.failures.join("\n"), /lost: pinned to a node group the stack does not have/);
        assert.deepEqual(r.homeless, ["lost"]);
    });

    it("judges a node given by its allocatable figures, such as a laptop's, without an EC2 type", () => {
        const laptop = { ...group("laptop", ["laptop node"], 1), node: { cpuMillis: 2000, memoryBytes: 4096 * Mi, pods: 110 } };
        const fits = evaluateCapacity([pod("a", 500, 1024, { min: 1, max: 3 }, "laptop")], [laptop]);
        assert.deepEqual([fits.failures, fits.warnings], [[], []]);
        assert.equal(fits.groups[0].capacity.cpuMillis, 2000);
        const over = evaluateCapacity([pod("a", 500, 1024, { min: 2, max: 5 }, "laptop")], [laptop]);
        assert.deepEqual(over.failures, []);
        assert.equal(over.warnings.length, 1, "five 500m pods exceed 2000m at the maximum");
        const large = evaluateCapacity([pod("big", 2500, 10, { min: 1, max: 1 }, "laptop")], [laptop]);
        assert.match(large.failures.join("\n"), /big request\(s\) more than its largest type/);
    });
});
