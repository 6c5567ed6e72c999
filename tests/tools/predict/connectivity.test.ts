import { strict as assert } from "assert";
import type { NetworkPolicyObject } from "../../../lib/networkPolicy";
import { CatalogService, ConnectivityInput, OUTSIDE, evaluateConnectivity } from "../../../tools/predict/connectivity";
import type { PlannedPod } from "../../../tools/predict/pods";

const pod = (namespace: string, namedPorts: Record<string, number> = {}): PlannedPod => ({
    owner: `Deployment ${namespace}/${namespace}`,
    namespace,
    labels: { app: namespace },
    namedPorts,
    requests: { cpuMillis: 100, memoryBytes: 0 },
    count: { min: 1, max: 1 },
    shape: { spec: { containers: [] } },
    hostNetwork: false,
});
const dns: PlannedPod = { ...pod("kube-system"), owner: "coredns", labels: { "k8s-app": "kube-dns" } };
const policy = (namespace: string, name: string, spec: NetworkPolicyObject["spec"]): NetworkPolicyObject => ({ metadata: { namespace, name }, spec });
const denyAll = (ns: string) => policy(ns, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
const toNs = (ns: string, labels: Record<string, string>) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } }, podSelector: { matchLabels: labels } });
const dnsOut = (ns: string) => policy(ns, "dns", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [toNs("kube-system", { "k8s-app": "kube-dns" })], ports: [{ protocol: "UDP", port: 53 }] }] });
const awsOut = (ns: string) =>
    policy(ns, "aws", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16", "169.254.169.254/32"] } }], ports: [{ port: 443 }] }] });

const web: CatalogService = { name: "web", callers: [], uses: [], servicePorts: [{ port: 80, targetPort: "http" }] };
const api: CatalogService = { name: "api", callers: ["web"], uses: ["database"], servicePorts: [{ port: 80, targetPort: "http" }] };
const database = { name: "database", ip: "10.0.200.10", port: 5432 };

/** A small stack that does everything right: web calls api, api uses the database. */
function input(policies: NetworkPolicyObject[], over: Partial<ConnectivityInput> = {}): ConnectivityInput {
    return {
        policies,
        pods: [pod("web", { http: 8080 }), pod("api", { http: 8081 }), dns],
        namespaceLabels: new Map(),
        services: [web, api],
        stores: [database],
        tenantNamespaces: ["web", "api"],
        podCidr: "10.0.0.0/19",
        endpointIp: "10.0.0.5",
        ...over,
    };
}
const good = [
    denyAll("web"),
    denyAll("api"),
    dnsOut("web"),
    dnsOut("api"),
    awsOut("web"),
    awsOut("api"),
    policy("web", "callees", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [toNs("api", { app: "api" })], ports: [{ port: 8081 }] }] }),
    policy("api", "callers", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [toNs("web", { app: "web" })], ports: [{ port: "http" }] }] }),
    policy("api", "data", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.0.200.0/24" } }], ports: [{ port: 5432 }] }] }),
];

describe("predict/connectivity", () => {
    it("reports who calls each service and what it reaches, and finds nothing wrong in a stack that follows its catalog", () => {
        const c = evaluateConnectivity(input(good));
        assert.deepEqual(c.violations, []);
        const apiView = c.services.find((s) => s.name === "api");
        assert.deepEqual(apiView?.callers, [{ from: "web", ports: [8081] }], "the Service's targetPort http resolves to the pod's 8081");
        assert.deepEqual(apiView?.reaches, [{ to: "dns", ports: [53] }, { to: "database", ports: [5432] }, { to: "aws-apis", ports: [443] }, { to: "internet", ports: [443] }]);
        const webView = c.services.find((s) => s.name === "web");
        assert.deepEqual(webView?.reaches.find((r) => r.to === "api"), { to: "api", ports: [8081] });
        const edge = c.edges.find((e) => e.from === "web" && e.to === "api" && e.port === 8081);
        assert.deepEqual(edge, { from: "web", to: "api", port: 8081, protocol: "TCP", declared: true, verdict: "allowed" });
        assert.ok(c.edges.some((e) => e.from === "web" && e.to === "database" && !e.declared && e.verdict === "blocked"));
    });

    it("judges DNS at the cluster DNS address where no CoreDNS pod runs, as under EKS Auto Mode", () => {
        const pods = [pod("web", { http: 8080 }), pod("api", { http: 8081 })];
        const reachesDns = (policies: NetworkPolicyObject[]) =>
            evaluateConnectivity(input(policies, { pods, clusterDnsIp: "172.20.0.10" })).services.map((svc) => svc.reaches.some((r) => r.to === "dns"));
        const byAddress = (ns: string) => policy(ns, "dns", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [toNs("kube-system", { "k8s-app": "kube-dns" }), { ipBlock: { cidr: "172.20.0.10/32" } }], ports: [{ protocol: "UDP", port: 53 }] }] });
        assert.deepEqual(reachesDns(["web", "api"].flatMap((ns) => [denyAll(ns), dnsOut(ns)])), [false, false], "a rule selecting CoreDNS pods alone lets nothing through");
        assert.deepEqual(reachesDns(["web", "api"].flatMap((ns) => [denyAll(ns), byAddress(ns)])), [true, true]);
        assert.deepEqual(evaluateConnectivity(input([], { pods })).services.map((svc) => svc.reaches.some((r) => r.to === "dns")), [false, false], "without the address there is no DNS to judge");
    });

    it("flags a declared caller that its callee's ingress blocks", () => {
        const c = evaluateConnectivity(input(good.filter((p) => p.metadata.name !== "callers")));
        assert.deepEqual(c.violations.map((v) => [v.kind, v.namespace]), [["declared-edge-blocked", "api"]]);
    });

    it("flags an undeclared path that is open, and a store reachable by a service that does not use it", () => {
        const openApi = policy("api", "open", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}], egress: [{}] });
        const openWeb = policy("web", "open", { podSelector: {}, policyTypes: ["Egress"], egress: [{}] });
        const c = evaluateConnectivity(input([...good, openApi, openWeb]));
        const kinds = c.violations.map((v) => `${v.kind} ${v.namespace}`).sort();
        assert.deepEqual(kinds, ["imds-reachable api", "imds-reachable web", "undeclared-path-open api", "unused-store-reachable web"]);
        assert.match(c.violations.find((v) => v.kind === "undeclared-path-open" && v.namespace === "api")?.message ?? "", /web can reach api on port\(s\) 9999/);
        assert.deepEqual(c.services.find((s) => s.name === "web")?.reaches.find((r) => r.to === "imds"), { to: "imds", ports: [80, 443] });
    });

    it("flags a tenant namespace without default deny, per direction", () => {
        const egressOnly = policy("api", "default-deny", { podSelector: {}, policyTypes: ["Egress"] });
        const c = evaluateConnectivity(input([...good.filter((p) => !(p.metadata.namespace === "api" && p.metadata.name === "default-deny")), egressOnly]));
        assert.deepEqual(
            c.violations.filter((v) => v.kind === "no-default-deny").map((v) => v.message),
            ["namespace api has no default-deny policy for Ingress"],
        );
    });

    it("lets the load balancer's subnets in only where a policy admits them, and leaves host-network pods out", () => {
        const lb = policy("web", "lb", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: "10.0.64.0/24" } }], ports: [{ port: "http" }] }] });
        const host: PlannedPod = { ...pod("kube-system"), owner: "node-exporter", hostNetwork: true };
        const c = evaluateConnectivity(input([...good, lb], { loadBalancerIp: "10.0.64.5", pods: [...input(good).pods, host] }));
        assert.deepEqual(c.services.find((s) => s.name === "web")?.callers, [{ from: "load balancer", ports: [8080] }]);
        assert.deepEqual(c.services.find((s) => s.name === "api")?.callers, [{ from: "web", ports: [8081] }]);
        assert.ok(!c.edges.some((e) => e.to === "node-exporter" || e.from === "node-exporter"));
        assert.equal(OUTSIDE.imds, "169.254.169.254");
    });

    it("judges an in-cluster store as pods, through both namespaces' policies, and judges no AWS edges where there is no AWS", () => {
        const store = { name: "database", port: 5432, podsFor: () => ({ namespace: "data", labels: { db: "api" }, ip: "10.0.250.1" }) };
        const toStore = policy("api", "data", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [toNs("data", { db: "api" })], ports: [{ port: 5432 }] }] });
        const storeIngress = (from: string) => policy("data", "clients", { podSelector: { matchLabels: { db: "api" } }, policyTypes: ["Ingress"], ingress: [{ from: [toNs(from, { app: from })], ports: [{ port: 5432 }] }] });
        const base = [...good.filter((p) => p.metadata.name !== "data" && p.metadata.name !== "aws"), toStore];
        const local = (policies: NetworkPolicyObject[]) => evaluateConnectivity(input(policies, { stores: [store], endpointIp: undefined }));

        const ok = local([...base, storeIngress("api")]);
        assert.deepEqual(ok.violations, []);
        assert.deepEqual(ok.services.find((s) => s.name === "api")?.reaches, [{ to: "dns", ports: [53] }, { to: "database", ports: [5432] }]);
        assert.ok(!ok.edges.some((e) => e.to === "aws-apis" || e.to === "interface-endpoints"));

        const refused = local([...base, storeIngress("web")]);
        assert.deepEqual(refused.violations.map((v) => `${v.kind} ${v.namespace}`), ["declared-edge-blocked api"], "the store's own ingress policy is judged too");
    });
});
