import { strict as assert } from "assert";
import * as path from "path";
import { spawnSync } from "child_process";
import { ConfigError, resolveSettings, loadSettingsFromConfigMap, decodeConfigMap } from "../../config";
import { PROFILES } from "../../config/profiles";
import { readStackConfig, projectDefaults } from "../../offline/stackConfig";
import { ROOT } from "../harness";

const CONNECTION = "arn:aws:codeconnections:us-east-1:123456789012:connection/3f6b2d1a-7c4e-4b8a-9e2f-5a1c0d9e8b7f";

const api = (over: Record<string, unknown> = {}) => ({
    name: "api",
    kind: "web",
    image: "ghcr.io/example/api:1.0.0",
    port: 8080,
    ...over,
});

const DEPLOY_ROLE = "arn:aws:iam::123456789012:role/platform-deploy";
/** The one key no profile can default: the role that runs `pulumi up`. */
const deployable = (raw: Record<string, unknown>) => ({ ...raw, cluster: { deployRoleArn: DEPLOY_ROLE, ...(raw.cluster as object | undefined) } });

/** Resolves raw config and returns the error lines, or [] when it is valid. */
function problems(raw: Record<string, unknown>): string[] {
    try {
        resolveSettings(raw, "us-east-1");
        return [];
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        return (e as Error).message.split("\n").slice(1).map((l) => l.replace(/^ {2}- /, ""));
    }
}

/**
 * Each case: a raw config, and the exact error line it must produce (key path, bad value, what is
 * allowed). The line must be among the reported problems.
 */
const invalid: [string, Record<string, unknown>, string][] = [
    ["missing environment", {}, "platform:environment: is required; allowed: dev, staging, prod, local"],
    ["unknown environment", { environment: "qa" }, 'platform:environment: "qa" is not allowed; allowed: dev, staging, prod, local'],
    ["CIDR prefix out of range", { environment: "dev", network: { cidr: "10.0.0.0/33" } }, 'platform:network.cidr: "10.0.0.0/33" is not a valid IPv4 CIDR'],
    ["CIDR octet out of range", { environment: "dev", network: { cidr: "10.300.0.0/16" } }, 'platform:network.cidr: "10.300.0.0/16" is not a valid IPv4 CIDR'],
    ["CIDR with host bits", { environment: "dev", network: { cidr: "10.0.0.1/16" } }, 'platform:network.cidr: "10.0.0.1/16" is not a valid IPv4 CIDR'],
    ["CIDR not text", { environment: "dev", network: { cidr: 10 } }, "platform:network.cidr: 10 has the wrong type: expected string"],
    ["network too small", { environment: "dev", network: { cidr: "10.0.0.0/24" } }, 'platform:network.cidr: "10.0.0.0/24" is too small for public, private and isolated subnets in every zone; use a /16 to /20'],
    ["network too large", { environment: "dev", network: { cidr: "10.0.0.0/8" } }, 'platform:network.cidr: "10.0.0.0/8" is larger than a VPC may be; use a /16 to /20'],
    ["public network", { environment: "dev", network: { cidr: "54.10.0.0/16" } }, 'platform:network.cidr: "54.10.0.0/16" is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)'],
    ["service CIDR overlaps the VPC", { environment: "dev", cluster: { serviceCidr: "10.0.128.0/20" } }, 'platform:cluster.serviceCidr: "10.0.128.0/20" overlaps platform:network.cidr (10.0.0.0/16)'],
    ["reserved CIDR overlaps the VPC", { environment: "dev", network: { reservedCidrs: ["10.0.0.0/8"] } }, 'platform:network.reservedCidrs[0]: "10.0.0.0/8" overlaps platform:network.cidr (10.0.0.0/16)'],
    ["one zone", { environment: "dev", network: { availabilityZones: 1 } }, "platform:network.availabilityZones: 1 must be at least 2"],
    ["two zones in prod", { environment: "prod", network: { availabilityZones: 2 } }, "platform:network.availabilityZones: 2 is too few for prod; prod spreads over 3 zones"],
    ["unknown NAT strategy", { environment: "dev", network: { natGateways: "none" } }, 'platform:network.natGateways: "none" is not allowed; allowed: single, onePerAz'],
    ["unknown key in an object", { environment: "dev", network: { cidrs: "10.0.0.0/16" } }, "platform:network.cidrs: is not a known key; allowed keys: cidr, availabilityZones, natGateways, interfaceEndpoints, reservedCidrs, existing"],
    ["unknown top-level key", { environment: "dev", databse: {} }, "platform:databse: is not a known key; allowed keys: environment, budget, protection, tags, network, encryption, logs, cluster, database, cache, broker, secrets, addons, ingress, alerting, ci, local, services"],
    ["object given as text", { environment: "dev", database: "big" }, 'platform:database: "big" has the wrong type: expected object'],
    ["unsupported Kubernetes version", { environment: "dev", cluster: { version: "1.29" } }, 'platform:cluster.version: "1.29" is not allowed; allowed: 1.34, 1.35'],
    ["unknown node instance type", { environment: "dev", cluster: { nodeGroups: { apps: { instanceTypes: ["m5.huge"] } } } }, 'platform:cluster.nodeGroups.apps.instanceTypes[0]: "m5.huge" is not allowed; allowed: t4g.medium, t4g.large, m6g.large, m7g.large, c7g.large, t3.medium, t3.large, m6i.large, m7i.large'],
    ["instance type of the other architecture", { environment: "dev", cluster: { nodeGroups: { system: { instanceTypes: ["t3.medium"] } } } }, 'platform:cluster.nodeGroups.system.instanceTypes[0]: "t3.medium" is x86_64 but platform:cluster.architecture is arm64'],
    ["min above max", { environment: "dev", cluster: { nodeGroups: { apps: { minSize: 5, desiredSize: 5, maxSize: 4 } } } }, "platform:cluster.nodeGroups.apps.minSize: 5 is greater than platform:cluster.nodeGroups.apps.maxSize (4)"],
    ["desired outside bounds", { environment: "dev", cluster: { nodeGroups: { apps: { desiredSize: 9 } } } }, "platform:cluster.nodeGroups.apps.desiredSize: 9 must lie between minSize (1) and maxSize (4)"],
    ["negative node count", { environment: "dev", cluster: { nodeGroups: { apps: { minSize: -1 } } } }, "platform:cluster.nodeGroups.apps.minSize: -1 must be at least 0"],
    ["public endpoint open to the world in prod", { environment: "prod", cluster: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } }, 'platform:cluster.publicAccessCidrs[0]: "0.0.0.0/0" opens the public API endpoint to the whole internet, which prod never allows'],
    ["public endpoint without allowlist", { environment: "dev", cluster: { endpointPublicAccess: true } }, "platform:cluster.publicAccessCidrs: [] is empty while platform:cluster.endpointPublicAccess is true, which EKS treats as 0.0.0.0/0; list the networks allowed"],
    ["allowlist without public endpoint", { environment: "dev", cluster: { publicAccessCidrs: ["203.0.113.0/24"] } }, 'platform:cluster.publicAccessCidrs: ["203.0.113.0/24"] is set but platform:cluster.endpointPublicAccess is false; enable the public endpoint or drop the allowlist'],
    ["admin that is not a role ARN", { environment: "dev", cluster: { adminRoleArns: ["arn:aws:iam::123456789012:user/alice"] } }, 'platform:cluster.adminRoleArns[0]: "arn:aws:iam::123456789012:user/alice" is not an IAM role ARN'],
    ["no deploying role", { environment: "dev" }, "platform:cluster.deployRoleArn: \"\" is required: the cluster's creator gets no implicit admin, so the IAM role that runs pulumi up (the deploy workflow's AWS_DEPLOY_ROLE_ARN) needs its own access entry to apply Kubernetes objects"],
    ["a deploying role that is not a role ARN", { environment: "dev", cluster: { deployRoleArn: "arn:aws:sts::123456789012:assumed-role/deploy/ci" } }, 'platform:cluster.deployRoleArn: "arn:aws:sts::123456789012:assumed-role/deploy/ci" is not an IAM role ARN'],
    ["the deploying role listed as a reader too", deployable({ environment: "dev", cluster: { deployRoleArn: DEPLOY_ROLE, readOnlyRoleArns: [DEPLOY_ROLE] } }), `platform:cluster.readOnlyRoleArns[0]: "${DEPLOY_ROLE}" is also platform:cluster.deployRoleArn, which can read the cluster already; EKS allows one access entry per role, so leave it out of readOnlyRoleArns`],
    ["a reader listed twice", deployable({ environment: "dev", cluster: { deployRoleArn: DEPLOY_ROLE, readOnlyRoleArns: ["arn:aws:iam::123456789012:role/preview", "arn:aws:iam::123456789012:role/preview"] } }), 'platform:cluster.readOnlyRoleArns[1]: "arn:aws:iam::123456789012:role/preview" is listed twice'],
    ["the deploying role listed as an admin too", deployable({ environment: "dev", cluster: { deployRoleArn: DEPLOY_ROLE, adminRoleArns: [DEPLOY_ROLE] } }), `platform:cluster.adminRoleArns[0]: "${DEPLOY_ROLE}" is also platform:cluster.deployRoleArn, which is cluster admin already; EKS allows one access entry per role, so leave it out of adminRoleArns`],
    ["unknown DB instance class", { environment: "dev", database: { instanceClass: "db.x9.huge" } }, 'platform:database.instanceClass: "db.x9.huge" is not allowed; allowed: db.t4g.micro, db.t4g.small, db.t4g.medium, db.m7g.large, db.r6g.large, db.r7g.large'],
    ["unsupported PostgreSQL version", { environment: "dev", database: { engineVersion: "12" } }, 'platform:database.engineVersion: "12" is not allowed; allowed: 15, 16, 17'],
    ["negative backup retention", { environment: "dev", database: { backupRetentionDays: -1 } }, "platform:database.backupRetentionDays: -1 must be at least 0"],
    ["retention beyond RDS's limit", { environment: "dev", database: { backupRetentionDays: 36 } }, "platform:database.backupRetentionDays: 36 must be at most 35"],
    ["storage ceiling below storage", { environment: "dev", database: { allocatedStorageGb: 100, maxAllocatedStorageGb: 50 } }, "platform:database.maxAllocatedStorageGb: 50 is below platform:database.allocatedStorageGb (100)"],
    ["replica without backups", { environment: "dev", database: { readReplicas: 1, backupRetentionDays: 0 } }, "platform:database.backupRetentionDays: 0 must be at least 1 when platform:database.readReplicas is set: RDS replicas need backups"],
    ["well-known admin name", { environment: "dev", database: { masterUsername: "postgres" } }, 'platform:database.masterUsername: "postgres" is a well-known admin name; choose another'],
    ["unknown cache engine", { environment: "dev", cache: { engine: "memcached" } }, 'platform:cache.engine: "memcached" is not allowed; allowed: valkey, redis'],
    ["cache version of another engine", { environment: "dev", cache: { engine: "redis", engineVersion: "8.0" } }, 'platform:cache.engineVersion: "8.0" is not a redis version; allowed: 7.1'],
    ["shards without cluster mode", { environment: "dev", cache: { shards: 3 } }, "platform:cache.shards: 3 needs platform:cache.clusterMode true; without cluster mode there is one shard"],
    ["RabbitMQ 4 on a t3", { environment: "dev", broker: { engineVersion: "4.2" } }, 'platform:broker.engineVersion: "4.2" does not run on mq.t3.micro; allowed there: 3.13'],
    ["cluster broker on a t3", { environment: "dev", broker: { deploymentMode: "CLUSTER_MULTI_AZ" } }, 'platform:broker.instanceType: "mq.t3.micro" cannot form a cluster; CLUSTER_MULTI_AZ needs mq.m5 or mq.m7g'],
    ["unknown broker instance type", { environment: "dev", broker: { instanceType: "mq.m9.large" } }, 'platform:broker.instanceType: "mq.m9.large" is not allowed; allowed: mq.t3.micro, mq.m5.large, mq.m7g.medium, mq.m7g.large'],
    ["recovery window out of range", { environment: "dev", secrets: { recoveryWindowDays: 3 } }, "platform:secrets.recoveryWindowDays: 3 must be 0 or between 7 and 30"],
    ["log retention CloudWatch does not offer", { environment: "dev", logs: { retentionDays: 10 } }, `platform:logs.retentionDays: 10 is not a CloudWatch Logs retention; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653`],
    ["boolean given as text", { environment: "dev", network: { interfaceEndpoints: "yes" } }, 'platform:network.interfaceEndpoints: "yes" has the wrong type: expected boolean'],
    ["negative budget", { environment: "dev", budget: -5 }, "platform:budget: -5 must be at least 0"],
    ["image on latest", { environment: "dev", services: [api({ image: "ghcr.io/example/api:latest" })] }, `platform:services[0].image: "ghcr.io/example/api:latest" uses the mutable tag 'latest'; pin a version or digest`],
    ["image without tag", { environment: "dev", services: [api({ image: "ghcr.io/example/api" })] }, 'platform:services[0].image: "ghcr.io/example/api" must name a tag or a digest (registry/repo:tag or registry/repo@sha256:…)'],
    ["service name not DNS", { environment: "dev", services: [api({ name: "Orders_API" })] }, `platform:services[0].name: "Orders_API" is not a DNS-1123 label (lower-case letters, digits and '-', starting with a letter)`],
    ["web service without port", { environment: "dev", services: [api({ port: undefined })] }, "platform:services[0].port: is required for a web service"],
    ["privileged port", { environment: "dev", services: [api({ port: 80 })] }, "platform:services[0].port: 80 must be at least 1024"],
    ["duplicate service", { environment: "dev", services: [api(), api()] }, 'platform:services[1].name: "api" is used by another service; names must be unique'],
    ["reserved namespace", { environment: "dev", services: [api({ name: "kube-system" })] }, 'platform:services[0].name: "kube-system" is reserved by the platform; reserved: default, kube-system, kube-public, kube-node-lease, platform-db, platform-broker, external-secrets, monitoring, logging, cert-manager, keda, kube-*'],
    ["unknown caller", { environment: "dev", services: [api({ callers: ["web"] })] }, 'platform:services[0].callers[0]: "web" is not a service in platform:services; known: api'],
    ["unknown backing service", { environment: "dev", services: [api({ uses: ["queue"] })] }, 'platform:services[0].uses[0]: "queue" is not allowed; allowed: database, cache, broker'],
    ["replicas min above max", { environment: "dev", services: [api({ replicas: { min: 5, max: 2 } })] }, "platform:services[0].replicas.min: 5 is greater than replicas.max (2)"],
    ["cron without schedule", { environment: "dev", services: [{ name: "report", kind: "cron", image: "r:1.0" }] }, "platform:services[0].schedule: is required for a cron service"],
    ["queue on a worker without the broker", { environment: "dev", services: [{ name: "w", kind: "worker", image: "w:1.0", queue: { name: "jobs", targetLength: 10 } }] }, 'platform:services[0].queue: {"name":"jobs","targetLength":10} needs the broker; add broker to uses'],
    ["a KEDA queue name the broker provisioner could not pass along", { environment: "dev", services: [{ name: "w", kind: "worker", image: "w:1.0", uses: ["broker"], queue: { name: "jobs *", targetLength: 10 } }] }, `platform:services[0].queue.name: "jobs *" is not a queue name: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 200`],
    ["a queue RabbitMQ reserves", { environment: "dev", services: [api({ uses: ["broker"], queues: { publishes: ["amq.direct"] } })] }, 'platform:services[0].queues.publishes[0]: "amq.direct" starts with amq., which RabbitMQ reserves'],
    ["unknown service kind", { environment: "dev", services: [api({ kind: "lambda" })] }, 'platform:services[0].kind: "lambda" is not allowed; allowed: web, worker, cron'],
    ["ingress without a certificate", { environment: "dev", services: [api({ ingress: { host: "a.example.com", path: "/" } })] }, 'platform:ingress.certificateArn: "" is required: platform:services[0] (api) is exposed over HTTPS; give the ACM certificate of its host'],
    ["certificate that is not an ACM ARN", { environment: "dev", ingress: { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" } }, 'platform:ingress.certificateArn: "arn:aws:iam::123456789012:server-certificate/x" is not an ACM certificate ARN'],
    ["TLS policy that allows old protocols", { environment: "dev", ingress: { sslPolicy: "ELBSecurityPolicy-2016-08" } }, 'platform:ingress.sslPolicy: "ELBSecurityPolicy-2016-08" is not allowed; allowed: ELBSecurityPolicy-TLS13-1-2-2021-06, ELBSecurityPolicy-TLS13-1-2-Res-2021-06, ELBSecurityPolicy-TLS13-1-3-2021-06'],
    ["a disabled add-on a service needs", { environment: "dev", addons: { keda: { enabled: false } }, services: [{ name: "w", kind: "worker", image: "w:1.0", uses: ["broker"], queue: { name: "jobs", targetLength: 10 } }] }, "platform:addons.keda.enabled: false must be true: platform:services[0] (w) needs it because it scales on a queue"],
    ["too many add-on replicas", { environment: "dev", addons: { keda: { replicas: 9 } } }, "platform:addons.keda.replicas: 9 must be at most 5"],
    ["replica without the database", { environment: "dev", services: [api({ readReplica: true })] }, "platform:services[0].readReplica: true needs the database; add database to uses"],
    [
        "two services on one host and path, one with a trailing slash",
        { environment: "dev", ingress: { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f3c2a56-8f7e-4d5b-9a1c-3e2b1d0c9f8a" }, services: [api({ ingress: { host: "a.example.com", path: "/api" } }), api({ name: "web", ingress: { host: "a.example.com", path: "/api/" } })] },
        'platform:services[1].ingress: {"host":"a.example.com","path":"/api/"} is also claimed by platform:services[0] (api); one host and path can route to one service only',
    ],
    ["metrics path on a worker", { environment: "dev", services: [{ name: "w", kind: "worker", image: "w:1.0", metricsPath: "/metrics" }] }, 'platform:services[0].metricsPath: "/metrics" applies only to web services; this one is a worker'],
    ["metrics path without a leading slash", { environment: "dev", services: [api({ metricsPath: "metrics" })] }, 'platform:services[0].metricsPath: "metrics" is not a URL path starting with /'],
    ["replicas as text", { environment: "dev", services: [api({ replicas: "two" })] }, 'platform:services[0].replicas: "two" has the wrong shape: expected a number or { min, max }'],
    ["metrics path true", { environment: "dev", services: [api({ metricsPath: true })] }, "platform:services[0].metricsPath: true has the wrong type: expected false or a URL path starting with /"],
    ["bad CPU quantity", { environment: "dev", services: [api({ cpu: "lots" })] }, 'platform:services[0].cpu: "lots" is not a CPU quantity such as 250m or 1'],
    ["CI runner without a repository", { environment: "dev", ci: { enabled: true, connectionArn: CONNECTION } }, "platform:ci.repository: is required when platform:ci.enabled is true: the GitHub repository (owner/name) whose workflow jobs the runner takes"],
    ["CI runner without a connection", { environment: "dev", ci: { enabled: true, repository: "acme/platform" } }, "platform:ci.connectionArn: is required when platform:ci.enabled is true: a CodeConnections connection to GitHub, created once in the console (its GitHub App handshake needs a person)"],
    ["CI repository as a URL", { environment: "dev", ci: { enabled: true, repository: "https://github.com/acme/platform", connectionArn: CONNECTION } }, 'platform:ci.repository: "https://github.com/acme/platform" is not a GitHub repository such as acme/platform (owner/name)'],
    ["CI connection that is a secret", { environment: "dev", ci: { enabled: true, repository: "acme/platform", connectionArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:gh-AbCdEf" } }, 'platform:ci.connectionArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:gh-AbCdEf" is not a CodeConnections connection ARN such as arn:aws:codeconnections:us-east-1:123456789012:connection/<uuid>'],
    ["CI compute type CodeBuild has not", { environment: "dev", ci: { computeType: "BUILD_GENERAL1_HUGE" } }, 'platform:ci.computeType: "BUILD_GENERAL1_HUGE" is not allowed; allowed: BUILD_GENERAL1_SMALL, BUILD_GENERAL1_MEDIUM, BUILD_GENERAL1_LARGE'],
];

describe("stack config validation", () => {
    it(`covers at least 30 invalid inputs (has ${invalid.length})`, () => {
        assert.ok(invalid.length >= 30);
    });

    for (const [title, raw, expected] of invalid) {
        it(`rejects ${title}`, () => {
            const found = problems(raw);
            assert.ok(found.includes(expected), `expected:\n  ${expected}\ngot:\n  ${found.join("\n  ")}`);
        });
    }

    it("reports every problem at once, not just the first", () => {
        const found = problems(deployable({ environment: "dev", network: { cidr: "bad", natGateways: "many" }, database: { instanceClass: "x" } }));
        assert.equal(found.length, 3, found.join("\n"));
    });

    it("accepts the dev, staging and prod profiles once the deploying role is named", () => {
        assert.deepEqual(problems(deployable({ environment: "dev" })), []);
        assert.deepEqual(problems(deployable({ environment: "staging" })), []);
        assert.deepEqual(problems(deployable({ environment: "prod" })), []);
    });

    it("accepts a web service that serves no metrics, or serves them elsewhere", () => {
        assert.deepEqual(problems(deployable({ environment: "dev", services: [api({ metricsPath: false }), api({ name: "web", metricsPath: "/admin/metrics" })] })), []);
    });

    it("fills every default from the environment profile", () => {
        const dev = resolveSettings(deployable({ environment: "dev" }), "us-east-1");
        const prod = resolveSettings(deployable({ environment: "prod" }), "us-east-1");
        assert.deepEqual(dev.database, PROFILES.dev.database);
        assert.deepEqual(prod.database, PROFILES.prod.database);
        assert.equal(dev.network.natGateways, "single");
        assert.equal(prod.network.natGateways, "onePerAz");
    });

    it("lets an explicit key override the profile, and only that key", () => {
        const s = resolveSettings(deployable({ environment: "prod", database: { instanceClass: "db.r7g.large" } }), "us-east-1");
        assert.equal(s.database.instanceClass, "db.r7g.large");
        assert.equal(s.database.multiAz, true, "keys not given keep the prod default");
        const off = resolveSettings(deployable({ environment: "prod", protection: { enabled: false } }), "us-east-1");
        assert.equal(off.protection.enabled, false, "false overrides true (no || defaulting)");
    });

    it("requires aws:region and names it", () => {
        assert.throws(() => loadSettingsFromConfigMap({ "platform:environment": "dev" }), /aws:region: is required/);
        assert.throws(() => loadSettingsFromConfigMap({ "aws:region": "Ohio", "platform:environment": "dev" }), /aws:region: "Ohio" is not an AWS region name/);
    });

    it("decodes Pulumi's flat config map as Config.getObject would", () => {
        const raw = decodeConfigMap({ "platform:environment": "dev", "platform:budget": "300", "platform:network": '{"cidr":"10.1.0.0/16"}', "aws:region": "us-east-1" });
        assert.deepEqual(raw, { environment: "dev", budget: 300, network: { cidr: "10.1.0.0/16" } });
    });

    it("applies Pulumi.yaml defaults under the stack file's values", () => {
        const defaults = projectDefaults(path.join(ROOT, "Pulumi.yaml"));
        assert.equal(defaults["platform:budget"], "0");
        assert.equal(defaults["platform:environment"], undefined, "environment has no default: each stack must choose");
        const dev = readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"));
        assert.equal(dev.config["platform:budget"], "400", "the stack file wins over the project default");
        assert.equal(dev.config["platform:network"], "{}", "a key the stack leaves out gets the project default");
    });

    it("validates both shipped stack files", () => {
        for (const stack of ["dev", "prod"]) {
            const { config } = readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`));
            const s = loadSettingsFromConfigMap(config);
            assert.equal(s.environment, stack);
        }
    });
});

describe("stack config validation: cost", () => {
    it("validates without generating code, which costs more than it saves for one or two validations a process", function () {
        this.timeout(60_000);
        // A fresh process, since a schema compiles its fast path once per process.
        const probe = `
            let generated = 0;
            globalThis.Function = new Proxy(Function, { construct: (target, args) => (generated++, Reflect.construct(target, args)) });
            const { readStackConfig } = require("./bin/offline/stackConfig");
            const { loadSettingsFromConfigMap } = require("./bin/config");
            loadSettingsFromConfigMap(readStackConfig("Pulumi.prod.yaml", "Pulumi.yaml").config, { project: "platform", stack: "prod" });
            console.log(generated);`;
        const r = spawnSync(process.execPath, ["-r", "./tools/prelude.cjs", "-e", probe], { cwd: ROOT, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(Number(r.stdout.trim()), 0);
    });
});
