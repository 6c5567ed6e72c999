import type * as k8s from "@pulumi/kubernetes";
import type { ServiceSettings } from "../../../config/schema";
import type { ComputeMode } from "../../../config/catalog";
import { Route, routeKey, serviceRoutes } from "../../../config/serviceRules";
import { AUTO_MODE_INGRESS_CLASS } from "../../cluster/autoMode";
import { AlbIngressWiring, GRPC_PORT_NAME, HTTP_PORT_NAME, LocalIngressWiring, SERVICE_DEFAULTS, ServiceWiring, meta } from "./common";

/** The class the Load Balancer Controller's chart installs. */
export const LBC_INGRESS_CLASS = "alb";

/** The IngressClass whose controller builds the shared ALB: Auto Mode's own under Auto Mode, else the Load Balancer Controller's. */
export function ingressClassFor(compute: ComputeMode): string {
    return compute === "autoMode" ? AUTO_MODE_INGRESS_CLASS : LBC_INGRESS_CLASS;
}

type Ingress = k8s.types.input.networking.v1.Ingress;

/** The lowest `group.order` the Load Balancer Controller accepts is -1000 and the highest 1000. */
const MAX_GROUP_ORDER = 1000;

/** Path segments of a prefix: `/` has none, `/api/v1` two. */
const segments = (key: string): number => key.slice(key.indexOf("/")).split("/").filter((s) => s !== "").length;

/**
 * The `alb.ingress.kubernetes.io/group.order` of every route of the catalog, by {@link routeKey}. The
 * controller evaluates a group's rules by that order and, where orders tie, by the Ingresses'
 * `namespace/name`, so without it a `/` catch-all in a namespace that sorts first would take every
 * request. Deeper paths come first (a prefix is always evaluated after the paths it contains), then
 * longer ones, then by host and path, so the order is the same whatever the services are called and
 * wherever they stand in the catalog. Orders run from 1, leaving 0 (the default) to Ingresses made
 * outside the platform, which come first.
 */
export function ingressOrders(catalog: readonly ServiceSettings[]): Record<string, number> {
    const keys = [...new Set(catalog.flatMap((svc) => serviceRoutes(svc).map(({ route }) => routeKey(route))))];
    if (keys.length > MAX_GROUP_ORDER) {
        throw new Error(`The catalog routes ${keys.length} host and path pairs through the shared ALB; its group orders allow ${MAX_GROUP_ORDER}`);
    }
    const path = (key: string) => key.slice(key.indexOf("/"));
    keys.sort((a, b) => segments(b) - segments(a) || path(b).length - path(a).length || (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(keys.map((key, i) => [key, i + 1]));
}

/**
 * The service's Ingresses, by the suffix of their logical names. The shared ALB routes the service's host
 * and path to it over HTTPS; HTTP only redirects. A gRPC ingress is a second Ingress in the same group,
 * whose target group speaks gRPC (HTTP/2) to the pods and checks their health with the gRPC health service.
 */
export function ingresses(svc: ServiceSettings, w: ServiceWiring): { ingress?: Ingress; "grpc-ingress"?: Ingress } {
    const wiring = w.ingress;
    if (wiring.kind === "local") {
        return {
            ...(svc.ingress ? { ingress: localIngress(svc, wiring, svc.name, svc.ingress.path, HTTP_PORT_NAME, {}) } : {}),
            ...(svc.grpc?.ingress
                ? { "grpc-ingress": localIngress(svc, wiring, `${svc.name}-grpc`, svc.grpc.ingress.path, GRPC_PORT_NAME, { "traefik.ingress.kubernetes.io/service.serversscheme": "h2c" }) }
                : {}),
        };
    }
    return {
        ...(svc.ingress ? { ingress: ingress(svc, wiring, svc.name, svc.ingress, HTTP_PORT_NAME, {}) } : {}),
        ...(svc.grpc?.ingress
            ? {
                  "grpc-ingress": ingress(svc, wiring, `${svc.name}-grpc`, svc.grpc.ingress, GRPC_PORT_NAME, {
                      "alb.ingress.kubernetes.io/backend-protocol-version": "GRPC",
                      "alb.ingress.kubernetes.io/healthcheck-path": "/grpc.health.v1.Health/Check",
                      "alb.ingress.kubernetes.io/success-codes": "0",
                  }),
              }
            : {}),
    };
}

function ingress(svc: ServiceSettings, alb: AlbIngressWiring, name: string, rule: Route, port: string, extra: Record<string, string>): Ingress {
    const order = alb.orders[routeKey(rule)];
    if (order === undefined) {
        throw new Error(`Service ${svc.name}: the route ${routeKey(rule)} has no group order; the orders must be computed from the catalog that holds it`);
    }
    const className = alb.className ?? LBC_INGRESS_CLASS;
    // Auto Mode takes the group from its IngressClassParams and does not support the group.name annotation;
    // it keeps group.order (EKS user guide, auto-configure-alb, "Ingress annotations").
    const group: Record<string, string> = className === LBC_INGRESS_CLASS ? { "alb.ingress.kubernetes.io/group.name": alb.group } : {};
    return {
        metadata: meta(svc, name, {
            annotations: {
                "alb.ingress.kubernetes.io/scheme": alb.scheme,
                "alb.ingress.kubernetes.io/target-type": "ip",
                ...group,
                "alb.ingress.kubernetes.io/group.order": String(order),
                "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
                "alb.ingress.kubernetes.io/ssl-redirect": "443",
                "alb.ingress.kubernetes.io/certificate-arn": alb.certificateArn,
                "alb.ingress.kubernetes.io/ssl-policy": alb.sslPolicy,
                "alb.ingress.kubernetes.io/healthcheck-path": svc.healthPath ?? SERVICE_DEFAULTS.healthPath,
                "alb.ingress.kubernetes.io/load-balancer-attributes":
                    "routing.http.drop_invalid_header_fields.enabled=true,routing.http.desync_mitigation_mode=strictest",
                ...extra,
            },
        }),
        spec: {
            ingressClassName: className,
            rules: [
                {
                    host: rule.host,
                    http: { paths: [{ path: rule.path, pathType: "Prefix", backend: { service: { name: svc.name, port: { name: port } } } }] },
                },
            ],
        },
    };
}

/** A local stack's host for a service: `<service>.<domain>`, whatever host the catalog gives for AWS. */
export const localHost = (svc: ServiceSettings, domain: string): string => `${svc.name}.${domain}`;

/**
 * A local stack's Ingress: the in-cluster controller serves the catalog's path at `<service>.<domain>`
 * over HTTPS, with a certificate cert-manager issues into `<name>-tls` (the issuer annotation makes it).
 */
function localIngress(svc: ServiceSettings, local: LocalIngressWiring, name: string, path: string, port: string, extra: Record<string, string>): Ingress {
    const host = localHost(svc, local.domain);
    return {
        metadata: meta(svc, name, { annotations: { "cert-manager.io/cluster-issuer": local.clusterIssuer, ...extra } }),
        spec: {
            ingressClassName: local.className,
            tls: [{ hosts: [host], secretName: `${name}-tls` }],
            rules: [{ host, http: { paths: [{ path, pathType: "Prefix", backend: { service: { name: svc.name, port: { name: port } } } }] } }],
        },
    };
}
