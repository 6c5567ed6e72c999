import { strict as assert } from "assert";
import type { Manifest } from "../../../offline/manifests";
import { namespaceLabels, podRequests, podsOfManifests } from "../../../tools/predict/pods";

const Mi = 2 ** 20;

describe("predict/pods", () => {
    it("adds up containers' requests, and counts the largest init container when it asks for more", () => {
        const spec = {
            containers: [{ resources: { requests: { cpu: "100m", memory: "128Mi" } } }, { resources: { requests: { cpu: "0.25" } } }],
            initContainers: [{ resources: { requests: { cpu: "50m", memory: "512Mi" } } }],
        };
        assert.deepEqual(podRequests(spec), { cpuMillis: 350, memoryBytes: 512 * Mi });
        assert.deepEqual(podRequests({ containers: [{}] }), { cpuMillis: 0, memoryBytes: 0 });
    });

    it("takes replica bounds from an HPA or ScaledObject that targets the workload, and counts DaemonSets per node", () => {
        const workload = (kind: string, name: string, spec: Record<string, unknown>): Manifest => ({ apiVersion: "apps/v1", kind, metadata: { name, namespace: "ns" }, spec });
        const template = { metadata: { labels: { app: "a" } }, spec: { nodeSelector: { "platform.io/node-group": "apps" }, containers: [{ ports: [{ name: "http", containerPort: 8080 }] }] } };
        const manifests: Manifest[] = [
            workload("Deployment", "a", { replicas: 2, template }),
            workload("Deployment", "b", { replicas: 1, template }),
            workload("Deployment", "c", { replicas: 3, template }),
            workload("DaemonSet", "d", { template }),
            { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "e", namespace: "ns" }, spec: { concurrencyPolicy: "Forbid", jobTemplate: { spec: { template } } } },
            { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "a", namespace: "ns" }, spec: { scaleTargetRef: { kind: "Deployment", name: "a" }, minReplicas: 2, maxReplicas: 6 } },
            { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name: "b", namespace: "ns" }, spec: { scaleTargetRef: { name: "b" }, maxReplicaCount: 20 } },
            { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns", labels: { team: "x" } } },
        ];
        const pods = podsOfManifests(manifests);
        assert.deepEqual(pods.map((p) => [p.owner, p.count]), [
            ["Deployment ns/a", { min: 2, max: 6 }],
            ["Deployment ns/b", { min: 0, max: 20 }],
            ["Deployment ns/c", { min: 3, max: 3 }],
            ["DaemonSet ns/d", "per-node"],
            ["CronJob ns/e", { min: 0, max: 1 }],
        ]);
        assert.equal(pods[0].nodeGroup, "apps");
        assert.deepEqual(pods[0].namedPorts, { http: 8080 });
        assert.deepEqual(namespaceLabels(manifests).get("ns"), { team: "x", "kubernetes.io/metadata.name": "ns" });
    });
});
