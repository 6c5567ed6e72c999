import { NODE_INSTANCE_SIZES } from "./catalog";
import { ConfigIssue } from "./errors";
import { allocatable } from "./nodeCapacity";
import { platformEnvKeys, platformNamespaceClaim, PLATFORM_NAMESPACES, PLATFORM_NAMESPACE_PREFIXES, secretEnvName } from "./platform";
import { RESERVED_NAMESPACES } from "./rules";
import type { ServiceSettings, Settings } from "./schema";
import { cpuMillis, memoryBytes } from "../lib/quantity";
import { databaseIdentifier, SYSTEM_DATABASES } from "../lib/sql";

/**
 * Rules on catalog entries beyond their shape: what they ask of the nodes, the names they claim in the
 * cluster and in their environment, and what they expose. Each returns every issue it finds.
 */

type At = (...rest: (string | number)[]) => (string | number)[];

/** Kubernetes resolves CPU to 1m (Kubernetes docs, "Resource units in Kubernetes: CPU resource units"). */
const MIN_CPU_MILLIS = 1;
/** runc cannot start a container in less than 6 MiB (moby/moby#41168, after opencontainers/runc#1980). */
const MIN_MEMORY_BYTES = 6 * 2 ** 20;

/**
 * Requests must be positive and fit what the largest instance type of the apps node group, where services
 * run, offers pods: its capacity less what the kubelet reserves (./nodeCapacity). The DaemonSets on those
 * nodes take a share too, which the plan's capacity check counts.
 */
function checkResources(svc: ServiceSettings, at: At, s: Settings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const types = s.cluster.nodeGroups.apps.instanceTypes;
    const largest = (measure: "cpuMillis" | "memoryBytes") => types.map((type) => ({ type, ...allocatable(type) })).reduce((a, b) => (b[measure] > a[measure] ? b : a));
    const advice = "lower it or add a larger type to platform:cluster.nodeGroups.apps.instanceTypes";
    if (svc.cpu !== undefined) {
        const millis = cpuMillis(svc.cpu);
        const node = largest("cpuMillis");
        if (millis < MIN_CPU_MILLIS) {
            issues.push({ path: at("cpu"), value: svc.cpu, message: "must be more than 0 (at least 1m)" });
        } else if (millis > node.cpuMillis) {
            issues.push({
                path: at("cpu"),
                value: svc.cpu,
                message: `is more than the largest apps node can give a pod: ${node.type} has ${NODE_INSTANCE_SIZES[node.type].vcpu} vCPUs, ${node.cpuMillis}m after the kubelet's reservation; ${advice}`,
            });
        }
    }
    if (svc.memory !== undefined) {
        const bytes = memoryBytes(svc.memory);
        const node = largest("memoryBytes");
        if (bytes <= 0) {
            issues.push({ path: at("memory"), value: svc.memory, message: "must be more than 0, such as 128Mi" });
        } else if (bytes < MIN_MEMORY_BYTES) {
            issues.push({ path: at("memory"), value: svc.memory, message: `is below the 6Mi a container needs to start${svc.memory.endsWith("m") ? " ('m' means thousandths of a byte; Mi is mebibytes)" : ""}; such as 128Mi` });
        } else if (bytes > node.memoryBytes) {
            issues.push({
                path: at("memory"),
                value: svc.memory,
                message: `is more than the largest apps node can give a pod: ${node.type} has ${NODE_INSTANCE_SIZES[node.type].memoryGiB}Gi, ${node.memoryBytes / 2 ** 20}Mi after the kubelet's reservation; ${advice}`,
            });
        }
    }
    return issues;
}

/** Words that name a credential when they end an environment variable's name. */
const SECRET_KEY_NAME = /(^|_)(PASSWORD|PASSWD|PASSPHRASE|SECRET|SECRET_KEY|TOKEN|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)$/;

/** Values that carry their secret's kind on their face: provider key formats, private keys, URLs with a password. */
const SECRET_VALUES: readonly [RegExp, string][] = [
    [/^(sk|rk)_(live|test)_[0-9a-zA-Z]{8,}/, "a Stripe secret key"],
    [/^AKIA[0-9A-Z]{16}$/, "an AWS access key ID"],
    [/^gh[pousr]_[0-9A-Za-z]{20,}/, "a GitHub token"],
    [/^xox[abposr]-[0-9A-Za-z-]{10,}/, "a Slack token"],
    [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
    [/^eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}$/, "a signed token (JWT)"],
    [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/, "a URL with a password in it"],
];

/** Plain secrets and names the platform sets, in `env`; and app secrets whose variable the platform sets. */
function checkEnvironment(svc: ServiceSettings, at: At, i: number): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const platform = platformEnvKeys(svc);
    const fromSecrets = new Map((svc.secrets ?? []).map((secret) => [secretEnvName(secret), secret]));
    for (const [key, value] of Object.entries(svc.env ?? {})) {
        const kind = SECRET_VALUES.find(([pattern]) => pattern.test(value))?.[1];
        const secretName = key.toLowerCase().replace(/_/g, "-");
        if (kind !== undefined || SECRET_KEY_NAME.test(key)) {
            issues.push({
                path: at("env", key),
                value: undefined,
                message: `holds ${kind ?? "a secret, by its name"}; env values are plain text in a ConfigMap: remove it and add "${secretName}" to platform:services[${i}].secrets (it becomes ${key}), then set its value in Secrets Manager`,
            });
        } else if (platform.has(key)) {
            issues.push({ path: at("env", key), value: undefined, message: `is set by the platform (${platform.get(key)}) and would be dropped; choose another name` });
        } else if (fromSecrets.has(key)) {
            issues.push({ path: at("env", key), value: undefined, message: `is also the variable of the secret "${fromSecrets.get(key)}" in platform:services[${i}].secrets, which would override it; choose another name` });
        }
    }
    (svc.secrets ?? []).forEach((secret, j) => {
        const key = secretEnvName(secret);
        if (platform.has(key)) {
            issues.push({ path: at("secrets", j), value: secret, message: `becomes ${key}, which the platform sets (${platform.get(key)}); choose another name` });
        }
    });
    return issues;
}

/** Service names that would share a namespace with the platform (beyond those {@link RESERVED_NAMESPACES} names). */
function checkNamespace(svc: ServiceSettings, at: At): ConfigIssue[] {
    const claim = platformNamespaceClaim(svc.name);
    if (claim === undefined || RESERVED_NAMESPACES.includes(svc.name) || svc.name.startsWith("kube-")) {
        return [];
    }
    return [
        {
            path: at("name"),
            value: svc.name,
            message: `is a namespace the platform uses (${claim}); a service's name is its namespace, and two owners cannot share one. Platform namespaces: ${Object.keys(PLATFORM_NAMESPACES).join(", ")}, ${PLATFORM_NAMESPACE_PREFIXES.map((p) => `${p}*`).join(", ")}`,
        },
    ];
}

/** Roles and databases every PostgreSQL (and RDS) instance has. */
const TAKEN_DATABASE_NAMES = ["template0", ...SYSTEM_DATABASES, "rdsadmin"];
/** Prefixes PostgreSQL (`pg_`) and RDS (`rds`: rds_superuser, rds_iam, rdsadmin, …) keep for their own roles. */
const TAKEN_DATABASE_PREFIXES = ["pg_", "rds"];

/**
 * A service's name is also its database role and database (`-` becoming `_`): refuse one that would be a
 * role or database the instance already has (the master user, the initial database, PostgreSQL's and RDS's
 * own), since provisioning would otherwise take it over. The provisioning script refuses them too.
 */
export function checkServiceStoreNames(s: Pick<Settings, "services" | "database">): ConfigIssue[] {
    const taken = new Map<string, string>([
        [s.database.masterUsername, "the master user (platform:database.masterUsername)"],
        [s.database.databaseName, "the initial database (platform:database.databaseName)"],
        ...TAKEN_DATABASE_NAMES.map((n): [string, string] => [n, "a role or database of every instance"]),
    ]);
    const issues: ConfigIssue[] = [];
    s.services.forEach((svc, i) => {
        const identifier = databaseIdentifier(svc.name);
        const prefix = TAKEN_DATABASE_PREFIXES.find((p) => identifier.startsWith(p));
        const claim = taken.get(identifier) ?? (prefix === undefined ? undefined : `in the ${prefix}* names PostgreSQL and RDS keep`);
        if (claim !== undefined) {
            issues.push({
                path: ["services", i, "name"],
                value: svc.name,
                message: `would be the database role and database "${identifier}", which is ${claim}; allowed: a name whose identifier is none of ${[...taken.keys()].join(", ")} and starts with neither ${TAKEN_DATABASE_PREFIXES.join(" nor ")}`,
            });
        }
    });
    return issues;
}

/** A host and path prefix the shared ALB routes to one service. */
export interface Route {
    readonly host: string;
    readonly path: string;
}

/** A service's routes on the shared ALB: its HTTP ingress, then its gRPC ingress, each with where it is configured. */
export function serviceRoutes(svc: ServiceSettings): { readonly key: "ingress" | "grpc"; readonly route: Route }[] {
    return [
        ...(svc.ingress ? [{ key: "ingress" as const, route: svc.ingress }] : []),
        ...(svc.grpc?.ingress ? [{ key: "grpc" as const, route: svc.grpc.ingress }] : []),
    ];
}

/**
 * What identifies a route: its host and its path prefix. A `Prefix` path matches by whole segments and
 * ignores a trailing slash (`/api` and `/api/` are the same rule), so the slash is dropped here.
 */
export function routeKey(route: Route): string {
    const path = route.path.length > 1 ? route.path.replace(/\/+$/, "") : route.path;
    return `${route.host}${path === "" ? "/" : path}`;
}

export function checkServiceDetails(s: Settings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const routes = new Map<string, string>();
    s.services.forEach((svc, i) => {
        const at: At = (...rest) => ["services", i, ...rest];
        issues.push(...checkNamespace(svc, at), ...checkResources(svc, at, s), ...checkEnvironment(svc, at, i));
        if (typeof svc.replicas === "object" && svc.replicas.min === 0 && svc.queue === undefined) {
            issues.push({
                path: at("replicas", "min"),
                value: 0,
                message: "scales to zero only for a worker KEDA scales on its queue (set queue); a HorizontalPodAutoscaler keeps at least 1",
            });
        }
        for (const { key, route } of serviceRoutes(svc)) {
            const path = key === "ingress" ? at("ingress") : at("grpc", "ingress");
            const owner = routes.get(routeKey(route));
            if (owner !== undefined) {
                issues.push({ path, value: route, message: `is also claimed by ${owner}; one host and path can route to one service only` });
            } else {
                routes.set(routeKey(route), `platform:services[${i}] (${svc.name})`);
            }
        }
    });
    issues.push(...checkServiceStoreNames(s));
    return issues;
}
