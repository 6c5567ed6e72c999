import type { ProgramRun, RecordedResource } from "../../offline/run";
import { PRICES_AS_OF, PRICE_REGION } from "./prices";
import { Line, PRICERS, PricingContext, UNPRICED_TYPES, loadBalancerLines } from "./pricers";
import { INGRESS_CLASS_TYPE, INGRESS_TYPE, albIngresses, annotationOf, ingressClassOf } from "./ingress";
import { NODE_POOL_PRICERS } from "./nodePools";
import { RunIndex, chartName, indexRun, stringAt, topLevelOf } from "./resources";

const HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

/** One priced line of the estimate. */
export interface CostItem {
    /** Top-level component the resource belongs to: `network`, `cluster`, `database`… */
    readonly component: string;
    /** Logical name of the resource, or of the part of it the line prices (`database-primary storage`). */
    readonly resource: string;
    readonly type: string;
    /** Rounded to cents. */
    readonly monthlyUsd: number;
    /** The formula, e.g. `3 × m7g.large on-demand × $0.0816/h × 730 h (desired size)`. */
    readonly basis: string;
    /** Priced from a figure the sources disagree on, or from an assumption. */
    readonly estimate: boolean;
}

export interface CostEstimate {
    readonly region: string;
    /** Sum of the rounded items. */
    readonly monthlyUsd: number;
    readonly items: CostItem[];
    /** What the estimate could not price or had to approximate. */
    readonly warnings: string[];
}

export interface CostOptions {
    /** Region the stack deploys to. Defaults to the region of the run's AWS provider, else us-east-1. */
    readonly region?: string;
}

/** Rounds dollars to cents, away from the binary-fraction noise of repeated multiplication. */
export function toCents(usd: number): number {
    return Math.round((usd + Number.EPSILON) * 100) / 100;
}

/** The region the run's default AWS provider is configured for, if it records one. */
export function regionOf(run: ProgramRun): string | undefined {
    const provider = run.resources.find((r) => r.type === "pulumi:providers:aws");
    return provider === undefined ? undefined : stringAt(provider, "region");
}

const GROUP_ANNOTATION = "alb.ingress.kubernetes.io/group.name";

/**
 * The stack's Ingresses share one ALB (one ingress group), so any number of them is priced once. The line
 * belongs to the component that installs the AWS Load Balancer Controller, which creates and owns the ALB,
 * or else to the component that declares their IngressClass (EKS Auto Mode's), or else to the first Ingress's.
 */
function sharedAlb(index: RunIndex, warn: (m: string) => void): CostItem[] {
    const ingresses = albIngresses(index.run);
    if (ingresses.length === 0) {
        return [];
    }
    const groups = new Set(ingresses.map((r) => annotationOf(r, GROUP_ANNOTATION)));
    if (groups.size > 1) {
        warn(`ALB ingresses name ${groups.size} ingress groups; each group gets its own ALB, but one is priced`);
    }
    // Under EKS Auto Mode no chart installs the controller: the IngressClass the program declares for it stands in.
    const classes = new Set(ingresses.map((r) => ingressClassOf(r)));
    const controller =
        index.run.resources.find((r) => r.type === HELM_RELEASE_TYPE && chartName(r) === "aws-load-balancer-controller") ??
        index.run.resources.find((r) => r.type === INGRESS_CLASS_TYPE && classes.has(stringAt(r, "metadata.name")));
    const [line] = loadBalancerLines("application");
    return [
        {
            component: topLevelOf(index, controller ?? ingresses[0]).name,
            resource: `shared ALB (${ingresses.length} ingress${ingresses.length === 1 ? "" : "es"})`,
            type: INGRESS_TYPE,
            monthlyUsd: toCents(line.monthlyUsd),
            basis: line.basis,
            estimate: line.estimate,
        },
    ];
}

function toItem(index: RunIndex, r: RecordedResource, line: Line): CostItem {
    return {
        component: topLevelOf(index, r).name,
        resource: line.resource ?? r.name,
        type: r.type,
        monthlyUsd: toCents(line.monthlyUsd),
        basis: line.basis,
        estimate: line.estimate,
    };
}

/**
 * Monthly cost of a recorded program run at us-east-1 list prices (see prices.ts): every resource that
 * bills by the hour or month, node groups at their desired size, traffic-driven charges left out. Remote
 * components stand for their children only while the children are absent (under mocks), so nothing is
 * priced twice.
 */
export function estimateCost(run: ProgramRun, options: CostOptions = {}): CostEstimate {
    const index = indexRun(run);
    const region = options.region ?? regionOf(run) ?? PRICE_REGION;
    const warnings: string[] = [];
    if (region !== PRICE_REGION) {
        warnings.push(`prices are ${PRICE_REGION} list prices (${PRICES_AS_OF}); ${region} may differ`);
    }
    const ctx: PricingContext = { index, warn: (m) => warnings.push(m) };
    const items: CostItem[] = [];
    for (const r of run.resources) {
        const pricer = PRICERS[r.type] ?? NODE_POOL_PRICERS[r.type];
        if (pricer !== undefined) {
            items.push(...pricer(r, ctx).map((line) => toItem(index, r, line)));
        } else if (UNPRICED_TYPES.includes(r.type)) {
            warnings.push(`${r.type}::${r.name}: this type costs money but is not priced`);
        } else if (r.type === "kubernetes:core/v1:Service" && stringAt(r, "spec.type") === "LoadBalancer") {
            warnings.push(`${r.type}::${r.name}: its load balancer is not priced`);
        }
    }
    items.push(...sharedAlb(index, ctx.warn));
    const monthlyUsd = toCents(items.reduce((sum, i) => sum + i.monthlyUsd, 0));
    return { region, monthlyUsd, items, warnings };
}

/** Sum of the items per top-level component, largest first: the summary a plan prints. */
export function costByComponent(estimate: CostEstimate): { component: string; monthlyUsd: number }[] {
    const totals = new Map<string, number>();
    for (const i of estimate.items) {
        totals.set(i.component, (totals.get(i.component) ?? 0) + i.monthlyUsd);
    }
    return [...totals.entries()].map(([component, usd]) => ({ component, monthlyUsd: toCents(usd) })).sort((a, b) => b.monthlyUsd - a.monthlyUsd);
}
