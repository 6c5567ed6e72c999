import { strict as assert } from "assert";
import { ofType, one, stackRun } from "../harness";
import type { ProgramRun } from "../../offline/run";
import { brokerPermissions, serviceQueues } from "../../components/data/access";
import { readStackConfig } from "../../offline/stackConfig";
import { loadSettingsFromConfigMap } from "../../config";
import * as path from "path";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const settings = loadSettingsFromConfigMap(readStackConfig(path.join(__dirname, "..", "..", "Pulumi.local.yaml")).config, { project: "platform", stack: "local" });
const using = (store: "database" | "cache" | "broker") => settings.services.filter((s) => (s.uses ?? []).includes(store)).map((s) => s.name).sort();

describe("the local stack, run whole under mocks", () => {
    let run: ProgramRun;
    before(async function () {
        this.timeout(120000);
        run = await stackRun("local");
    });

    it("registers no AWS resource and no AWS provider: nothing of aws, awsx or eks", () => {
        const cloud = run.resources.filter((r) => /^(aws|awsx|eks):/.test(r.type) || r.type === "pulumi:providers:aws");
        assert.deepEqual(cloud.map((r) => r.type), []);
        assert.deepEqual(ofType(run, "pulumi:providers:kubernetes").map((p) => p.inputs.context), ["kind-platform"]);
    });

    it("one CloudNativePG Cluster per database-using service, owned by that service's role, bootstrapped from its own Secret", () => {
        const clusters = ofType(run, "kubernetes:postgresql.cnpg.io/v1:Cluster");
        assert.deepEqual(clusters.map((c) => (c.inputs as AnyObj).metadata.name).sort(), using("database"));
        for (const c of clusters) {
            const spec = (c.inputs as AnyObj).spec;
            const role = (c.inputs as AnyObj).metadata.name.replace(/-/g, "_");
            assert.deepEqual(spec.bootstrap.initdb, { database: role, owner: role, secret: { name: `${(c.inputs as AnyObj).metadata.name}-owner` } });
            assert.equal(spec.storage.storageClass, undefined, "the cluster's default StorageClass");
        }
    });

    it("isolates each database: only its own service's pods and the operator reach its pods on 5432", () => {
        for (const service of using("database")) {
            const policy = one(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", `data-db-${service}-isolation`).inputs as AnyObj;
            assert.deepEqual(policy.spec.podSelector, { matchLabels: { "cnpg.io/cluster": service } });
            assert.deepEqual(policy.spec.policyTypes, ["Ingress"]);
            const [app, operator] = policy.spec.ingress;
            assert.deepEqual(app.from, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": service } }, podSelector: { matchLabels: { "app.kubernetes.io/name": service } } }]);
            assert.deepEqual(app.ports, [{ protocol: "TCP", port: 5432 }]);
            assert.deepEqual(operator.from, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "cnpg-system" } } }]);
            assert.equal(policy.spec.ingress.length, 2, "nothing else is admitted");
        }
        // And the namespace admits nothing by default, so pods no policy selects are closed too.
        const deny = one(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "data-databases-default-deny").inputs as AnyObj;
        assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress"] });
    });

    it("each service reaches only its own database: its egress names its own cluster's pods", () => {
        for (const service of using("database")) {
            const egress = (one(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", `service-${service}-allow-data-stores`).inputs as AnyObj).spec.egress;
            const db = egress.find((e: AnyObj) => e.ports[0].port === 5432);
            assert.deepEqual(db.to, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "platform-databases" } }, podSelector: { matchLabels: { "cnpg.io/cluster": service } } }]);
        }
    });

    it("per-service broker users with the queue permissions of the AWS contract", () => {
        const users = ofType(run, "kubernetes:rabbitmq.com/v1beta1:User").map((u) => (u.inputs as AnyObj).metadata.name).sort();
        assert.deepEqual(users, using("broker").map((s) => `user-${s}`));
        for (const svc of settings.services.filter((s) => using("broker").includes(s.name))) {
            const permission = one(run, "kubernetes:rabbitmq.com/v1beta1:Permission", `data-broker-permission-${svc.name}`).inputs as AnyObj;
            assert.deepEqual(permission.spec.permissions, brokerPermissions(serviceQueues(svc)));
            assert.equal(permission.spec.vhost, "apps");
            assert.deepEqual(permission.spec.userReference, { name: `user-${svc.name}` });
        }
        // The worker consumes the queue it scales on and may not write anywhere.
        const worker = one(run, "kubernetes:rabbitmq.com/v1beta1:Permission", "data-broker-permission-worker").inputs as AnyObj;
        assert.deepEqual(worker.spec.permissions, { configure: "^$", write: "^$", read: "^(orders)$" });
    });

    it("per-service cache users limited to their key prefix; the default user can only PING", () => {
        const valkey = one(run, "kubernetes:helm.sh/v3:Release", "data-cache-release").inputs as AnyObj;
        assert.equal(valkey.values.auth.enabled, true);
        const users = valkey.values.auth.aclUsers as Record<string, { permissions: string }>;
        assert.deepEqual(Object.keys(users).sort(), ["default", ...using("cache")].sort());
        for (const service of using("cache")) {
            assert.equal(users[service].permissions, `~${service}:* &${service}:* +@all -@dangerous`);
        }
        assert.equal(users.default.permissions, "-@all +ping");
    });

    it("exposes web services through Traefik's ingress class at <service>.localtest.me, with cert-manager's self-signed issuer", () => {
        const ingresses = ofType(run, "kubernetes:networking.k8s.io/v1:Ingress").map((i) => i.inputs as AnyObj);
        assert.ok(ingresses.length > 0);
        for (const ing of ingresses) {
            assert.equal(ing.spec.ingressClassName, "traefik");
            const host = `${ing.metadata.namespace}.localtest.me`;
            assert.equal(ing.spec.rules[0].host, host);
            assert.deepEqual(ing.spec.tls, [{ hosts: [host], secretName: `${ing.metadata.name}-tls` }]);
            assert.equal(ing.metadata.annotations["cert-manager.io/cluster-issuer"], "local-selfsigned");
        }
        assert.deepEqual((one(run, "kubernetes:cert-manager.io/v1:ClusterIssuer").inputs as AnyObj).spec, { selfSigned: {} });
        const traefik = one(run, "kubernetes:helm.sh/v3:Release", "addons-traefik-release").inputs as AnyObj;
        assert.equal(traefik.values.ingressClass.name, "traefik");
    });

    it("each service's credentials are a Kubernetes Secret of the name the workload reads, its values never in the clear", () => {
        const secret = one(run, "kubernetes:core/v1:Secret", "service-api-secret").inputs as AnyObj;
        assert.equal(secret.metadata.name, "api-secrets");
        assert.equal(secret.stringData, "[secret]");
        const env = (one(run, "kubernetes:apps/v1:Deployment", "service-api-deployment").inputs as AnyObj).spec.template.spec.containers[0].env as AnyObj[];
        assert.ok(env.length > 0 && env.every((e) => e.valueFrom.secretKeyRef.name === "api-secrets"));
        assert.equal(ofType(run, "kubernetes:external-secrets.io/v1:ExternalSecret").length, 0);
    });

    it("metrics-server skips kubelet certificate checks, as kind and Docker Desktop need; no add-on is pinned to an EKS node group", () => {
        const releases = ofType(run, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs as AnyObj);
        const metrics = releases.find((r) => r.name === "metrics-server") as AnyObj;
        assert.deepEqual(metrics.values.args, ["--kubelet-insecure-tls"]);
        assert.ok(!JSON.stringify(releases.map((r) => r.values)).includes("nodeSelector"));
        assert.deepEqual(releases.map((r) => r.name).sort(), ["cert-manager", "cloudnative-pg", "keda", "kube-prometheus-stack", "metrics-server", "traefik", "valkey"]);
    });
});
