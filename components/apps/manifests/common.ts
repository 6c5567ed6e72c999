import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../../config/catalog";
import type { ServiceSettings } from "../../../config/schema";
import type { DataWiring } from "../wiring";

/**
 * What every manifest builder of a catalog service shares: the wiring it is built from, the names and
 * labels the service's objects agree on, and the catalog's defaults. Builders return `@pulumi/kubernetes`
 * input types, so the compiler checks every field; nothing here creates a resource.
 */

/** Everything outside the catalog entry that a service's manifests refer to. */
export interface ServiceWiring {
    /** AWS region, set as AWS_REGION. Absent on a local stack, which has none. */
    readonly region?: pulumi.Input<string>;
    readonly environment: Environment;
    /** Replicas of a service whose catalog entry gives none. */
    readonly defaultReplicas: number;
    /** IRSA role the service account assumes. Absent on a local stack: the service calls no AWS API. */
    readonly roleArn?: pulumi.Input<string>;
    /** Settings, credentials and egress of the data stores the service uses. */
    readonly data: DataWiring;
    /** The CIDR blocks the network policies open. Absent on a local stack, which has no VPC and no AWS APIs to reach. */
    readonly networks?: {
        readonly vpc: string;
        readonly public: string[];
        readonly private: string[];
    };
    readonly ingress: AlbIngressWiring | LocalIngressWiring;
    /** Whether the pods run on the `apps` node group (a node selector). Defaults to true; a laptop cluster's nodes carry no node-group label. */
    readonly onAppsNodeGroup?: boolean;
    /** The services this one calls (those that list it in `callers`), with the ports their pods serve. */
    readonly callees: readonly Callee[];
    /** Namespace and pod labels of Prometheus, which scrapes the service. */
    readonly prometheus: { readonly namespace: string; readonly podLabels: Record<string, string> };
    /** Where traces go, for services with `tracing`. */
    readonly tracing?: { readonly namespace: string; readonly podLabels: Record<string, string>; readonly endpoint: string; readonly ports: number[] };
}

/** The shared ALB of an AWS stack, made by the Load Balancer Controller from the services' Ingresses. */
export interface AlbIngressWiring {
    readonly kind?: "alb";
    readonly certificateArn: string;
    readonly sslPolicy: string;
    readonly scheme: string;
    /** ALB ingress group shared by every service of the stack: one ALB per stack. */
    readonly group: string;
    /** IngressClass of the controller that builds the ALB: `alb` (Load Balancer Controller) unless given. */
    readonly className?: string;
    /** Order of each route's rules in the group, by route key (`ingressOrders` of the whole catalog). */
    readonly orders: Readonly<Record<string, number>>;
}

/** The in-cluster ingress controller of a local stack, with TLS from a cert-manager issuer. */
export interface LocalIngressWiring {
    readonly kind: "local";
    /** IngressClass of the controller. */
    readonly className: string;
    /** cert-manager ClusterIssuer that signs each host's certificate. */
    readonly clusterIssuer: string;
    /** Each exposed service is served at `<service>.<domain>`. */
    readonly domain: string;
    /** Namespace and pod labels of the controller, which the services admit. */
    readonly controller: { readonly namespace: string; readonly podLabels: Record<string, string> };
}

/** A service another one calls: its name (also its namespace) and the container ports it serves. */
export interface Callee {
    readonly name: string;
    readonly ports: readonly number[];
}

/**
 * The services `svc` calls: every web service that lists it in `callers`, with its HTTP port and, when it
 * has one, its gRPC port (the pods' ports: a call through the Service reaches the pod on its target port,
 * which is what network policies see).
 */
export function calleesOf(svc: ServiceSettings, catalog: readonly ServiceSettings[]): Callee[] {
    return catalog
        .filter((other) => other.kind === "web" && (other.callers ?? []).includes(svc.name) && other.port !== undefined)
        .map((other) => ({ name: other.name, ports: [other.port as number, ...(other.grpc ? [other.grpc.port] : [])] }));
}

/** Label that selects a service's pods, and the one every object of the service carries. */
export const APP_LABEL = "app.kubernetes.io/name";
/** Pods run as this user unless the catalog says otherwise: numeric, so the kubelet can verify non-root. */
export const DEFAULT_RUN_AS_USER = 10001;
/** Name of the port every web container serves on. */
export const HTTP_PORT_NAME = "http";
/** Name of the gRPC port, when a service has one. */
export const GRPC_PORT_NAME = "grpc";
/** Port the Kubernetes Service exposes to other pods. */
export const SERVICE_PORT = 80;

/** Catalog defaults for what an entry may leave out. */
export const SERVICE_DEFAULTS = { cpu: "100m", memory: "128Mi", healthPath: "/healthz" } as const;
/** Default HPA targets, in percent of requests. */
export const AUTOSCALING_DEFAULTS = { cpu: 70, memory: 80 } as const;

export function labels(svc: ServiceSettings): Record<string, string> {
    return { [APP_LABEL]: svc.name, "app.kubernetes.io/component": svc.kind, "app.kubernetes.io/part-of": "platform" };
}

export function selector(svc: ServiceSettings): Record<string, string> {
    return { [APP_LABEL]: svc.name };
}

/**
 * The service's pods as a LabelSelector, for fields that take one (`podSelector`, `selector`), never a
 * bare label map: the API server's strict validation refuses that, and lenient validation drops it and
 * selects every pod.
 */
export function podSelector(svc: ServiceSettings): k8s.types.input.meta.v1.LabelSelector {
    return { matchLabels: selector(svc) };
}

/** Metadata of an object of the service: its name, the service's namespace and labels. */
export function meta(svc: ServiceSettings, name: string, extra: Partial<k8s.types.input.meta.v1.ObjectMeta> = {}): k8s.types.input.meta.v1.ObjectMeta {
    return { name, namespace: svc.name, labels: labels(svc), ...extra };
}

/** Replica bounds: a fixed count is both bounds. */
export function replicaBounds(svc: ServiceSettings, defaultReplicas: number): { min: number; max: number } {
    const r = svc.replicas ?? defaultReplicas;
    return typeof r === "number" ? { min: r, max: r } : r;
}

/** True when something other than the Deployment decides the replica count. */
export function isAutoscaled(svc: ServiceSettings, defaultReplicas: number): boolean {
    const { min, max } = replicaBounds(svc, defaultReplicas);
    return svc.kind !== "cron" && (svc.queue !== undefined || max > min);
}

export const configMapName = (svc: ServiceSettings): string => `${svc.name}-config`;
export const secretName = (svc: ServiceSettings): string => `${svc.name}-secrets`;
