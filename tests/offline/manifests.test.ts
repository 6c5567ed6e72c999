import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Manifest, ManifestProblems, formatProblems, manifestsOf, schemaOf, validateManifests } from "../../offline/manifests";
import type { RecordedResource } from "../../offline/run";
import { toYaml } from "../../tools/plan/manifests";
import { ROOT, stackRun } from "../harness";

describe("Kubernetes objects", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every object the program applies is valid against the Kubernetes and CRD schemas`, async () => {
            const manifests = manifestsOf((await stackRun(stack)).resources);
            const kinds = new Set(manifests.map((m) => `${m.apiVersion} ${m.kind}`));
            for (const expected of [
                "v1 Namespace",
                "apps/v1 Deployment",
                "batch/v1 CronJob",
                "batch/v1 Job",
                "networking.k8s.io/v1 NetworkPolicy",
                "networking.k8s.io/v1 Ingress",
                "external-secrets.io/v1 ExternalSecret",
                "external-secrets.io/v1 SecretStore",
                "external-secrets.io/v1 ClusterSecretStore",
                "monitoring.coreos.com/v1 ServiceMonitor",
                "keda.sh/v1alpha1 ScaledObject",
                "keda.sh/v1alpha1 TriggerAuthentication",
                "autoscaling/v2 HorizontalPodAutoscaler",
                "policy/v1 PodDisruptionBudget",
            ]) {
                assert.ok(kinds.has(expected), `${stack} should emit ${expected}`);
            }
            const problems = await validateManifests(manifests);
            assert.deepEqual(
                problems.map((p) => `${p.manifest.kind} ${p.manifest.metadata.namespace ?? ""}/${p.manifest.metadata.name}: ${p.problems.join("; ")}`),
                [],
            );
        });
    }

    it("rejects objects the schemas forbid", async () => {
        const bad: Manifest = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "x" },
            spec: { selector: { matchLabels: { a: "b" } }, template: { spec: { containers: [{ name: "c", image: "i", ports: [{ containerPort: "http" }] }] } } },
        };
        const [result] = await validateManifests([bad]);
        assert.ok(result.problems.some((p) => p.includes("containerPort must be integer")), result.problems.join("\n"));
        const crd: Manifest = { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "x" }, spec: { secretStoreRef: { kind: "Vault", name: "s" } } };
        const [crdResult] = await validateManifests([crd]);
        assert.ok(crdResult.problems.some((p) => p.includes("secretStoreRef/kind")), crdResult.problems.join("\n"));
        const unknown: Manifest = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "x" } };
        assert.deepEqual((await validateManifests([unknown]))[0].problems, ["no schema known for example.com/v1"]);
        const unknownKind: Manifest = { apiVersion: "apps/v1", kind: "Widget", metadata: { name: "x" } };
        assert.deepEqual((await validateManifests([unknownKind]))[0].problems, ["no schema known for apps/v1 Widget"]);
        const notAKind: Manifest = { apiVersion: "v1", kind: "../v1", metadata: { name: "x" } };
        assert.deepEqual((await validateManifests([notAKind]))[0].problems, ["no schema known for v1 ../v1"]);
    });

    it("loads each kind's schema once, from the kind's own module", async () => {
        const first = schemaOf("apps/v1", "Deployment");
        assert.equal(schemaOf("apps/v1", "Deployment"), first);
        const schema = await first;
        assert.ok("Model" in schema, "Deployment has a model");
        assert.equal((schema.Model as unknown as { kind: string }).kind, "Deployment");
    });

    it("validates and renders on a worker thread, as the compiled plan does, with the same results", async function () {
        this.timeout(60_000);
        // The compiled module starts a worker; from the TypeScript sources it works on this thread instead.
        const { ManifestWorker } = require(path.join(ROOT, "bin", "tools", "plan", "manifestWorker.js")) as typeof import("../../tools/plan/manifestWorker");
        const record = (type: string, inputs: Record<string, unknown>) => ({ type, name: "r", urn: `urn:${type}`, inputs, outputs: {} }) as unknown as RecordedResource;
        const worker = new ManifestWorker();
        worker.add(record("kubernetes:core/v1:ConfigMap", { metadata: { name: "fine", namespace: "a" }, data: { k: "v" } }));
        worker.add(record("aws:s3/bucket:Bucket", {}));
        worker.add(record("kubernetes:apps/v1:Deployment", { metadata: { name: "Bad_Name" }, spec: { selector: {}, template: { spec: { containers: [{ name: "c", ports: [{ containerPort: "http" }] }] } } } }));
        const checked = await worker.finish();
        assert.equal(worker.manifests.length, 2);
        const inThread = await validateManifests(worker.manifests);
        const summary = (found: ManifestProblems[]) => found.map((f) => ({ kind: f.manifest.kind, problems: f.problems }));
        assert.deepEqual(summary(checked.problems), summary(inThread));
        assert.equal(checked.problems.length, 1);
        assert.ok(checked.problems[0].problems.some((p) => p.includes("containerPort must be integer")), checked.problems[0].problems.join("\n"));
        assert.ok(checked.problems[0].problems.some((p) => p.includes('metadata.name "Bad_Name"')), checked.problems[0].problems.join("\n"));
        assert.deepEqual(checked.documents, worker.manifests.map(toYaml));
    });

    it("keeps a code cache of its own for the worker thread, written when the thread ends", async function () {
        this.timeout(60_000);
        const { ManifestWorker } = require(path.join(ROOT, "bin", "tools", "plan", "manifestWorker.js")) as typeof import("../../tools/plan/manifestWorker");
        // Node 22 and later keep their own compile cache (tools/codeCache.cjs turns it on instead), in one folder.
        const own = typeof (require("module") as { enableCompileCache?: unknown }).enableCompileCache !== "function";
        const store = path.join(ROOT, "bin", ".code-cache", own ? "manifest-worker.cache" : "node");
        fs.rmSync(store, { recursive: true, force: true });
        const worker = new ManifestWorker();
        worker.add({ type: "kubernetes:core/v1:ConfigMap", name: "c", urn: "urn:c", inputs: { metadata: { name: "c", namespace: "a" } }, outputs: {} } as unknown as RecordedResource);
        await worker.finish();
        assert.ok(fs.existsSync(store), "the worker saved the code it compiled");
        if (own) {
            assert.ok(fs.statSync(store).size > 10_000);
        }
    });

    it("hands objects to the worker in batches while the program runs, not only when this thread is idle", async function () {
        this.timeout(60_000);
        const { ManifestWorker } = require(path.join(ROOT, "bin", "tools", "plan", "manifestWorker.js")) as typeof import("../../tools/plan/manifestWorker");
        const worker = new ManifestWorker();
        // Registered without a turn of the event loop, as the program's promise callbacks register them.
        for (let i = 0; i < 45; i++) {
            worker.add({ type: "kubernetes:core/v1:ConfigMap", name: `c${i}`, urn: `urn:c${i}`, inputs: { metadata: { name: `c${i}`, namespace: "a" } }, outputs: {} } as unknown as RecordedResource);
        }
        const early = worker.handedOver;
        const checked = await worker.finish();
        assert.equal(early, 40);
        assert.equal(worker.handedOver, 45);
        assert.equal(checked.documents.length, 45);
        assert.deepEqual(checked.problems, []);
    });

    it("notes the kinds it validated for the next run's worker, which reads a broken note as none", async function () {
        this.timeout(60_000);
        const { ManifestWorker, KINDS_FILE } = require(path.join(ROOT, "bin", "tools", "plan", "manifestWorker.js")) as typeof import("../../tools/plan/manifestWorker");
        const record = (type: string, name: string) => ({ type, name, urn: `urn:${name}`, inputs: { metadata: { name, namespace: "a" } }, outputs: {} }) as unknown as RecordedResource;
        fs.mkdirSync(path.dirname(KINDS_FILE), { recursive: true });
        fs.writeFileSync(KINDS_FILE, "not JSON");
        const worker = new ManifestWorker();
        worker.add(record("kubernetes:core/v1:ConfigMap", "one"));
        worker.add(record("kubernetes:core/v1:ServiceAccount", "two"));
        worker.add(record("kubernetes:core/v1:ConfigMap", "three"));
        const checked = await worker.finish();
        assert.equal(checked.documents.length, 3);
        assert.deepEqual(checked.problems, []);
        assert.deepEqual(JSON.parse(fs.readFileSync(KINDS_FILE, "utf8")), ["v1 ConfigMap", "v1 ServiceAccount"]);
    });

    it("refuses fields the schema does not declare, at any depth, as strict field validation does", async () => {
        const problems = async (m: Manifest) => (await validateManifests([m]))[0]?.problems ?? [];
        const policy = (podSelector: Record<string, unknown>): Manifest => ({
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "p", namespace: "ns" },
            spec: { podSelector, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }] },
        });
        // A bare label map where a LabelSelector belongs: lenient validation drops it and selects every pod.
        assert.deepEqual(await problems(policy({ "app.kubernetes.io/name": "api" })), ['unknown field "spec.podSelector.app.kubernetes.io/name"']);
        assert.deepEqual(await problems(policy({ matchLabels: { "app.kubernetes.io/name": "api" } })), []);
        const deployment: Manifest = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "x", labels: { any: "label" }, annotations: { "any/annotation": "v" }, ...{ lables: { typo: "x" } } },
            spec: {
                selector: { matchLabels: { a: "b" } },
                template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }, { name: "d", image: "i", imagePullPolicy: "Always", env: [{ name: "A", vaule: "1" }] }] } },
                replica: 2,
            },
            extra: true,
        };
        assert.deepEqual((await problems(deployment)).sort(), [
            'unknown field "extra"',
            'unknown field "metadata.lables"',
            'unknown field "spec.replica"',
            'unknown field "spec.template.spec.containers[1].env[0].vaule"',
        ]);
        // Custom resources are held to their CRD's schema in the same way.
        const externalSecret: Manifest = {
            apiVersion: "external-secrets.io/v1",
            kind: "ExternalSecret",
            metadata: { name: "x" },
            spec: { secretStoreRef: { kind: "SecretStore", name: "s" }, target: { name: "t", template: { data: { ANY_KEY: "{{ .x }}" } } }, refreshIntervall: "1h" },
        };
        assert.deepEqual(await problems(externalSecret), ['unknown field "spec.refreshIntervall"']);
        // Maps take any key, and free-form fields (RawExtension) keep whatever they hold.
        assert.deepEqual(await problems({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { ANY_KEY: "v" } }), []);
        assert.deepEqual(await problems({ apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: "r" }, revision: 1, data: { anything: { at: ["all"] } } }), []);
    });

    it("applies the rules the schemas miss: names, label values, port names", () => {
        const deployment = (name: string, label: string, port: string): Manifest => ({
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name, namespace: "ns", labels: { app: label } },
            spec: { template: { spec: { containers: [{ name: "c", ports: [{ name: port, containerPort: 80 }] }] } } },
        });
        assert.deepEqual(formatProblems(deployment("api", "api", "http")), []);
        assert.match(formatProblems(deployment("Api_1", "api", "http"))[0], /metadata.name "Api_1" is not a valid Deployment name/);
        assert.match(formatProblems(deployment("api", "-bad-", "http"))[0], /label app="-bad-" is not a valid label value/);
        assert.match(formatProblems(deployment("api", "x".repeat(64), "http"))[0], /is not a valid label value/);
        assert.match(formatProblems(deployment("api", "api", "metrics-endpoint"))[0], /port name "metrics-endpoint" is not an IANA service name/);
        assert.match(formatProblems({ apiVersion: "v1", kind: "Service", metadata: { name: "1st" } })[0], /DNS-1035 label/);
        assert.match(formatProblems({ apiVersion: "v1", kind: "Namespace", metadata: { name: "a.b" } })[0], /DNS-1123 label/);
    });
});
