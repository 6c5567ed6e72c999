import * as fs from "fs";
import * as path from "path";

/**
 * Bad input, as a new user writes it, and how the plan must answer: the exit code and fragments of what
 * it says. `config` is merged into a minimal valid dev stack (or is the file's whole text).
 */
export interface FrontDoorCase {
    readonly title: string;
    readonly config?: Record<string, unknown> | string;
    /** Name of the stack file; defaults to Pulumi.dev.yaml. */
    readonly fileName?: string;
    /** Arguments after `--config <file> --out <dir>/m`; `dir` is a scratch directory. */
    readonly args?: (dir: string, config: string) => string[];
    /** Runs `npm run pr-comment` with these files instead of the plan. */
    readonly prComment?: (dir: string) => string[];
    /** Replaces the plan's work, to provoke an internal error. */
    readonly internal?: boolean;
    readonly code: number;
    /** Fragments the output must contain. */
    readonly says: readonly string[];
    /** Text that must never be printed (a secret). */
    readonly never?: string;
}

const web = (over: Record<string, unknown> = {}) => ({ name: "api", kind: "web", image: "ghcr.io/acme/api:1.0.0", port: 8080, ...over });
const services = (...list: Record<string, unknown>[]) => ({ "platform:services": list });
const cron = (schedule: string) => services({ name: "report", kind: "cron", image: "ghcr.io/acme/report:1.0.0", schedule });
const image = (ref: string) => services(web({ image: ref }));
const env = (vars: Record<string, unknown>, over: Record<string, unknown> = {}) => services(web({ env: vars, ...over }));
const CERT = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/0f3c2a56-8f7e-4d5b-9a1c-3e2b1d0c9f8a`;
const ROLE = "arn:aws:iam::123456789012:role/platform-admins";
const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
};

/** Accepted today although wrong: each must be refused with the key, the value and what is allowed. */
const acceptedButWrong: FrontDoorCase[] = [
    { title: "a typo in the platform namespace", config: { "platfrom:services": [web()] }, code: 2, says: ['platfrom:services: is in namespace "platfrom", which nothing reads; did you mean platform:services?'] },
    { title: "a namespace nothing reads", config: { "acme:owner": "team-a" }, code: 2, says: ['acme:owner: is in namespace "acme"', "known namespaces: platform, aws"] },
    { title: "a region that does not exist", config: { "aws:region": "zz-fake-9" }, code: 2, says: ['aws:region: "zz-fake-9" is not an AWS region name', "regions: af-south-1"] },
    { title: "a misspelt region", config: { "aws:region": "us-eest-1" }, code: 2, says: ['aws:region: "us-eest-1" is not an AWS region name such as us-east-1; did you mean us-east-1?'] },
    { title: "a certificate of another region", config: { "platform:ingress": { certificateArn: CERT("eu-west-1") } }, code: 2, says: ["platform:ingress.certificateArn:", "is a certificate in eu-west-1, but the stack deploys to us-east-1"] },
    { title: "a service CIDR over a reserved network", config: { "platform:network": { reservedCidrs: ["172.20.0.0/16"] } }, code: 2, says: ['platform:cluster.serviceCidr: "172.20.0.0/16" overlaps platform:network.reservedCidrs[0] (172.20.0.0/16)'] },
    { title: "a cron schedule out of range", config: cron("61 25 * * *"), code: 2, says: ['platform:services[0].schedule: "61 25 * * *" is not a valid schedule: 61 is above the minute maximum 59'] },
    { title: "a cron schedule of garbage", config: cron("a b c d e"), code: 2, says: ['"a b c d e" is not a valid schedule: "a" is not a number in the minute field'] },
    { title: "a cron schedule of four fields", config: cron("0 3 * *"), code: 2, says: ["has 4 field(s); a schedule has five"] },
    { title: "a cron schedule with a time zone", config: cron("CRON_TZ=Europe/Paris 0 3 * * *"), code: 2, says: ["names a time zone, which Kubernetes refuses in a schedule"] },
    { title: "Sunday written as 7, which Kubernetes refuses", config: cron("0 3 * * 7"), code: 2, says: ["7 is above the day of week maximum 6"] },
    { title: "an unknown schedule descriptor", config: cron("@fortnightly"), code: 2, says: ['"@fortnightly" is not a schedule descriptor; allowed: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>'] },
    { title: "a cron step of zero", config: cron("*/0 * * * *"), code: 2, says: ['step of "*/0" must be a positive number'] },
    { title: "an image on Latest", config: image("ghcr.io/acme/api:Latest"), code: 2, says: [`platform:services[0].image: "ghcr.io/acme/api:Latest" uses the mutable tag 'latest'; pin a version or digest`] },
    { title: "an image with two colons", config: image("repo::1.0"), code: 2, says: ['"repo::1.0" is not an image reference: it has an invalid path component "repo:"'] },
    { title: "an image with upper-case letters in its path", config: image("ghcr.io/Acme/api:1.0"), code: 2, says: ['has an invalid path component "Acme"'] },
    { title: "an image with a short digest", config: image("ghcr.io/acme/api@sha256:abc123"), code: 2, says: ['has a malformed digest "sha256:abc123"'] },
    { title: "an image with a tag starting with '-'", config: image("ghcr.io/acme/api:-1"), code: 2, says: ['has an invalid tag "-1"'] },
    { title: "no CPU at all", config: services(web({ cpu: "0" })), code: 2, says: ['platform:services[0].cpu: "0" must be more than 0 (at least 1m)'] },
    { title: "a negative CPU", config: services(web({ cpu: "-1" })), code: 2, says: ['platform:services[0].cpu: "-1" must be more than 0'] },
    { title: "no memory at all", config: services(web({ memory: "0Mi" })), code: 2, says: ['platform:services[0].memory: "0Mi" must be more than 0, such as 128Mi'] },
    { title: "memory in thousandths of a byte", config: services(web({ memory: "128m" })), code: 2, says: ["is below the 6Mi a container needs to start ('m' means thousandths of a byte; Mi is mebibytes)"] },
    { title: "more CPU than any apps node has", config: services(web({ cpu: "3" })), code: 2, says: ['platform:services[0].cpu: "3" is more than the largest apps node can give a pod: t4g.large has 2 vCPUs, 1930m after the kubelet\'s reservation'] },
    { title: "all of a node's CPU, of which the kubelet keeps some", config: services(web({ cpu: "2" })), code: 2, says: ['platform:services[0].cpu: "2" is more than the largest apps node can give a pod'] },
    { title: "more memory than any apps node has", config: services(web({ memory: "16Gi" })), code: 2, says: ['platform:services[0].memory: "16Gi" is more than the largest apps node can give a pod: m6g.large has 8Gi, 7518Mi after the kubelet\'s reservation'] },
    { title: "all of a node's memory, of which the kubelet keeps some", config: services(web({ memory: "8Gi" })), code: 2, says: ['platform:services[0].memory: "8Gi" is more than the largest apps node can give a pod'] },
    { title: "an HPA scaled to zero", config: services(web({ replicas: { min: 0, max: 3 } })), code: 2, says: ["platform:services[0].replicas.min: 0 scales to zero only for a worker KEDA scales on its queue"] },
    { title: "a service named after the tracing namespace", config: services(web({ name: "observability" })), code: 2, says: ['platform:services[0].name: "observability" is a namespace the platform uses (the OpenTelemetry collector)'] },
    { title: "a service in the amazon- namespaces", config: services(web({ name: "amazon-cloudwatch" })), code: 2, says: ["is a namespace the platform uses (the amazon-* namespaces)"] },
    { title: "a service in the platform namespaces", config: services(web({ name: "platform-api" })), code: 2, says: ["is a namespace the platform uses (the platform* namespaces)"] },
    { title: "a service name too long for its IAM role", config: services(web({ name: `orders-${"x".repeat(33)}` })), code: 2, says: ["(40 characters) makes the IAM role name", "IAM quotas: role names up to 64 characters; service names may have at most 38 characters"] },
    { title: "a stack name too long for the cache's ID", fileName: `Pulumi.${"team-a-feature-branch-preview-1234"}.yaml`, code: 2, says: ['stack: "team-a-feature-branch-preview-1234" (34 characters) makes the ElastiCache replication group ID', "use a stack name of at most 25 characters"] },
    { title: "a stack name that makes a double hyphen", fileName: "Pulumi.qa__eu.yaml", code: 2, says: ['stack: "qa__eu" (6 characters) makes the RDS instance identifier "platform-qa--eu-postgres", which AWS refuses'] },
    { title: "a secret key in env, by its name", config: env({ STRIPE_SECRET_KEY: "abc" }), code: 2, says: ['platform:services[0].env.STRIPE_SECRET_KEY: holds a secret, by its name; env values are plain text in a ConfigMap: remove it and add "stripe-secret-key" to platform:services[0].secrets'] },
    { title: "a secret key in env, by its value", config: env({ PAYMENTS: "sk_live_51HxYzAbCdEf012345" }), code: 2, says: ["platform:services[0].env.PAYMENTS: holds a Stripe secret key"], never: "sk_live_51HxYzAbCdEf012345" },
    { title: "a URL with a password in env", config: env({ UPSTREAM_URL: "https://bot:hunter2@example.com/x" }), code: 2, says: ["holds a URL with a password in it"], never: "hunter2" },
    { title: "an env key the platform sets", config: env({ DATABASE_HOST: "db.example.com" }, { uses: ["database"] }), code: 2, says: ["platform:services[0].env.DATABASE_HOST: is set by the platform (the service uses the database) and would be dropped"] },
    { title: "an env key an app secret sets", config: env({ FEATURE: "y" }, { secrets: ["feature"] }), code: 2, says: ['platform:services[0].env.FEATURE: is also the variable of the secret "feature"'] },
    { title: "an app secret that clobbers the database password", config: services(web({ uses: ["database"], secrets: ["database-password"] })), code: 2, says: ['platform:services[0].secrets[0]: "database-password" becomes DATABASE_PASSWORD, which the platform sets (the service uses the database)'] },
    {
        title: "two services on one host and path",
        config: { "platform:ingress": { certificateArn: CERT("us-east-1") }, ...services(web({ ingress: { host: "a.example.com", path: "/" } }), web({ name: "web", ingress: { host: "a.example.com", path: "/" } })) },
        code: 2,
        says: ['platform:services[1].ingress: {"host":"a.example.com","path":"/"} is also claimed by platform:services[0] (api)'],
    },
    { title: "a tag key in AWS's namespace", config: { "platform:tags": { "aws:owner": "x" } }, code: 2, says: ['platform:tags.aws:owner: "x" has a key starting with aws:, which AWS reserves'] },
    { title: "more tags than fit", config: { "platform:tags": Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`t${i}`, "v"])) }, code: 2, says: ["platform:tags: has 45 tags; at most 44 fit"] },
    { title: "a tag key over 128 characters", config: { "platform:tags": { ["k".repeat(129)]: "v" } }, code: 2, says: ["has a key AWS refuses: 1-128 letters"] },
    { title: "a tag value AWS refuses", config: { "platform:tags": { team: "a;b" } }, code: 2, says: ['platform:tags.team: "a;b" is a tag value AWS refuses'] },
    { title: "a tag that overrides the platform's", config: { "platform:tags": { Project: "mine" } }, code: 2, says: ['platform:tags.Project: "mine" would override the Project tag the platform sets'] },
    {
        title: "a team role that is also an admin role",
        config: { "platform:cluster": { adminRoleArns: [ROLE], teams: [{ name: "a", roleArn: ROLE, access: "view", namespaces: ["api"] }] }, ...services(web()) },
        code: 2,
        says: [`platform:cluster.teams[0].roleArn: "${ROLE}" is also platform:cluster.adminRoleArns[0]; EKS allows one access entry per role`],
    },
    {
        title: "two teams with one role",
        config: { "platform:cluster": { teams: [{ name: "a", roleArn: ROLE, access: "view", namespaces: ["api"] }, { name: "b", roleArn: ROLE, access: "edit", namespaces: ["api"] }] }, ...services(web()) },
        code: 2,
        says: ["platform:cluster.teams[1].roleArn:", "is also the role of platform:cluster.teams[0] (a)"],
    },
    { title: "--as-of on a month that does not exist", args: () => ["--as-of", "2027-13-45"], code: 2, says: ['plan: --as-of "2027-13-45" is not a date such as 2027-01-31'] },
    { title: "--as-of on the 30th of February", args: () => ["--as-of", "2027-02-30"], code: 2, says: ['--as-of "2027-02-30" is not a date'] },
];

/** Refused today, but unclearly. */
const refusedUnclearly: FrontDoorCase[] = [
    { title: "a Kubernetes version YAML reads as 1.3", config: "config:\n  aws:region: us-east-1\n  platform:environment: dev\n  platform:cluster:\n    version: 1.30\n", code: 2, says: ['platform:cluster.version: 1.3 was read as a number; quote the version, e.g. "1.35"; allowed: 1.34, 1.35'] },
    { title: "a cache version YAML reads as 7", config: "config:\n  aws:region: us-east-1\n  platform:environment: dev\n  platform:cache:\n    engineVersion: 7\n", code: 2, says: ['platform:cache.engineVersion: 7 was read as a number; quote the version, e.g. "7.1"; allowed: 7.2, 8.0, 8.1, 7.1'] },
    { title: "an encrypted budget", config: "config:\n  aws:region: us-east-1\n  platform:environment: dev\n  platform:budget:\n    secure: AAABAHjB2fE=\n", code: 2, says: ["platform:budget: is encrypted (secure:), but platform settings hold no secrets"] },
    { title: "an infinite budget", config: "config:\n  aws:region: us-east-1\n  platform:environment: dev\n  platform:budget: .inf\n", code: 2, says: ["platform:budget: is .inf (", "Pulumi.dev.yaml:4:20), which is not a finite number"] },
    { title: "an empty budget", config: "config:\n  aws:region: us-east-1\n  platform:environment: dev\n  platform:budget:\n", code: 2, says: ["platform:budget: is empty (YAML null); expected number"] },
    { title: "an env key in lower case", config: env({ log_level: "debug" }), code: 2, says: ["platform:services[0].env.log_level: is not an environment variable name (upper-case letters, digits and '_', not starting with a digit); write LOG_LEVEL"], never: '"debug"' },
    { title: "an env value YAML reads as a number", config: env({ PORT_HINT: 8080 }), code: 2, says: ['platform:services[0].env.PORT_HINT: 8080 has the wrong type: expected text; quote it: "8080"'] },
    { title: "keys without a namespace", config: "config:\n  region: us-east-1\n  environment: dev\n", code: 2, says: ["region: has no namespace; write aws:region", "environment: has no namespace; write platform:environment", "aws:region: is required"] },
    { title: "an empty file", config: "", code: 2, says: ["Pulumi.dev.yaml: is empty; a stack config file is a map with a config: map inside"] },
    { title: "a file that is a list", config: "- aws:region: us-east-1\n", code: 2, says: ["Pulumi.dev.yaml: is a list; a stack config file is a map"] },
    { title: "keys outside config:", config: "aws:region: us-east-1\nplatform:environment: dev\n", code: 2, says: ["Pulumi.dev.yaml:1:1: aws:region is outside config:; indent it under the config: key", "has no config: map"] },
    {
        title: "a bad region, a bad environment and a bad key, all at once",
        config: { "aws:region": "mars-1", "platform:environment": "qa", "platform:network": { natGateways: "none" } },
        code: 2,
        says: ["Invalid stack config (3 problems)", 'aws:region: "mars-1"', 'platform:environment: "qa" is not allowed', 'platform:network.natGateways: "none" is not allowed'],
    },
];

/** Stack traces today: each must be one line and exit 2 (5 for a bug in the plan). */
const stackTraces: FrontDoorCase[] = [
    { title: "malformed YAML", config: "config:\n  aws:region: us-east-1\n  platform:network: {cidr: [\n", code: 2, says: ["Pulumi.dev.yaml:4:1: is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]"] },
    { title: "a duplicate key", config: "config:\n  aws:region: us-east-1\n  platform:environment: dev\n  aws:region: eu-west-1\n", code: 2, says: ["Pulumi.dev.yaml:4:3: is not valid YAML: Map keys must be unique"] },
    { title: "--config naming a directory", args: (dir) => ["--config", dir, "--stack", "dev"], code: 2, says: [" is a directory; give a stack config file such as "] },
    { title: "--config naming no file", args: (dir) => ["--config", path.join(dir, "Pulumi.dev.yaml.missing"), "--stack", "dev"], code: 2, says: ["plan: config file ", "does not exist"] },
    { title: "--config that does not name its stack", args: (dir) => ["--config", write(path.join(dir, "custom.yaml"), "config: {}\n")], code: 2, says: ["does not name its stack (Pulumi.<stack>.yaml); add --stack <name>"] },
    { title: "--stack that disagrees with --config", args: () => ["--stack", "prod"], code: 2, says: ["plan: --stack prod disagrees with --config", "the config of stack dev"] },
    { title: "--diff with malformed JSON", args: (dir) => ["--diff", write(path.join(dir, "base.json"), "{ not json")], code: 2, says: ["plan: --diff ", "base.json is not JSON ("] },
    { title: "--diff with JSON that is not a plan", args: (dir) => ["--diff", write(path.join(dir, "base.json"), '{"hello": "world"}')], code: 2, says: ["base.json is not a plan (no resources with urn, type and inputs, or no cost.monthlyUsd)"] },
    { title: "--diff naming a directory", args: (dir) => ["--diff", dir], code: 2, says: ["is a directory; give a plan written by --json"] },
    { title: "--out naming an existing file", args: (dir) => ["--out", write(path.join(dir, "notes.txt"), "mine\n")], code: 2, says: ["notes.txt is a file; give a directory for the manifests"] },
    { title: "--json below a file", args: (dir) => ["--json", path.join(write(path.join(dir, "notes.txt"), "mine\n"), "plan.json")], code: 2, says: ["plan: --json ", "cannot be written: ", "notes.txt is a file, not a directory"] },
    { title: "--json naming a directory", args: (dir) => ["--json", dir], code: 2, says: ["is a directory; give a file name"] },
    { title: "pr-comment on a missing file", prComment: (dir) => [path.join(dir, "plan-dev.json")], code: 2, says: ["pr-comment: ", "the plan wrote no plan-dev.json"] },
    { title: "pr-comment on a file that is not JSON", prComment: (dir) => [write(path.join(dir, "plan.json"), "<html>")], code: 2, says: ["plan.json is not JSON ("] },
    { title: "pr-comment on JSON that is not a plan", prComment: (dir) => [write(path.join(dir, "plan.json"), "[]")], code: 2, says: ["pr-comment: ", "plan.json is not a plan (no cost, policy, deploy or result)"] },
    { title: "pr-comment without files", prComment: () => [], code: 2, says: ["Usage: npm run pr-comment -- <plan.json>..."] },
    { title: "an internal error", internal: true, code: 5, says: ["plan: internal error: Cannot read properties of undefined (reading 'x'). This is a bug in the plan, not in your config; rerun with --debug for its stack trace."] },
    { title: "an internal error with --debug", internal: true, args: () => ["--debug"], code: 5, says: ["its stack trace follows", "TypeError: Cannot read properties of undefined"] },
];

export const FRONT_DOOR_CASES: readonly FrontDoorCase[] = [...acceptedButWrong, ...refusedUnclearly, ...stackTraces];
