import type { RecordedResource } from "../../offline/run";
import { KUBERNETES_VERSIONS } from "../../config/catalog";
import {
    ALB_LCUS,
    AMAZON_MQ_HOURLY,
    CI_BUILD_MINUTES_PER_MONTH,
    CODEBUILD_PER_MINUTE,
    DEFAULT_NODE_DISK_GB,
    EC2_HOURLY,
    ELASTICACHE_REDIS_HOURLY,
    HOURS_PER_MONTH,
    LOG_INGEST_GB_PER_GROUP,
    LOG_STORED_MONTHS_WITHOUT_EXPIRY,
    MQ_STORAGE_GB_PER_NODE,
    NLB_NLCUS,
    PRICES,
    Price,
    RDS_MULTI_AZ_FACTOR,
    RDS_POSTGRES_HOURLY,
    SPOT_DISCOUNT,
    VALKEY_DISCOUNT,
    formatPrice,
} from "./prices";
import { RunIndex, arrayAt, booleanAt, hasDescendantOfType, numberAt, stringAt } from "./resources";

/** One priced line before rounding; a resource may yield several (instances, storage, a managed secret). */
export interface Line {
    /** What the line prices, when it is not the resource itself (e.g. `database-primary storage`). */
    readonly resource?: string;
    readonly monthlyUsd: number;
    readonly basis: string;
    readonly estimate: boolean;
}

/** What a pricer may consult besides the resource: the whole run, and a place to report gaps. */
export interface PricingContext {
    readonly index: RunIndex;
    warn(message: string): void;
}

export type Pricer = (r: RecordedResource, ctx: PricingContext) => Line[];

export const MONTH = `${HOURS_PER_MONTH} h`;

/** `(note; estimate)` after a basis, or nothing. */
function tags(...parts: (string | undefined | false)[]): string {
    const kept = parts.filter((x): x is string => typeof x === "string" && x !== "");
    return kept.length > 0 ? ` (${kept.join("; ")})` : "";
}

/** `count × what × hourly × 730 h`, priced from one hourly figure. */
export function hourly(count: number, what: string, p: Price, note?: string): Line {
    return {
        monthlyUsd: count * p.usd * HOURS_PER_MONTH,
        basis: `${count} × ${what} × ${formatPrice(p)} × ${MONTH}${tags(note, p.estimate && "estimate")}`,
        estimate: Boolean(p.estimate),
    };
}

/** `quantity unit × price`, for per-GB-month and per-month figures; `assumed` marks an assumed quantity. */
export function monthly(quantity: number, what: string, p: Price, resource?: string, assumed = false): Line {
    const estimate = Boolean(p.estimate) || assumed;
    return { resource, monthlyUsd: quantity * p.usd, basis: `${quantity} ${what} × ${formatPrice(p)}${tags(estimate && "estimate")}`, estimate };
}

/** `1 node`, `3 nodes`. */
export function plural(count: number, noun: string): string {
    return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function lookup(table: Readonly<Record<string, Price>>, key: string | undefined, r: RecordedResource, ctx: PricingContext): Price | undefined {
    const found = key === undefined ? undefined : table[key];
    if (found === undefined) {
        ctx.warn(`${r.type}::${r.name}: no price for "${key ?? "(none)"}"; the resource is left out of the total`);
    }
    return found;
}

/** The control plane; extended-support pricing applies only to versions past standard support that opt in. */
function controlPlane(r: RecordedResource): Line[] {
    const version = stringAt(r, "version");
    const support = stringAt(r, "upgradePolicy.supportType");
    const extended = support === "EXTENDED" && version !== undefined && KUBERNETES_VERSIONS[version] === undefined;
    const p = extended ? PRICES.eksControlPlaneExtendedSupport : PRICES.eksControlPlane;
    return [hourly(1, extended ? "EKS control plane (extended support)" : "EKS control plane", p)];
}

const eksComponent: Pricer = (r, ctx) => {
    if (booleanAt(r, "skipDefaultNodeGroup") !== true) {
        ctx.warn(`${r.type}::${r.name}: the default node group is not priced`);
    }
    // A real preview shows the control plane as a child; price it there and not twice.
    return hasDescendantOfType(ctx.index, r, ["aws:eks/cluster:Cluster"]) ? [] : controlPlane(r);
};

/** NAT gateways awsx creates, from its inputs; absent config means one per zone when private subnets exist. */
function natGatewayCount(r: RecordedResource): { count: number; rule: string } {
    const zones = arrayAt(r, "availabilityZoneNames")?.length ?? numberAt(r, "numberOfAvailabilityZones") ?? 3;
    const strategy = stringAt(r, "natGateways.strategy");
    const specs = (arrayAt(r, "subnetSpecs") ?? []) as { type?: string }[];
    const hasBoth = specs.length === 0 || (specs.some((s) => s.type === "Public") && specs.some((s) => s.type === "Private"));
    if (strategy === "Single") {
        return { count: 1, rule: "strategy Single" };
    }
    if (strategy === "None" || (strategy === undefined && !hasBoth)) {
        return { count: 0, rule: "none" };
    }
    return { count: zones, rule: `one per AZ, ${zones} AZs` };
}

const vpcComponent: Pricer = (r, ctx) => {
    if (hasDescendantOfType(ctx.index, r, ["aws:ec2/natGateway:NatGateway"])) {
        return [];
    }
    const { count, rule } = natGatewayCount(r);
    if (count === 0) {
        return [];
    }
    return [
        { ...hourly(count, `NAT gateway (${rule})`, PRICES.natGateway), resource: `${r.name} NAT gateways` },
        { ...hourly(count, "public IPv4 address of a NAT gateway", PRICES.publicIpv4), resource: `${r.name} NAT public IPv4` },
    ];
};

/** Interface endpoints bill per AZ: the subnets they sit in, or the VPC's zones when those are unknown. */
function zonesOfRun(ctx: PricingContext): number {
    const vpc = ctx.index.run.resources.find((x) => x.type === "awsx:ec2:Vpc");
    return vpc === undefined ? 3 : arrayAt(vpc, "availabilityZoneNames")?.length ?? numberAt(vpc, "numberOfAvailabilityZones") ?? 3;
}

const vpcEndpoint: Pricer = (r, ctx) => {
    if (stringAt(r, "vpcEndpointType") !== "Interface") {
        return [];
    }
    const subnets = arrayAt(r, "subnetIds")?.length;
    const zones = subnets ?? zonesOfRun(ctx);
    return [hourly(zones, `AZ of interface endpoint ${stringAt(r, "serviceName") ?? ""}`.trim(), PRICES.interfaceEndpointAz)];
};

/** The launch template a node group uses: the one it depends on, or the one whose ID it names. */
function launchTemplateOf(r: RecordedResource, ctx: PricingContext): RecordedResource | undefined {
    const type = "aws:ec2/launchTemplate:LaunchTemplate";
    const viaDependency = r.dependencies.map((u) => ctx.index.byUrn.get(u)).find((d) => d?.type === type);
    const id = stringAt(r, "launchTemplate.id");
    return viaDependency ?? ctx.index.run.resources.find((x) => x.type === type && id !== undefined && (x.id === id || x.outputs.id === id));
}

/** GB of EBS per node: the launch template's block devices, else the group's `diskSize`, else the EKS default. */
function nodeDiskGb(r: RecordedResource, ctx: PricingContext): { gb: number; from: string } {
    const template = launchTemplateOf(r, ctx);
    const mappings = template === undefined ? [] : ((arrayAt(template, "blockDeviceMappings") ?? []) as { ebs?: { volumeSize?: unknown; volumeType?: unknown } }[]);
    const sizes = mappings.map((m) => Number(m.ebs?.volumeSize)).filter((n) => Number.isFinite(n) && n > 0);
    if (mappings.some((m) => m.ebs?.volumeType !== undefined && m.ebs.volumeType !== "gp3")) {
        ctx.warn(`${r.type}::${r.name}: a root volume is not gp3; priced as gp3`);
    }
    if (sizes.length > 0) {
        return { gb: sizes.reduce((a, b) => a + b, 0), from: "launch template" };
    }
    return { gb: numberAt(r, "diskSize") ?? DEFAULT_NODE_DISK_GB, from: "default root volume" };
}

/**
 * `count` instances of one of `types`: on-demand at the type `onDemandPick` chooses, spot at the dearest
 * listed type (any may be launched, so the dearest bounds the bill) with the spot discount. Undefined, with a
 * warning, when a type has no price.
 */
export function instancesLine(
    r: RecordedResource,
    ctx: PricingContext,
    a: { readonly count: number; readonly types: readonly string[]; readonly spot: boolean; readonly onDemandPick: "first" | "cheapest"; readonly sized: string },
): { line: Line; type: string; price: Price } | undefined {
    const priced = a.types.map((t) => ({ type: t, price: EC2_HOURLY[t] }));
    const missing = priced.filter((c) => c.price === undefined).map((c) => c.type);
    if (missing.length > 0) {
        ctx.warn(`${r.type}::${r.name}: no price for ${missing.join(", ")}; left out of the total`);
        return undefined;
    }
    const usd = (c: (typeof priced)[number]) => (c.price as Price).usd;
    const chosen = a.spot
        ? priced.reduce((x, y) => (usd(y) > usd(x) ? y : x))
        : a.onDemandPick === "first"
          ? priced[0]
          : priced.reduce((x, y) => (usd(y) < usd(x) ? y : x));
    const base = chosen.price as Price;
    const choice = a.types.length > 1 ? (a.spot ? "; dearest listed type" : a.onDemandPick === "first" ? "; first listed type" : "; cheapest listed type") : "";
    const line: Line = a.spot
        ? {
              monthlyUsd: a.count * base.usd * (1 - SPOT_DISCOUNT.value) * HOURS_PER_MONTH,
              basis: `${a.count} × ${chosen.type} spot × ${formatPrice(base)} × (1 − ${SPOT_DISCOUNT.value * 100} % spot discount) × ${MONTH} (${a.sized}${choice}; estimate)`,
              estimate: true,
          }
        : hourly(a.count, `${chosen.type} on-demand`, base, `${a.sized}${choice}`);
    return { line, type: chosen.type, price: base };
}

const nodeGroup: Pricer = (r, ctx) => {
    const types = ((arrayAt(r, "instanceTypes") ?? []) as string[]).filter((t) => typeof t === "string");
    const desired = numberAt(r, "scalingConfig.desiredSize") ?? numberAt(r, "scalingConfig.minSize") ?? 0;
    // On-demand groups launch the first listed type (EKS uses the prioritized strategy).
    const instances = instancesLine(r, ctx, { count: desired, types: types.length > 0 ? types : ["t3.medium"], spot: stringAt(r, "capacityType") === "SPOT", onDemandPick: "first", sized: "desired size" });
    if (instances === undefined) {
        return [];
    }
    const disk = nodeDiskGb(r, ctx);
    const storage = monthly(desired * disk.gb, `GB gp3 (${plural(desired, "node")} × ${disk.gb} GB, ${disk.from})`, PRICES.ebsGp3, `${r.name} root volumes`);
    return [instances.line, storage];
};

/** The primary a read replica copies, found by identifier or by dependency. */
function replicaSource(r: RecordedResource, ctx: PricingContext): RecordedResource | undefined {
    const source = stringAt(r, "replicateSourceDb");
    const rds = ctx.index.run.resources.filter((x) => x.type === r.type && x.urn !== r.urn);
    return rds.find((x) => source !== undefined && stringAt(x, "identifier") === source) ?? rds.find((x) => r.dependencies.includes(x.urn));
}

const rdsInstance: Pricer = (r, ctx) => {
    const instanceClass = stringAt(r, "instanceClass");
    const p = lookup(RDS_POSTGRES_HOURLY, instanceClass, r, ctx);
    if (p === undefined) {
        return [];
    }
    const multiAz = booleanAt(r, "multiAz") ?? false;
    const replica = stringAt(r, "replicateSourceDb") !== undefined;
    const role = replica ? "read replica" : "instance";
    const lines: Line[] = [
        multiAz
            ? hourly(RDS_MULTI_AZ_FACTOR.value, `${instanceClass} (Multi-AZ ${role}: primary and standby)`, p)
            : hourly(1, `${instanceClass} (Single-AZ ${role})`, p),
    ];
    const source = replica ? replicaSource(r, ctx) : undefined;
    const gb = numberAt(r, "allocatedStorage") ?? (source === undefined ? undefined : numberAt(source, "allocatedStorage"));
    if (gb === undefined) {
        ctx.warn(`${r.type}::${r.name}: allocated storage unknown; storage left out of the total`);
    } else {
        const storageType = stringAt(r, "storageType") ?? stringAt(source ?? r, "storageType");
        if (storageType !== "gp3") {
            ctx.warn(`${r.type}::${r.name}: storage type ${storageType ?? "(default)"} priced as gp3`);
        }
        const storagePrice = multiAz ? PRICES.rdsGp3MultiAz : PRICES.rdsGp3SingleAz;
        const from = replica && numberAt(r, "allocatedStorage") === undefined ? ", as its source" : "";
        lines.push(monthly(gb, `GB gp3 ${multiAz ? "Multi-AZ" : "Single-AZ"}${from}`, storagePrice, `${r.name} storage`));
    }
    if (booleanAt(r, "manageMasterUserPassword") === true) {
        lines.push(monthly(1, "RDS-managed master user secret", PRICES.secret, `${r.name} master secret`));
    }
    return lines;
};

/** Nodes of a replication group: shards × (1 + replicas) in cluster mode, else `numCacheClusters`. */
export function cacheNodeCount(r: RecordedResource): { nodes: number; rule: string } {
    const mode = stringAt(r, "clusterMode");
    const shards = numberAt(r, "numNodeGroups");
    if (mode === "enabled" || mode === "compatible" || shards !== undefined) {
        const replicas = numberAt(r, "replicasPerNodeGroup") ?? 0;
        const s = shards ?? 1;
        return { nodes: s * (1 + replicas), rule: `${s} shards × (1 + ${replicas} replicas)` };
    }
    const clusters = numberAt(r, "numCacheClusters") ?? 1;
    return { nodes: clusters, rule: "numCacheClusters" };
}

function cacheLine(nodes: number, rule: string, nodeType: string, engine: string, p: Price): Line {
    if (engine !== "valkey") {
        return hourly(nodes, `${nodeType} ${engine} node (${rule})`, p);
    }
    const valkey: Price = { ...p, usd: p.usd * (1 - VALKEY_DISCOUNT.value) };
    return {
        monthlyUsd: nodes * valkey.usd * HOURS_PER_MONTH,
        basis: `${nodes} × ${nodeType} Valkey node (${rule}) × ${formatPrice(p)} Redis OSS × (1 − ${VALKEY_DISCOUNT.value * 100} % Valkey) × ${MONTH}${tags(p.estimate && "estimate")}`,
        estimate: Boolean(p.estimate),
    };
}

const replicationGroup: Pricer = (r, ctx) => {
    const nodeType = stringAt(r, "nodeType");
    const p = lookup(ELASTICACHE_REDIS_HOURLY, nodeType, r, ctx);
    if (p === undefined) {
        return [];
    }
    const { nodes, rule } = cacheNodeCount(r);
    return [cacheLine(nodes, rule, nodeType as string, stringAt(r, "engine") ?? "redis", p)];
};

const cacheCluster: Pricer = (r, ctx) => {
    // A member of a replication group is priced with its group.
    if (stringAt(r, "replicationGroupId") !== undefined) {
        return [];
    }
    const nodeType = stringAt(r, "nodeType");
    const p = lookup(ELASTICACHE_REDIS_HOURLY, nodeType, r, ctx);
    return p === undefined ? [] : [cacheLine(numberAt(r, "numCacheNodes") ?? 1, "numCacheNodes", nodeType as string, stringAt(r, "engine") ?? "redis", p)];
};

/** Broker nodes per deployment mode: a RabbitMQ cluster runs three, an ActiveMQ active/standby pair two. */
export const BROKER_NODES: Readonly<Record<string, number>> = { SINGLE_INSTANCE: 1, ACTIVE_STANDBY_MULTI_AZ: 2, CLUSTER_MULTI_AZ: 3 };

const broker: Pricer = (r, ctx) => {
    const instanceType = stringAt(r, "hostInstanceType");
    const p = lookup(AMAZON_MQ_HOURLY, instanceType, r, ctx);
    if (p === undefined) {
        return [];
    }
    const mode = stringAt(r, "deploymentMode") ?? "SINGLE_INSTANCE";
    const nodes = BROKER_NODES[mode] ?? 1;
    const gb = nodes * MQ_STORAGE_GB_PER_NODE.value;
    return [
        hourly(nodes, `${instanceType} broker node (${mode})`, p),
        monthly(gb, `GB message storage (${plural(nodes, "node")} × ${MQ_STORAGE_GB_PER_NODE.value} GB assumed)`, PRICES.mqStorage, `${r.name} storage`, true),
    ];
};

const logGroup: Pricer = (r) => {
    const ingest = LOG_INGEST_GB_PER_GROUP.value;
    const days = numberAt(r, "retentionInDays") ?? 0;
    const months = days > 0 ? days / (365 / 12) : LOG_STORED_MONTHS_WITHOUT_EXPIRY.value;
    const stored = Math.round(ingest * months * 100) / 100;
    const kept = days > 0 ? `${days}-day retention` : `never expires; ${months} months assumed`;
    return [
        {
            monthlyUsd: ingest * PRICES.logsIngest.usd + stored * PRICES.logsStorage.usd,
            basis: `${ingest} GB/mo ingested (assumed) × ${formatPrice(PRICES.logsIngest)} + ${stored} GB stored (${kept}) × ${formatPrice(PRICES.logsStorage)} (estimate)`,
            estimate: true,
        },
    ];
};

/** An application or network load balancer: hours plus assumed capacity units. */
export function loadBalancerLines(kind: "application" | "network", resource?: string): Line[] {
    const [hour, unit, units, what] =
        kind === "application" ? [PRICES.alb, PRICES.albLcu, ALB_LCUS.value, "ALB"] : [PRICES.nlb, PRICES.nlbNlcu, NLB_NLCUS.value, "NLB"];
    const base = hourly(1, what, hour);
    const capacity = units * unit.usd * HOURS_PER_MONTH;
    return [
        {
            resource,
            monthlyUsd: base.monthlyUsd + capacity,
            basis: `${base.basis} + ${units} ${unit.unit.split("-")[0]} (assumed) × ${formatPrice(unit)} × ${MONTH} (estimate)`,
            estimate: true,
        },
    ];
}

const loadBalancer: Pricer = (r, ctx) => {
    const kind = stringAt(r, "loadBalancerType") ?? "application";
    if (kind !== "application" && kind !== "network") {
        ctx.warn(`${r.type}::${r.name}: ${kind} load balancers are not priced`);
        return [];
    }
    return loadBalancerLines(kind);
};

/** A CodeBuild project bills per build minute only; a runner's minutes are assumed, so the line is an estimate. */
const codebuildProject: Pricer = (r, ctx) => {
    const computeType = stringAt(r, "environment.computeType");
    const p = lookup(CODEBUILD_PER_MINUTE, computeType, r, ctx);
    if (p === undefined) {
        return [];
    }
    const minutes = CI_BUILD_MINUTES_PER_MONTH.value;
    return [{ monthlyUsd: minutes * p.usd, basis: `${minutes} build minutes (assumed) × ${computeType} ${formatPrice(p)} (estimate)`, estimate: true }];
};

const perResource = (what: string, p: Price): Pricer => () => [monthly(1, what, p)];

/** Pricers by type token. Types not listed cost nothing by themselves (IAM, security groups, subnets…). */
export const PRICERS: Readonly<Record<string, Pricer>> = {
    "eks:index:Cluster": eksComponent,
    "aws:eks/cluster:Cluster": controlPlane,
    "awsx:ec2:Vpc": vpcComponent,
    "aws:ec2/natGateway:NatGateway": (r) => [hourly(1, `NAT gateway${stringAt(r, "connectivityType") === "private" ? " (private)" : ""}`, PRICES.natGateway)],
    "aws:ec2/eip:Eip": () => [hourly(1, "public IPv4 address", PRICES.publicIpv4)],
    "aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
    "aws:eks/nodeGroup:NodeGroup": nodeGroup,
    "aws:rds/instance:Instance": rdsInstance,
    "aws:elasticache/replicationGroup:ReplicationGroup": replicationGroup,
    "aws:elasticache/cluster:Cluster": cacheCluster,
    "aws:mq/broker:Broker": broker,
    "aws:secretsmanager/secret:Secret": perResource("secret", PRICES.secret),
    "aws:kms/key:Key": perResource("KMS key", PRICES.kmsKey),
    "aws:cloudwatch/logGroup:LogGroup": logGroup,
    "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
    "aws:alb/loadBalancer:LoadBalancer": loadBalancer,
    "aws:codebuild/project:Project": codebuildProject,
};

/** Types that cost money but that the table does not price: each one found is reported. */
export const UNPRICED_TYPES: readonly string[] = [
    "aws:ec2/instance:Instance",
    "aws:ebs/volume:Volume",
    "aws:eks/fargateProfile:FargateProfile",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:elasticache/serverlessCache:ServerlessCache",
    "aws:efs/fileSystem:FileSystem",
    "aws:ec2/transitGateway:TransitGateway",
];
