import { z } from "zod";
import * as catalog from "./catalog";
import { isCidr } from "../lib/cidr";
import { cronProblem } from "../lib/cron";
import { parseImageRef } from "../lib/imageRef";
import { parseQuantity } from "../lib/quantity";

// A process validates its stack's settings once or twice, so zod's compiled fast path (code generated with
// `new Function` on first use) costs more than it saves: under `pulumi preview`, whose run harness hears
// from the V8 inspector about every script compiled, the first validation took 77-119 ms with it and
// 20-26 ms without. The interpreted path accepts and rejects the same.
z.config({ jitless: true });

/**
 * The shape of every `platform:*` stack config key once the environment profile has been merged in.
 * Objects are strict: an unknown key is an error, never silently ignored.
 */

const cidr = z.string().refine(isCidr, { message: "is not a valid IPv4 CIDR" });
const logRetention = z
    .number()
    .refine((d) => (catalog.LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `is not a CloudWatch Logs retention; allowed: ${catalog.LOG_RETENTION_DAYS.join(", ")}`,
    });
const oneOf = <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]]);
const count = (min: number, max: number) => z.number().int().min(min).max(max);
const iamRoleArn = z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, { message: "is not an IAM role ARN" });
/** DNS-1123 label: what Kubernetes accepts for namespaces and most object names. */
export const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dnsLabel = (max: number) =>
    z
        .string()
        .max(max)
        .regex(DNS_LABEL, { message: "is not a DNS-1123 label (lower-case letters, digits and '-', starting with a letter)" });
/** A URL path as Ingress rules, probes and scrapes take it. */
const urlPath = z.string().regex(/^\/[\w\-./]*$/, { message: "is not a URL path starting with /" });
/** Kubernetes quantities as used for CPU and memory: any the API server accepts (`250m`, `0.5`, `256M`, `1Gi`). */
const cpuQuantity = z.string().refine((q) => parseQuantity(q) !== undefined, { message: "is not a CPU quantity such as 250m or 1" });
const memoryQuantity = z.string().refine((q) => parseQuantity(q) !== undefined, { message: "is not a memory quantity such as 256Mi or 1Gi" });

/**
 * YAML reads an unquoted `1.35` or `16` as a number. A number is taken as the version it spells when
 * exactly one allowed version has that value ("8.0" for 8); otherwise it stays a number and is refused
 * with a hint to quote it.
 */
export function versionText(allowed: readonly string[]) {
    return (v: unknown) => {
        if (typeof v !== "number") {
            return v;
        }
        const matches = allowed.filter((a) => Number(a) === v);
        return matches.length === 1 ? matches[0] : v;
    };
}
const version = <T extends string>(allowed: readonly T[]) => z.preprocess(versionText(allowed), oneOf(allowed));

/** The image reference grammar, a pinned tag or digest, and never the mutable `latest` without a digest. */
function checkImage(image: string, ctx: z.RefinementCtx): void {
    const ref = parseImageRef(image);
    if (typeof ref === "string") {
        ctx.addIssue({ code: "custom", message: `is not an image reference: it ${ref}` });
    } else if (ref.tag === undefined && ref.digest === undefined) {
        ctx.addIssue({ code: "custom", message: "must name a tag or a digest (registry/repo:tag or registry/repo@sha256:…)" });
    } else if (ref.tag?.toLowerCase() === "latest" && ref.digest === undefined) {
        ctx.addIssue({ code: "custom", message: "uses the mutable tag 'latest'; pin a version or digest" });
    }
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** A RabbitMQ queue (and exchange) name the platform declares: no `amq.` prefix, which RabbitMQ keeps, and nothing a URL must encode. */
const queueName = z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, { message: "is not a queue name: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 200" })
    .refine((q) => !q.startsWith("amq."), { message: "starts with amq., which RabbitMQ reserves" });

/** Environment variables by name; a bad name is reported at its own key, without echoing the value. */
const envSchema = z.record(z.string(), z.string()).superRefine((env, ctx) => {
    for (const key of Object.keys(env).filter((k) => !ENV_NAME.test(k))) {
        const fixed = key.toUpperCase().replace(/[^A-Z0-9_]/g, "_").replace(/^(\d)/, "_$1");
        ctx.addIssue({
            code: "custom",
            path: [key],
            params: { hideValue: true },
            message: `is not an environment variable name (upper-case letters, digits and '_', not starting with a digit); write ${fixed}`,
        });
    }
});

export const nodeGroupSchema = z.strictObject({
    instanceTypes: z.array(oneOf(Object.keys(catalog.NODE_INSTANCE_TYPES))).min(1),
    capacityType: oneOf(["ON_DEMAND", "SPOT"] as const),
    minSize: count(0, 100),
    desiredSize: count(0, 100),
    maxSize: count(1, 100),
    diskSizeGb: count(20, 1000),
});

/** An EC2 resource ID: its prefix, a hyphen and 8 or 17 hex digits. */
const ec2Id = (prefix: string, what: string) =>
    z.string().regex(new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`), { message: `is not a ${what} ID such as ${prefix}-0123456789abcdef0` });
const subnetId = ec2Id("subnet", "subnet");

/**
 * A VPC that a network team owns, used instead of creating one. Every subnet list is in zone order: the
 * n-th subnet of each tier lies in the n-th zone. Zones and subnet blocks are given here rather than looked
 * up, so that validation and the offline plan can check them without AWS (rules in config/networkRules.ts).
 */
export const existingNetworkSchema = z.strictObject({
    vpcId: ec2Id("vpc", "VPC"),
    availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/, { message: "is not an availability zone name such as us-east-1a" })).min(2).max(3),
    publicSubnetIds: z.array(subnetId),
    privateSubnetIds: z.array(subnetId),
    isolatedSubnetIds: z.array(subnetId),
    /** Each tier's subnet blocks, in zone order: network policies and data-store rules are drawn from them. */
    subnetCidrs: z.strictObject({ public: z.array(cidr), private: z.array(cidr), isolated: z.array(cidr) }),
});

export const networkSchema = z.strictObject({
    cidr,
    availabilityZones: count(2, 3),
    natGateways: oneOf(["single", "onePerAz"] as const),
    interfaceEndpoints: z.boolean(),
    /** Networks the VPC must never overlap: peered VPCs, on-premises ranges, a transit gateway. */
    reservedCidrs: z.array(cidr),
    /** Use this VPC instead of creating one. */
    existing: existingNetworkSchema.optional(),
});

export const clusterSchema = z.strictObject({
    version: version(Object.keys(catalog.KUBERNETES_VERSIONS)),
    architecture: oneOf(["arm64", "x86_64"] as const),
    /** Who runs the nodes (config/catalog.ts COMPUTE_MODES). */
    compute: oneOf(catalog.COMPUTE_MODES),
    /** How controllers get AWS credentials (config/catalog.ts IDENTITY_MODES). */
    identity: oneOf(catalog.IDENTITY_MODES),
    /** Node operating system of managed node groups and Karpenter's nodes. */
    amiFamily: oneOf(catalog.AMI_FAMILIES),
    /** EKS node auto repair on managed node groups. */
    nodeRepair: z.boolean(),
    endpointPublicAccess: z.boolean(),
    publicAccessCidrs: z.array(cidr),
    /** The role `pulumi up` runs as; empty only until it is set (validation requires it). */
    deployRoleArn: z.union([z.literal(""), iamRoleArn], { error: 'has the wrong type: expected an IAM role ARN or ""' }),
    adminRoleArns: z.array(iamRoleArn),
    /** Roles that read the whole cluster, Secrets included: the preview and drift workflows' roles. */
    readOnlyRoleArns: z.array(iamRoleArn),
    /** Teams given edit or view access to some namespaces through EKS access entries. */
    teams: z.array(
        z.strictObject({
            name: dnsLabel(40),
            roleArn: iamRoleArn,
            access: oneOf(["edit", "view"] as const),
            namespaces: z.array(dnsLabel(63)).min(1),
        }),
    ),
    serviceCidr: cidr,
    logRetentionDays: logRetention,
    nodeGroups: z.strictObject({ system: nodeGroupSchema, apps: nodeGroupSchema }),
});

export const databaseSchema = z.strictObject({
    /** Create the shared PostgreSQL instance. */
    enabled: z.boolean(),
    engineVersion: version(catalog.POSTGRES_MAJOR_VERSIONS),
    instanceClass: oneOf(catalog.DB_INSTANCE_CLASSES),
    allocatedStorageGb: count(20, 16384),
    maxAllocatedStorageGb: count(20, 65536),
    multiAz: z.boolean(),
    readReplicas: count(0, 5),
    backupRetentionDays: count(0, 35),
    deletionProtection: z.boolean(),
    performanceInsights: z.boolean(),
    databaseName: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, { message: "is not a PostgreSQL identifier" }),
    masterUsername: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,15}$/, { message: "is not a PostgreSQL user name of at most 16 characters" })
        .refine((u) => !["postgres", "admin", "rdsadmin", "root"].includes(u), {
            message: "is a well-known admin name; choose another",
        }),
});

export const cacheSchema = z.strictObject({
    enabled: z.boolean(),
    engine: oneOf(catalog.CACHE_ENGINES),
    engineVersion: z.preprocess(versionText(Object.values(catalog.CACHE_ENGINE_VERSIONS).flatMap((v) => Object.keys(v))), z.string()),
    nodeType: oneOf(catalog.CACHE_NODE_TYPES),
    clusterMode: z.boolean(),
    shards: count(1, 500),
    replicasPerShard: count(0, 5),
    snapshotRetentionDays: count(0, 35),
});

export const brokerSchema = z.strictObject({
    enabled: z.boolean(),
    engineVersion: version(catalog.BROKER_ENGINE_VERSIONS),
    instanceType: oneOf(catalog.BROKER_INSTANCE_TYPES),
    deploymentMode: oneOf(catalog.BROKER_DEPLOYMENT_MODES),
});

export const secretsSchema = z.strictObject({
    /** 0 deletes at once; otherwise 7–30 days, as Secrets Manager allows. */
    recoveryWindowDays: z.number().int().refine((d) => d === 0 || (d >= 7 && d <= 30), {
        message: "must be 0 or between 7 and 30",
    }),
});

export const encryptionSchema = z.strictObject({
    keyDeletionWindowDays: count(7, 30),
});

export const logsSchema = z.strictObject({
    retentionDays: logRetention,
});

const addonSchema = z.strictObject({ enabled: z.boolean(), replicas: count(1, 5) });

export const addonsSchema = z.strictObject({
    loadBalancerController: addonSchema,
    externalSecrets: addonSchema,
    metricsServer: addonSchema,
    clusterAutoscaler: addonSchema,
    kubePrometheusStack: addonSchema,
    fluentBit: addonSchema,
    certManager: addonSchema,
    keda: addonSchema,
    openTelemetryCollector: addonSchema,
});

/** TLS policies of the ALB listener that offer TLS 1.2 and 1.3 only (ELB security policies). */
export const ALB_SSL_POLICIES = ["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06"] as const;

export const ingressSchema = z.strictObject({
    /** ACM certificate for the shared ALB's HTTPS listener. */
    certificateArn: z
        .string()
        .regex(/^(arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36})?$/, { message: "is not an ACM certificate ARN" }),
    sslPolicy: oneOf(ALB_SSL_POLICIES),
    /** `internet-facing` or `internal`. */
    scheme: oneOf(["internet-facing", "internal"] as const),
});

export const alertingSchema = z.strictObject({
    /** Slack channel Alertmanager posts to; its webhook URL is kept in Secrets Manager. Empty: no receiver. */
    slackChannel: z.string().regex(/^(#[a-z0-9_-]{1,80})?$/, { message: "is not a Slack channel such as #alerts" }),
});

export const serviceSchema = z.strictObject({
    /** Its length is limited by the names derived from it (config/names.ts). */
    name: dnsLabel(63),
    kind: oneOf(["web", "worker", "cron"] as const),
    image: z.string().superRefine(checkImage),
    port: count(1024, 65535).optional(),
    cpu: cpuQuantity.optional(),
    memory: memoryQuantity.optional(),
    /** A range may start at 0 only for a worker KEDA scales on its queue (config/serviceRules.ts). */
    replicas: z.union([count(1, 100), z.strictObject({ min: count(0, 100), max: count(1, 500) })], { error: "has the wrong shape: expected a number or { min, max }" }).optional(),
    env: envSchema.optional(),
    uses: z.array(oneOf(["database", "cache", "broker"] as const)).optional(),
    /** Route read-only queries to the read replica: adds `DATABASE_READER_HOST`. */
    readReplica: z.boolean().optional(),
    secrets: z.array(dnsLabel(60)).optional(),
    ingress: z
        .strictObject({
            host: z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, { message: "is not a host name" }),
            path: urlPath,
        })
        .optional(),
    callers: z.array(dnsLabel(63)).optional(),
    healthPath: urlPath.optional(),
    /** Where Prometheus scrapes the service's HTTP port; false when the image serves no metrics. Defaults to /metrics. */
    metricsPath: z.union([z.literal(false), urlPath], { error: "has the wrong type: expected false or a URL path starting with /" }).optional(),
    /** A gRPC port beside the HTTP one: gRPC probes, and ALB gRPC routing when it has an ingress. */
    grpc: z
        .strictObject({
            port: count(1024, 65535),
            ingress: z
                .strictObject({
                    host: z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, { message: "is not a host name" }),
                    path: urlPath,
                })
                .optional(),
        })
        .optional(),
    /** Autoscaling targets in percent of requests: CPU (and memory for HPAs); a queue worker adds CPU to its queue trigger. */
    autoscaling: z.strictObject({ cpu: count(10, 100).optional(), memory: count(10, 100).optional() }).optional(),
    /** Send OpenTelemetry traces to the collector (OTEL_EXPORTER_OTLP_ENDPOINT is injected). */
    tracing: z.boolean().optional(),
    /** Alert thresholds: 5xx ratio and p99 latency. */
    alerts: z.strictObject({ errorRate: z.number().gt(0).lt(1).optional(), latencyMs: count(10, 60000).optional() }).optional(),
    queue: z.strictObject({ name: queueName, targetLength: count(1, 100000) }).optional(),
    /** RabbitMQ queues the service reads from and publishes to; its broker user may use these and no others. */
    queues: z
        .strictObject({
            consumes: z.array(queueName).optional(),
            publishes: z.array(queueName).optional(),
        })
        .optional(),
    schedule: z
        .string()
        .superRefine((schedule, ctx) => {
            const problem = cronProblem(schedule);
            if (problem !== undefined) {
                ctx.addIssue({ code: "custom", message: problem });
            }
        })
        .optional(),
    command: z.array(z.string()).optional(),
});

/** The in-VPC GitHub Actions runner: a CodeBuild project that workflow jobs reach with `runs-on: codebuild-<project>-…`. */
export const ciSchema = z.strictObject({
    enabled: z.boolean(),
    /** The GitHub repository whose workflow jobs the runner takes. */
    repository: z.string().regex(/^([A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100})?$/, { message: "is not a GitHub repository such as acme/platform (owner/name)" }),
    /** The CodeConnections connection (a GitHub App installation) through which CodeBuild registers its webhook and runners. */
    connectionArn: z
        .string()
        .regex(/^(arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36})?$/, {
            message: "is not a CodeConnections connection ARN such as arn:aws:codeconnections:us-east-1:123456789012:connection/<uuid>",
        }),
    computeType: oneOf(catalog.CI_COMPUTE_TYPES),
    /** CodeBuild's limit on one build, that is one workflow job (CreateProject: 5–2160 minutes). */
    buildTimeoutMinutes: count(5, 2160),
});

/** The laptop cluster a `local` stack deploys to; refused in the AWS environments (config/localRules.ts). */
export const localSchema = z.strictObject({
    /** kubeconfig context of the cluster; empty means the current context. */
    context: z.string().regex(/^[^\s]*$/, { message: "is not a kubeconfig context name (no spaces)" }),
    /** DNS name under which every exposed service gets `<service>.<domain>`; `localtest.me` resolves to 127.0.0.1. */
    domain: z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, { message: "is not a DNS domain such as localtest.me" }),
    /** Volume of each service's PostgreSQL instance, in GiB, from the cluster's default StorageClass. */
    databaseStorageGi: count(1, 100),
});

export const settingsSchema = z.strictObject({
    environment: oneOf(catalog.ENVIRONMENTS),
    /** Monthly budget in USD; the offline plan fails when its estimate exceeds it. 0 means no budget. */
    budget: z.number().min(0),
    /** Guard stateful resources against deletion and replacement. */
    protection: z.strictObject({ enabled: z.boolean() }),
    /** Keys and values are checked against AWS's tag rules in config/awsRules.ts. */
    tags: z.record(z.string(), z.string()),
    network: networkSchema,
    encryption: encryptionSchema,
    logs: logsSchema,
    cluster: clusterSchema,
    database: databaseSchema,
    cache: cacheSchema,
    broker: brokerSchema,
    secrets: secretsSchema,
    addons: addonsSchema,
    ingress: ingressSchema,
    alerting: alertingSchema,
    ci: ciSchema,
    local: localSchema,
    services: z.array(serviceSchema),
});

/** Validated settings: every `platform:*` key, plus the AWS region the provider deploys to. */
export type Settings = z.infer<typeof settingsSchema> & { readonly region: string };
export type NetworkSettings = z.infer<typeof networkSchema>;
export type ExistingNetworkSettings = z.infer<typeof existingNetworkSchema>;
export type CiSettings = z.infer<typeof ciSchema>;
export type ClusterSettings = z.infer<typeof clusterSchema>;
export type NodeGroupSettings = z.infer<typeof nodeGroupSchema>;
export type DatabaseSettings = z.infer<typeof databaseSchema>;
export type CacheSettings = z.infer<typeof cacheSchema>;
export type BrokerSettings = z.infer<typeof brokerSchema>;
export type ServiceSettings = z.infer<typeof serviceSchema>;
export type AddonsSettings = z.infer<typeof addonsSchema>;
export type IngressSettings = z.infer<typeof ingressSchema>;
export type LocalSettings = z.infer<typeof localSchema>;

/** The top-level keys a stack may set under the `platform:` namespace. */
export const SETTINGS_KEYS = Object.keys(settingsSchema.shape);
