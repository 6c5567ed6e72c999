import { CACHE_ENGINE_VERSIONS, NODE_INSTANCE_TYPES, REGIONS_WITHOUT_POD_IDENTITY } from "./catalog";
import { ConfigIssue, formatPath } from "./errors";
import { endpointAccessProblems } from "../components/cluster/validation";
import { brokerProblems, cacheProblems, databaseProblems } from "../components/data/validation";
import type { ArgProblem } from "../lib/validation";
import type { NodeGroupSettings, ServiceSettings, Settings } from "./schema";
import { formatCidr, isOpenToWorld, isPrivate, overlaps, parseCidr } from "../lib/cidr";
import { checkAws } from "./awsRules";
import { checkExistingNetwork } from "./networkRules";
import { checkServiceDetails } from "./serviceRules";
import { checkLocal } from "./localRules";

/**
 * Rules that span several keys or depend on the environment. Each returns the issues it finds; none
 * throws, so a user sees every problem in one run. Rules a component also enforces on its arguments
 * are the component's own (`validation.ts` beside the component), run here on the config keys of the same name.
 */

/** A component's argument problems as config issues of one section. */
function asIssues(section: string, problems: readonly ArgProblem[]): ConfigIssue[] {
    return problems.map((p) => ({ path: [section, p.key], value: p.value, message: p.message }));
}

/** Names a key of a section as a person writes it: `platform:cluster.endpointPublicAccess`. */
const keyOf = (section: string) => (key: string) => formatPath([section, key]);

export function checkNetwork(s: Settings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const vpc = parseCidr(s.network.cidr);
    if (!vpc) {
        return issues;
    }
    if (vpc.prefix < 16) {
        issues.push({ path: ["network", "cidr"], value: s.network.cidr, message: "is larger than a VPC may be; use a /16 to /20" });
    } else if (s.network.existing !== undefined && vpc.prefix > 28) {
        issues.push({ path: ["network", "cidr"], value: s.network.cidr, message: "is smaller than a VPC may be; give the existing VPC's block (/16 to /28)" });
    } else if (s.network.existing === undefined && vpc.prefix > 20) {
        issues.push({
            path: ["network", "cidr"],
            value: s.network.cidr,
            message: "is too small for public, private and isolated subnets in every zone; use a /16 to /20",
        });
    }
    if (!isPrivate(vpc)) {
        issues.push({ path: ["network", "cidr"], value: s.network.cidr, message: "is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)" });
    }
    if (s.environment === "prod" && s.network.availabilityZones < 3) {
        issues.push({ path: ["network", "availabilityZones"], value: s.network.availabilityZones, message: "is too few for prod; prod spreads over 3 zones" });
    }
    s.network.reservedCidrs.forEach((text, i) => {
        const reserved = parseCidr(text);
        if (reserved && overlaps(vpc, reserved)) {
            issues.push({ path: ["network", "reservedCidrs", i], value: text, message: `overlaps platform:network.cidr (${formatCidr(vpc)})` });
        }
    });
    const svc = parseCidr(s.cluster.serviceCidr);
    if (svc) {
        if (overlaps(vpc, svc)) {
            issues.push({ path: ["cluster", "serviceCidr"], value: s.cluster.serviceCidr, message: `overlaps platform:network.cidr (${formatCidr(vpc)})` });
        }
        if (!isPrivate(svc) || svc.prefix < 12 || svc.prefix > 24) {
            issues.push({
                path: ["cluster", "serviceCidr"],
                value: s.cluster.serviceCidr,
                message: "must be a private block between /12 and /24 (an EKS requirement)",
            });
        }
    }
    return [...issues, ...checkExistingNetwork(s)];
}

/** The in-VPC runner needs to know whose workflow jobs to take, and through which GitHub connection. */
export function checkCi(s: Settings): ConfigIssue[] {
    const ci = s.ci;
    const issues: ConfigIssue[] = [];
    const required = {
        repository: "the GitHub repository (owner/name) whose workflow jobs the runner takes",
        connectionArn: "a CodeConnections connection to GitHub, created once in the console (its GitHub App handshake needs a person)",
    } as const;
    for (const key of ["repository", "connectionArn"] as const) {
        // Set while the runner is off, they wait for it: turning the runner off is one key, and nothing is lost.
        if (ci.enabled && ci[key] === "") {
            issues.push({ path: ["ci", key], value: undefined, message: `is required when platform:ci.enabled is true: ${required[key]}` });
        }
    }
    return issues;
}

export function checkCluster(s: Settings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const c = s.cluster;
    if (!c.endpointPublicAccess && c.publicAccessCidrs.length > 0) {
        issues.push({
            path: ["cluster", "publicAccessCidrs"],
            value: c.publicAccessCidrs,
            message: "is set but platform:cluster.endpointPublicAccess is false; enable the public endpoint or drop the allowlist",
        });
    }
    if (c.deployRoleArn === "") {
        issues.push({
            path: ["cluster", "deployRoleArn"],
            value: "",
            message:
                "is required: the cluster's creator gets no implicit admin, so the IAM role that runs pulumi up (the deploy workflow's AWS_DEPLOY_ROLE_ARN) needs its own access entry to apply Kubernetes objects",
        });
    }
    issues.push(...asIssues("cluster", endpointAccessProblems(c, keyOf("cluster"))));
    c.publicAccessCidrs.forEach((text, i) => {
        if (s.environment === "prod" && isOpenToWorld(text)) {
            issues.push({ path: ["cluster", "publicAccessCidrs", i], value: text, message: "opens the public API endpoint to the whole internet, which prod never allows" });
        }
    });
    const namespaces = new Set([...s.services.map((svc) => svc.name)]);
    c.teams.forEach((team, i) => {
        team.namespaces.forEach((ns, j) => {
            if (!namespaces.has(ns)) {
                issues.push({
                    path: ["cluster", "teams", i, "namespaces", j],
                    value: ns,
                    message: `is not the namespace of a service in platform:services; known: ${[...namespaces].join(", ") || "none"}`,
                });
            }
        });
    });
    for (const key of ["adminRoleArns", "readOnlyRoleArns"] as const) {
        const seen = new Set<string>();
        c[key].forEach((arn, i) => {
            if (seen.has(arn)) {
                issues.push({ path: ["cluster", key, i], value: arn, message: "is listed twice" });
            }
            seen.add(arn);
        });
    }
    for (const group of ["system", "apps"] as const) {
        issues.push(...checkNodeGroup(group, c.nodeGroups[group], c.architecture));
    }
    if (c.compute === "autoMode" && c.amiFamily !== "al2023") {
        issues.push({
            path: ["cluster", "amiFamily"],
            value: c.amiFamily,
            message: "applies to managed node groups and Karpenter only; EKS Auto Mode chooses its nodes' image itself; leave it at al2023 or choose compute nodeGroups or karpenter",
        });
    }
    if (c.identity === "podIdentity" && REGIONS_WITHOUT_POD_IDENTITY.includes(s.region)) {
        issues.push({ path: ["cluster", "identity"], value: c.identity, message: `is not available in ${s.region} (EKS Pod Identity is not offered in the China regions); use irsa` });
    }
    if (c.nodeGroups.system.minSize < 1) {
        issues.push({ path: ["cluster", "nodeGroups", "system", "minSize"], value: c.nodeGroups.system.minSize, message: "must be at least 1: cluster add-ons run on the system group" });
    }
    return issues;
}

function checkNodeGroup(group: string, g: NodeGroupSettings, architecture: string): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const at = (key: string) => ["cluster", "nodeGroups", group, key];
    if (g.minSize > g.maxSize) {
        issues.push({ path: at("minSize"), value: g.minSize, message: `is greater than platform:cluster.nodeGroups.${group}.maxSize (${g.maxSize})` });
    }
    if (g.desiredSize < g.minSize || g.desiredSize > g.maxSize) {
        issues.push({ path: at("desiredSize"), value: g.desiredSize, message: `must lie between minSize (${g.minSize}) and maxSize (${g.maxSize})` });
    }
    g.instanceTypes.forEach((type, i) => {
        if (NODE_INSTANCE_TYPES[type] !== architecture) {
            issues.push({
                path: ["cluster", "nodeGroups", group, "instanceTypes", i],
                value: type,
                message: `is ${NODE_INSTANCE_TYPES[type]} but platform:cluster.architecture is ${architecture}`,
            });
        }
    });
    return issues;
}

export function checkDataStores(s: Settings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const db = s.database;
    if (db.maxAllocatedStorageGb < db.allocatedStorageGb) {
        issues.push({ path: ["database", "maxAllocatedStorageGb"], value: db.maxAllocatedStorageGb, message: `is below platform:database.allocatedStorageGb (${db.allocatedStorageGb})` });
    }
    issues.push(...asIssues("database", databaseProblems(db, keyOf("database"))));
    const cacheVersions = CACHE_ENGINE_VERSIONS[s.cache.engine];
    if (!(s.cache.engineVersion in cacheVersions)) {
        issues.push({
            path: ["cache", "engineVersion"],
            value: s.cache.engineVersion,
            message: `is not a ${s.cache.engine} version; allowed: ${Object.keys(cacheVersions).join(", ")}`,
        });
    }
    issues.push(...asIssues("cache", cacheProblems(s.cache, keyOf("cache"))));
    const b = s.broker;
    if (b.instanceType === "mq.t3.micro" && b.engineVersion !== "3.13") {
        issues.push({ path: ["broker", "engineVersion"], value: b.engineVersion, message: "does not run on mq.t3.micro; allowed there: 3.13" });
    }
    if (b.engineVersion.startsWith("4.") && !b.instanceType.startsWith("mq.m7g.")) {
        issues.push({ path: ["broker", "instanceType"], value: b.instanceType, message: `cannot run RabbitMQ ${b.engineVersion}; allowed: mq.m7g.medium, mq.m7g.large` });
    }
    issues.push(...asIssues("broker", brokerProblems(b)));
    return issues;
}

/** Namespaces the platform itself uses; a service may not take them. */
export const RESERVED_NAMESPACES = [
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "platform-db",
    "platform-broker",
    "external-secrets",
    "monitoring",
    "logging",
    "cert-manager",
    "keda",
];

export function checkServices(s: Settings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const byName = new Map<string, ServiceSettings>();
    s.services.forEach((svc, i) => {
        if (byName.has(svc.name)) {
            issues.push({ path: ["services", i, "name"], value: svc.name, message: "is used by another service; names must be unique" });
        }
        byName.set(svc.name, svc);
        if (RESERVED_NAMESPACES.includes(svc.name) || svc.name.startsWith("kube-")) {
            issues.push({ path: ["services", i, "name"], value: svc.name, message: `is reserved by the platform; reserved: ${RESERVED_NAMESPACES.join(", ")}, kube-*` });
        }
    });
    s.services.forEach((svc, i) => {
        const at = (...rest: (string | number)[]) => ["services", i, ...rest];
        if (svc.kind === "web" && svc.port === undefined) {
            issues.push({ path: at("port"), value: undefined, message: "is required for a web service" });
        }
        if (svc.kind !== "web") {
            for (const key of ["port", "ingress", "healthPath", "metricsPath"] as const) {
                if (svc[key] !== undefined) {
                    issues.push({ path: at(key), value: svc[key], message: `applies only to web services; this one is a ${svc.kind}` });
                }
            }
        }
        if (svc.kind === "cron" && svc.schedule === undefined) {
            issues.push({ path: at("schedule"), value: undefined, message: "is required for a cron service" });
        }
        if (svc.kind !== "cron" && svc.schedule !== undefined) {
            issues.push({ path: at("schedule"), value: svc.schedule, message: `applies only to cron services; this one is a ${svc.kind}` });
        }
        if (svc.queue !== undefined) {
            if (svc.kind !== "worker") {
                issues.push({ path: at("queue"), value: svc.queue, message: `applies only to workers; this one is a ${svc.kind}` });
            } else if (!(svc.uses ?? []).includes("broker")) {
                issues.push({ path: at("queue"), value: svc.queue, message: "needs the broker; add broker to uses" });
            }
        }
        if (svc.queues !== undefined && !(svc.uses ?? []).includes("broker")) {
            issues.push({ path: at("queues"), value: svc.queues, message: "needs the broker; add broker to uses" });
        }
        if (typeof svc.replicas === "object" && svc.replicas.min > svc.replicas.max) {
            issues.push({ path: at("replicas", "min"), value: svc.replicas.min, message: `is greater than replicas.max (${svc.replicas.max})` });
        }
        if (svc.kind === "cron" && svc.replicas !== undefined) {
            issues.push({ path: at("replicas"), value: svc.replicas, message: "does not apply to cron services" });
        }
        (svc.callers ?? []).forEach((caller, j) => {
            if (!byName.has(caller)) {
                issues.push({ path: at("callers", j), value: caller, message: `is not a service in platform:services; known: ${[...byName.keys()].join(", ")}` });
            } else if (caller === svc.name) {
                issues.push({ path: at("callers", j), value: caller, message: "names the service itself" });
            }
        });
        if ((svc.callers ?? []).length > 0 && svc.kind !== "web") {
            issues.push({ path: at("callers"), value: svc.callers, message: `applies only to web services, which listen; this one is a ${svc.kind}` });
        }
        if (svc.grpc !== undefined && svc.kind !== "web") {
            issues.push({ path: at("grpc"), value: svc.grpc, message: `applies only to web services; this one is a ${svc.kind}` });
        }
        if (svc.grpc !== undefined && svc.grpc.port === svc.port) {
            issues.push({ path: at("grpc", "port"), value: svc.grpc.port, message: `is also platform:services[${i}].port; gRPC needs a port of its own` });
        }
        if (svc.autoscaling !== undefined && svc.kind === "cron") {
            issues.push({ path: at("autoscaling"), value: svc.autoscaling, message: "does not apply to cron services" });
        }
        const dup = (svc.secrets ?? []).find((name, j, all) => all.indexOf(name) !== j);
        if (dup !== undefined) {
            issues.push({ path: at("secrets"), value: dup, message: "is listed twice" });
        }
        const uses = svc.uses ?? [];
        if (svc.readReplica === true && !uses.includes("database")) {
            issues.push({ path: at("readReplica"), value: true, message: "needs the database; add database to uses" });
        }
        if (new Set(uses).size !== uses.length) {
            issues.push({ path: at("uses"), value: uses, message: "lists a backing service twice" });
        }
    });
    return issues;
}

/** What a service needs of the add-ons, as (add-on, why) pairs. */
function addonsNeeded(svc: ServiceSettings, s: Settings): [keyof Settings["addons"], string][] {
    const needs: [keyof Settings["addons"], string][] = [];
    const hasSecrets = (svc.uses ?? []).length > 0 || (svc.secrets ?? []).length > 0;
    if (hasSecrets) {
        needs.push(["externalSecrets", "its credentials come from Secrets Manager"]);
    }
    // Under Auto Mode, EKS's own load balancing builds the ALB.
    if (svc.ingress !== undefined && s.cluster.compute !== "autoMode") {
        needs.push(["loadBalancerController", "it has an ingress"]);
    }
    if (svc.tracing === true) {
        needs.push(["openTelemetryCollector", "it sends traces"]);
    }
    if (svc.queue !== undefined) {
        needs.push(["keda", "it scales on a queue"]);
    } else if (svc.kind !== "cron") {
        needs.push(["metricsServer", "its autoscaler reads CPU and memory"]);
    }
    return needs;
}

export function checkAddons(s: Settings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    s.services.forEach((svc, i) => {
        for (const store of svc.uses ?? []) {
            if (!s[store].enabled) {
                issues.push({ path: [store, "enabled"], value: false, message: `must be true: platform:services[${i}] (${svc.name}) uses the ${store}` });
            }
        }
        for (const [addon, why] of addonsNeeded(svc, s)) {
            if (!s.addons[addon].enabled) {
                issues.push({ path: ["addons", addon, "enabled"], value: false, message: `must be true: platform:services[${i}] (${svc.name}) needs it because ${why}` });
            }
        }
        if (svc.ingress !== undefined && s.ingress.certificateArn === "") {
            issues.push({
                path: ["ingress", "certificateArn"],
                value: "",
                message: `is required: platform:services[${i}] (${svc.name}) is exposed over HTTPS; give the ACM certificate of its host`,
            });
        }
    });
    return issues;
}

/** Every cross-key rule, in the order a person would fix them. */
export function checkSettings(s: Settings): ConfigIssue[] {
    if (s.environment === "local") {
        // The AWS sections keep the profile's values and are never read; only what the cluster runs is checked.
        return [...checkDataStores(s), ...checkServices(s), ...checkLocal(s), ...checkServiceDetails(s)];
    }
    return [...checkNetwork(s), ...checkCi(s), ...checkCluster(s), ...checkDataStores(s), ...checkAddons(s), ...checkServices(s), ...checkAws(s), ...checkServiceDetails(s)];
}
