import { strict as assert } from "assert";
import { ALERT_DEFAULTS, platformRuleGroups, serviceRuleGroups } from "../components/observability/alertRules";
import { alertmanagerConfig } from "../components/addons/kubePrometheusStack";
import { dashboard } from "../components/observability/dashboards";
import type { ServiceSettings } from "../config/schema";
import { KUBERNETES_VERSIONS_AS_OF } from "../config/catalog";
import { STAGING_ADVISORY, environmentFromStackName, levelFor } from "../policies/lib/enforcement";
import { evaluatePolicies } from "../policies/offline";
import { manifestsOf, validateManifests } from "../offline/manifests";
import { ProgramRun } from "../offline/run";
import { json, ofType, one, stackRun, variantRun } from "./harness";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const find = (run: ProgramRun, kind: string, namespace: string, name: string): AnyObj => {
    const found = manifestsOf(run.resources).filter((m) => m.kind === kind && m.metadata.namespace === namespace && m.metadata.name === name);
    assert.equal(found.length, 1, `one ${kind} ${namespace}/${name}`);
    return found[0] as AnyObj;
};

/** A catalog exercising gRPC, tracing, CPU-and-queue scaling and team access, on the dev stack. */
const catalog = [
    {
        name: "content",
        kind: "web",
        image: "ghcr.io/example/content:3.2.0",
        port: 8080,
        grpc: { port: 9090, ingress: { host: "grpc.example.com", path: "/" } },
        ingress: { host: "api.example.com", path: "/graphql" },
        tracing: true,
        alerts: { errorRate: 0.02, latencyMs: 300 },
        replicas: { min: 2, max: 6 },
        autoscaling: { cpu: 60, memory: 75 },
    },
    {
        name: "ai-worker",
        kind: "worker",
        image: "ghcr.io/example/ai-worker:1.0.0",
        uses: ["broker"],
        queue: { name: "inference", targetLength: 5 },
        autoscaling: { cpu: 65 },
        replicas: { min: 1, max: 10 },
    },
];

describe("platform features", () => {
    let run: ProgramRun;
    before(async () => {
        run = await variantRun("dev", {
            "platform:services": catalog,
            "platform:cluster": { teams: [{ name: "games", roleArn: "arn:aws:iam::123456789012:role/games-team", access: "edit", namespaces: ["content"] }] },
            "platform:alerting": { slackChannel: "#platform-alerts" },
        });
    });

    it("emits only schema-valid objects for the whole feature set", async () => {
        const problems = await validateManifests(manifestsOf(run.resources));
        assert.deepEqual(problems.map((p) => `${p.manifest.kind} ${p.manifest.metadata.name}: ${p.problems.join("; ")}`), []);
    });

    it("serves gRPC on its own port, probes it with gRPC health checks, and routes it through the ALB as gRPC", () => {
        const deployment = find(run, "Deployment", "content", "content");
        const c = deployment.spec.template.spec.containers[0];
        assert.deepEqual(c.ports.map((p: AnyObj) => [p.name, p.containerPort]), [["http", 8080], ["grpc", 9090]]);
        assert.deepEqual(c.readinessProbe.grpc, { port: 9090 });
        assert.deepEqual(c.livenessProbe.grpc, { port: 9090 });
        const svc = find(run, "Service", "content", "content");
        assert.deepEqual(svc.spec.ports.find((p: AnyObj) => p.name === "grpc"), { name: "grpc", port: 9090, targetPort: "grpc", protocol: "TCP", appProtocol: "kubernetes.io/h2c" });
        const grpc = find(run, "Ingress", "content", "content-grpc");
        assert.equal(grpc.metadata.annotations["alb.ingress.kubernetes.io/backend-protocol-version"], "GRPC");
        assert.equal(grpc.metadata.annotations["alb.ingress.kubernetes.io/healthcheck-path"], "/grpc.health.v1.Health/Check");
        assert.equal(grpc.metadata.annotations["alb.ingress.kubernetes.io/group.name"], "platform-dev", "the same shared ALB");
        assert.deepEqual(grpc.spec.rules[0].http.paths[0].backend.service, { name: "content", port: { name: "grpc" } });
        const http = find(run, "Ingress", "content", "content");
        assert.equal(http.metadata.annotations["alb.ingress.kubernetes.io/backend-protocol-version"], undefined, "HTTP stays HTTP");
        const lb = find(run, "NetworkPolicy", "content", "allow-load-balancer");
        assert.deepEqual(lb.spec.ingress[0].ports, [{ protocol: "TCP", port: "http" }, { protocol: "TCP", port: "grpc" }]);
    });

    it("injects the OTLP endpoint for traced services and lets only them reach the collector", () => {
        const config = find(run, "ConfigMap", "content", "content-config").data;
        assert.equal(config.OTEL_EXPORTER_OTLP_ENDPOINT, "http://otel-collector.observability.svc.cluster.local:4317");
        assert.equal(config.OTEL_SERVICE_NAME, "content");
        const egress = find(run, "NetworkPolicy", "content", "allow-tracing").spec.egress[0];
        assert.deepEqual(egress.to[0].namespaceSelector.matchLabels, { "kubernetes.io/metadata.name": "observability" });
        assert.deepEqual(egress.ports.map((p: AnyObj) => p.port), [4317, 4318]);
        const worker = find(run, "ConfigMap", "ai-worker", "ai-worker-config").data;
        assert.equal(worker.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
        const collector = one(run, "kubernetes:helm.sh/v3:Release", "addons-opentelemetry-collector-release");
        const values = collector.inputs.values as AnyObj;
        assert.deepEqual(values.config.service.pipelines.traces.exporters, ["awsxray"]);
        const policy = json<AnyObj>(one(run, "aws:iam/rolePolicy:RolePolicy", "addons-opentelemetry-collector-irsa-policy").inputs.policy);
        assert.deepEqual(policy.Statement[0].Action, ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]);
    });

    it("scales a queue worker on its queue and, separately, on CPU; an HPA on the configured targets", () => {
        const scaled = find(run, "ScaledObject", "ai-worker", "ai-worker");
        assert.deepEqual(scaled.spec.triggers.map((t: AnyObj) => t.type), ["rabbitmq", "cpu"]);
        assert.deepEqual(scaled.spec.triggers[1], { type: "cpu", metricType: "Utilization", metadata: { value: "65" } });
        const hpa = find(run, "HorizontalPodAutoscaler", "content", "content");
        assert.deepEqual(hpa.spec.metrics.map((m: AnyObj) => m.resource.target.averageUtilization), [60, 75]);
    });

    it("maps a team to edit access on its namespaces only", () => {
        const entries = one(run, "eks:index:Cluster").inputs.accessEntries as AnyObj;
        assert.deepEqual(entries["team-games"], {
            principalArn: "arn:aws:iam::123456789012:role/games-team",
            type: "STANDARD",
            accessPolicies: { edit: { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", accessScope: { type: "namespace", namespaces: ["content"] } } },
        });
    });

    it("alerts per service and for the platform, routed to Slack with the webhook from Secrets Manager", () => {
        const rules = find(run, "PrometheusRule", "content", "content");
        const alerts = rules.spec.groups[0].rules.map((r: AnyObj) => r.alert);
        assert.deepEqual(alerts, ["ContentHighErrorRate", "ContentHighLatency", "ContentGrpcErrorRate", "ContentPodRestarts", "ContentCpuSaturation", "ContentMemorySaturation"]);
        assert.match(rules.spec.groups[0].rules[0].expr, /> 0\.02$/, "the service's own error-rate threshold");
        assert.match(rules.spec.groups[0].rules[1].expr, /> 0\.3$/, "p99 above 300 ms");
        const platform = find(run, "PrometheusRule", "monitoring", "platform-alerts");
        assert.deepEqual(platform.spec.groups.map((g: AnyObj) => g.name), ["platform.nodes", "platform.database", "platform.queues"]);
        const kps = one(run, "kubernetes:helm.sh/v3:Release", "addons-kube-prometheus-stack-release").inputs.values as AnyObj;
        assert.equal(kps.alertmanager.config.route.receiver, "slack");
        assert.equal(kps.alertmanager.config.receivers[1].slack_configs[0].api_url_file, "/etc/alertmanager/secrets/alertmanager-slack/url");
        assert.deepEqual(kps.alertmanager.alertmanagerSpec.secrets, ["alertmanager-slack"]);
        assert.equal(find(run, "ExternalSecret", "monitoring", "alertmanager-slack").spec.dataFrom[0].extract.key, one(run, "aws:secretsmanager/secret:Secret", "addons-alertmanager-slack-secret").outputs.name);
        assert.deepEqual(one(run, "aws:secretsmanager/secretVersion:SecretVersion", "addons-alertmanager-slack-version").ignoreChanges, ["secretString"], "people paste the real URL in");
    });

    it("provisions a Grafana dashboard per service", () => {
        const cm = find(run, "ConfigMap", "content", "content-dashboard");
        assert.equal(cm.metadata.labels.grafana_dashboard, "1");
        const model = JSON.parse(cm.data["content.json"]);
        assert.equal(model.uid, "svc-content");
        assert.ok(model.panels.some((p: AnyObj) => p.title === "gRPC calls per second"));
    });
});

describe("database metrics", () => {
    it("runs a postgres exporter per service database, as that service's role, scraped by Prometheus", async () => {
        const run = await stackRun("prod");
        const exporter = find(run, "Deployment", "platform-db", "pg-exporter-api");
        const env = Object.fromEntries(exporter.spec.template.spec.containers[0].env.map((e: AnyObj) => [e.name, e.value ?? `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]));
        assert.equal(env.DATA_SOURCE_URI, `${one(run, "aws:rds/instance:Instance", "database-primary").outputs.address}:5432/api?sslmode=verify-full&sslrootcert=/etc/platform/database-ca.pem`);
        assert.match(env.DATA_SOURCE_USER, /^api-credentials-[0-9a-f]{8}\/SERVICE_USERNAME$/, "the service's own role, never the master user");
        assert.equal(exporter.spec.replicas, 2);
        const monitor = find(run, "ServiceMonitor", "platform-db", "pg-exporter-api");
        assert.deepEqual(monitor.spec.endpoints, [{ port: "metrics", interval: "30s" }]);
        const allow = find(run, "NetworkPolicy", "platform-db", "allow-prometheus");
        assert.deepEqual(allow.spec.ingress[0].ports, [{ protocol: "TCP", port: 9187 }]);
    });
});

describe("optional data stores", () => {
    it("leaves the broker out when no service uses it", async () => {
        const run = await variantRun("dev", {
            "platform:broker": { enabled: false },
            "platform:services": [{ name: "api", kind: "web", image: "ghcr.io/example/api:1.0.0", port: 8080, uses: ["database", "cache"] }],
        });
        assert.equal(ofType(run, "aws:mq/broker:Broker").length, 0);
        assert.equal(run.outputs.brokerEndpoint, undefined);
        assert.equal(ofType(run, "aws:elasticache/replicationGroup:ReplicationGroup").length, 1);
    });
});

describe("alert and dashboard builders", () => {
    const svc = (over: Partial<ServiceSettings>): ServiceSettings => ({ name: "orders", kind: "web", image: "x:1", port: 8080, ...over }) as ServiceSettings;

    it("alert on errors and latency for web services only, and on failed runs for cron jobs", () => {
        const names = (s: ServiceSettings) => serviceRuleGroups(s)[0].rules.map((r) => r.alert);
        assert.deepEqual(names(svc({})), ["OrdersHighErrorRate", "OrdersHighLatency", "OrdersPodRestarts", "OrdersCpuSaturation", "OrdersMemorySaturation"]);
        assert.deepEqual(names(svc({ kind: "worker", port: undefined })), ["OrdersPodRestarts", "OrdersCpuSaturation", "OrdersMemorySaturation"]);
        assert.deepEqual(names(svc({ kind: "cron", name: "nightly-report", port: undefined })).slice(-1), ["NightlyReportJobFailed"]);
        const expr = serviceRuleGroups(svc({}))[0].rules[0].expr;
        assert.ok(expr.includes('namespace="orders"') && expr.endsWith(`> ${ALERT_DEFAULTS.errorRate}`));
    });

    it("cover nodes, database connections and queue depth for the platform", () => {
        const alerts = platformRuleGroups(500).flatMap((g) => g.rules.map((r) => r.alert));
        assert.deepEqual(alerts, ["NodeNotReady", "NodeMemoryPressure", "PostgresDown", "PostgresConnectionsHigh", "QueueBacklog"]);
        assert.match(platformRuleGroups(500)[2].rules[0].expr, /> 500$/);
    });

    it("route to nothing without a Slack channel", () => {
        const config = alertmanagerConfig("") as AnyObj;
        assert.equal(config.route.receiver, "null");
        assert.deepEqual(config.receivers, [{ name: "null" }]);
    });

    it("lay dashboard panels out in a two-column grid", () => {
        const model = dashboard(svc({ queue: undefined })) as AnyObj;
        assert.deepEqual(model.panels.slice(0, 3).map((p: AnyObj) => [p.gridPos.x, p.gridPos.y]), [[0, 0], [12, 0], [0, 8]]);
        assert.ok(model.panels.every((p: AnyObj) => p.targets.every((t: AnyObj) => t.expr.includes('namespace="orders"'))));
    });
});

describe("staging", () => {
    it("enforces every policy except those whose remedy is production-sized spend", () => {
        assert.equal(levelFor("staging", "rds-not-public"), "mandatory");
        assert.equal(levelFor("staging", "mq-cluster-deployment"), "advisory");
        assert.equal(levelFor("prod", "mq-cluster-deployment"), "mandatory");
        assert.equal(levelFor("dev", "rds-not-public"), "advisory");
        assert.deepEqual([...STAGING_ADVISORY].sort(), ["compute-on-demand", "k8s-autoscaler-min-replicas", "k8s-deployment-scales", "mq-cluster-deployment"]);
        assert.equal(environmentFromStackName("acme/platform/staging"), "staging");
    });

    it("the shipped staging stack passes, with only the single-instance broker and the spot apps nodes as advisories", async () => {
        const run = await stackRun("staging");
        const violations = evaluatePolicies(run, { environment: "staging", overrides: { "eks-supported-version": { asOf: KUBERNETES_VERSIONS_AS_OF } } });
        assert.deepEqual(violations.map((v) => [v.level, v.policy]).sort(), [["advisory", "compute-on-demand"], ["advisory", "mq-cluster-deployment"]]);
        const db = one(run, "aws:rds/instance:Instance", "database-primary").inputs;
        assert.deepEqual([db.multiAz, db.instanceClass, db.deletionProtection], [true, "db.t4g.small", true], "HA where it is cheap");
        assert.deepEqual(one(run, "awsx:ec2:Vpc").inputs.natGateways, { strategy: "Single" }, "small where it is not");
    });
});
