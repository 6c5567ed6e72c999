import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KUBERNETES_VERSIONS_AS_OF } from "../../../config/catalog";
import { scrapedPath } from "../../../components/observability/scrape";
import { Plan, buildPlan } from "../../../tools/plan/build";
import { ROOT, enqueue, examplePlan } from "../../harness";

/** Every shipped stack file: the project's own and every example's. */
const ROOT_STACKS = fs.readdirSync(ROOT).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []);
const EXAMPLE_STACKS = fs.readdirSync(path.join(ROOT, "examples")).flatMap((e) =>
    fs.readdirSync(path.join(ROOT, "examples", e)).flatMap((f) => {
        const env = /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1];
        return env !== undefined ? [[e, env] as const] : [];
    }),
);
const rootPlan = (stack: string): Promise<Plan> =>
    enqueue(() => buildPlan({ stack, out: fs.mkdtempSync(path.join(os.tmpdir(), `predict-${stack}-`)), allowReplace: false, asOf: KUBERNETES_VERSIONS_AS_OF }));
const STACKS = [
    ...ROOT_STACKS.map((s) => ({ file: `Pulumi.${s}.yaml`, plan: () => rootPlan(s) })),
    ...EXAMPLE_STACKS.map(([e, env]) => ({ file: `examples/${e}/Pulumi.${env}.yaml`, plan: () => examplePlan(e, env) })),
];

describe("predictions on every shipped stack", function () {
    this.timeout(300_000);

    it("covers the project's stacks and every example", () => {
        assert.deepEqual(ROOT_STACKS.sort(), ["dev", "local", "prod", "staging"]);
        assert.ok(EXAMPLE_STACKS.length >= 4, EXAMPLE_STACKS.join(", "));
    });

    for (const { file, plan } of STACKS) {
        describe(file, () => {
            it("allows every declared edge and opens nothing undeclared", async () => {
                const p = await plan();
                const c = p.predictions.connectivity;
                assert.deepEqual(c.violations, []);
                const services = new Set(p.settings.services.map((s) => s.name));
                const declaredCalls = c.edges.filter((e) => e.declared && services.has(e.from) && services.has(e.to));
                const expected = p.settings.services.reduce((n, s) => n + (s.callers ?? []).length * (s.kind === "web" ? 1 + (s.grpc ? 1 : 0) : 0), 0);
                assert.equal(declaredCalls.length, expected, "one declared edge per caller and serving port");
                assert.deepEqual(declaredCalls.filter((e) => e.verdict !== "allowed"), []);
                assert.deepEqual(c.edges.filter((e) => !e.declared && services.has(e.from) && services.has(e.to) && e.verdict === "allowed"), []);
                assert.deepEqual(c.edges.filter((e) => e.to === "imds" && e.verdict === "allowed"), []);
                for (const s of p.settings.services) {
                    for (const store of s.uses ?? []) {
                        assert.ok(c.edges.some((e) => e.from === s.name && e.to === store && e.declared && e.verdict === "allowed"), `${s.name} → ${store}`);
                    }
                }
                assert.ok(!p.violations.some((v) => v.policy === "k8s-connectivity"));
            });

            it("lets Prometheus in on the HTTP port of exactly the services it scrapes", async () => {
                const p = await plan();
                const prometheus = "add-on kubePrometheusStack prometheus";
                const monitored = p.predictions.pods.some((pod) => pod.owner === prometheus);
                for (const s of p.settings.services) {
                    const callers = p.predictions.connectivity.services.find((c) => c.name === s.name)?.callers ?? [];
                    const ports = callers.find((c) => c.from === prometheus)?.ports;
                    assert.deepEqual(ports, monitored && scrapedPath(s) !== undefined ? [s.port] : undefined, s.name);
                }
            });

            it("has every pod admitted by its namespace's Pod Security level", async () => {
                const p = await plan();
                assert.deepEqual(p.predictions.admission.rejected, []);
                assert.ok(p.predictions.admission.pods.length > p.settings.services.length, "catalog, add-on and EKS pods are all judged");
            });

            it("can schedule its pods: on AWS at their maximum replicas, on a laptop at least at their minimum", async () => {
                const p = await plan();
                assert.deepEqual(p.predictions.capacity.failures, []);
                if (p.settings.environment === "local") {
                    // One assumed laptop node; at the autoscalers' maxima a larger catalog may outgrow it (a warning).
                    assert.deepEqual(p.predictions.capacity.groups.map((g) => g.group), ["laptop"]);
                    assert.ok(p.predictions.capacity.groups[0].atMinimum.fits);
                    return;
                }
                assert.deepEqual(p.predictions.capacity.warnings, []);
                assert.deepEqual(p.predictions.capacity.groups.map((g) => g.group).sort(), ["apps", "system"]);
                assert.ok(p.costAtMaximum.monthlyUsd >= p.cost.monthlyUsd);
            });
        });
    }
});
