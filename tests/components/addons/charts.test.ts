import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ADDONS } from "../../../components/addons";
import { isPlainObject } from "../../../lib/merge";
import { addonFacts } from "./addonFacts";
import { one, stackRun } from "../../harness";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What each chart's Helm repository published (tests/fixtures/README.md names the sources). */
const PUBLISHED = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", "published-chart-versions.json"), "utf8")) as Record<string, { repository: string; from: string; versions: string[] }>;

/** Helm's merge of user values over a chart's defaults: maps merge key by key, null deletes, anything else replaces. */
function helmCoalesce(defaults: unknown, values: unknown): unknown {
    if (!isPlainObject(defaults) || !isPlainObject(values)) {
        return values;
    }
    const out: Record<string, unknown> = { ...defaults };
    for (const [key, value] of Object.entries(values)) {
        if (value === null) {
            delete out[key];
        } else {
            out[key] = helmCoalesce(defaults[key], value);
        }
    }
    return out;
}

/** opentelemetry-collector 0.155.0 values.yaml, `config.service.pipelines`: every signal into the `debug` exporter. */
const pipeline = (...receivers: string[]) => ({ exporters: ["debug"], processors: ["memory_limiter", "batch"], receivers });
const OTEL_DEFAULT_PIPELINES = { logs: pipeline("otlp"), metrics: pipeline("otlp", "prometheus"), traces: pipeline("otlp", "jaeger", "zipkin") };

describe("add-on charts, as each chart reads its values", () => {
    it("pin only versions their repository published, so that Helm can fetch them", () => {
        for (const [key, def] of Object.entries(ADDONS)) {
            const published = PUBLISHED[def.chart];
            assert.ok(published, `${key}: no published versions on file for chart ${def.chart}`);
            assert.equal(def.repository.replace(/\/$/, ""), published.repository.replace(/\/$/, ""), `${key}: repository`);
            assert.ok(published.versions.includes(def.version), `${key}: ${def.chart} ${def.version} is not in ${published.from}; newest there: ${published.versions[0]}`);
        }
    });

    it("cert-manager: a disruption budget for each of its replicated Deployments (controller, webhook, cainjector)", () => {
        for (const replicas of [1, 2, 3]) {
            const values = ADDONS.certManager.values(addonFacts({ replicas })) as AnyObj;
            for (const component of [values, values.webhook, values.cainjector]) {
                assert.equal(component.replicaCount, replicas);
                assert.equal(component.podDisruptionBudget?.enabled ?? false, replicas > 1, `replicas ${replicas}`);
                if (replicas > 1) {
                    assert.ok(component.podDisruptionBudget.maxUnavailable < replicas, "a drain keeps one running");
                }
            }
        }
    });

    it("Grafana: replaced, not rolled, whenever it keeps a ReadWriteOnce volume", () => {
        for (const highlyAvailable of [false, true]) {
            const grafana = (ADDONS.kubePrometheusStack.values(addonFacts({ highlyAvailable })) as AnyObj).grafana;
            // grafana 12.7.2 values.yaml: persistence.accessModes defaults to [ReadWriteOnce], deploymentStrategy to RollingUpdate.
            const readWriteOnce = grafana.persistence.enabled && (grafana.persistence.accessModes ?? ["ReadWriteOnce"]).includes("ReadWriteOnce");
            assert.equal(readWriteOnce, highlyAvailable, "prod persists Grafana, dev does not");
            if (readWriteOnce) {
                assert.deepEqual(grafana.deploymentStrategy, { type: "Recreate" });
            }
        }
    });

    it("OpenTelemetry Collector: traces to X-Ray and no pipeline into the debug exporter", async () => {
        const run = await stackRun("dev");
        const values = one(run, "kubernetes:helm.sh/v3:Release", "addons-opentelemetry-collector-release").inputs.values as AnyObj;
        const pipelines = helmCoalesce(OTEL_DEFAULT_PIPELINES, values.config.service.pipelines) as Record<string, AnyObj>;
        assert.deepEqual(Object.keys(pipelines), ["traces"]);
        assert.deepEqual(pipelines.traces.exporters, ["awsxray"]);
    });

    it("Fluent Bit: the log group's retention is set where the group is created, not in the chart", () => {
        const logs = (ADDONS.fluentBit.values(addonFacts()) as AnyObj).cloudWatchLogs;
        assert.equal(logs.autoCreateGroup, false, "the platform creates the group");
        assert.ok(!("logRetentionDays" in logs), "the chart's retention only applies to groups the plugin creates");
    });
});
