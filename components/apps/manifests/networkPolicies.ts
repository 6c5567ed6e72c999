import type * as k8s from "@pulumi/kubernetes";
import type { ServiceSettings } from "../../../config/schema";
import { ALLOW_DNS_SPEC, DEFAULT_DENY_SPEC, podsIn, toSubnets } from "../../../lib/kubernetesSpecs";
import { scrapedPath } from "../../observability/scrape";
import { APP_LABEL, GRPC_PORT_NAME, HTTP_PORT_NAME, ServiceWiring, meta, podSelector } from "./common";

type NetworkPolicy = k8s.types.input.networking.v1.NetworkPolicy;

/**
 * The instance metadata service (IMDS) of the node. Its credentials are the node's role, not the pod's:
 * no pod may reach it, whatever its port (IMDSv2 with a hop limit of 1 also keeps it from answering pods).
 * Only its IPv4 address: no policy here opens IPv6 egress, so fd00:ec2::254 is never allowed.
 */
export const IMDS_CIDR = "169.254.169.254/32";

const tcp = (port: number | string): k8s.types.input.networking.v1.NetworkPolicyPort => ({ protocol: "TCP", port });

/**
 * Where requests from outside the cluster come from: on AWS the ALB, which with IP targets connects to
 * pods directly from its addresses in the subnets it lives in; on a local stack the ingress controller's pods.
 */
function loadBalancerPeers(w: ServiceWiring): k8s.types.input.networking.v1.NetworkPolicyPeer[] {
    if (w.ingress.kind === "local") {
        return [podsIn(w.ingress.controller.namespace, w.ingress.controller.podLabels)];
    }
    if (w.networks === undefined) {
        throw new Error("An ALB ingress needs the VPC's subnets, which the wiring does not give");
    }
    const lbSubnets = w.ingress.scheme === "internal" ? w.networks.private : w.networks.public;
    return lbSubnets.map((cidr) => ({ ipBlock: { cidr } }));
}

/**
 * Network policies of one catalog service, by name. Default deny in both directions, then only what the
 * service needs: DNS; egress to its data stores as the wiring gives it; HTTPS out of the VPC (AWS APIs)
 * and to the private subnets (interface endpoints); to the services it calls, on the ports they serve; in
 * from its declared callers, from the load balancer's subnets when exposed, and from Prometheus when it scrapes the service.
 */
export function networkPolicies(svc: ServiceSettings, w: ServiceWiring): Record<string, NetworkPolicy> {
    const policies: Record<string, NetworkPolicy> = {};
    const allow = (name: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) => {
        policies[name] = { metadata: meta(svc, name), spec };
    };
    allow("default-deny", DEFAULT_DENY_SPEC);
    allow("allow-dns", ALLOW_DNS_SPEC);
    const networks = w.networks;
    if (networks !== undefined) {
        allow("allow-aws-apis", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [networks.vpc, IMDS_CIDR] } }], ports: [tcp(443)] }, toSubnets(networks.private, 443)],
        });
    }
    if (w.data.egress.length > 0) {
        allow("allow-data-stores", { podSelector: podSelector(svc), policyTypes: ["Egress"], egress: w.data.egress });
    }
    if (w.callees.length > 0) {
        // The other half of each callee's allow-callers: this namespace denies egress by default.
        allow("allow-callees", {
            podSelector: podSelector(svc),
            policyTypes: ["Egress"],
            egress: w.callees.map((c) => ({ to: [podsIn(c.name, { [APP_LABEL]: c.name })], ports: c.ports.map(tcp) })),
        });
    }
    if (svc.tracing === true && w.tracing) {
        const t = w.tracing;
        allow("allow-tracing", { podSelector: podSelector(svc), policyTypes: ["Egress"], egress: [{ to: [podsIn(t.namespace, t.podLabels)], ports: t.ports.map(tcp) }] });
    }
    if (svc.kind === "web") {
        const served = [tcp(HTTP_PORT_NAME), ...(svc.grpc ? [tcp(GRPC_PORT_NAME)] : [])];
        const callers = (svc.callers ?? []).map((caller) => podsIn(caller, { [APP_LABEL]: caller }));
        if (callers.length > 0) {
            allow("allow-callers", { podSelector: podSelector(svc), policyTypes: ["Ingress"], ingress: [{ from: callers, ports: served }] });
        }
        if (svc.ingress || svc.grpc?.ingress) {
            allow("allow-load-balancer", { podSelector: podSelector(svc), policyTypes: ["Ingress"], ingress: [{ from: loadBalancerPeers(w), ports: served }] });
        }
        if (scrapedPath(svc) !== undefined) {
            allow("allow-prometheus", {
                podSelector: podSelector(svc),
                policyTypes: ["Ingress"],
                ingress: [{ from: [podsIn(w.prometheus.namespace, w.prometheus.podLabels)], ports: [tcp(HTTP_PORT_NAME)] }],
            });
        }
    }
    return policies;
}
