import { strict as assert } from "assert";
import { enforceLevel, evaluateAdmission } from "../../../tools/predict/admission";
import { podsOfManifests } from "../../../tools/predict/pods";
import type { Manifest } from "../../../offline/manifests";

const restrictedContainer = { name: "app", securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } } };
const deployment = (namespace: string, name: string, podSpec: Record<string, unknown>): Manifest => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: { replicas: 2, template: { metadata: { labels: { app: name } }, spec: podSpec } },
});

describe("predict/admission", () => {
    it("reads the enforce label, privileged when absent, and refuses a value that is no level", () => {
        assert.equal(enforceLevel(undefined), "privileged");
        assert.equal(enforceLevel({ "pod-security.kubernetes.io/enforce": "baseline" }), "baseline");
        assert.throws(() => enforceLevel({ "pod-security.kubernetes.io/enforce": "strict" }), /"strict", not one of privileged, baseline, restricted/);
    });

    it("admits what the namespace's level allows and rejects the rest, naming why", () => {
        const manifests = [
            deployment("apps", "ok", { containers: [restrictedContainer] }),
            deployment("apps", "root", { containers: [{ name: "app" }] }),
            deployment("infra", "host", { hostNetwork: true, containers: [{ name: "agent" }] }),
        ];
        const labels = new Map([
            ["apps", { "pod-security.kubernetes.io/enforce": "restricted" }],
            ["infra", { "pod-security.kubernetes.io/enforce": "baseline" }],
        ]);
        const a = evaluateAdmission(podsOfManifests(manifests), labels);
        assert.deepEqual(a.namespaces, [
            { namespace: "apps", level: "restricted", pods: 2, rejected: 1 },
            { namespace: "infra", level: "baseline", pods: 1, rejected: 1 },
        ]);
        assert.deepEqual(a.rejected.map((r) => r.pod), ["Deployment apps/root", "Deployment infra/host"]);
        assert.ok(a.rejected[0].problems.some((p) => /allowPrivilegeEscalation is not false/.test(p)));
        assert.deepEqual(a.rejected[1].problems, ["hostNetwork is true (host namespaces)"]);
    });
});
