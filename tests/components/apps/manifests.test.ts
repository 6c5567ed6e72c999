import { strict as assert } from "assert";
import type { ServiceSettings } from "../../../config/schema";
import * as m from "../../../components/apps/manifests";
import type { DataWiring } from "../../../components/apps/wiring";

/** The builders take plain values; anything a resource would compute is a plain string here. */
const noData: DataWiring = { env: {}, secretKeys: [], egress: [], secretArns: [], files: {} };
const brokerData: DataWiring = {
    env: { BROKER_URL: "amqps://mq:5671" },
    secretKeys: [
        { env: "BROKER_USERNAME", from: { secretArn: "arn:broker", property: "username" } },
        { env: "BROKER_PASSWORD", from: { secretArn: "arn:broker", property: "password" } },
        { env: "BROKER_AMQP_URL", template: "amqps://{{ .BROKER_USERNAME }}:{{ .BROKER_PASSWORD }}@mq:5671" },
        { env: "API_KEY", from: { secretArn: "arn:app", property: "value" } },
    ],
    egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/19" } }], ports: [{ protocol: "TCP", port: 5671 }] }],
    secretArns: ["arn:app", "arn:broker"],
    files: {},
};

function wiring(extra: Partial<m.ServiceWiring> = {}): m.ServiceWiring {
    return {
        region: "eu-west-1",
        environment: "staging",
        defaultReplicas: 2,
        roleArn: "arn:aws:iam::123456789012:role/orders",
        data: noData,
        networks: { vpc: "10.0.0.0/16", public: ["10.0.64.0/24"], private: ["10.0.0.0/19"] },
        ingress: { certificateArn: "arn:cert", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", scheme: "internet-facing", group: "platform-staging", orders: { "orders.example.com/": 2, "grpc.example.com/": 1 } },
        prometheus: { namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "prometheus" } },
        tracing: { namespace: "observability", podLabels: { app: "otel" }, endpoint: "http://otel:4317", ports: [4317, 4318] },
        callees: [],
        ...extra,
    };
}

const web: ServiceSettings = { name: "orders", kind: "web", image: "example/orders:1.0.0", port: 8080, ingress: { host: "orders.example.com", path: "/" } };
const worker: ServiceSettings = { name: "billing", kind: "worker", image: "example/billing:1.0.0", uses: ["broker"], queue: { name: "invoices", targetLength: 50 }, secrets: ["api-key"] };
const cron: ServiceSettings = { name: "report", kind: "cron", image: "example/report:1.0.0", schedule: "0 3 * * *" };

// The builders return Pulumi input types, whose fields may be Inputs; the tests read back plain values.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const plain = (o: unknown): any => o;

describe("service manifest builders", () => {
    it("namespace: a tenant under the restricted Pod Security level", () => {
        const labels = plain(m.namespace(web)).metadata.labels;
        assert.equal(labels["platform.io/tenant"], "true");
        for (const mode of ["enforce", "warn", "audit"]) {
            assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted");
        }
    });

    it("service account: bound to the role, with no API token mounted", () => {
        const sa = plain(m.serviceAccount(web, wiring()));
        assert.deepEqual(sa.metadata.annotations, { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/orders" });
        assert.equal(sa.automountServiceAccountToken, false);
    });

    it("config map: catalog env, region, the data stores' settings, tracing only when asked", () => {
        const data = plain(m.configMap({ ...web, env: { LOG_LEVEL: "info" } }, wiring({ data: brokerData }))).data;
        assert.deepEqual(Object.keys(data), ["LOG_LEVEL", "AWS_REGION", "BROKER_URL"]);
        const traced = plain(m.configMap({ ...web, tracing: true }, wiring())).data;
        assert.equal(traced.OTEL_EXPORTER_OTLP_ENDPOINT, "http://otel:4317");
        assert.equal(traced.OTEL_RESOURCE_ATTRIBUTES, "deployment.environment=staging,k8s.namespace.name=orders");
    });

    it("container: every Secret key as an env var in order, probes and ports only for web, CPU limit twice the request", () => {
        const c = plain(m.container(worker, wiring({ data: brokerData })));
        assert.deepEqual(
            c.env.map((e: { name: string }) => e.name),
            ["BROKER_USERNAME", "BROKER_PASSWORD", "BROKER_AMQP_URL", "API_KEY"],
        );
        assert.deepEqual(c.env[0].valueFrom, { secretKeyRef: { name: "billing-secrets", key: "BROKER_USERNAME" } });
        assert.equal(c.ports, undefined);
        assert.equal(c.readinessProbe, undefined);
        assert.deepEqual(c.resources, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "128Mi" } });
        assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });

        const grpc = plain(m.container({ ...web, grpc: { port: 9090 } }, wiring()));
        assert.deepEqual(grpc.ports.map((p: { name: string }) => p.name), ["http", "grpc"]);
        assert.deepEqual(grpc.readinessProbe, { grpc: { port: 9090 }, periodSeconds: 5, failureThreshold: 3 });
        assert.equal(plain(m.container(web, wiring())).env, undefined, "no Secret keys, no env");
    });

    it("pod spec: on the apps nodes, restricted, spread over zones; a cron pod never restarts", () => {
        const pod = plain(m.podSpec(web, wiring()));
        assert.deepEqual(pod.nodeSelector, { "platform.io/node-group": "apps" });
        assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } });
        assert.deepEqual(pod.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey), ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
        const cronPod = plain(m.podSpec(cron, wiring()));
        assert.equal(cronPod.restartPolicy, "Never");
        assert.equal(cronPod.topologySpreadConstraints, undefined);
    });

    it("secrets: also mounted read-only as files, one per key, readable by the pod's group, which the kubelet refreshes in place", () => {
        const pod = plain(m.podSpec(worker, wiring({ data: brokerData })));
        assert.deepEqual(pod.volumes[1], { name: "secrets", secret: { secretName: "billing-secrets", defaultMode: 0o440 } });
        assert.deepEqual(pod.containers[0].volumeMounts[1], { name: "secrets", mountPath: "/var/run/secrets/platform", readOnly: true });
        const none = plain(m.podSpec(web, wiring()));
        assert.deepEqual(none.volumes.map((v: { name: string }) => v.name), ["tmp"], "no Secret, nothing to mount");
        assert.deepEqual(none.containers[0].volumeMounts.map((v: { name: string }) => v.name), ["tmp"]);
    });

    it("config checksum: the same for the same data in any key order, different for any change", () => {
        const a = m.checksumOf({ LOG_LEVEL: "info", AWS_REGION: "eu-west-1" });
        assert.match(a, /^[0-9a-f]{64}$/);
        assert.equal(m.checksumOf({ AWS_REGION: "eu-west-1", LOG_LEVEL: "info" }), a);
        assert.notEqual(m.checksumOf({ LOG_LEVEL: "debug", AWS_REGION: "eu-west-1" }), a);
        assert.notEqual(m.checksumOf({ LOG_LEVEL: "info", AWS_REGION: "eu-west-1", X: "" }), a);
    });

    it("deployment and autoscaler: the environment's replicas unless the catalog gives bounds", () => {
        assert.equal(plain(m.deployment(web, wiring({ defaultReplicas: 1 }))).spec.replicas, 1);
        assert.equal(m.isAutoscaled(web, 2), false);
        const scaled = { ...web, replicas: { min: 2, max: 6 }, autoscaling: { cpu: 60 } };
        assert.equal(m.isAutoscaled(scaled, 1), true);
        const hpa = plain(m.horizontalPodAutoscaler(scaled, wiring()));
        assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [2, 6]);
        assert.deepEqual(
            hpa.spec.metrics.map((x: { resource: { name: string; target: { averageUtilization: number } } }) => [x.resource.name, x.resource.target.averageUtilization]),
            [["cpu", 60], ["memory", 80]],
        );
    });

    it("queue scaling: KEDA reads the broker URL from the service's Secret, and adds CPU when the catalog asks", () => {
        const q = plain(m.queueScaling({ ...worker, autoscaling: { cpu: 75 } }, wiring()));
        assert.deepEqual(Object.keys(q), ["triggerauthentication", "scaledobject"]);
        assert.deepEqual(q.triggerauthentication.spec.secretTargetRef, [{ parameter: "host", name: "billing-secrets", key: "BROKER_AMQP_URL" }]);
        assert.deepEqual(q.scaledobject.spec.triggers.map((t: { type: string }) => t.type), ["rabbitmq", "cpu"]);
        assert.throws(() => m.queueScaling(web, wiring()), /only a service with a queue/);
    });

    it("cron job: needs its schedule, runs in UTC and never overlaps", () => {
        const job = plain(m.cronJob(cron, wiring()));
        assert.deepEqual([job.spec.schedule, job.spec.timeZone, job.spec.concurrencyPolicy], ["0 3 * * *", "Etc/UTC", "Forbid"]);
        assert.throws(() => m.cronJob({ ...cron, schedule: undefined }, wiring()), /a cron service needs schedule/);
    });

    it("external secret: reads what the wiring names, and templates only the templated keys", () => {
        const es = plain(m.externalSecret(worker, wiring({ data: brokerData })));
        assert.deepEqual(es.spec.data.map((d: { secretKey: string }) => d.secretKey), ["BROKER_USERNAME", "BROKER_PASSWORD", "API_KEY"]);
        assert.deepEqual(es.spec.data[2].remoteRef, { key: "arn:app", property: "value" });
        assert.deepEqual(Object.keys(es.spec.target.template.data), ["BROKER_AMQP_URL"]);
        assert.equal(plain(m.externalSecret(web, wiring())).spec.target.template, undefined);
        assert.deepEqual(m.secretKeys(wiring({ data: brokerData })), ["BROKER_USERNAME", "BROKER_PASSWORD", "BROKER_AMQP_URL", "API_KEY"]);
    });

    it("network policies: deny first, data-store egress only when wired, the load balancer from its own subnets", () => {
        assert.deepEqual(Object.keys(m.networkPolicies(worker, wiring({ data: brokerData }))), ["default-deny", "allow-dns", "allow-aws-apis", "allow-data-stores"]);
        const policies = plain(m.networkPolicies(web, wiring()));
        assert.deepEqual(Object.keys(policies), ["default-deny", "allow-dns", "allow-aws-apis", "allow-load-balancer", "allow-prometheus"]);
        assert.deepEqual(policies["allow-load-balancer"].spec.ingress[0].from, [{ ipBlock: { cidr: "10.0.64.0/24" } }]);
        const internal = plain(m.networkPolicies(web, wiring({ ingress: { ...(wiring().ingress as m.AlbIngressWiring), scheme: "internal" } })));
        assert.deepEqual(internal["allow-load-balancer"].spec.ingress[0].from, [{ ipBlock: { cidr: "10.0.0.0/19" } }]);
    });

    it("observability: Prometheus scrapes the path the service names, and nothing of a service that serves no metrics", () => {
        assert.equal(plain(m.serviceMonitor(web)).spec.endpoints[0].path, "/metrics");
        assert.deepEqual(plain(m.serviceMonitor({ ...web, metricsPath: "/admin/metrics" })).spec.endpoints, [{ port: "http", path: "/admin/metrics", interval: "30s" }]);
        assert.equal(m.serviceMonitor(worker), undefined);
        const silent: ServiceSettings = { ...web, grpc: { port: 9090 }, metricsPath: false };
        assert.equal(m.serviceMonitor(silent), undefined);
        const alerts = (s: ServiceSettings) => plain(m.alertRules(s)).spec.groups[0].rules.map((r: { alert: string }) => r.alert);
        assert.deepEqual(alerts({ ...silent, metricsPath: undefined }), ["OrdersHighErrorRate", "OrdersHighLatency", "OrdersGrpcErrorRate", "OrdersPodRestarts", "OrdersCpuSaturation", "OrdersMemorySaturation"]);
        assert.deepEqual(alerts(silent), ["OrdersPodRestarts", "OrdersCpuSaturation", "OrdersMemorySaturation"]);
        const panels = (s: ServiceSettings) => JSON.parse(plain(m.dashboardConfigMap(s)).data["orders.json"]).panels.map((p: { title: string }) => p.title);
        assert.deepEqual(panels({ ...silent, metricsPath: undefined }).slice(0, 4), ["Requests per second", "Error ratio (5xx)", "Latency", "gRPC calls per second"]);
        assert.deepEqual(panels(silent), ["CPU (cores)", "Memory", "Restarts (15 min)", "Ready pods"]);
        assert.deepEqual(Object.keys(m.networkPolicies(silent, wiring())), ["default-deny", "allow-dns", "allow-aws-apis", "allow-load-balancer"]);
    });

    it("network policies: egress to exactly the callees' serving ports; HTTPS out of the VPC but never to the instance metadata service", () => {
        const callees = [{ name: "payments", ports: [8080, 9090] }, { name: "users", ports: [3000] }];
        const policies = plain(m.networkPolicies(worker, wiring({ callees })));
        assert.deepEqual(policies["allow-callees"].spec, {
            podSelector: { matchLabels: { "app.kubernetes.io/name": "billing" } },
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "payments" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "payments" } } }],
                    ports: [{ protocol: "TCP", port: 8080 }, { protocol: "TCP", port: 9090 }],
                },
                { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "users" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "users" } } }], ports: [{ protocol: "TCP", port: 3000 }] },
            ],
        });
        assert.equal(plain(m.networkPolicies(worker, wiring()))["allow-callees"], undefined, "no callees, no egress to other services");
        assert.deepEqual(policies["allow-aws-apis"].spec.egress[0].to, [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16", "169.254.169.254/32"] } }]);
    });

    it("callees: the web services that list it as a caller, with their HTTP and gRPC ports", () => {
        const catalog: ServiceSettings[] = [
            { ...web, name: "payments", callers: ["billing", "orders"], grpc: { port: 9090 } },
            { ...web, name: "users", port: 3000, callers: ["billing"] },
            { ...web, name: "search", callers: ["orders"] },
            worker,
        ];
        assert.deepEqual(m.calleesOf(worker, catalog), [{ name: "payments", ports: [8080, 9090] }, { name: "users", ports: [3000] }]);
        assert.deepEqual(m.calleesOf(catalog[1], catalog), []);
    });

    it("ingresses: one per route, keyed by the suffix of its logical name, in the stack's ALB group", () => {
        const both = plain(m.ingresses({ ...web, grpc: { port: 9090, ingress: { host: "grpc.example.com", path: "/" } } }, wiring()));
        assert.deepEqual(Object.keys(both), ["ingress", "grpc-ingress"]);
        assert.equal(both["grpc-ingress"].metadata.name, "orders-grpc");
        assert.equal(both.ingress.metadata.annotations["alb.ingress.kubernetes.io/group.name"], "platform-staging");
        assert.deepEqual(m.ingresses({ ...web, ingress: undefined }, wiring()), {});
        assert.deepEqual([both.ingress, both["grpc-ingress"]].map((i) => i.metadata.annotations["alb.ingress.kubernetes.io/group.order"]), ["2", "1"]);
        assert.throws(() => m.ingresses({ ...web, ingress: { host: "other.example.com", path: "/" } }, wiring()), /route other.example.com\/ has no group order/);
    });

    it("ingress orders: deeper and longer paths first, whatever the services' names and catalog order", () => {
        const routed = (name: string, host: string, path: string): ServiceSettings => ({ ...web, name, ingress: { host, path } });
        const catalog = [
            routed("a-site", "shop.example.com", "/"),
            routed("orders", "shop.example.com", "/orders/"),
            routed("order-history", "shop.example.com", "/orders/history"),
            routed("api", "api.example.com", "/"),
            { ...routed("content", "shop.example.com", "/content"), grpc: { port: 9090, ingress: { host: "grpc.example.com", path: "/" } } },
        ];
        const orders = m.ingressOrders(catalog);
        assert.deepEqual(Object.entries(orders).sort((a, b) => a[1] - b[1]).map(([key]) => key), [
            "shop.example.com/orders/history",
            "shop.example.com/content",
            "shop.example.com/orders",
            "api.example.com/",
            "grpc.example.com/",
            "shop.example.com/",
        ]);
        assert.deepEqual(m.ingressOrders([...catalog].reverse()), orders, "the catalog's order does not matter");
        const many = Array.from({ length: 1001 }, (_, i) => routed(`s${i}`, "shop.example.com", `/p${i}`));
        assert.throws(() => m.ingressOrders(many), /routes 1001 host and path pairs through the shared ALB; its group orders allow 1000/);
    });
});
