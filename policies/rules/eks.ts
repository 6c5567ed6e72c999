import { KUBERNETES_VERSIONS } from "../../config/catalog";
import { ClusterView, clusterViews } from "../lib/clusters";
import { PlatformPolicy, Stack, stackRule } from "../lib/rule";
import { isSet, isTrue, isUnknown, str, strings } from "../lib/values";

/**
 * EKS control-plane controls. They are stack rules because a cluster may appear as the `eks:index:Cluster`
 * component, as the `aws:eks/cluster:Cluster` it creates, or both; only the stack shows which (see
 * `lib/clusters.ts`).
 */

/** Every cluster of the stack, reported against the resource whose properties were judged. */
function eachCluster(stack: Stack, report: (message: string, urn?: string) => void, judge: (c: ClusterView, say: (message: string) => void) => void): void {
    for (const cluster of clusterViews(stack)) {
        judge(cluster, (message) => report(`cluster ${cluster.resource.name}: ${message}`, cluster.resource.urn));
    }
}

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

/** FSBP EKS.1, CIS EKS 5.4.1: the API endpoint is private, or at least never open to the whole internet. */
export const endpointPrivate = stackRule<{ allowPublicEndpoint: boolean }>({
    name: "eks-endpoint-private",
    summary: "The EKS API endpoint is not public; where a stack allows a public endpoint, it is limited to listed networks, never 0.0.0.0/0.",
    controls: ["FSBP EKS.1", "CIS EKS 5.4.1"],
    severity: "high",
    configSchema: {
        properties: {
            allowPublicEndpoint: {
                type: "boolean",
                default: false,
                description: "Accept a public endpoint limited to publicAccessCidrs (still fails FSBP EKS.1).",
            },
        },
    },
    validate: (stack, report, config) =>
        eachCluster(stack, report, (c, say) => {
            if (isUnknown(c.endpointPublicAccess) || !isTrue(c.endpointPublicAccess)) {
                return;
            }
            const cidrs = c.publicAccessCidrs;
            const open = isUnknown(cidrs) ? [] : strings(cidrs).filter((cidr) => OPEN_CIDRS.includes(cidr));
            const openText = open.length > 0 ? ` and open to ${open.join(", ")}` : "";
            if (!config.allowPublicEndpoint) {
                say(`${c.paths.endpointPublicAccess} is true${openText}; set it to false and reach the API from inside the VPC`);
            } else if (open.length > 0) {
                say(`the public endpoint is open to ${open.join(", ")}; list only the networks that need it in ${c.paths.publicAccessCidrs}`);
            }
        }),
});

const today = () => new Date().toISOString().slice(0, 10);

/** FSBP EKS.2: a pinned Kubernetes version in EKS standard support (config/catalog.ts is the source). */
export const supportedVersion = stackRule<{ asOf?: string }>({
    name: "eks-supported-version",
    summary: "Each cluster pins a Kubernetes version listed in config/catalog.ts that is still in EKS standard support.",
    controls: ["FSBP EKS.2"],
    severity: "medium",
    configSchema: {
        properties: {
            asOf: {
                type: "string",
                pattern: "^\\d{4}-\\d{2}-\\d{2}$",
                description: "Judge support as of this date (YYYY-MM-DD), e.g. a planned release date. Defaults to today.",
            },
        },
    },
    validate: (stack, report, config) =>
        eachCluster(stack, report, (c, say) => {
            if (isUnknown(c.version)) {
                return;
            }
            const supported = Object.keys(KUBERNETES_VERSIONS);
            const version = str(c.version) ?? (typeof c.version === "number" ? String(c.version) : undefined);
            if (version === undefined) {
                say(`${c.paths.version} is not set, so EKS picks one and it drifts; pin one of ${supported.join(", ")}`);
                return;
            }
            const entry = KUBERNETES_VERSIONS[version];
            const asOf = config.asOf ?? today();
            if (entry === undefined) {
                say(`${c.paths.version} "${version}" is not a supported version; use one of ${supported.join(", ")}`);
            } else if (entry.endOfStandardSupport < asOf) {
                const newer = supported.filter((v) => KUBERNETES_VERSIONS[v].endOfStandardSupport >= asOf);
                say(`${c.paths.version} "${version}" left standard support on ${entry.endOfStandardSupport}; upgrade to ${newer.join(" or ") || "a newer version (update config/catalog.ts)"}`);
            }
        }),
});

/** FSBP EKS.3, CIS EKS 5.3.1: Kubernetes secrets are envelope-encrypted with a customer-managed key. */
export const secretsEncrypted = stackRule({
    name: "eks-secrets-encrypted",
    summary: "Each cluster envelope-encrypts Kubernetes secrets with a customer-managed KMS key.",
    controls: ["FSBP EKS.3", "CIS EKS 5.3.1"],
    severity: "high",
    validate: (stack, report) =>
        eachCluster(stack, report, (c, say) => {
            if (isUnknown(c.secretsKeyArn)) {
                return;
            }
            if (!isSet(c.secretsKeyArn)) {
                say(`${c.paths.secretsKeyArn} is not set: Kubernetes secrets are stored without envelope encryption; pass the ARN of a customer-managed KMS key`);
            } else if (String(c.secretsKeyArn).includes("alias/aws/")) {
                say(`${c.paths.secretsKeyArn} names an AWS managed key; use a customer-managed KMS key`);
            } else if (!isUnknown(c.encryptedResources) && !strings(c.encryptedResources).includes("secrets")) {
                say(`encryptionConfig.resources does not include "secrets"`);
            }
        }),
});

/** The five control-plane log types (CIS EKS 2.1.1 wants all of them; FSBP EKS.8 wants audit). */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** FSBP EKS.8, CIS EKS 2.1.1: every control-plane log type, audit above all, goes to CloudWatch Logs. */
export const controlPlaneLogging = stackRule({
    name: "eks-control-plane-logging",
    summary: "Each cluster sends all five control-plane log types (api, audit, authenticator, controllerManager, scheduler) to CloudWatch Logs.",
    controls: ["FSBP EKS.8", "CIS EKS 2.1.1"],
    severity: "medium",
    validate: (stack, report) =>
        eachCluster(stack, report, (c, say) => {
            if (isUnknown(c.logTypes)) {
                return;
            }
            const enabled = strings(c.logTypes);
            const missing = CONTROL_PLANE_LOG_TYPES.filter((t) => !enabled.includes(t));
            if (missing.length > 0) {
                const audit = missing.includes("audit") ? " (without audit logs, API activity cannot be reviewed)" : "";
                say(`${c.paths.logTypes} lacks ${missing.join(", ")}${audit}; enable all of ${CONTROL_PLANE_LOG_TYPES.join(", ")}`);
            }
        }),
});

/** CIS EKS 4.1.7: access is granted through EKS access entries, not the aws-auth ConfigMap. */
export const accessEntries = stackRule({
    name: "eks-access-entries",
    summary: "Each cluster authenticates through EKS access entries only (authenticationMode API), not the aws-auth ConfigMap.",
    controls: ["CIS EKS 4.1.7"],
    severity: "medium",
    validate: (stack, report) =>
        eachCluster(stack, report, (c, say) => {
            if (!isUnknown(c.authenticationMode) && c.authenticationMode !== "API") {
                say(`${c.paths.authenticationMode} is "${String(c.authenticationMode)}"; set it to "API" and grant access with access entries`);
            }
        }),
});

export const EKS_POLICIES: readonly PlatformPolicy[] = [endpointPrivate, supportedVersion, secretsEncrypted, controlPlaneLogging, accessEntries];
