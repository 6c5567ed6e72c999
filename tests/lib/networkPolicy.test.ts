import { strict as assert } from "assert";
import { NetworkPolicyObject, PodEndpoint, allowsConnection, deniesByDefault, isIsolated, selects, targetPortOf } from "../../lib/networkPolicy";

const pod = (namespace: string, labels: Record<string, string>, ip: string, namedPorts?: Record<string, number>): PodEndpoint => ({ namespace, labels, ip, namedPorts });
const policy = (namespace: string, spec: NetworkPolicyObject["spec"]): NetworkPolicyObject => ({ metadata: { namespace }, spec });
const denyAll = (namespace: string) => policy(namespace, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

const web = pod("web", { app: "web" }, "10.0.1.10");
const api = pod("api", { app: "api", tier: "backend" }, "10.0.1.20", { http: 8080 });
const other = pod("api", { app: "other" }, "10.0.1.30", { http: 8080 });

describe("lib/networkPolicy", () => {
    it("matches labels and every selector operator; an empty selector selects everything", () => {
        const labels = { app: "api", tier: "backend" };
        const cases: [Parameters<typeof selects>[0], boolean][] = [
            [{}, true],
            [{ matchLabels: { app: "api" } }, true],
            [{ matchLabels: { app: "api", tier: "front" } }, false],
            [{ matchExpressions: [{ key: "tier", operator: "In", values: ["backend", "db"] }] }, true],
            [{ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["backend"] }] }, false],
            [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, true],
            [{ matchExpressions: [{ key: "app", operator: "Exists" }] }, true],
            [{ matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, false],
            [{ matchLabels: { app: "api" }, matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, false],
        ];
        for (const [selector, expected] of cases) {
            assert.equal(selects(selector, labels), expected, JSON.stringify(selector));
        }
        assert.throws(() => selects({ matchExpressions: [{ key: "a", operator: "Equals" }] }, labels), /operator "Equals"/);
    });

    it("allows everything where no policy selects the pods, and nothing once a default deny does", () => {
        assert.equal(allowsConnection([], web, api, 8080), true);
        assert.equal(allowsConnection([denyAll("api")], web, api, 8080), false, "the callee denies ingress");
        assert.equal(allowsConnection([denyAll("web")], web, api, 8080), false, "the caller denies egress");
        assert.equal(allowsConnection([denyAll("web")], api, other, 8080), true, "a policy in another namespace changes nothing");
    });

    it("needs both the caller's egress and the callee's ingress to allow a connection", () => {
        const ingress = policy("api", {
            podSelector: { matchLabels: { app: "api" } },
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "web" } }, podSelector: { matchLabels: { app: "web" } } }], ports: [{ protocol: "TCP", port: "http" }] }],
        });
        const egress = policy("web", {
            podSelector: { matchLabels: { app: "web" } },
            policyTypes: ["Egress"],
            egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "api" } }, podSelector: { matchLabels: { app: "api" } } }], ports: [{ protocol: "TCP", port: 8080 }] }],
        });
        const base = [denyAll("web"), denyAll("api"), ingress];
        assert.equal(allowsConnection(base, web, api, 8080), false, "the callee admits it, the caller's namespace does not let it out");
        assert.equal(allowsConnection([...base, egress], web, api, 8080), true);
        assert.equal(allowsConnection([...base, egress], web, api, 8081), false, "another port");
        assert.equal(allowsConnection([...base, egress], web, api, 8080, "UDP"), false, "another protocol");
        assert.equal(allowsConnection([...base, egress], web, other, 8080), false, "another pod of the callee's namespace");
        assert.equal(allowsConnection([...base, egress], api, web, 8080), false, "the other direction");
    });

    it("reads a podSelector without matchLabels as selecting every pod, as the API server does once it has dropped the unknown field", () => {
        const bare = policy("api", { podSelector: { app: "api" } as never, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: {} }] }] });
        assert.equal(allowsConnection([denyAll("api"), bare], web, other, 8080), true, "the policy meant for app=api opens app=other too");
    });

    it("honours ipBlock exceptions, port ranges and a namespace selector on its own", () => {
        const out = policy("web", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
                { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16", "169.254.169.254/32"] } }], ports: [{ protocol: "TCP", port: 443 }] },
                { to: [{ ipBlock: { cidr: "fd00:ec2::254/128" } }] },
                { to: [{ namespaceSelector: { matchLabels: { team: "data" } } }], ports: [{ port: 5000, endPort: 5010 }] },
            ],
        });
        assert.equal(allowsConnection([out], web, { ip: "52.94.0.10" }, 443), true);
        assert.equal(allowsConnection([out], web, { ip: "52.94.0.10" }, 80), false);
        assert.equal(allowsConnection([out], web, { ip: "169.254.169.254" }, 443), false);
        assert.equal(allowsConnection([out], web, { ip: "10.0.3.4" }, 443), false);
        const data = { ...pod("warehouse", { app: "db" }, "10.0.9.9"), namespaceLabels: { team: "data" } };
        assert.equal(allowsConnection([out], web, data, 5005), true);
        assert.equal(allowsConnection([out], web, data, 5011), false);
        assert.throws(() => allowsConnection([out], web, { ip: "fd00:ec2::254" }, 80), /not an IPv4 address/);
    });

    it("ANDs the selectors of one peer and ORs the peers of a rule", () => {
        const webLabelled = { ...web, namespaceLabels: { team: "front" } };
        const other = pod("batch", { app: "web" }, "10.0.1.40");
        const peerAnd = policy("api", {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "front" } }, podSelector: { matchLabels: { app: "web" } } }] }],
        });
        const peersOr = policy("api", {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "front" } } }, { podSelector: { matchLabels: { app: "web" } } }] }],
        });
        assert.equal(allowsConnection([peerAnd], webLabelled, api, 8080), true, "both selectors hold");
        assert.equal(allowsConnection([peerAnd], other, api, 8080), false, "the pod selector holds, the namespace selector does not");
        assert.equal(allowsConnection([peersOr], other, api, 8080), false, "OR: a bare podSelector means the policy's own namespace, where no app=web runs");
        const sameNamespaceWeb = pod("api", { app: "web" }, "10.0.1.41");
        assert.equal(allowsConnection([peersOr], sameNamespaceWeb, api, 8080), true, "OR: the second peer admits app=web of the policy's namespace");
        assert.equal(allowsConnection([peersOr], { ...other, namespaceLabels: { team: "front" } }, api, 8080), true, "OR: the first peer admits the whole namespace");
    });

    it("isolates only the direction a policy's types name: an egress-only policy leaves ingress open", () => {
        const egressOnly = policy("api", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Egress"], egress: [] });
        assert.equal(isIsolated([egressOnly], api, "Egress"), true);
        assert.equal(isIsolated([egressOnly], api, "Ingress"), false);
        assert.equal(allowsConnection([egressOnly], web, api, 8080), true, "anyone may still connect in");
        assert.equal(allowsConnection([egressOnly], api, web, 8080), false, "nothing may leave");
        assert.equal(isIsolated([egressOnly], other, "Egress"), false, "another pod of the namespace is not selected");
        const inferred = policy("api", { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] });
        assert.equal(isIsolated([inferred], api, "Egress"), true, "without policyTypes, egress rules make it an Egress policy");
        assert.equal(isIsolated([inferred], api, "Ingress"), true, "and Ingress always applies when policyTypes is absent");
    });

    it("calls a namespace default-deny only when a policy of that type selects every pod", () => {
        assert.equal(deniesByDefault([denyAll("api")], "api", "Ingress"), true);
        assert.equal(deniesByDefault([denyAll("api")], "api", "Egress"), true);
        assert.equal(deniesByDefault([denyAll("api")], "web", "Ingress"), false, "another namespace");
        const selective = policy("api", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress", "Egress"] });
        assert.equal(deniesByDefault([selective], "api", "Ingress"), false, "a pod added later would be open");
        const byExpression = policy("api", { podSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] }, policyTypes: ["Ingress"] });
        assert.equal(deniesByDefault([byExpression], "api", "Ingress"), false);
        const allowAll = policy("api", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] });
        assert.equal(deniesByDefault([allowAll], "api", "Ingress"), false, "it selects every pod but lets everything in");
    });

    it("resolves a Service port to the container port its targetPort names, which is what policies judge", () => {
        assert.equal(targetPortOf({ port: 80, targetPort: "http" }, api), 8080);
        assert.equal(targetPortOf({ port: 80, targetPort: 8081 }, api), 8081);
        assert.equal(targetPortOf({ port: 9090 }, api), 9090, "no targetPort: the same number");
        assert.equal(targetPortOf({ port: 80, targetPort: "grpc" }, api), undefined, "a name the pod does not have");
        const onlyHttp = policy("api", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: "http" }] }] });
        const port = targetPortOf({ port: 80, targetPort: "http" }, api) as number;
        assert.equal(allowsConnection([onlyHttp], web, api, port), true, "through the Service, the pod's 8080 is what the policy sees");
        assert.equal(allowsConnection([onlyHttp], web, api, 80), false, "the Service's own port is not what reaches the pod");
        assert.equal(allowsConnection([onlyHttp], web, pod("api", { app: "x" }, "10.0.1.50"), 8080), false, "a named port the pod does not declare matches nothing");
    });
});
