import { strict as assert } from "assert";
import { ADDONS, AddonKey, HELM_KEEP } from "../../../components/addons";
import { addonFacts } from "./addonFacts";
import { ofType, one, stackRun } from "../../harness";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The charts that ship CRDs, from their reference values and Chart.yaml (../shared/reference/charts). */
const WITH_CRDS: readonly AddonKey[] = ["loadBalancerController", "externalSecrets", "kubePrometheusStack", "certManager", "keda"];

/** API groups of the objects Kubernetes itself serves (and Helm's releases), as they appear in resource types. */
const BUILT_IN = new Set(["core", "apps", "batch", "policy", "autoscaling", "networking.k8s.io", "storage.k8s.io", "rbac.authorization.k8s.io", "helm.sh"]);

describe("CRDs: a lifecycle apart from the releases", () => {
    it("every chart that ships CRDs says how they are installed, upgraded and kept; the others say nothing", () => {
        for (const [key, def] of Object.entries(ADDONS) as [AddonKey, (typeof ADDONS)[AddonKey]][]) {
            assert.equal(def.crds !== undefined, WITH_CRDS.includes(key), key);
        }
    });

    it("CRDs rendered by a release are annotated so that Helm never deletes them", () => {
        const values = (key: AddonKey) => ADDONS[key].values(addonFacts()) as AnyObj;
        for (const key of WITH_CRDS.filter((k) => ADDONS[k].crds?.upgrade === "with-release")) {
            assert.ok(["externalSecrets", "certManager", "keda"].includes(key), `${key}: add its chart's keep setting below`);
        }
        const eso = values("externalSecrets");
        assert.equal(eso.installCRDs, true, "External Secrets renders (and so upgrades) its CRDs");
        assert.deepEqual(eso.crds.annotations, HELM_KEEP);
        const keda = values("keda");
        assert.equal(keda.crds.install, true);
        assert.deepEqual(keda.crds.additionalAnnotations, HELM_KEEP);
        const certManager = values("certManager");
        assert.deepEqual([certManager.crds.enabled, certManager.crds.keep], [true, true]);
        assert.deepEqual(HELM_KEEP, { "helm.sh/resource-policy": "keep" });
    });

    it("CRDs that Helm never upgrades were applied from the pinned chart version", () => {
        for (const key of WITH_CRDS.filter((k) => ADDONS[k].crds?.upgrade === "by-hand")) {
            const def = ADDONS[key];
            assert.equal(def.crds?.byHand?.appliedFor, def.version, `${key}: moving to ${def.version} needs its CRDs applied first (README, "Upgrading CRDs")`);
        }
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every custom resource belongs to an add-on's CRDs and waits for its release`, async () => {
            const run = await stackRun(stack);
            const owners = new Map(Object.values(ADDONS).flatMap((def) => (def.crds?.groups ?? []).map((g) => [g, def] as const)));
            const custom = run.resources.filter((r) => r.type.startsWith("kubernetes:") && !BUILT_IN.has(r.type.split(":")[1].split("/")[0]));
            assert.ok(custom.length >= 5, `${custom.length} custom resources`);
            for (const r of custom) {
                const group = r.type.split(":")[1].split("/")[0];
                const def = owners.get(group);
                assert.ok(def, `${r.type}: no add-on declares the CRDs of ${group}`);
                const release = one(run, "kubernetes:helm.sh/v3:Release", `addons-${def.name}-release`);
                assert.ok(r.dependencies.includes(release.urn), `${r.name} waits for ${def.name}`);
            }
            assert.ok(ofType(run, "kubernetes:helm.sh/v3:Release").every((rel) => rel.inputs.skipCrds !== true), "no release skips the CRDs it installs once");
        });
    }
});
