import { forcesReplacement } from "./replacement";

/**
 * Which resources a change replaces, directly or because something they are built on is replaced: a new
 * VPC has a new ID, so every security group in it is created anew; new subnets move the subnet groups, the
 * database, the cache, the broker, the cluster and its node groups; a new cluster brings a new Kubernetes
 * provider and with it every object in the cluster; a new KMS key re-encrypts nothing, so what it
 * encrypts is created anew. Mocks give a replaced resource the same fake ID, so the base and head plans
 * cannot show the dependents' changed inputs: this follows the recorded input dependencies instead.
 */

/** What of a replaced resource its dependents may be built on: the VPC, its subnets, or all of it. */
export type Facet = "all" | "vpc" | "subnets";

/** A resource as propagation needs it: type, name, provider, and where each input comes from. */
export interface Dependent {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly provider?: string;
    /** For each top-level input, the resources whose outputs flow into it. */
    readonly inputDependencies?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Inputs that force a replacement of the type when the resource they come from is replaced, with the part
 * of it they depend on. From terraform-provider-aws (ForceNew on `vpc_id`, `subnet_ids` of node groups,
 * `kms_key_id`, `cluster_name`, `db_subnet_group_name` across VPCs, `subnet_group_name`) and the EKS,
 * RDS and Amazon MQ documentation (a cluster, a DB instance or a broker cannot move its network
 * interfaces out of subnets that are deleted). `subnetIds` of a subnet group counts as forcing: its
 * database or cache keeps network interfaces in the old subnets, which therefore cannot go.
 */
export const REPLACED_WITH: Readonly<Record<string, Readonly<Record<string, Facet>>>> = {
    "aws:ec2/securityGroup:SecurityGroup": { vpcId: "vpc" },
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { vpcId: "vpc" },
    "aws:ec2/flowLog:FlowLog": { vpcId: "vpc" },
    "aws:ec2/vpcEndpoint:VpcEndpoint": { vpcId: "vpc" },
    "aws:rds/subnetGroup:SubnetGroup": { subnetIds: "subnets" },
    "aws:elasticache/subnetGroup:SubnetGroup": { subnetIds: "subnets" },
    "aws:rds/instance:Instance": { dbSubnetGroupName: "all", kmsKeyId: "all", replicateSourceDb: "all" },
    "aws:elasticache/replicationGroup:ReplicationGroup": { subnetGroupName: "all", kmsKeyId: "all" },
    "aws:mq/broker:Broker": { subnetIds: "subnets" },
    "eks:index:Cluster": { vpcId: "vpc", privateSubnetIds: "subnets", publicSubnetIds: "subnets", encryptionConfigKeyArn: "all" },
    "aws:eks/nodeGroup:NodeGroup": { clusterName: "all", subnetIds: "subnets" },
    "aws:eks/addon:Addon": { clusterName: "all" },
    "aws:eks/accessEntry:AccessEntry": { clusterName: "all" },
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": { clusterName: "all" },
    "pulumi:providers:kubernetes": { kubeconfig: "all" },
};

/** Replace-forcing inputs of types that hold no data but carry replacements along (their own changes). */
export const REPLACED_ON_CHANGE: Readonly<Record<string, readonly string[]>> = {
    "aws:ec2/vpc:Vpc": ["cidrBlock"],
    "aws:ec2/securityGroup:SecurityGroup": ["name", "description", "vpcId"],
    "aws:rds/subnetGroup:SubnetGroup": ["name"],
    "aws:elasticache/subnetGroup:SubnetGroup": ["name"],
    "aws:eks/nodeGroup:NodeGroup": ["nodeGroupName", "instanceTypes", "capacityType", "diskSize", "amiType", "subnetIds"],
};

const covers = (replaced: ReadonlySet<Facet>, needed: Facet) => replaced.has("all") || replaced.has(needed) || (needed === "subnets" && replaced.has("vpc"));

/**
 * The parts of an `awsx:ec2:Vpc` a change replaces: a new CIDR block replaces the VPC and every subnet;
 * a subnet layout that moves or drops an existing subnet's block replaces the subnets. Blocks added after
 * the existing ones (another zone) replace nothing.
 */
export function vpcFacets(changed: readonly string[], before: Record<string, unknown>, after: Record<string, unknown>): Facet[] {
    if (changed.some((p) => p === "cidrBlock")) {
        return ["vpc", "subnets"];
    }
    const blocks = (inputs: Record<string, unknown>) =>
        Object.fromEntries(((inputs.subnetSpecs ?? []) as { type?: string; cidrBlocks?: string[] }[]).map((s) => [String(s.type), s.cidrBlocks ?? []]));
    const a = blocks(before);
    const b = blocks(after);
    const moved = Object.entries(a).some(([tier, old]) => old.some((cidr, i) => (b[tier] ?? [])[i] !== cidr));
    return moved ? ["subnets"] : [];
}

/** Why each resource is replaced: its own inputs, or what it is built on. */
export interface Replacement {
    readonly urn: string;
    readonly facets: Facet[];
    /** The inputs responsible: its own changed ones, or `input ← replaced resource`. */
    readonly because: string[];
    /** True when the resource's own inputs force it; false when it follows another. */
    readonly direct: boolean;
}

/**
 * Every resource the change replaces, from the direct replacements (by URN, with their facets) and the
 * head plan's dependencies, transitively, in the order found.
 */
export function propagate(direct: readonly Replacement[], resources: readonly Dependent[]): Replacement[] {
    const found = new Map<string, Replacement>(direct.map((r) => [r.urn, r]));
    const names = new Map(resources.map((r) => [r.urn, r.name]));
    let grew = true;
    while (grew) {
        grew = false;
        for (const r of resources) {
            if (found.get(r.urn)?.facets.includes("all")) {
                continue;
            }
            const because: string[] = [];
            for (const [input, facet] of Object.entries(REPLACED_WITH[r.type] ?? {})) {
                for (const source of r.inputDependencies?.[input] ?? []) {
                    const upstream = found.get(source);
                    if (upstream !== undefined && covers(new Set(upstream.facets), facet)) {
                        because.push(`${input} ← ${names.get(source) ?? source}`);
                    }
                }
            }
            const provider = r.provider !== undefined ? found.get(r.provider) : undefined;
            if (provider !== undefined) {
                because.push(`provider ← ${names.get(provider.urn) ?? provider.urn}`);
            }
            if (because.length > 0) {
                found.set(r.urn, { urn: r.urn, facets: ["all"], because, direct: false });
                grew = true;
            }
        }
    }
    return [...found.values()];
}

/** The inputs of a changed resource that force its replacement: stateful types' and the carrier types'. */
export function replacingInputs(type: string, changed: readonly string[]): string[] {
    const own = REPLACED_ON_CHANGE[type] ?? [];
    const carried = changed.filter((p) => own.some((k) => p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`)));
    return [...new Set([...forcesReplacement(type, changed), ...carried])];
}
