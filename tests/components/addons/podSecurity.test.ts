import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ADDONS, AddonKey, addonNamespaceLevel } from "../../../components/addons";
import { admits, podSecurityViolations, requiredLevel } from "../../../lib/podSecurity";
import { manifestsOf } from "../../../offline/manifests";
import { ROOT, stackRun } from "../../harness";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The keys of the charts' published values.yaml that these tests read, extracted from the reference data
 * (`../shared/reference/charts`) by `tests/fixtures/extract-chart-values.cjs`, so that the tests run where
 * that data is not beside the repository.
 */
const EXCERPTS = JSON.parse(fs.readFileSync(path.join(ROOT, "tests", "fixtures", "chart-values-excerpts.json"), "utf8")) as Record<string, AnyObj>;

function chartValues(chart: string, version: string): AnyObj {
    const excerpt = EXCERPTS[`${chart}@${version}`];
    assert.ok(excerpt, `tests/fixtures/chart-values-excerpts.json has ${chart}@${version}: add it to extract-chart-values.cjs and run it`);
    const values: AnyObj = {};
    for (const [key, value] of Object.entries(excerpt)) {
        const parts = key.split(".");
        const parent = parts.slice(0, -1).reduce<AnyObj>((v, k) => (v[k] ??= {}), values);
        parent[parts[parts.length - 1]] = value;
    }
    return values;
}

/** A value of the chart's values.yaml by dotted key, less the `enabled` switch some charts keep inside a security context. */
function at(values: AnyObj, key: string): AnyObj {
    const found = key.split(".").reduce<AnyObj | undefined>((v, k) => v?.[k], values);
    assert.ok(found !== undefined, `values.yaml has ${key}`);
    const { enabled: _enabled, ...rest } = found;
    return rest;
}

/**
 * Where each declared security context comes from in the chart's values: add-on → pod → [chart, version,
 * pod-level key, { container: key }]. Contexts the operator or a subchart outside the reference data sets
 * (Prometheus' and Alertmanager's containers, node exporter) are judged by the tests below only.
 */
const FROM_VALUES: Partial<Record<AddonKey, Record<string, [string, string, string | undefined, Record<string, string>]>>> = {
    certManager: {
        controller: ["cert-manager", "v1.21.1", "securityContext", { controller: "containerSecurityContext" }],
        webhook: ["cert-manager", "v1.21.1", "webhook.securityContext", { webhook: "webhook.containerSecurityContext" }],
        cainjector: ["cert-manager", "v1.21.1", "cainjector.securityContext", { cainjector: "cainjector.containerSecurityContext" }],
        startupapicheck: ["cert-manager", "v1.21.1", "startupapicheck.securityContext", { startupapicheck: "startupapicheck.containerSecurityContext" }],
    },
    externalSecrets: {
        controller: ["external-secrets", "2.6.0", "podSecurityContext", { "external-secrets": "securityContext" }],
        webhook: ["external-secrets", "2.6.0", "webhook.podSecurityContext", { webhook: "webhook.securityContext" }],
        certController: ["external-secrets", "2.6.0", "certController.podSecurityContext", { "cert-controller": "certController.securityContext" }],
    },
    keda: {
        operator: ["keda", "2.20.1", "podSecurityContext.operator", { "keda-operator": "securityContext.operator" }],
        metricServer: ["keda", "2.20.1", "podSecurityContext.metricServer", { "keda-operator-metrics-apiserver": "securityContext.metricServer" }],
        webhooks: ["keda", "2.20.1", "podSecurityContext.webhooks", { "keda-admission-webhooks": "securityContext.webhooks" }],
    },
    fluentBit: { daemonset: ["aws-for-fluent-bit", "0.2.0", "podSecurityContext", { "aws-for-fluent-bit": "containerSecurityContext" }] },
    openTelemetryCollector: { collector: ["opentelemetry-collector", "0.155.0", "podSecurityContext", { "opentelemetry-collector": "securityContext" }] },
    metricsServer: { server: ["metrics-server", "3.13.1", "podSecurityContext", { "metrics-server": "securityContext" }] },
    clusterAutoscaler: { autoscaler: ["cluster-autoscaler", "9.59.0", "securityContext", { "aws-cluster-autoscaler": "containerSecurityContext" }] },
    loadBalancerController: { controller: ["aws-load-balancer-controller", "1.17.1", "podSecurityContext", { "aws-load-balancer-controller": "securityContext" }] },
    kubePrometheusStack: {
        operator: ["kube-prometheus-stack", "87.12.1", "prometheusOperator.securityContext", { "kube-prometheus-stack": "prometheusOperator.containerSecurityContext" }],
        "admission-create": ["kube-prometheus-stack", "87.12.1", "prometheusOperator.admissionWebhooks.patch.securityContext", { create: "prometheusOperator.admissionWebhooks.createSecretJob.securityContext" }],
        "admission-patch": ["kube-prometheus-stack", "87.12.1", "prometheusOperator.admissionWebhooks.patch.securityContext", { patch: "prometheusOperator.admissionWebhooks.patchWebhookJob.securityContext" }],
        prometheus: ["kube-prometheus-stack", "87.12.1", "prometheus.prometheusSpec.securityContext", {}],
        alertmanager: ["kube-prometheus-stack", "87.12.1", "alertmanager.alertmanagerSpec.securityContext", {}],
        grafana: ["grafana", "12.7.2", "securityContext", { grafana: "containerSecurityContext", "grafana-sc-dashboard": "sidecar.securityContext", "grafana-sc-datasources": "sidecar.securityContext", "init-chown-data": "initChownData.securityContext" }],
        "kube-state-metrics": ["kube-state-metrics", "7.5.1", "securityContext", { "kube-state-metrics": "containerSecurityContext" }],
    },
};

describe("add-on pods and Pod Security", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every add-on's namespace enforces exactly the level its pods need`, async () => {
            const run = await stackRun(stack);
            const highlyAvailable = stack === "prod";
            const namespaces = new Map((manifestsOf(run.resources) as AnyObj[]).filter((m) => m.kind === "Namespace").map((m) => [m.metadata.name, m.metadata.labels ?? {}]));
            for (const [key, def] of Object.entries(ADDONS)) {
                const pods = def.pods({ highlyAvailable });
                assert.ok(Object.keys(pods).length > 0, `${key} states its pods`);
                if (def.namespace === "kube-system") {
                    // EKS creates kube-system without Pod Security labels: the cluster default, privileged, applies.
                    assert.equal(namespaces.has("kube-system"), false, "the platform does not take kube-system over");
                    continue;
                }
                const labels = namespaces.get(def.namespace);
                assert.ok(labels, `${key}: namespace ${def.namespace} is created`);
                const enforce = labels["pod-security.kubernetes.io/enforce"];
                for (const [name, pod] of Object.entries(pods)) {
                    assert.deepEqual(podSecurityViolations(pod, enforce), [], `${key} ${name} is admitted at ${enforce}`);
                }
                const sharing = Object.values(ADDONS).filter((d) => d.namespace === def.namespace);
                assert.equal(enforce, addonNamespaceLevel(sharing, { highlyAvailable }), `${def.namespace} enforces no looser a level than its pods need`);
            }
        });
    }

    it("runs node exporter in the monitoring namespace, which must therefore be privileged", async () => {
        const exporter = ADDONS.kubePrometheusStack.pods({ highlyAvailable: false })["node-exporter"];
        assert.equal(requiredLevel(exporter), "privileged");
        assert.deepEqual(podSecurityViolations(exporter, "baseline"), [
            "hostNetwork is true (host namespaces)",
            "hostPID is true (host namespaces)",
            "volume proc is a hostPath",
            "volume sys is a hostPath",
            "volume root is a hostPath",
            "container node-exporter: hostPort 9100",
        ]);
        const monitoring = (manifestsOf((await stackRun("dev")).resources) as AnyObj[]).find((m) => m.kind === "Namespace" && m.metadata.name === "monitoring");
        assert.equal(monitoring?.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
    });

    it("states the levels the charts need: controllers that meet restricted get it, host access gets privileged", () => {
        const levels = (highlyAvailable: boolean) =>
            Object.fromEntries(Object.entries(ADDONS).filter(([, d]) => d.namespace !== "kube-system").map(([k, d]) => [k, addonNamespaceLevel([d], { highlyAvailable })]));
        const expected = { externalSecrets: "restricted", kubePrometheusStack: "privileged", fluentBit: "privileged", certManager: "restricted", keda: "restricted", openTelemetryCollector: "baseline" };
        assert.deepEqual(levels(false), expected);
        assert.deepEqual(levels(true), expected);
        // Grafana's volume is chowned by a root init container only where it has one (prod).
        assert.equal(requiredLevel(ADDONS.kubePrometheusStack.pods({ highlyAvailable: false }).grafana), "restricted");
        assert.equal(requiredLevel(ADDONS.kubePrometheusStack.pods({ highlyAvailable: true }).grafana), "baseline");
        assert.ok(admits("baseline", ADDONS.openTelemetryCollector.pods({ highlyAvailable: false }).collector));
    });

    it("declares the security contexts the charts' own values give their pods", () => {
        for (const [key, pods] of Object.entries(FROM_VALUES) as [AddonKey, NonNullable<(typeof FROM_VALUES)[AddonKey]>][]) {
            const declared = ADDONS[key].pods({ highlyAvailable: true });
            for (const [pod, [chart, version, podKey, containers]] of Object.entries(pods)) {
                const values = chartValues(chart, version);
                const spec = declared[pod]?.spec;
                assert.ok(spec, `${key} declares ${pod}`);
                if (podKey !== undefined) {
                    assert.deepEqual(spec.securityContext ?? {}, at(values, podKey), `${key} ${pod}: pod security context is the chart's ${podKey}`);
                }
                for (const [name, containerKey] of Object.entries(containers)) {
                    const c = [...(spec.initContainers ?? []), ...spec.containers].find((x) => x.name === name);
                    assert.ok(c, `${key} ${pod} declares container ${name}`);
                    assert.deepEqual(c.securityContext ?? {}, at(values, containerKey), `${key} ${pod} ${name}: the chart's ${containerKey}`);
                }
            }
        }
        // Fluent Bit's host paths are the chart's own volumes.
        const fluentBitVolumes = chartValues("aws-for-fluent-bit", "0.2.0").volumes;
        assert.deepEqual(ADDONS.fluentBit.pods({ highlyAvailable: false }).daemonset.spec.volumes, fluentBitVolumes);
    });
});

describe("chart values excerpts", () => {
    it("are what the charts' reference data holds today", function () {
        const { extract, REFERENCE } = require(path.join(ROOT, "tests", "fixtures", "extract-chart-values.cjs")) as { extract: () => AnyObj; REFERENCE: string };
        if (!fs.existsSync(REFERENCE)) {
            this.skip(); // the reference data is not beside this checkout; the excerpts stand as committed
        }
        assert.deepEqual(extract(), EXCERPTS, "rerun node tests/fixtures/extract-chart-values.cjs");
    });
});
