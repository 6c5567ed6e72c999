import type * as k8s from "@pulumi/kubernetes";
import type { ServiceSettings } from "../../../config/schema";
import { ALLOW_DNS_SPEC, DEFAULT_DENY_SPEC, podsIn, toSubnets } from "../../../lib/kubernetesSpecs";
import { APP_LABEL, GRPC_PORT_NAME, HTTP_PORT_NAME, ServiceWiring, meta, selector } from "./workload";

type NetworkPolicy = k8s.types.input.networking.v1.NetworkPolicy;

/**
 * Network policies of one catalog service, as Kubernetes inputs. Everything is denied in both directions,
 * then only what the service needs is opened.
 */

const policy = (svc: ServiceSettings, name: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec): NetworkPolicy => ({ metadata: meta(svc, name), spec });
const tcp = (port: number | string): k8s.types.input.networking.v1.NetworkPolicyPort => ({ protocol: "TCP", port });

/**
 * Default deny in both directions, then only what the service needs: DNS; its own data ports in the data
 * subnets; HTTPS out of the VPC (AWS APIs) and to the private subnets (interface endpoints); in from its
 * declared callers, from the load balancer's subnets when exposed, and from Prometheus.
 */
export function networkPolicies(svc: ServiceSettings, w: ServiceWiring): NetworkPolicy[] {
    const policies: NetworkPolicy[] = [
        policy(svc, "default-deny", DEFAULT_DENY_SPEC),
        policy(svc, "allow-dns", ALLOW_DNS_SPEC),
        policy(svc, "allow-aws-apis", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
                { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [w.networks.vpc] } }], ports: [tcp(443)] },
                toSubnets(w.networks.private, 443),
            ],
        }),
    ];
    if (w.data.egress.length > 0) {
        policies.push(policy(svc, "allow-data-stores", { podSelector: selector(svc), policyTypes: ["Egress"], egress: w.data.egress }));
    }
    if (svc.tracing === true && w.tracing) {
        const t = w.tracing;
        policies.push(
            policy(svc, "allow-tracing", {
                podSelector: selector(svc),
                policyTypes: ["Egress"],
                egress: [{ to: [podsIn(t.namespace, t.podLabels)], ports: t.ports.map(tcp) }],
            }),
        );
    }
    if (svc.kind === "web") {
        const served = [tcp(HTTP_PORT_NAME), ...(svc.grpc ? [tcp(GRPC_PORT_NAME)] : [])];
        const callers = (svc.callers ?? []).map((caller) => podsIn(caller, { [APP_LABEL]: caller }));
        if (callers.length > 0) {
            policies.push(policy(svc, "allow-callers", { podSelector: selector(svc), policyTypes: ["Ingress"], ingress: [{ from: callers, ports: served }] }));
        }
        if (svc.ingress || svc.grpc?.ingress) {
            // With IP targets the ALB connects to pods directly, from its addresses in the subnets it lives in.
            const lbSubnets = w.ingress.scheme === "internal" ? w.networks.private : w.networks.public;
            policies.push(
                policy(svc, "allow-load-balancer", {
                    podSelector: selector(svc),
                    policyTypes: ["Ingress"],
                    ingress: [{ from: lbSubnets.map((cidr) => ({ ipBlock: { cidr } })), ports: served }],
                }),
            );
        }
        policies.push(
            policy(svc, "allow-prometheus", {
                podSelector: selector(svc),
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [podsIn(w.prometheus.namespace, w.prometheus.podLabels)],
                        ports: [tcp(HTTP_PORT_NAME)],
                    },
                ],
            }),
        );
    }
    return policies;
}
