import type { RecordedResource } from "../../offline/run";
import { albIngressClasses, isAlbIngress } from "./ingress";
import { RunIndex, booleanAt, chartName, numberAt, stringAt } from "./resources";

/**
 * How long creating a resource typically takes, with the spread seen in practice. Figures come from the
 * sources named beside them (AWS documentation, provider bug trackers and published apply logs).
 */
export interface Duration {
    readonly minSeconds: number;
    readonly typicalSeconds: number;
    readonly maxSeconds: number;
    readonly source: string;
    /** The sources give a rough range only, or none: an assumption. */
    readonly estimate?: boolean;
}

/** Which figure of each {@link Duration} to use: the typical one for the estimate, the bounds for its range. */
export type Scenario = "min" | "typical" | "max";

const d = (minSeconds: number, typicalSeconds: number, maxSeconds: number, source: string, estimate = false): Duration => ({
    minSeconds,
    typicalSeconds,
    maxSeconds,
    source,
    estimate,
});

const APPLY_LOGS = "Terraform apply logs";

/** Create durations by kind of resource. Typical is the middle of the quoted range. */
export const DURATIONS = {
    /** Anything created by one synchronous API call: security groups, aliases, log groups, subnet groups… */
    default: d(1, 3, 10, `${APPLY_LOGS} (a few seconds)`),
    /** Components register at once, providers and local random values make no cloud call. */
    instant: d(0, 0, 0, "no cloud call"),
    vpcAndSubnets: d(2, 5, 10, `${APPLY_LOGS} (seconds)`),
    iamRole: d(1, 4, 7, `${APPLY_LOGS} (1–7 s, plus propagation retries)`),
    kmsKey: d(30, 30, 30, `${APPLY_LOGS} (~30 s)`),
    natGateway: d(85, 105, 125, `${APPLY_LOGS} (~1m45s, 1m25s–2m05s)`),
    eksControlPlane: d(
        540,
        600,
        960,
        'AWS ("≤ 9 min average", 2021); terraform-aws-eks PR #3218 (10m6s); aws/containers-roadmap #1227 (13–16 min in some regions)',
    ),
    eksNodeGroup: d(60, 150, 240, `${APPLY_LOGS} (~2–3 min, 1–4)`),
    /**
     * A Karpenter or Auto Mode NodePool's first node: the instance launched and joined once pods are pending.
     * Pulumi does not wait on a NodePool, but the first release placed on it waits for its node, so the time
     * is counted on the pool.
     */
    nodePoolFirstNode: d(
        45,
        90,
        300,
        "tessl.io Karpenter handbook (provisioning ~30–45 s); news.ycombinator.com item 44053826 (~5 min from pending pod to running pod on a new Karpenter node)",
        true,
    ),
    eksAddon: d(25, 40, 55, `${APPLY_LOGS}; terraform-aws-eks #1801 (25–55 s)`),
    rdsSingleAz: d(300, 450, 600, "hashicorp/terraform #498; apply logs (5–10 min)"),
    rdsMultiAz: d(900, 1050, 1200, "hashicorp/terraform #498 (15–20 min)"),
    rdsReadReplica: d(600, 900, 1200, "hashicorp/terraform #6948 (10–20 min, grows with data)", true),
    cacheSingleShard: d(360, 450, 540, `${APPLY_LOGS} (6–9 min, cluster mode off)`),
    cacheClusteredOrMultiAz: d(600, 900, 1200, "terraform-provider-aws PR #2048 (10–20 min)", true),
    brokerSingle: d(300, 450, 600, "aws-controllers-k8s/community PR #703 (5–10 min)"),
    brokerCluster: d(900, 1050, 1800, "Amazon MQ developer guide; terraform-provider-aws PR #27035 (15–20 min, can exceed 30)"),
    secret: d(1, 2, 5, "AWS API behaviour (seconds)"),
    alb: d(150, 150, 150, `${APPLY_LOGS} (~2.5 min)`),
    helmAwsLoadBalancerController: d(45, 45, 45, "pulumi-kubernetes #2921 thread (~45 s)"),
    helmKubePrometheusStack: d(120, 150, 600, "spack/spack-infrastructure PR #1191 (2–3 min, sometimes > 10)"),
    /** CloudNativePG: the operator, and one `Cluster` (initdb, then the primary) until Ready, which Pulumi waits for. */
    helmCloudnativePg: d(20, 45, 120, "cloudnative-pg tests/utils/timeouts: OperatorIsReady 120 s, the e2e bound; typical an assumption", true),
    cnpgCluster: d(30, 90, 600, "cloudnative-pg tests/utils/timeouts: ClusterIsReady 600 s, the e2e bound; typical an assumption", true),
    /** A RabbitmqCluster's one node until AllReplicasReady, which Pulumi waits for. */
    rabbitmqCluster: d(60, 120, 600, "assumption: one RabbitMQ node's start with its plugins and a volume", true),
    /** An operator applied from its release manifest: CRDs, RBAC, one Deployment. */
    operatorManifest: d(15, 45, 120, "assumption, after cloudnative-pg's OperatorIsReady bound (120 s)", true),
    /** A chart the table does not know: Helm waits for its workloads to become ready. */
    helmOther: d(15, 60, 300, "assumption: a chart of a few Deployments", true),
    /** Pulumi waits for a rollout to become ready: image pull and readiness probes. */
    kubernetesWorkload: d(10, 30, 120, "assumption: one rollout with a small image", true),
} as const;

/**
 * How long changing an existing resource takes, where it differs from creating one. In-place updates are
 * rarely timed in public, so these are estimates.
 */
export const UPDATE_DURATIONS = {
    /** One minor version up. */
    eksControlPlaneUpgrade: d(
        1260,
        1800,
        3600,
        'terraform-aws-eks #326 ("Modifications complete after 21m38s", 1.10 → 1.11); eksctl #3309 ("30 minute upgrades"), #3310 (eksctl\'s timeout raised to 65 min: "the average/expected time taken in 60 mins" for 1.19)',
        true,
    ),
    /** A managed add-on moving to another version: taken as long as creating it. */
    eksAddonUpdate: d(25, 40, 55, `${APPLY_LOGS}; terraform-aws-eks #1801 (25–55 s to create; updates assumed alike)`, true),
    /**
     * One batch of a managed node group's rolling update: new nodes launched (as a node group's creation), then
     * the old ones cordoned and drained. EKS gives up draining a node after 15 minutes (EKS user guide,
     * managed-node-update-behavior: PodEvictionFailure), which bounds the batch.
     */
    nodeGroupBatch: d(90, 270, 1140, "EKS user guide, managed-node-update-behavior (scale up, then drain; eviction gives up after 15 min); launch as a node group's creation (~2–3 min)", true),
    /** Anything else changed in place: one API call. */
    inPlace: d(1, 3, 10, `${APPLY_LOGS} (a few seconds)`),
} as const;

/** Charts whose install time the sources measured, by chart name. */
export const HELM_CHART_DURATIONS: Readonly<Record<string, Duration>> = {
    "aws-load-balancer-controller": DURATIONS.helmAwsLoadBalancerController,
    "kube-prometheus-stack": DURATIONS.helmKubePrometheusStack,
    "cloudnative-pg": DURATIONS.helmCloudnativePg,
};

/** Adds durations that run one after another; the result is an estimate if any part is. */
export function inSequence(...parts: Duration[]): Duration {
    return {
        minSeconds: parts.reduce((s, p) => s + p.minSeconds, 0),
        typicalSeconds: parts.reduce((s, p) => s + p.typicalSeconds, 0),
        maxSeconds: parts.reduce((s, p) => s + p.maxSeconds, 0),
        source: parts.map((p) => p.source).join(" + "),
        estimate: parts.some((p) => p.estimate),
    };
}

/** The figure of a duration a scenario asks for. */
export function secondsOf(duration: Duration, scenario: Scenario): number {
    return scenario === "min" ? duration.minSeconds : scenario === "max" ? duration.maxSeconds : duration.typicalSeconds;
}

/** A duration and a short reason it applies, for a plan to print. */
export interface TimedResource {
    readonly duration: Duration;
    readonly basis: string;
}

const timed = (duration: Duration, basis: string): TimedResource => ({ duration, basis });

/**
 * awsx's VPC under mocks stands for the VPC, subnets, route tables and NAT gateways; the gateways are
 * created in parallel and dominate.
 */
function vpcComponent(r: RecordedResource): TimedResource {
    const nat = stringAt(r, "natGateways.strategy") !== "None";
    return nat
        ? timed(inSequence(DURATIONS.vpcAndSubnets, DURATIONS.natGateway, DURATIONS.default), "VPC, subnets, then NAT gateways in parallel, then routes")
        : timed(inSequence(DURATIONS.vpcAndSubnets, DURATIONS.default), "VPC, subnets and routes");
}

/** pulumi-eks's cluster under mocks stands for its IAM role, the control plane and the OIDC provider. */
function eksComponent(): TimedResource {
    return timed(inSequence(DURATIONS.iamRole, DURATIONS.eksControlPlane, DURATIONS.default), "IAM role, EKS control plane, then OIDC provider");
}

function rdsInstance(r: RecordedResource): TimedResource {
    if (stringAt(r, "replicateSourceDb") !== undefined) {
        return timed(DURATIONS.rdsReadReplica, "RDS read replica");
    }
    return booleanAt(r, "multiAz") === true ? timed(DURATIONS.rdsMultiAz, "RDS Multi-AZ") : timed(DURATIONS.rdsSingleAz, "RDS Single-AZ");
}

function replicationGroup(r: RecordedResource): TimedResource {
    const mode = stringAt(r, "clusterMode");
    const clustered = mode === "enabled" || mode === "compatible" || numberAt(r, "numNodeGroups") !== undefined;
    if (clustered || booleanAt(r, "multiAzEnabled") === true) {
        return timed(DURATIONS.cacheClusteredOrMultiAz, clustered ? "ElastiCache, cluster mode" : "ElastiCache, Multi-AZ");
    }
    return timed(DURATIONS.cacheSingleShard, "ElastiCache, cluster mode off");
}

function broker(r: RecordedResource): TimedResource {
    const mode = stringAt(r, "deploymentMode") ?? "SINGLE_INSTANCE";
    return mode === "SINGLE_INSTANCE" ? timed(DURATIONS.brokerSingle, "Amazon MQ single instance") : timed(DURATIONS.brokerCluster, `Amazon MQ ${mode}`);
}

function helmRelease(r: RecordedResource): TimedResource {
    const name = chartName(r);
    const known = name === undefined ? undefined : HELM_CHART_DURATIONS[name];
    return known ? timed(known, `Helm chart ${name}`) : timed(DURATIONS.helmOther, `Helm chart ${name ?? "(unnamed)"}, not measured`);
}

/** Pulumi waits for an Ingress to get its load balancer address: for an ALB class, the ALB's creation. */
function ingress(r: RecordedResource, index: RunIndex): TimedResource {
    return isAlbIngress(r, albIngressClasses(index.run)) ? timed(DURATIONS.alb, "Ingress waits for its ALB") : timed(DURATIONS.default, "Ingress");
}

type Rule = (r: RecordedResource, index: RunIndex) => TimedResource;
const fixed = (duration: Duration, basis: string): Rule => () => timed(duration, basis);

/** Rules by type token; unlisted custom resources take {@link DURATIONS.default}. */
const RULES: Readonly<Record<string, Rule>> = {
    "aws:ec2/vpc:Vpc": fixed(DURATIONS.vpcAndSubnets, "VPC"),
    "aws:ec2/subnet:Subnet": fixed(DURATIONS.vpcAndSubnets, "subnet"),
    "aws:ec2/natGateway:NatGateway": fixed(DURATIONS.natGateway, "NAT gateway"),
    "aws:iam/role:Role": fixed(DURATIONS.iamRole, "IAM role"),
    "aws:kms/key:Key": fixed(DURATIONS.kmsKey, "KMS key"),
    "aws:eks/cluster:Cluster": fixed(DURATIONS.eksControlPlane, "EKS control plane"),
    "aws:eks/nodeGroup:NodeGroup": fixed(DURATIONS.eksNodeGroup, "EKS managed node group"),
    "aws:eks/addon:Addon": fixed(DURATIONS.eksAddon, "EKS managed add-on"),
    "aws:rds/instance:Instance": rdsInstance,
    "aws:elasticache/replicationGroup:ReplicationGroup": replicationGroup,
    "aws:mq/broker:Broker": broker,
    "aws:secretsmanager/secret:Secret": fixed(DURATIONS.secret, "secret"),
    "aws:lb/loadBalancer:LoadBalancer": fixed(DURATIONS.alb, "load balancer"),
    "aws:alb/loadBalancer:LoadBalancer": fixed(DURATIONS.alb, "load balancer"),
    // CreateProject and CreateWebhook each answer at once; the webhook is registered in GitHub within the call.
    "aws:codebuild/project:Project": fixed(DURATIONS.default, "CodeBuild project"),
    "aws:codebuild/webhook:Webhook": fixed(DURATIONS.default, "CodeBuild webhook"),
    "kubernetes:helm.sh/v3:Release": helmRelease,
    "kubernetes:karpenter.sh/v1:NodePool": fixed(DURATIONS.nodePoolFirstNode, "NodePool: its first node launched and joined"),
    "kubernetes:networking.k8s.io/v1:Ingress": ingress,
    "kubernetes:apps/v1:Deployment": fixed(DURATIONS.kubernetesWorkload, "Deployment rollout"),
    "kubernetes:apps/v1:StatefulSet": fixed(DURATIONS.kubernetesWorkload, "StatefulSet rollout"),
    "kubernetes:apps/v1:DaemonSet": fixed(DURATIONS.kubernetesWorkload, "DaemonSet rollout"),
    "kubernetes:postgresql.cnpg.io/v1:Cluster": fixed(DURATIONS.cnpgCluster, "CloudNativePG cluster until Ready"),
    "kubernetes:rabbitmq.com/v1beta1:RabbitmqCluster": fixed(DURATIONS.rabbitmqCluster, "RabbitMQ cluster until all replicas are ready"),
};

/** Remote components that stand for their children while a run records none of them. */
const REMOTE_SUMMARIES: Readonly<Record<string, Rule>> = {
    "awsx:ec2:Vpc": vpcComponent,
    "eks:index:Cluster": eksComponent,
    "kubernetes:yaml/v2:ConfigFile": () => timed(DURATIONS.operatorManifest, "operator release manifest"),
};

/**
 * How long creating one resource takes. A component takes no time of its own (it finishes with its
 * children), except a remote component whose children the run does not show, which stands for them.
 */
export function durationOf(r: RecordedResource, index: RunIndex): TimedResource {
    if (r.type.startsWith("pulumi:providers:") || r.type.startsWith("random:")) {
        return timed(DURATIONS.instant, "no cloud call");
    }
    if (!r.custom) {
        const summary = REMOTE_SUMMARIES[r.type];
        const childless = (index.children.get(r.urn) ?? []).length === 0;
        if (summary !== undefined && childless) {
            return summary(r, index);
        }
        if (r.remote && childless) {
            return timed(DURATIONS.default, "remote component, children not shown");
        }
        return timed(DURATIONS.instant, childless ? "component" : "component: finishes with its children");
    }
    const rule = RULES[r.type];
    return rule === undefined ? timed(DURATIONS.default, "single API call") : rule(r, index);
}
