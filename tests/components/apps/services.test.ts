import { strict as assert } from "assert";
import { Manifest, manifestsOf, podSpecsOf } from "../../../offline/manifests";
import { ProgramRun } from "../../../offline/run";
import * as path from "path";
import { checksumOf } from "../../../components/apps/manifests";
import { readStackConfig } from "../../../offline/stackConfig";
import { ROOT, json, ofType, one, stackRun, variantRun } from "../../harness";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const objects = (run: ProgramRun) => manifestsOf(run.resources);
const find = (run: ProgramRun, kind: string, namespace: string, name?: string) =>
    objects(run).filter((m) => m.kind === kind && m.metadata.namespace === namespace && (name === undefined || m.metadata.name === name));
const only = (run: ProgramRun, kind: string, namespace: string, name?: string): AnyObj => {
    const found = find(run, kind, namespace, name);
    assert.equal(found.length, 1, `expected one ${kind} ${namespace}/${name ?? "*"}, found ${found.length}`);
    return found[0] as AnyObj;
};
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const workloads = (run: ProgramRun) => objects(run).filter((m) => m.kind === "Deployment" || m.kind === "CronJob");
const podLabels = (m: Manifest): Record<string, string> =>
    m.kind === "CronJob" ? (m as AnyObj).spec.jobTemplate.spec.template.metadata.labels : (m as AnyObj).spec.template.metadata.labels;

describe("service catalog", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every kind of the sample catalog is deployed in its own restricted namespace`, async () => {
            const run = await stackRun(stack);
            for (const [ns, kind] of [["frontend", "Deployment"], ["api", "Deployment"], ["worker", "Deployment"], ["nightly-report", "CronJob"]]) {
                const nsObj = objects(run).find((m) => m.kind === "Namespace" && m.metadata.name === ns) as AnyObj;
                assert.ok(nsObj, `namespace ${ns}`);
                assert.equal(nsObj.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
                assert.equal(nsObj.metadata.labels["platform.io/tenant"], "true");
                assert.equal(find(run, kind, ns).length, 1, `${kind} in ${ns}`);
            }
        }).timeout(60000);
    }

    it("wires every Service, HPA, ScaledObject, PDB and NetworkPolicy to a workload that exists", async () => {
        for (const stack of ["dev", "prod"]) {
            const run = await stackRun(stack);
            const all = objects(run);
            for (const svc of all.filter((m) => m.kind === "Service") as AnyObj[]) {
                const targets = workloads(run).filter((w) => w.metadata.namespace === svc.metadata.namespace && matches(svc.spec.selector, podLabels(w)));
                assert.equal(targets.length, 1, `Service ${svc.metadata.namespace}/${svc.metadata.name} selects one workload`);
                const container = podSpecsOf(targets[0])[0].containers as AnyObj[];
                for (const port of svc.spec.ports) {
                    assert.ok(container.some((c) => (c.ports ?? []).some((p: AnyObj) => p.name === port.targetPort)), `targetPort ${port.targetPort} exists`);
                }
            }
            for (const m of all.filter((x) => ["HorizontalPodAutoscaler", "ScaledObject"].includes(x.kind)) as AnyObj[]) {
                assert.equal(find(run, m.spec.scaleTargetRef.kind ?? "Deployment", m.metadata.namespace, m.spec.scaleTargetRef.name).length, 1, `${m.kind} ${m.metadata.name} targets a Deployment`);
            }
            for (const pdb of all.filter((x) => x.kind === "PodDisruptionBudget") as AnyObj[]) {
                assert.ok(workloads(run).some((w) => w.metadata.namespace === pdb.metadata.namespace && matches(pdb.spec.selector.matchLabels, podLabels(w))), `PDB ${pdb.metadata.name} selects pods`);
                assert.equal(pdb.spec.maxUnavailable, 1, "always allows one voluntary disruption");
            }
            for (const np of all.filter((x) => x.kind === "NetworkPolicy") as AnyObj[]) {
                const sel = np.spec.podSelector.matchLabels ?? {};
                if (Object.keys(sel).length > 0) {
                    assert.ok(workloads(run).some((w) => w.metadata.namespace === np.metadata.namespace && matches(sel, podLabels(w))), `${np.metadata.namespace}/${np.metadata.name} selects pods`);
                }
            }
            for (const ing of all.filter((x) => x.kind === "Ingress") as AnyObj[]) {
                for (const rule of ing.spec.rules) {
                    for (const path of rule.http.paths) {
                        const svc = only(run, "Service", ing.metadata.namespace, path.backend.service.name);
                        assert.ok(svc.spec.ports.some((p: AnyObj) => p.name === path.backend.service.port.name), `Ingress backend port ${path.backend.service.port.name}`);
                    }
                }
            }
        }
    });

    it("scales web services on CPU 70 % and memory 80 %, and the queue worker on its RabbitMQ queue", async () => {
        const run = await stackRun("prod");
        const hpa = only(run, "HorizontalPodAutoscaler", "api");
        assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [3, 20]);
        assert.deepEqual(hpa.spec.metrics.map((m: AnyObj) => [m.resource.name, m.resource.target.averageUtilization]), [["cpu", 70], ["memory", 80]]);
        const scaled = only(run, "ScaledObject", "worker");
        assert.deepEqual(scaled.spec.triggers[0].metadata, { protocol: "amqp", mode: "QueueLength", queueName: "orders", value: "20" });
        const auth = only(run, "TriggerAuthentication", "worker", scaled.spec.triggers[0].authenticationRef.name);
        assert.deepEqual(auth.spec.secretTargetRef, [{ parameter: "host", name: "worker-secrets", key: "BROKER_AMQP_URL" }]);
        assert.equal(find(run, "HorizontalPodAutoscaler", "worker").length, 0, "KEDA, not an HPA, scales the worker");
        const deployment = one(run, "kubernetes:apps/v1:Deployment", "service-api-deployment");
        assert.deepEqual(deployment.ignoreChanges, ["spec.replicas"], "the autoscaler owns the replica count");
    });

    it("runs every container with the restricted security context, probes on web, requests and limits", async () => {
        for (const w of workloads(await stackRun("prod"))) {
            for (const pod of podSpecsOf(w) as AnyObj[]) {
                assert.equal(pod.securityContext.runAsNonRoot, true);
                assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
                assert.equal(pod.automountServiceAccountToken, false);
                assert.equal(pod.serviceAccountName, w.metadata.namespace === "platform-db" ? "db-provisioner" : w.metadata.namespace, "a dedicated service account");
                for (const c of pod.containers) {
                    assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
                    if (w.metadata.namespace !== "platform-db") {
                        assert.deepEqual(c.volumeMounts[0], { name: "tmp", mountPath: "/tmp" }, "catalog services get a writable /tmp");
                        const secrets = c.env ? [{ name: "secrets", mountPath: "/var/run/secrets/platform", readOnly: true }] : [];
                        assert.deepEqual(c.volumeMounts.slice(1, 1 + secrets.length), secrets, "and their Secret as files");
                        assert.deepEqual(
                            c.volumeMounts.slice(1 + secrets.length),
                            pod.volumes.some((v: AnyObj) => v.name === "data-files") ? [{ name: "data-files", mountPath: "/etc/platform", readOnly: true }] : [],
                            "and their stores' CA bundles, read-only",
                        );
                    }
                    assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.cpu && c.resources.limits.memory);
                    const web = (c.ports ?? []).length > 0;
                    assert.equal(Boolean(c.readinessProbe && c.livenessProbe), web, `${w.metadata.name}: probes on served containers only`);
                }
                if (w.metadata.namespace !== "platform-db") {
                    const secret = pod.containers[0].env ? [{ name: "secrets", secret: { secretName: `${w.metadata.namespace}-secrets`, defaultMode: 0o440 } }] : [];
                    assert.deepEqual(pod.volumes.slice(0, 1 + secret.length), [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }, ...secret]);
                    assert.ok(pod.volumes.slice(1 + secret.length).every((v: AnyObj) => v.name === "data-files" && v.configMap !== undefined), "other volumes are the CA bundles' ConfigMap");
                }
            }
        }
        const api = only(await stackRun("prod"), "Deployment", "api");
        assert.deepEqual(api.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
        assert.deepEqual(api.spec.template.spec.topologySpreadConstraints.map((t: AnyObj) => t.topologyKey), ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
        assert.deepEqual(api.spec.template.spec.containers[0].resources, { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "512Mi" } });
    });

    it("wires the API's configuration to the AWS outputs: database, reader, cache with TLS, broker", async () => {
        const run = await stackRun("prod");
        const data = only(run, "ConfigMap", "api", "api-config").data;
        const primary = one(run, "aws:rds/instance:Instance", "database-primary").outputs;
        const replica = one(run, "aws:rds/instance:Instance", "database-replica-1").outputs;
        assert.equal(data.DATABASE_HOST, primary.address);
        assert.equal(data.DATABASE_READER_HOST, undefined, "the API does not ask for the replica");
        assert.equal(only(run, "ConfigMap", "nightly-report", "nightly-report-config").data.DATABASE_READER_HOST, replica.address, "the report reads from the replica");
        assert.equal(data.DATABASE_PORT, "5432");
        assert.equal(data.DATABASE_NAME, "api");
        assert.equal(data.CACHE_HOST, one(run, "aws:elasticache/replicationGroup:ReplicationGroup").outputs.primaryEndpointAddress);
        assert.equal(data.CACHE_TLS, "true");
        assert.equal(data.BROKER_URL, `${run.outputs.brokerEndpoint}/apps`, "the broker URL names the application vhost");
        assert.equal(data.CACHE_KEY_PREFIX, "api:", "the cache user may touch only keys under its prefix");
        assert.equal(data.DATABASE_SSLMODE, "verify-full");
        assert.equal(data.LOG_LEVEL, "info", "plain env from the catalog");
        const frontend = only(run, "ConfigMap", "frontend", "frontend-config").data;
        assert.equal(frontend.DATABASE_HOST, undefined, "a service gets only what it uses");
    });

    it("materialises credentials from the right Secrets Manager secrets; no secret value in any manifest", async () => {
        const run = await stackRun("prod");
        const es = only(run, "ExternalSecret", "api", "api-secrets");
        const refs = Object.fromEntries(es.spec.data.map((d: AnyObj) => [d.secretKey, [d.remoteRef.key, d.remoteRef.property]]));
        const outputs = run.outputs.serviceSecretArns as AnyObj;
        assert.deepEqual(refs, {
            DATABASE_USERNAME: [outputs.api.database, "username"],
            DATABASE_PASSWORD: [outputs.api.database, "password"],
            CACHE_USERNAME: [outputs.api.cache, "username"],
            CACHE_PASSWORD: [outputs.api.cache, "password"],
            BROKER_USERNAME: [outputs.api.broker, "username"],
            BROKER_PASSWORD: [outputs.api.broker, "password"],
            BROKER_AMQP_URL: [outputs.api.broker, "amqpUrl"],
            STRIPE_API_KEY: [outputs.api.app["stripe-api-key"], "value"],
        });
        assert.equal(es.spec.secretStoreRef.name, "api");
        assert.equal(es.spec.target.template, undefined, "nothing is templated from another secret");
        const store = only(run, "SecretStore", "api", "api");
        assert.deepEqual(store.spec.provider.aws.auth, { jwt: { serviceAccountRef: { name: "api" } } });
        const env = only(run, "Deployment", "api").spec.template.spec.containers[0].env;
        assert.ok(env.every((e: AnyObj) => e.valueFrom?.secretKeyRef?.name === "api-secrets"), "secrets reach the container from the managed Secret only");
        assert.equal(ofType(run, "kubernetes:core/v1:Secret").length, 0, "Pulumi writes no Kubernetes Secret");
        const generated = ofType(run, "random:index/randomPassword:RandomPassword").map((p) => String(p.outputs.result));
        const text = JSON.stringify(objects(run));
        assert.ok(generated.every((g) => !text.includes(g)));
    });

    it("gives each service an IRSA role that reads exactly its own secrets", async () => {
        const run = await stackRun("prod");
        const outputs = run.outputs.serviceSecretArns as AnyObj;
        const policyOf = (service: string) => json<{ Statement: AnyObj[] }>(one(run, "aws:iam/rolePolicy:RolePolicy", `service-${service}-irsa-policy`).inputs.policy);
        assert.deepEqual(policyOf("api").Statement[0].Resource.sort(), [outputs.api.app["stripe-api-key"], outputs.api.database, outputs.api.cache, outputs.api.broker].sort());
        const admin = [run.outputs.brokerCredentialsSecretArn, run.outputs.databaseMasterSecretArn];
        for (const policy of ofType(run, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("service-"))) {
            assert.ok(!admin.some((arn) => String(policy.inputs.policy).includes(arn as string)), `${policy.name} reads no admin secret`);
        }
        assert.deepEqual(policyOf("nightly-report").Statement[0].Resource, [outputs["nightly-report"].database]);
        assert.equal(ofType(run, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name === "service-frontend-irsa-policy").length, 0, "a service without secrets gets no permissions");
        assert.ok(ofType(run, "aws:iam/rolePolicy:RolePolicy").every((p) => json<{ Statement: unknown[] }>(p.inputs.policy).Statement.length > 0), "no policy is empty");
        const sa = only(run, "ServiceAccount", "api", "api");
        assert.equal(sa.metadata.annotations["eks.amazonaws.com/role-arn"], one(run, "aws:iam/role:Role", "service-api-irsa-role").outputs.arn);
        const trust = json<{ Statement: AnyObj[] }>(one(run, "aws:iam/role:Role", "service-api-irsa-role").inputs.assumeRolePolicy);
        assert.equal(Object.values(trust.Statement[0].Condition.StringEquals)[0], "system:serviceaccount:api:api");
    });

    it("lets traffic in only from callers, the load balancer and Prometheus; out only to DNS, its data ports and HTTPS", async () => {
        const run = await stackRun("prod");
        const policies = (ns: string) => Object.fromEntries(find(run, "NetworkPolicy", ns).map((p) => [p.metadata.name, (p as AnyObj).spec]));
        const api = policies("api");
        assert.deepEqual(Object.keys(api).sort(), ["allow-aws-apis", "allow-callers", "allow-data-stores", "allow-dns", "allow-load-balancer", "allow-prometheus", "default-deny"]);
        assert.deepEqual(api["default-deny"], { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        assert.deepEqual(api["allow-callers"].ingress[0].from, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "frontend" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "frontend" } } }]);
        assert.deepEqual(api["allow-load-balancer"].ingress[0].from.map((f: AnyObj) => f.ipBlock.cidr), ["10.0.96.0/22", "10.0.100.0/22", "10.0.104.0/22"]);
        assert.deepEqual(
            api["allow-data-stores"].egress.map((e: AnyObj) => [e.ports[0].port, e.to.map((t: AnyObj) => t.ipBlock.cidr)]),
            [
                [5432, ["10.0.108.0/22", "10.0.112.0/22", "10.0.116.0/22"]],
                [6379, ["10.0.108.0/22", "10.0.112.0/22", "10.0.116.0/22"]],
                [5671, ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]],
            ],
        );
        const worker = policies("worker");
        assert.equal(worker["allow-callers"], undefined, "nobody calls a worker");
        assert.equal(worker["allow-load-balancer"], undefined);
        assert.deepEqual(worker["allow-data-stores"].egress.map((e: AnyObj) => e.ports[0].port), [5432, 5671], "only the stores it uses");
        assert.equal(policies("frontend")["allow-data-stores"], undefined);
    });

    it("has Prometheus scrape the web services that serve metrics, and leaves the stock-nginx frontend alone", async () => {
        for (const stack of ["dev", "prod"]) {
            const run = await stackRun(stack);
            const monitors = ofType(run, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").map((r) => r.name);
            assert.ok(monitors.includes("service-api-service-monitor"), `${stack}: ${monitors.join(", ")}`);
            assert.ok(!monitors.includes("service-frontend-service-monitor"), `${stack}: ${monitors.join(", ")}`);
            assert.equal(only(run, "ServiceMonitor", "api", "api").spec.endpoints[0].path, "/metrics");
            assert.deepEqual(find(run, "ServiceMonitor", "frontend"), []);
            assert.deepEqual(find(run, "NetworkPolicy", "frontend", "allow-prometheus"), [], "nothing scrapes it, so nothing may reach it from Prometheus");
            assert.equal(find(run, "NetworkPolicy", "api", "allow-prometheus").length, 1);
            const alerts = (ns: string) => only(run, "PrometheusRule", ns, ns).spec.groups[0].rules.map((r: AnyObj) => r.alert);
            assert.deepEqual(alerts("frontend"), ["FrontendPodRestarts", "FrontendCpuSaturation", "FrontendMemorySaturation"]);
            assert.deepEqual(alerts("api").slice(0, 2), ["ApiHighErrorRate", "ApiHighLatency"]);
            const exprs = JSON.stringify(JSON.parse(only(run, "ConfigMap", "frontend", "frontend-dashboard").data["frontend.json"]).panels);
            assert.doesNotMatch(exprs, /http_request|grpc_server/, "no panel waits on metrics the frontend never exposes");
        }
    });

    it("exposes web services through one shared ALB over HTTPS with a modern TLS policy", async () => {
        const run = await stackRun("prod");
        const ingresses = objects(run).filter((m) => m.kind === "Ingress") as AnyObj[];
        assert.equal(ingresses.length, 2);
        for (const ing of ingresses) {
            const a = ing.metadata.annotations;
            assert.equal(ing.spec.ingressClassName, "alb");
            assert.equal(a["alb.ingress.kubernetes.io/group.name"], "platform-prod");
            assert.equal(a["alb.ingress.kubernetes.io/ssl-redirect"], "443");
            assert.equal(a["alb.ingress.kubernetes.io/certificate-arn"], "arn:aws:acm:us-east-1:123456789012:certificate/7d1e4b2c-5a6f-4e8d-b3c9-2f1a0e9d8c7b");
            assert.equal(a["alb.ingress.kubernetes.io/ssl-policy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
            assert.match(a["alb.ingress.kubernetes.io/load-balancer-attributes"], /routing\.http\.drop_invalid_header_fields\.enabled=true/);
            assert.deepEqual(JSON.parse(a["alb.ingress.kubernetes.io/listen-ports"]), [{ HTTP: 80 }, { HTTPS: 443 }]);
        }
        const api = ingresses.find((i) => i.metadata.namespace === "api") as AnyObj;
        assert.deepEqual([api.spec.rules[0].host, api.spec.rules[0].http.paths[0].path], ["www.example.com", "/api"]);
    });

    it("rolls a Deployment when its configuration changes, and only then", async () => {
        const base = await stackRun("dev");
        const dev = readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"));
        const catalog = JSON.parse(dev.config["platform:services"]) as AnyObj[];
        const changed = catalog.map((svc) => (svc.name === "api" ? { ...svc, env: { ...svc.env, LOG_LEVEL: "info" } } : svc));
        const variant = await variantRun("dev", { "platform:services": changed });
        const checksum = (run: ProgramRun, ns: string) => only(run, "Deployment", ns, ns).spec.template.metadata.annotations["platform.io/config-checksum"];
        for (const ns of ["api", "frontend", "worker"]) {
            assert.equal(checksum(base, ns), checksumOf(only(base, "ConfigMap", ns, `${ns}-config`).data), `${ns}: the checksum is that of its ConfigMap`);
        }
        assert.notEqual(checksum(variant, "api"), checksum(base, "api"), "api's env changed: its pods roll");
        assert.equal(checksum(variant, "frontend"), checksum(base, "frontend"), "frontend's did not: its pods stay");
    });

    it("orders the shared ALB's rules so that a catch-all never shadows a deeper path, whatever the services are called", async () => {
        const site = (name: string, path: string) => ({ name, kind: "web", image: "ghcr.io/example/site:1.0.0", port: 8080, ingress: { host: "shop.example.com", path } });
        // "a-home" sorts before every other namespace: by name alone its "/" would be the first rule.
        const run = await variantRun("dev", { "platform:services": [site("a-home", "/"), site("orders", "/orders"), site("order-history", "/orders/history")] });
        const ingresses = (objects(run).filter((m) => m.kind === "Ingress") as AnyObj[])
            .map((i) => ({ order: Number(i.metadata.annotations["alb.ingress.kubernetes.io/group.order"] ?? 0), id: `${i.metadata.namespace}/${i.metadata.name}`, rule: i.spec.rules[0] }))
            // The controller's evaluation order: group.order, then namespace/name.
            .sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1));
        const prefixMatches = (prefix: string, path: string) => prefix === "/" || path === prefix || path.startsWith(`${prefix}/`);
        const routedTo = (path: string) =>
            ingresses.find((i) => i.rule.host === "shop.example.com" && prefixMatches(i.rule.http.paths[0].path, path))?.rule.http.paths[0].backend.service.name;
        assert.deepEqual(
            ["/", "/cart", "/orders", "/orders/42", "/orders/history/2025"].map(routedTo),
            ["a-home", "a-home", "orders", "orders", "order-history"],
        );
    });

    it("orders custom resources after the add-on that installs their CRDs, and everything after the load balancer controller", async () => {
        const run = await stackRun("prod");
        const release = (name: string) => one(run, "kubernetes:helm.sh/v3:Release", `addons-${name}-release`).urn;
        const crdOwner: Record<string, string> = {
            "kubernetes:external-secrets.io/v1:ExternalSecret": release("external-secrets"),
            "kubernetes:external-secrets.io/v1:SecretStore": release("external-secrets"),
            "kubernetes:external-secrets.io/v1:ClusterSecretStore": release("external-secrets"),
            "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": release("kube-prometheus-stack"),
            "kubernetes:keda.sh/v1alpha1:ScaledObject": release("keda"),
            "kubernetes:keda.sh/v1alpha1:TriggerAuthentication": release("keda"),
        };
        for (const [type, owner] of Object.entries(crdOwner)) {
            const found = ofType(run, type);
            assert.ok(found.length > 0, type);
            for (const r of found) {
                assert.ok(r.dependencies.includes(owner), `${r.name} waits for the release that installs ${type}`);
            }
        }
        const lbc = release("aws-load-balancer-controller");
        const appObjects = run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.parent?.includes("platform:apps:Service"));
        assert.ok(appObjects.length > 40);
        for (const r of appObjects) {
            assert.ok(r.dependencies.includes(lbc), `${r.name} is removed before the load balancer controller on destroy`);
        }
    });

    it("provisions a role and database per service with an idempotent job run with the master secret", async () => {
        const run = await stackRun("prod");
        const jobs = objects(run).filter((m) => m.kind === "Job" && m.metadata.namespace === "platform-db") as AnyObj[];
        assert.deepEqual(jobs.map((j) => j.metadata.name.replace(/-[0-9a-f]{8}$/, "")).sort(), ["provision-api", "provision-nightly-report", "provision-worker"]);
        const job = jobs.find((j) => j.metadata.name.startsWith("provision-api-")) as AnyObj;
        assert.equal(job.metadata.namespace, "platform-db");
        const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: AnyObj) => [e.name, e.value ?? `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]));
        assert.equal(env.SERVICE_DATABASE, "api");
        assert.equal(env.PGUSER, "master-credentials/PGUSER");
        // The login is read into a Secret made for its current version, pinned to it: a rotation's Job reads the new one.
        const version = one(run, "aws:secretsmanager/secretVersion:SecretVersion", "secrets-api-database-version").outputs.versionId as string;
        assert.match(env.SERVICE_PASSWORD, /^api-credentials-[0-9a-f]{8}\/SERVICE_PASSWORD$/);
        const login = only(run, "ExternalSecret", "platform-db", env.SERVICE_PASSWORD.split("/")[0]);
        assert.equal(login.spec.target.name, env.SERVICE_PASSWORD.split("/")[0]);
        assert.ok(login.spec.data.every((d: AnyObj) => d.remoteRef.version === `uuid/${version}` && d.remoteRef.key === one(run, "aws:secretsmanager/secret:Secret", "secrets-api-database-secret").outputs.arn));
        assert.equal(env.PGHOST, one(run, "aws:rds/instance:Instance", "database-primary").outputs.address);
        const master = only(run, "ExternalSecret", "platform-db", "master-credentials");
        assert.equal(master.spec.data[0].remoteRef.key, run.outputs.databaseMasterSecretArn);
        const deployment = one(run, "kubernetes:apps/v1:Deployment", "service-api-deployment");
        const jobUrn = one(run, "kubernetes:batch/v1:Job", "database-provisioner-api").urn;
        assert.ok(deployment.dependencies.includes(jobUrn), "the API starts after its database exists");
        const frontendDeployment = one(run, "kubernetes:apps/v1:Deployment", "service-frontend-deployment");
        assert.ok(!frontendDeployment.dependencies.some((d) => d.includes("batch/v1:Job")));
    });
});
