import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NodeGroupSettings } from "../../config/schema";
import { nodePoolSpec, plannedNodes } from "./nodePools";

/** Name of the IngressClass (and its IngressClassParams) that Auto Mode's load balancing serves. */
export const AUTO_MODE_INGRESS_CLASS = "platform-alb";

/** The ConfigMap through which Auto Mode's network policy controller is switched on. */
export const NETWORK_POLICY_CONFIG_MAP = "amazon-vpc-cni";

/** NodePool names: the built-in `system` pool keeps its name, so the platform's own pool takes another. */
export const AUTO_MODE_POOLS = { system: "platform-system", apps: "apps" } as const;

export interface AutoModeComputeArgs {
    /** Settings of the platform's system pool and the applications' pool. Required. */
    readonly nodeGroups: { readonly system: NodeGroupSettings; readonly apps: NodeGroupSettings };
    /** Required. */
    readonly architecture: string;
    /** The cluster's Kubernetes provider. Required. */
    readonly provider: k8s.Provider;
    /** The shared ALB: its scheme and the group every Ingress joins. Required. */
    readonly ingress: { readonly scheme: string; readonly group: string };
    /** The cluster's name, so that the objects wait for the cluster. Required. */
    readonly clusterName: pulumi.Input<string>;
}

/**
 * What the platform adds to EKS Auto Mode: the switch that makes it enforce NetworkPolicies, NodePools for its
 * controllers and its applications on Auto Mode's `default` NodeClass (nodes labelled by node group, as the
 * managed node groups' are), and the IngressClass through which Auto Mode builds the shared ALB. Auto Mode
 * takes the ALB group from the IngressClassParams: it ignores `alb.ingress.kubernetes.io/group.name` on
 * Ingresses (EKS user guide, auto-configure-alb).
 */
export class AutoModeCompute extends pulumi.ComponentResource {
    /** The pool of the platform's controllers: add-ons wait for it. */
    public readonly systemPool: pulumi.Resource;
    /** The applications' pool: workloads wait for it. */
    public readonly appsPool: pulumi.Resource;
    public readonly ingressClass: pulumi.Resource;
    /** The switch that makes Auto Mode enforce NetworkPolicies. */
    public readonly networkPolicyController: pulumi.Resource;

    constructor(name: string, args: AutoModeComputeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:AutoModeCompute", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const labels = { "platform.io/cluster": args.clusterName };

        // Auto Mode enforces NetworkPolicies only once its network policy controller is switched on (EKS user
        // guide, "Use Network Policies with EKS Auto Mode", step 1); until then the platform's default-deny and
        // per-service policies would be accepted and ignored. Its default NodeClass allows what no policy
        // selects, as Kubernetes does. No node (so no pod) comes up before the switch is on.
        this.networkPolicyController = new k8s.core.v1.ConfigMap(
            `${name}-network-policy-controller`,
            { metadata: { name: NETWORK_POLICY_CONFIG_MAP, namespace: "kube-system", labels }, data: { "enable-network-policy-controller": "true" } },
            k8sOpts,
        );

        const [systemPool, appsPool] = (["system", "apps"] as const).map(
            (group) =>
                new k8s.apiextensions.CustomResource(
                    `${name}-${group}-pool`,
                    {
                        apiVersion: "karpenter.sh/v1",
                        kind: "NodePool",
                        metadata: { name: AUTO_MODE_POOLS[group], labels, annotations: plannedNodes(args.nodeGroups[group]) },
                        spec: nodePoolSpec({
                            group,
                            settings: args.nodeGroups[group],
                            architecture: args.architecture,
                            nodeClassRef: { group: "eks.amazonaws.com", kind: "NodeClass", name: "default" },
                        }),
                    },
                    { ...k8sOpts, dependsOn: [this.networkPolicyController] },
                ),
        );

        this.systemPool = systemPool;
        this.appsPool = appsPool;
        const params = new k8s.apiextensions.CustomResource(
            `${name}-ingress-params`,
            {
                apiVersion: "eks.amazonaws.com/v1",
                kind: "IngressClassParams",
                metadata: { name: AUTO_MODE_INGRESS_CLASS, labels },
                spec: { scheme: args.ingress.scheme, group: { name: args.ingress.group } },
            },
            k8sOpts,
        );
        this.ingressClass = new k8s.networking.v1.IngressClass(
            `${name}-ingress-class`,
            {
                metadata: { name: AUTO_MODE_INGRESS_CLASS, labels },
                spec: {
                    controller: "eks.amazonaws.com/alb",
                    parameters: { apiGroup: "eks.amazonaws.com", kind: "IngressClassParams", name: AUTO_MODE_INGRESS_CLASS },
                },
            },
            { ...k8sOpts, dependsOn: [params] },
        );
        this.registerOutputs({});
    }
}
