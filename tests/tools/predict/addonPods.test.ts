import { strict as assert } from "assert";
import { ADDONS, AddonKey } from "../../../components/addons";
import { ADDON_POD_PLACEMENT, addonPods, eksAddonPods, valueAt } from "../../../tools/predict/addonPods";
import { ProgramRun } from "../../../offline/run";
import { stackRun } from "../../harness";

const releasesOf = (run: ProgramRun) =>
    run.resources
        .filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
        .map((r) => ({ key: (Object.keys(ADDONS) as AddonKey[]).find((k) => ADDONS[k].name === r.inputs.name) as AddonKey, values: r.inputs.values }));

describe("predict/addonPods", function () {
    this.timeout(180_000);

    it("places only pods that each add-on declares, by the names of its declaration", () => {
        for (const key of Object.keys(ADDONS) as AddonKey[]) {
            const declared = Object.keys(ADDONS[key].pods({ highlyAvailable: true }));
            for (const pod of Object.keys(ADDON_POD_PLACEMENT[key])) {
                assert.ok(declared.includes(pod), `${key} ${pod}`);
            }
        }
    });

    it("reads replicas, requests and node selectors where the prod stack's release values hold them", async () => {
        const releases = releasesOf(await stackRun("prod"));
        assert.equal(releases.length, Object.keys(ADDONS).length, "prod installs every add-on");
        const pods = addonPods(releases, true);
        for (const key of Object.keys(ADDONS) as AddonKey[]) {
            for (const [pod, where] of Object.entries(ADDON_POD_PLACEMENT[key])) {
                const p = pods.find((x) => x.owner === `add-on ${key} ${pod}`);
                assert.ok(p !== undefined, `${key} ${pod}`);
                if (where.resources !== undefined) {
                    assert.ok(p.requests.cpuMillis > 0 && p.requests.memoryBytes > 0, `${key} ${pod} requests something (${where.resources})`);
                }
                if (where.nodeSelector !== undefined) {
                    assert.equal(p.nodeGroup, "system", `${key} ${pod} runs on the system nodes`);
                }
            }
        }
        const prometheus = pods.find((p) => p.owner === "add-on kubePrometheusStack prometheus");
        assert.deepEqual(prometheus?.count, { min: 2, max: 2 });
        assert.equal(prometheus?.requests.memoryBytes, 2 * 2 ** 30);
        assert.equal(pods.find((p) => p.owner === "add-on fluentBit daemonset")?.count, "per-node");
    });

    it("refuses values that lack a replica count the table names", () => {
        assert.throws(() => addonPods([{ key: "metricsServer", values: {} }], false), /add-on metricsServer: its values have no replica count at replicas/);
        assert.equal(valueAt({ a: { "b-c": 1 } }, "a.b-c"), 1);
    });

    it("runs CoreDNS as a pod and the CNI and kube-proxy on the host network of every node", () => {
        const eks = eksAddonPods();
        assert.deepEqual(eks.map((p) => [p.owner, p.hostNetwork, p.count]), [
            ["EKS add-on vpc-cni aws-node", true, "per-node"],
            ["EKS add-on kube-proxy", true, "per-node"],
            ["EKS add-on coredns", false, { min: 2, max: 2 }],
        ]);
    });
});
