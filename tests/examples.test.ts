import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { KUBERNETES_VERSIONS_AS_OF } from "../config/catalog";
import { manifestsOf } from "../offline/manifests";
import { ProgramRun } from "../offline/run";
import { evaluatePolicies } from "../policies/offline";
import { loadSettingsFromConfigMap } from "../config";
import { readStackConfig } from "../offline/stackConfig";
import { ROOT, examplePlan, json, ofType, one } from "./harness";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXAMPLES = path.join(ROOT, "examples");
/** The plan of one example stack file, built once (plans run one at a time: the Pulumi runtime is global). */
const planOf = examplePlan;

const objects = (run: ProgramRun) => manifestsOf(run.resources) as AnyObj[];
const find = (run: ProgramRun, kind: string, namespace: string, name: string): AnyObj => {
    const found = objects(run).filter((m) => m.kind === kind && m.metadata.namespace === namespace && m.metadata.name === name);
    assert.equal(found.length, 1, `one ${kind} ${namespace}/${name}`);
    return found[0];
};
const policyNames = (run: ProgramRun, ns: string) => objects(run).filter((m) => m.kind === "NetworkPolicy" && m.metadata.namespace === ns).map((m) => m.metadata.name).sort();
const egressPorts = (run: ProgramRun, ns: string): number[] => {
    const p = objects(run).find((m) => m.kind === "NetworkPolicy" && m.metadata.namespace === ns && m.metadata.name === "allow-data-stores");
    return p ? p.spec.egress.map((e: AnyObj) => e.ports[0].port) : [];
};

describe("examples", function () {
    this.timeout(180_000);

    const stacks = fs
        .readdirSync(EXAMPLES)
        .filter((d) => fs.statSync(path.join(EXAMPLES, d)).isDirectory())
        .flatMap((example) =>
            fs
                .readdirSync(path.join(EXAMPLES, example))
                .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
                .filter((env): env is string => env !== undefined)
                .map((env) => [example, env] as const),
        );

    it("ships the three reference systems and the existing-VPC stack, each with a README", () => {
        assert.deepEqual([...new Set(stacks.map(([e]) => e))].sort(), ["ai-game", "existing-vpc", "media-pipeline", "web-api"]);
        for (const e of ["ai-game", "existing-vpc", "media-pipeline", "web-api"]) {
            assert.ok(fs.existsSync(path.join(EXAMPLES, e, "README.md")), `${e}/README.md`);
        }
    });

    for (const [example, env] of stacks) {
        it(`${example} (${env}) plans with no mandatory policy violation, valid manifests and within budget`, async () => {
            const plan = await planOf(example, env);
            const pinned = evaluatePolicies(plan.run, { environment: plan.settings.environment, overrides: { "eks-supported-version": { asOf: KUBERNETES_VERSIONS_AS_OF } } });
            assert.deepEqual(pinned.filter((v) => v.level === "mandatory").map((v) => `${v.policy}: ${v.message}`), []);
            assert.deepEqual(plan.manifests.problems, []);
            assert.deepEqual(plan.failures, []);
            assert.equal(plan.settings.environment, env);
        });
    }

    describe("ai-game", () => {
        it("routes gRPC to the content service through the ALB, with gRPC health checks and probes", async () => {
            const { run } = await planOf("ai-game", "prod");
            const grpc = find(run, "Ingress", "content", "content-grpc");
            assert.equal(grpc.metadata.annotations["alb.ingress.kubernetes.io/backend-protocol-version"], "GRPC");
            assert.equal(grpc.metadata.annotations["alb.ingress.kubernetes.io/healthcheck-path"], "/grpc.health.v1.Health/Check");
            assert.equal(grpc.spec.rules[0].host, "grpc.play.example.com");
            const c = find(run, "Deployment", "content", "content").spec.template.spec.containers[0];
            assert.deepEqual(c.readinessProbe.grpc, { port: 9090 });
            assert.equal(find(run, "Ingress", "content", "content").spec.rules[0].http.paths[0].path, "/graphql", "GraphQL stays on HTTP");
            assert.equal(find(run, "Ingress", "web", "web").spec.rules[0].http.paths[0].path, "/", "the frontend is served at /");
        });

        it("scales the AI workers on their queue and, separately, on CPU", async () => {
            const { run } = await planOf("ai-game", "prod");
            const triggers = find(run, "ScaledObject", "ai-worker", "ai-worker").spec.triggers;
            assert.deepEqual(triggers.map((t: AnyObj) => [t.type, t.metadata.queueName ?? t.metadata.value]), [["rabbitmq", "inference"], ["cpu", "70"]]);
        });

        it("sends the content service's reads to the replica and keeps campaign state in a sharded cache", async () => {
            const { run } = await planOf("ai-game", "prod");
            const config = find(run, "ConfigMap", "content", "content-config").data;
            assert.equal(config.DATABASE_READER_HOST, one(run, "aws:rds/instance:Instance", "database-replica-1").outputs.address);
            const cache = one(run, "aws:elasticache/replicationGroup:ReplicationGroup").inputs;
            assert.deepEqual([cache.clusterMode, cache.numNodeGroups, cache.replicasPerNodeGroup], ["enabled", 2, 1]);
            assert.deepEqual(egressPorts(run, "dialogue"), [6379, 5671], "dialogue reaches the cache and the broker, not the database");
            const dev = (await planOf("ai-game", "dev")).run;
            assert.equal(one(dev, "aws:elasticache/replicationGroup:ReplicationGroup").inputs.clusterMode, undefined, "dev keeps one cheap node");
        });
    });

    describe("media-pipeline", () => {
        const SERVICES = ["assets", "interface", "metadata", "quality", "search", "workflow"];

        it("gives each of the six services its own database and role", async () => {
            const { run } = await planOf("media-pipeline", "prod");
            const jobs = objects(run).filter((m) => m.kind === "Job");
            const databases = jobs.map((j) => j.spec.template.spec.containers[0].env.find((e: AnyObj) => e.name === "SERVICE_DATABASE").value).sort();
            assert.deepEqual(databases, SERVICES);
            const roles = ofType(run, "aws:secretsmanager/secret:Secret").map((s) => String(s.inputs.name)).filter((n) => n.endsWith("/database")).sort();
            assert.deepEqual(roles, SERVICES.map((s) => `platform/prod/services/${s}/database`));
        });

        it("lets each service read only its own credentials and reach only the database and the cache", async () => {
            const { run } = await planOf("media-pipeline", "prod");
            const outputs = run.outputs.serviceSecretArns as AnyObj;
            for (const svc of SERVICES) {
                const policy = json<AnyObj>(one(run, "aws:iam/rolePolicy:RolePolicy", `service-${svc}-irsa-policy`).inputs.policy);
                assert.deepEqual([...policy.Statement[0].Resource].sort(), [outputs[svc].database, outputs[svc].cache].sort(), svc);
                assert.deepEqual(egressPorts(run, svc), [5432, 6379], `${svc} egress`);
                assert.equal(find(run, "ConfigMap", svc, `${svc}-config`).data.DATABASE_NAME, svc);
            }
        });

        it("exchanges events through the cache, with no broker at all", async () => {
            const { run } = await planOf("media-pipeline", "prod");
            assert.equal(ofType(run, "aws:mq/broker:Broker").length, 0);
            assert.equal(run.outputs.brokerEndpoint, undefined);
            for (const svc of SERVICES) {
                assert.ok(find(run, "ConfigMap", svc, `${svc}-config`).data.CACHE_HOST, svc);
            }
        });

        it("has Prometheus scrape every service", async () => {
            const { run } = await planOf("media-pipeline", "prod");
            const monitored = objects(run).filter((m) => m.kind === "ServiceMonitor" && SERVICES.includes(m.metadata.namespace)).map((m) => m.metadata.namespace).sort();
            assert.deepEqual(monitored, SERVICES);
            for (const svc of SERVICES) {
                assert.ok(policyNames(run, svc).includes("allow-prometheus"), svc);
            }
        });
    });

    describe("existing-vpc", () => {
        const VPC_TYPES = /^(awsx:ec2:Vpc|aws:ec2\/(vpc|subnet|routeTable|routeTableAssociation|route|natGateway|eip|internetGateway|flowLog|defaultSecurityGroup):)/;

        it("creates no VPC resources, and builds on the given VPC, subnets and blocks", async () => {
            const { run, settings } = await planOf("existing-vpc", "prod");
            const existing = settings.network.existing as NonNullable<typeof settings.network.existing>;
            assert.deepEqual(run.resources.filter((r) => VPC_TYPES.test(r.type)).map((r) => r.urn), []);
            assert.deepEqual(ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint"), [], "no S3 gateway endpoint in someone else's route tables");
            assert.deepEqual(run.outputs.privateSubnetIds, existing.privateSubnetIds);
            const eks = one(run, "eks:index:Cluster").inputs;
            assert.deepEqual([eks.vpcId, eks.privateSubnetIds, eks.publicSubnetIds], [existing.vpcId, existing.privateSubnetIds, existing.publicSubnetIds]);
            assert.deepEqual(one(run, "aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds, existing.isolatedSubnetIds);
            assert.equal(one(run, "aws:ec2/securityGroup:SecurityGroup", "network-workloads").inputs.vpcId, existing.vpcId);
        });

        it("draws network policies from the given subnet blocks", async () => {
            const { run, settings } = await planOf("existing-vpc", "prod");
            const blocks = settings.network.existing?.subnetCidrs;
            const toDatabase = find(run, "NetworkPolicy", "storefront", "allow-data-stores").spec.egress.find((e: AnyObj) => e.ports[0].port === 5432);
            assert.deepEqual(toDatabase.to.map((t: AnyObj) => t.ipBlock.cidr), blocks?.isolated);
            const fromAlb = find(run, "NetworkPolicy", "storefront", "allow-load-balancer").spec.ingress[0].from.map((f: AnyObj) => f.ipBlock.cidr);
            assert.deepEqual(fromAlb, blocks?.public);
        });

        it("runs the CI runner in the given private subnets, admitted by the cluster's API endpoint", async () => {
            const { run, settings } = await planOf("existing-vpc", "prod");
            const project = one(run, "aws:codebuild/project:Project").inputs as AnyObj;
            assert.deepEqual(project.vpcConfig.subnets, settings.network.existing?.privateSubnetIds);
            assert.equal(project.name, "platform-prod-ci");
            const rule = one(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "cluster-api-from-ci");
            assert.equal(rule.inputs.referencedSecurityGroupId, one(run, "aws:ec2/securityGroup:SecurityGroup", "ci-runner").id);
        });
    });

    describe("web-api", () => {
        it("lets only the API reach the database", async () => {
            const { run } = await planOf("web-api", "prod");
            assert.deepEqual(egressPorts(run, "api"), [5432]);
            assert.deepEqual(egressPorts(run, "web"), [], "the web tier has no route to any data store");
            assert.equal(find(run, "ConfigMap", "web", "web-config").data.DATABASE_HOST, undefined);
            assert.equal(ofType(run, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name === "service-web-irsa-policy").length, 0, "and no credentials");
            assert.deepEqual(find(run, "NetworkPolicy", "api", "allow-callers").spec.ingress[0].from[0].namespaceSelector.matchLabels, { "kubernetes.io/metadata.name": "web" });
            assert.equal(ofType(run, "aws:elasticache/replicationGroup:ReplicationGroup").length + ofType(run, "aws:mq/broker:Broker").length, 0);
        });

        for (const [env, min, max] of [["dev", 2, 10], ["staging", 1, 3], ["prod", 3, 20]] as const) {
            it(`${env}: autoscales both tiers ${min}–${max} on CPU 70 % and memory 80 %, with disruption budgets and ServiceMonitors`, async () => {
                const { run } = await planOf("web-api", env);
                for (const tier of ["web", "api"]) {
                    const hpa = find(run, "HorizontalPodAutoscaler", tier, tier);
                    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [min, max]);
                    assert.deepEqual(hpa.spec.metrics.map((m: AnyObj) => [m.resource.name, m.resource.target.averageUtilization]), [["cpu", 70], ["memory", 80]]);
                    assert.equal(find(run, "PodDisruptionBudget", tier, tier).spec.maxUnavailable, 1);
                    find(run, "ServiceMonitor", tier, tier);
                }
            });
        }

        it("scrapes the database, serves TLS only, and alerts on errors, latency, restarts, saturation and database connections", async () => {
            const { run } = await planOf("web-api", "prod");
            find(run, "ServiceMonitor", "platform-db", "pg-exporter-api");
            const ing = find(run, "Ingress", "web", "web");
            assert.equal(ing.metadata.annotations["alb.ingress.kubernetes.io/ssl-redirect"], "443");
            assert.match(ing.metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"], /^arn:aws:acm:/);
            const alerts = find(run, "PrometheusRule", "api", "api").spec.groups[0].rules.map((r: AnyObj) => r.alert);
            assert.deepEqual(alerts, ["ApiHighErrorRate", "ApiHighLatency", "ApiPodRestarts", "ApiCpuSaturation", "ApiMemorySaturation"]);
            const platform = find(run, "PrometheusRule", "monitoring", "platform-alerts").spec.groups.flatMap((g: AnyObj) => g.rules.map((r: AnyObj) => r.alert));
            assert.ok(platform.includes("PostgresConnectionsHigh") && platform.includes("PostgresDown"));
            const kps = one(run, "kubernetes:helm.sh/v3:Release", "addons-kube-prometheus-stack-release").inputs.values as AnyObj;
            assert.equal(kps.alertmanager.config.receivers[1].slack_configs[0].channel, "#shop-prod-alerts");
        });
    });
});

/**
 * Images the shipped stacks run that really exist, with what they serve and where they serve Prometheus
 * metrics (none: `metrics` left out): stock nginx (nginx-unprivileged keeps nginx's default.conf, only
 * moved to port 8080) serves its index page at `/` and answers 404 for any other path, `/healthz` and
 * `/metrics` included.
 */
const REAL_IMAGES: Record<string, { readonly port: number; readonly serves: readonly string[]; readonly metrics?: string }> = {
    "public.ecr.aws/nginx/nginx-unprivileged": { port: 8080, serves: ["/"] },
};

describe("shipped stack files", () => {
    const files = [
        ...fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f)),
        ...fs.readdirSync(EXAMPLES).flatMap((e) => fs.readdirSync(path.join(EXAMPLES, e)).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => path.join("examples", e, f))),
    ];

    for (const file of files) {
        it(`${file}: probes and scrapes paths its real images serve, and marks every other image as a placeholder with the checks it must answer`, () => {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8");
            const settings = loadSettingsFromConfigMap(readStackConfig(path.join(ROOT, file)).config);
            for (const svc of settings.services) {
                const line = text.split("\n").find((l) => l.trim().startsWith(`image: ${svc.image}`)) ?? "";
                const comment = line.includes("#") ? line.slice(line.indexOf("#")) : "";
                const real = REAL_IMAGES[svc.image.replace(/[:@].*$/, "")];
                const health = svc.healthPath ?? "/healthz";
                const metrics = svc.metricsPath ?? "/metrics";
                if (real !== undefined) {
                    assert.ok(real.serves.includes(health), `${svc.name} probes ${health}, which ${svc.image} does not serve (it serves ${real.serves.join(", ")})`);
                    assert.equal(svc.port, real.port, `${svc.name} listens where ${svc.image} does`);
                    if (svc.kind === "web") {
                        assert.equal(metrics, real.metrics ?? false, `${svc.name}: Prometheus scrapes ${metrics}, where ${svc.image} serves ${real.metrics ?? "no metrics; say metricsPath: false"}`);
                    }
                    assert.doesNotMatch(comment, /placeholder/);
                } else {
                    assert.match(comment, /# placeholder, not a published image/, `${svc.name}: ${svc.image} is marked as a placeholder`);
                    assert.match(svc.image, /^ghcr\.io\/example\//, `${svc.name}: placeholders live under ghcr.io/example/`);
                    if (svc.kind === "web") {
                        assert.match(comment, new RegExp(`GET ${health} (and ${metrics} )?on ${svc.port}`), `${svc.name}: the mark says which health check the real image must answer`);
                        assert.notEqual(metrics, false, `${svc.name}: a placeholder stands for an image that serves metrics`);
                        assert.ok(comment.includes(`${metrics} on ${svc.port}`), `${svc.name}: the mark says where the real image must serve metrics`);
                        if (svc.grpc) {
                            assert.ok(comment.includes(`gRPC health on ${svc.grpc.port}`), `${svc.name}: and its gRPC health check`);
                        }
                    }
                }
            }
        });

        it(`${file}: a stack with an in-VPC runner lets the preview and drift roles read its cluster`, () => {
            const settings = loadSettingsFromConfigMap(readStackConfig(path.join(ROOT, file)).config);
            if (!settings.ci.enabled) {
                return;
            }
            const roles = settings.cluster.readOnlyRoleArns.map((arn) => arn.split("/").pop() ?? "");
            assert.ok(roles.some((r) => r.endsWith("-preview")), `${file}: platform:cluster.readOnlyRoleArns names the preview role (${roles.join(", ") || "none"})`);
            assert.ok(roles.some((r) => r.endsWith("-drift")), `${file}: platform:cluster.readOnlyRoleArns names the drift role (${roles.join(", ") || "none"})`);
        });
    }
});
