import { Cidr, contains, parseCidr } from "./cidr";

/**
 * Kubernetes NetworkPolicy semantics (networking.k8s.io/v1, as the Kubernetes documentation's "Network
 * Policies" page states them), evaluated over plain objects: which connections a set of policies allows.
 * Pure: it reads the policies' specs as written, so a selector in the wrong shape selects nothing here,
 * as it does once the API server has accepted the object. IPv4 only.
 */

/** A label selector: `matchLabels` and `matchExpressions`, both must hold; empty selects everything. */
export interface LabelSelector {
    readonly matchLabels?: Readonly<Record<string, string>>;
    readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

interface PolicyPeer {
    readonly podSelector?: LabelSelector;
    readonly namespaceSelector?: LabelSelector;
    readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

interface PolicyPort {
    readonly protocol?: string;
    readonly port?: number | string;
    readonly endPort?: number;
}

interface PolicyRule {
    readonly to?: readonly PolicyPeer[];
    readonly from?: readonly PolicyPeer[];
    readonly ports?: readonly PolicyPort[];
}

/** A NetworkPolicy as applied: its namespace and spec. */
export interface NetworkPolicyObject {
    readonly metadata: { readonly namespace?: string; readonly name?: string };
    readonly spec: {
        readonly podSelector?: LabelSelector;
        readonly policyTypes?: readonly string[];
        readonly ingress?: readonly PolicyRule[];
        readonly egress?: readonly PolicyRule[];
    };
}

/** A pod: where it runs, its labels, its address and its named container ports. */
export interface PodEndpoint {
    readonly namespace: string;
    /** Labels of its namespace; `kubernetes.io/metadata.name` is added as the API server adds it. */
    readonly namespaceLabels?: Readonly<Record<string, string>>;
    readonly labels: Readonly<Record<string, string>>;
    readonly ip: string;
    /** Container port numbers by name, for policies that name a port. */
    readonly namedPorts?: Readonly<Record<string, number>>;
}

/** An address outside the cluster's pods (an AWS API, the instance metadata service). */
export interface AddressEndpoint {
    readonly ip: string;
}

export type Endpoint = PodEndpoint | AddressEndpoint;

const isPod = (e: Endpoint): e is PodEndpoint => "namespace" in e;

/** True when the labels satisfy the selector. */
export function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
    const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const byExpression = (selector.matchExpressions ?? []).every((e) => {
        const has = Object.prototype.hasOwnProperty.call(labels, e.key);
        switch (e.operator) {
            case "In":
                return has && (e.values ?? []).includes(labels[e.key]);
            case "NotIn":
                return !has || !(e.values ?? []).includes(labels[e.key]);
            case "Exists":
                return has;
            case "DoesNotExist":
                return !has;
            default:
                throw new Error(`label selector operator "${e.operator}" is not one of In, NotIn, Exists, DoesNotExist`);
        }
    });
    return byLabel && byExpression;
}

/** Blocks parsed so far: a plan judges every pair of pods against the same few blocks. */
const parsedBlocks = new Map<string, Cidr | undefined>();

function parsedBlock(text: string): Cidr | undefined {
    if (!parsedBlocks.has(text)) {
        parsedBlocks.set(text, parseCidr(text));
    }
    return parsedBlocks.get(text);
}

function ipIn(ip: string, cidr: string): boolean {
    const address = parsedBlock(`${ip}/32`);
    if (address === undefined) {
        throw new Error(`"${ip}" is not an IPv4 address`);
    }
    const block = parsedBlock(cidr);
    // An IPv6 block never holds an IPv4 address.
    return block !== undefined && contains(block, address);
}

function namespaceLabels(pod: PodEndpoint): Readonly<Record<string, string>> {
    return { ...(pod.namespaceLabels ?? {}), "kubernetes.io/metadata.name": pod.namespace };
}

/** True when a peer of a policy in `policyNamespace` stands for the endpoint. */
function peerMatches(peer: PolicyPeer, policyNamespace: string, endpoint: Endpoint): boolean {
    if (peer.ipBlock !== undefined) {
        return ipIn(endpoint.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e) => ipIn(endpoint.ip, e));
    }
    if (!isPod(endpoint)) {
        return false;
    }
    const inNamespace =
        peer.namespaceSelector !== undefined ? selects(peer.namespaceSelector, namespaceLabels(endpoint)) : endpoint.namespace === policyNamespace;
    return inNamespace && (peer.podSelector === undefined || selects(peer.podSelector, endpoint.labels));
}

/** True when a rule's ports admit the port; named ports are resolved on the destination pod. */
function portMatches(ports: readonly PolicyPort[] | undefined, port: number, protocol: string, destination: Endpoint): boolean {
    if (ports === undefined || ports.length === 0) {
        return true;
    }
    return ports.some((p) => {
        if ((p.protocol ?? "TCP") !== protocol) {
            return false;
        }
        if (p.port === undefined) {
            return true;
        }
        const number = typeof p.port === "number" ? p.port : isPod(destination) ? destination.namedPorts?.[p.port] : undefined;
        return number !== undefined && (p.endPort !== undefined ? port >= number && port <= p.endPort : port === number);
    });
}

/** `Ingress` always applies unless policyTypes says otherwise; `Egress` when listed, or when the policy has egress rules. */
function policyTypes(policy: NetworkPolicyObject): readonly string[] {
    return policy.spec.policyTypes ?? ["Ingress", ...(policy.spec.egress !== undefined ? ["Egress"] : [])];
}

/**
 * Whether the policies let traffic leave (`Egress`) or reach (`Ingress`) a pod: allowed when no policy of
 * that type selects the pod, otherwise when a rule of one of those policies admits the peer and port.
 */
function allowedAt(
    policies: readonly NetworkPolicyObject[],
    direction: "Ingress" | "Egress",
    pod: PodEndpoint,
    peer: Endpoint,
    port: number,
    protocol: string,
    destination: Endpoint,
): boolean {
    const selecting = policies.filter(
        (p) => (p.metadata.namespace ?? "default") === pod.namespace && policyTypes(p).includes(direction) && selects(p.spec.podSelector ?? {}, pod.labels),
    );
    if (selecting.length === 0) {
        return true;
    }
    return selecting.some((p) =>
        ((direction === "Egress" ? p.spec.egress : p.spec.ingress) ?? []).some((rule) => {
            const peers = direction === "Egress" ? rule.to : rule.from;
            const peerOk = peers === undefined || peers.length === 0 || peers.some((x) => peerMatches(x, pod.namespace, peer));
            return peerOk && portMatches(rule.ports, port, protocol, destination);
        }),
    );
}

/**
 * Whether the policies allow a connection from `from` to `to` on a port: the source pod's egress and,
 * when the destination is a pod, its ingress must both allow it.
 */
export function allowsConnection(policies: readonly NetworkPolicyObject[], from: PodEndpoint, to: Endpoint, port: number, protocol = "TCP"): boolean {
    const out = allowedAt(policies, "Egress", from, to, port, protocol, to);
    return out && (!isPod(to) || allowedAt(policies, "Ingress", to, from, port, protocol, to));
}

/**
 * Whether some policy isolates the pod in a direction: once one does, only what a policy allows gets
 * through that way; a pod no policy of that type selects is open in that direction.
 */
export function isIsolated(policies: readonly NetworkPolicyObject[], pod: PodEndpoint, direction: "Ingress" | "Egress"): boolean {
    return policies.some((p) => (p.metadata.namespace ?? "default") === pod.namespace && policyTypes(p).includes(direction) && selects(p.spec.podSelector ?? {}, pod.labels));
}

/**
 * True when the namespace denies the direction by default: a policy of that type selects every pod of
 * the namespace (an empty podSelector) and allows nothing that way, so that a pod added later is isolated
 * too and only other policies open anything.
 */
export function deniesByDefault(policies: readonly NetworkPolicyObject[], namespace: string, direction: "Ingress" | "Egress"): boolean {
    const empty = (s: LabelSelector | undefined) => Object.keys(s?.matchLabels ?? {}).length === 0 && (s?.matchExpressions ?? []).length === 0;
    return policies.some(
        (p) =>
            (p.metadata.namespace ?? "default") === namespace &&
            policyTypes(p).includes(direction) &&
            empty(p.spec.podSelector) &&
            ((direction === "Ingress" ? p.spec.ingress : p.spec.egress) ?? []).length === 0,
    );
}

/** A Service's port, as a Service object writes it. */
export interface ServicePort {
    readonly port: number;
    readonly targetPort?: number | string;
    readonly protocol?: string;
    readonly name?: string;
}

/**
 * The container port a connection to a Service's port reaches on one of its pods: its `targetPort`,
 * resolved by name on that pod, or the same number when it has none. Network policies judge that port,
 * not the Service's. Undefined when the pod has no port of that name (the endpoint is left out).
 */
export function targetPortOf(port: ServicePort, pod: PodEndpoint): number | undefined {
    const target = port.targetPort ?? port.port;
    return typeof target === "number" ? target : pod.namedPorts?.[target];
}
