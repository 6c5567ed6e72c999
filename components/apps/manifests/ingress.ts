import type * as k8s from "@pulumi/kubernetes";
import type { ServiceSettings } from "../../../config/schema";
import type { ComputeMode } from "../../../config/catalog";
import { AUTO_MODE_INGRESS_CLASS } from "../../cluster/autoMode";
import { GRPC_PORT_NAME, HTTP_PORT_NAME, SERVICE_DEFAULTS, ServiceWiring, meta } from "./common";

/** The class the Load Balancer Controller's chart installs. */
export const LBC_INGRESS_CLASS = "alb";

/** The IngressClass whose controller builds the shared ALB: Auto Mode's own under Auto Mode, else the Load Balancer Controller's. */
export function ingressClassFor(compute: ComputeMode): string {
    return compute === "autoMode" ? AUTO_MODE_INGRESS_CLASS : LBC_INGRESS_CLASS;
}

type Ingress = k8s.types.input.networking.v1.Ingress;

/**
 * The service's Ingresses, by the suffix of their logical names. The shared ALB routes the service's host
 * and path to it over HTTPS; HTTP only redirects. A gRPC ingress is a second Ingress in the same group,
 * whose target group speaks gRPC (HTTP/2) to the pods and checks their health with the gRPC health service.
 */
export function ingresses(svc: ServiceSettings, w: ServiceWiring): { ingress?: Ingress; "grpc-ingress"?: Ingress } {
    return {
        ...(svc.ingress ? { ingress: ingress(svc, w, svc.name, svc.ingress, HTTP_PORT_NAME, {}) } : {}),
        ...(svc.grpc?.ingress
            ? {
                  "grpc-ingress": ingress(svc, w, `${svc.name}-grpc`, svc.grpc.ingress, GRPC_PORT_NAME, {
                      "alb.ingress.kubernetes.io/backend-protocol-version": "GRPC",
                      "alb.ingress.kubernetes.io/healthcheck-path": "/grpc.health.v1.Health/Check",
                      "alb.ingress.kubernetes.io/success-codes": "0",
                  }),
              }
            : {}),
    };
}

function ingress(svc: ServiceSettings, w: ServiceWiring, name: string, rule: { host: string; path: string }, port: string, extra: Record<string, string>): Ingress {
    const className = w.ingress.className ?? LBC_INGRESS_CLASS;
    // Auto Mode takes the group from its IngressClassParams and does not support the annotation.
    const group: Record<string, string> = className === LBC_INGRESS_CLASS ? { "alb.ingress.kubernetes.io/group.name": w.ingress.group } : {};
    return {
        metadata: meta(svc, name, {
            annotations: {
                "alb.ingress.kubernetes.io/scheme": w.ingress.scheme,
                "alb.ingress.kubernetes.io/target-type": "ip",
                ...group,
                "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
                "alb.ingress.kubernetes.io/ssl-redirect": "443",
                "alb.ingress.kubernetes.io/certificate-arn": w.ingress.certificateArn,
                "alb.ingress.kubernetes.io/ssl-policy": w.ingress.sslPolicy,
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
