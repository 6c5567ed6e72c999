import { NetworkPolicyObject, PodEndpoint, ServicePort, allowsConnection, deniesByDefault, targetPortOf } from "../../lib/networkPolicy";
import type { PlannedPod } from "./pods";

/**
 * Who can reach whom once the stack's NetworkPolicies are applied (Kubernetes semantics, `lib/networkPolicy`),
 * for every catalog service: the callers that get through and on which ports, what it can reach (DNS,
 * each data store, AWS APIs, the instance metadata service, the internet, other services), and what
 * breaks the catalog's intent: a declared caller blocked, an undeclared path open, a store reachable
 * without being used, IMDS reachable, a tenant namespace without default deny. Pure and deterministic:
 * pods get addresses in the private subnets, stores in their own subnets, in a fixed order.
 */

/** A catalog service as connectivity needs it. */
export interface CatalogService {
    readonly name: string;
    /** The services that may call it (its `callers`). */
    readonly callers: readonly string[];
    /** The data stores it uses. */
    readonly uses: readonly string[];
    /** The ports of its Kubernetes Service, when it has one. */
    readonly servicePorts: readonly ServicePort[];
}

/**
 * A data store: where it listens. A managed store is an address in the VPC; an in-cluster one is pods,
 * given for the service judged (a store may be the service's own, like a local database).
 */
export type StoreAddress = { readonly name: string; readonly port: number } & ({ readonly ip: string } | { readonly podsFor: (service: string) => PodEndpoint });

export interface ConnectivityInput {
    readonly policies: readonly NetworkPolicyObject[];
    readonly pods: readonly PlannedPod[];
    /** Labels of each namespace the program creates. */
    readonly namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
    readonly services: readonly CatalogService[];
    readonly stores: readonly StoreAddress[];
    /** Namespaces whose pods the program isolates (catalog services, the database jobs). */
    readonly tenantNamespaces: readonly string[];
    /** Addresses pods are given, in order: a block of the private subnets. */
    readonly podCidr: string;
    /** An address of an interface endpoint (private subnets); absent where there is no AWS to reach (a local stack). */
    readonly endpointIp?: string;
    /** Where pods resolve names when no CoreDNS pod runs: EKS Auto Mode answers at the cluster DNS address on each node. */
    readonly clusterDnsIp?: string;
    /** An address in the load balancer's subnets. */
    readonly loadBalancerIp?: string;
}

/** Well-known addresses outside the VPC. */
export const OUTSIDE = {
    /** An address of AWS STS in us-east-1 (sts.amazonaws.com). */
    awsApi: "54.239.29.25",
    /** The instance metadata service. */
    imds: "169.254.169.254",
    /** An address on the internet that is no AWS service (one.one.one.one). */
    internet: "1.1.1.1",
} as const;

export type Verdict = "allowed" | "blocked";

/** One connection the plan judged. */
export interface Edge {
    readonly from: string;
    readonly to: string;
    readonly port: number;
    readonly protocol: string;
    /** Declared: a caller edge of the catalog, or a store the service uses. */
    readonly declared: boolean;
    readonly verdict: Verdict;
}

export type ViolationKind = "declared-edge-blocked" | "undeclared-path-open" | "unused-store-reachable" | "imds-reachable" | "no-default-deny";

export interface ConnectivityViolation {
    readonly kind: ViolationKind;
    /** The namespace (a catalog service's name) the violation is about. */
    readonly namespace: string;
    readonly message: string;
}

export interface ServiceConnectivity {
    readonly name: string;
    /** Who gets through, and to which container ports. */
    readonly callers: { readonly from: string; readonly ports: number[] }[];
    /** What it reaches: `dns`, each store, `aws-apis`, `interface-endpoints`, `internet`, `imds`, other services; with ports. */
    readonly reaches: { readonly to: string; readonly ports: number[] }[];
}

export interface Connectivity {
    readonly services: ServiceConnectivity[];
    /** The data stores the services were judged against. */
    readonly stores: string[];
    readonly edges: Edge[];
    readonly violations: ConnectivityViolation[];
}

function ipOf(cidr: string, index: number): string {
    const [base] = cidr.split("/");
    const n = base.split(".").reduce((a, o) => a * 256 + Number(o), 0) + index;
    return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

const PROBE_PORT = 9999;

/** Judges the stack's network policies; see the module comment. */
export function evaluateConnectivity(input: ConnectivityInput): Connectivity {
    const byNamespace = new Map<string, NetworkPolicyObject[]>();
    for (const p of input.policies) {
        const ns = p.metadata.namespace ?? "default";
        byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), p]);
    }
    // Only the policies of the two ends' namespaces can matter: a faster, identical evaluation.
    const allows = (from: PodEndpoint, to: PodEndpoint | { ip: string }, port: number, protocol = "TCP") => {
        const policies = [...(byNamespace.get(from.namespace) ?? []), ...("namespace" in to && to.namespace !== from.namespace ? (byNamespace.get(to.namespace) ?? []) : [])];
        return allowsConnection(policies, from, to, port, protocol);
    };
    const endpoints = input.pods
        .filter((p) => !p.hostNetwork)
        .map((p, i): PodEndpoint & { owner: string } => ({
            owner: p.owner,
            namespace: p.namespace,
            namespaceLabels: input.namespaceLabels.get(p.namespace),
            labels: p.labels,
            ip: ipOf(input.podCidr, 10 + i),
            namedPorts: p.namedPorts,
        }));
    const podOf = (namespace: string) => endpoints.find((e) => e.namespace === namespace);
    const servingPorts = (svc: CatalogService, pod: PodEndpoint) => [...new Set(svc.servicePorts.flatMap((sp) => targetPortOf(sp, pod) ?? []))];
    const edges: Edge[] = [];
    const violations: ConnectivityViolation[] = [];
    const judge = (from: PodEndpoint, fromName: string, to: PodEndpoint | { ip: string }, toName: string, port: number, declared: boolean, protocol = "TCP"): boolean => {
        const ok = allows(from, to, port, protocol);
        edges.push({ from: fromName, to: toName, port, protocol, declared, verdict: ok ? "allowed" : "blocked" });
        return ok;
    };

    const services: ServiceConnectivity[] = [];
    const catalog = new Set(input.services.map((s) => s.name));
    for (const svc of input.services) {
        const pod = podOf(svc.name);
        if (pod === undefined) {
            continue;
        }
        const reaches: ServiceConnectivity["reaches"] = [];
        const reach = (to: string, ports: number[]) => ports.length > 0 && reaches.push({ to, ports });
        const dnsPod = endpoints.find((e) => e.namespace === "kube-system" && e.labels["k8s-app"] === "kube-dns");
        const dns = dnsPod ?? (input.clusterDnsIp !== undefined ? { ip: input.clusterDnsIp } : undefined);
        if (dns !== undefined) {
            reach("dns", judge(pod, svc.name, dns, "dns", 53, true, "UDP") ? [53] : []);
        }
        for (const store of input.stores) {
            const uses = svc.uses.includes(store.name);
            const target = "ip" in store ? { ip: store.ip } : store.podsFor(svc.name);
            const open = judge(pod, svc.name, target, store.name, store.port, uses);
            reach(store.name, open ? [store.port] : []);
            if (open && !uses) {
                violations.push({ kind: "unused-store-reachable", namespace: svc.name, message: `${svc.name} can reach the ${store.name} (${target.ip}:${store.port}) but does not use it` });
            }
            if (!open && uses) {
                violations.push({ kind: "declared-edge-blocked", namespace: svc.name, message: `${svc.name} uses the ${store.name} but cannot reach it on ${store.port}` });
            }
        }
        if (input.endpointIp !== undefined) {
            reach("aws-apis", judge(pod, svc.name, { ip: OUTSIDE.awsApi }, "aws-apis", 443, true) ? [443] : []);
            reach("interface-endpoints", judge(pod, svc.name, { ip: input.endpointIp }, "interface-endpoints", 443, true) ? [443] : []);
        }
        reach("internet", [80, 443].filter((port) => judge(pod, svc.name, { ip: OUTSIDE.internet }, "internet", port, false)));
        const imds = [80, 443].filter((port) => judge(pod, svc.name, { ip: OUTSIDE.imds }, "imds", port, false));
        reach("imds", imds);
        for (const callee of input.services.filter((c) => c.name !== svc.name)) {
            const calleePod = podOf(callee.name);
            if (calleePod === undefined) {
                continue;
            }
            const declared = callee.callers.includes(svc.name);
            const serving = servingPorts(callee, calleePod);
            const open = [...serving, PROBE_PORT].filter((port) => judge(pod, svc.name, calleePod, callee.name, port, declared && serving.includes(port)));
            reach(callee.name, open);
            if (declared) {
                const blocked = serving.filter((p) => !open.includes(p));
                if (blocked.length > 0) {
                    violations.push({ kind: "declared-edge-blocked", namespace: callee.name, message: `${svc.name} is a declared caller of ${callee.name} but cannot reach port(s) ${blocked.join(", ")}` });
                }
            }
            const undeclared = open.filter((p) => !declared || !serving.includes(p));
            if (undeclared.length > 0) {
                violations.push({ kind: "undeclared-path-open", namespace: callee.name, message: `${svc.name} can reach ${callee.name} on port(s) ${undeclared.join(", ")}, which no caller declaration opens` });
            }
        }
        const callers = endpoints
            .filter((e) => e.namespace !== svc.name)
            .map((e) => ({ from: catalog.has(e.namespace) ? e.namespace : e.owner, ports: servingPorts(svc, pod).filter((port) => allows(e, pod, port)) }))
            .filter((c) => c.ports.length > 0);
        if (input.loadBalancerIp !== undefined) {
            // The load balancer is no pod: only the callee's ingress rules judge it.
            const lb: PodEndpoint = { namespace: "load-balancer", labels: {}, ip: input.loadBalancerIp };
            const ports = servingPorts(svc, pod).filter((port) => allowsConnection(byNamespace.get(svc.name) ?? [], lb, pod, port));
            if (ports.length > 0) {
                callers.push({ from: "load balancer", ports });
            }
        }
        services.push({ name: svc.name, callers, reaches });
    }

    for (const e of endpoints.filter((p) => input.tenantNamespaces.includes(p.namespace))) {
        const open = [80, 443].filter((port) => allows(e, { ip: OUTSIDE.imds }, port));
        if (open.length > 0) {
            violations.push({ kind: "imds-reachable", namespace: e.namespace, message: `${e.owner} can reach the instance metadata service ${OUTSIDE.imds} on port(s) ${open.join(", ")}` });
        }
    }
    for (const ns of input.tenantNamespaces) {
        const missing = (["Ingress", "Egress"] as const).filter((d) => !deniesByDefault(byNamespace.get(ns) ?? [], ns, d));
        if (missing.length > 0) {
            violations.push({ kind: "no-default-deny", namespace: ns, message: `namespace ${ns} has no default-deny policy for ${missing.join(" and ")}` });
        }
    }
    return { services, stores: input.stores.map((s) => s.name), edges, violations };
}
