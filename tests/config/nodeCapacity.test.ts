import { strict as assert } from "assert";
import { NODE_INSTANCE_SIZES } from "../../config/catalog";
import { allocatable, maxPods, reservedCpuMillis, reservedMemoryMi } from "../../config/nodeCapacity";

const Mi = 2 ** 20;

describe("config/nodeCapacity", () => {
    it("computes max pods with AWS's formula, agreeing with the EKS max-pods table", () => {
        // awslabs/amazon-eks-ami nodeadm/internal/kubelet/eni-max-pods.txt
        const table: Record<string, number> = { "t4g.medium": 17, "t4g.large": 35, "m6g.large": 29, "m7g.large": 29, "c7g.large": 29, "t3.medium": 17, "t3.large": 35, "m6i.large": 29, "m7i.large": 29 };
        for (const [type, pods] of Object.entries(table)) {
            const n = NODE_INSTANCE_SIZES[type];
            assert.equal(maxPods(n.enis, n.ipv4PerEni), pods, type);
        }
        assert.deepEqual(Object.keys(table).sort(), Object.keys(NODE_INSTANCE_SIZES).sort(), "every node type the config allows is checked");
    });

    it("reserves CPU and memory as nodeadm does", () => {
        assert.equal(reservedCpuMillis(1), 60);
        assert.equal(reservedCpuMillis(2), 70);
        assert.equal(reservedCpuMillis(4), 80);
        assert.equal(reservedCpuMillis(8), 90);
        assert.equal(reservedMemoryMi(17), 11 * 17 + 255 + 100);
        assert.deepEqual(allocatable("t4g.medium"), { cpuMillis: 1930, memoryBytes: (4096 - 542) * Mi, pods: 17 });
        assert.throws(() => allocatable("x1.huge"), /no allocatable figures for instance type "x1.huge"/);
    });
});
