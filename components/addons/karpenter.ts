import { AddonDefinition, HELM_KEEP, SYSTEM_NODES, controllerResources, irsaServiceAccount } from "./types";

/** Karpenter's OCI registry (karpenter.sh docs, "Getting Started": `oci://public.ecr.aws/karpenter/karpenter`). */
const REGISTRY = "oci://public.ecr.aws/karpenter";
const VERSION = "1.14.1";

/**
 * Karpenter's CRDs (NodePool, NodeClaim, EC2NodeClass) as a release of their own: the karpenter chart keeps
 * them in `crds/`, which Helm installs once and never upgrades, while the karpenter-crd chart renders them
 * from templates, so every upgrade of the pinned version applies them. Helm keeps them on uninstall: deleting
 * the NodePool CRD would delete every NodePool and, through them, every node Karpenter launched.
 */
export const karpenterCrd: AddonDefinition = {
    name: "karpenter-crd",
    chart: `${REGISTRY}/karpenter-crd`,
    repository: REGISTRY,
    version: VERSION,
    namespace: "kube-system",
    crds: { groups: ["karpenter.sh", "karpenter.k8s.aws"], upgrade: "with-release" },
    // Only CustomResourceDefinitions: no pods.
    pods: () => ({}),
    values: () => ({ additionalAnnotations: HELM_KEEP }),
};

/**
 * Karpenter's controller, on the system node group: it launches nodes for the apps NodePool, consolidates
 * them, and drains nodes EC2 is about to take back (the interruption queue). Its CRDs come from
 * {@link karpenterCrd}, so this release skips its own copy.
 */
export const karpenter: AddonDefinition = {
    name: "karpenter",
    chart: `${REGISTRY}/karpenter`,
    repository: REGISTRY,
    version: VERSION,
    namespace: "kube-system",
    // The pod context is the chart's `podSecurityContext` (values.yaml 1.14.1); the container's is fixed in its
    // deployment template (non-root, no escalation, all capabilities dropped, read-only root) and no volumes.
    pods: () => ({
        controller: {
            spec: {
                securityContext: { fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                    {
                        name: "controller",
                        securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                    },
                ],
            },
        },
    }),
    serviceAccount: "karpenter",
    skipCrds: true,
    values: (f) => {
        if (f.interruptionQueue === undefined) {
            throw new Error("karpenter: the interruption queue's name is required");
        }
        return {
            // The chart's required anti-affinity spreads replicas over nodes; more replicas than system nodes stay pending.
            replicas: f.replicas,
            serviceAccount: irsaServiceAccount(f),
            nodeSelector: SYSTEM_NODES,
            controller: {
                // Given explicitly: pods cannot read the region from instance metadata (IMDS hop limit 1).
                env: [{ name: "AWS_REGION", value: f.region }],
                resources: controllerResources("100m", "256Mi", "500m", "512Mi"),
            },
            settings: { clusterName: f.clusterName, interruptionQueue: f.interruptionQueue },
        };
    },
};
