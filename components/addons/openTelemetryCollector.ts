import { AddonDefinition, SYSTEM_NODES, controllerResources, irsaServiceAccount } from "./types";

/** Namespace and in-cluster address services send OTLP traces to. */
export const OTEL_NAMESPACE = "observability";
export const OTEL_SERVICE = "otel-collector";
export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;
/** Pod label of the collector, for network policies that let services reach it. */
export const OTEL_POD_LABELS = { "app.kubernetes.io/name": "opentelemetry-collector" };
/** Where services send traces: the collector's pods, OTLP ports and in-cluster gRPC endpoint. */
export const TRACING_TARGET = {
    namespace: OTEL_NAMESPACE,
    podLabels: OTEL_POD_LABELS,
    endpoint: `http://${OTEL_SERVICE}.${OTEL_NAMESPACE}.svc.cluster.local:${OTLP_GRPC_PORT}`,
    ports: [OTLP_GRPC_PORT, OTLP_HTTP_PORT],
};

/**
 * OpenTelemetry Collector (contrib distribution) receiving OTLP from services that opt in to tracing and
 * exporting to AWS X-Ray, so traces need no backend of the platform's own to run or pay for.
 */
export const openTelemetryCollector: AddonDefinition = {
    name: "opentelemetry-collector",
    chart: "opentelemetry-collector",
    repository: "https://open-telemetry.github.io/opentelemetry-helm-charts",
    version: "0.155.0",
    namespace: OTEL_NAMESPACE,
    serviceAccount: OTEL_SERVICE,
    // In deployment mode the chart sets no host ports (they are for its daemonset mode) and, with its
    // empty `podSecurityContext` and `securityContext`, the collector meets baseline but not restricted.
    pods: () => ({ collector: { spec: { securityContext: {}, containers: [{ name: "opentelemetry-collector", securityContext: {} }], volumes: [{ name: "opentelemetry-collector-configmap", configMap: {} }] } } }),
    // X-Ray has no resource-level permissions: these four actions on "*" are its documented minimum.
    policy: () => [
        {
            Sid: "SendTraces",
            Effect: "Allow",
            Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
            Resource: "*",
        },
    ],
    values: (f) => ({
        mode: "deployment",
        fullnameOverride: OTEL_SERVICE,
        image: { repository: "otel/opentelemetry-collector-contrib" },
        replicaCount: f.replicas,
        serviceAccount: irsaServiceAccount(f),
        nodeSelector: SYSTEM_NODES,
        resources: controllerResources("100m", "256Mi", "500m", "512Mi"),
        podDisruptionBudget: { enabled: f.replicas > 1, maxUnavailable: 1 },
        ports: {
            "otlp": { enabled: true, containerPort: OTLP_GRPC_PORT, servicePort: OTLP_GRPC_PORT, protocol: "TCP", appProtocol: "grpc" },
            "otlp-http": { enabled: true, containerPort: OTLP_HTTP_PORT, servicePort: OTLP_HTTP_PORT, protocol: "TCP" },
            "jaeger-compact": { enabled: false },
            "jaeger-thrift": { enabled: false },
            "jaeger-grpc": { enabled: false },
            "zipkin": { enabled: false },
        },
        config: {
            receivers: { otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}` }, http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` } } } },
            processors: { batch: {}, memory_limiter: { check_interval: "5s", limit_percentage: 80, spike_limit_percentage: 25 } },
            exporters: { awsxray: { region: f.region } },
            // The chart's default logs and metrics pipelines print whatever arrives to the `debug` exporter;
            // null deletes a chart default in Helm, and @pulumi/kubernetes passes nulls through since 4.30
            // (pulumi/pulumi-kubernetes#4293).
            service: { pipelines: { traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["awsxray"] }, logs: null, metrics: null } },
        },
    }),
};
