import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The Kubernetes vocabulary the platform shares: the labels and annotations its parts agree on, the
 * restricted security contexts, the deny-by-default network policies and the External Secrets objects
 * that read Secrets Manager. One definition each, so that every namespace is isolated, every pod is
 * confined and every secret is fetched the same way.
 */

type Input<T> = pulumi.Input<T>;

/** Label every node carries, naming its group: `system` for add-ons, `apps` for applications. */
export const NODE_GROUP_LABEL = "platform.io/node-group";
/** Namespaces of tenants (catalog services, the database jobs) carry it; policies require each to deny by default. */
export const TENANT_LABEL = "platform.io/tenant";
/** Names the catalog service an object belongs to or acts for; on a service's namespace, the policy pack reads it to judge the service's IAM role. */
export const SERVICE_LABEL = "platform.io/service";
/** Service-account annotation naming the IAM role its pods assume through IRSA. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/** Node selector that keeps pods on one node group. */
export function onNodeGroup(group: "system" | "apps"): Record<string, string> {
    return { [NODE_GROUP_LABEL]: group };
}

/** Annotations binding a service account to an IAM role. */
export function irsaAnnotations(roleArn: Input<string>): Record<string, Input<string>> {
    return { [IRSA_ROLE_ANNOTATION]: roleArn };
}

/** Pod security context of the restricted Pod Security level: a fixed numeric user (so the kubelet can verify non-root) and the runtime's seccomp profile. */
export function restrictedPodSecurity(uid: number, options: { readonly fsGroup?: boolean } = {}): k8s.types.input.core.v1.PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: uid,
        ...(options.fsGroup === true ? { fsGroup: uid } : {}),
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Container security context of the restricted level, with a read-only root filesystem. */
export function restrictedContainerSecurity(): k8s.types.input.core.v1.SecurityContext {
    return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } };
}

/** Denies all traffic in and out of every pod of the namespace; other policies then open what is needed. */
export const DEFAULT_DENY_SPEC: k8s.types.input.networking.v1.NetworkPolicySpec = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };

/** Pods selected by labels in the namespace of that name. */
export function podsIn(namespace: string, labels: Record<string, string>): k8s.types.input.networking.v1.NetworkPolicyPeer {
    return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } }, podSelector: { matchLabels: labels } };
}

/** Egress to one TCP port on any address of some subnets. */
export function toSubnets(cidrs: readonly string[], port: Input<number>): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
    return { to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port }] };
}

/**
 * The cluster DNS address when EKS picks the service range itself, which this program lets it do: the tenth
 * address of 10.100.0.0/16 or of 172.20.0.0/16, whichever does not overlap the VPC (EKS user guide,
 * "Create a cluster", service IPv4 range; CoreDNS's Service takes the .10 address).
 */
export const EKS_CLUSTER_DNS_ADDRESSES = ["10.100.0.10", "172.20.0.10"] as const;

/** Which of {@link EKS_CLUSTER_DNS_ADDRESSES} a cluster gets: EKS takes 172.20.0.0/16 for a VPC inside 10.0.0.0/8, else 10.100.0.0/16. */
export function clusterDnsAddress(vpcCidr: string): string {
    return vpcCidr.startsWith("10.") ? EKS_CLUSTER_DNS_ADDRESSES[1] : EKS_CLUSTER_DNS_ADDRESSES[0];
}

/**
 * Lets every pod of the namespace resolve names through the cluster DNS: CoreDNS's pods in kube-system, and
 * the cluster DNS address itself, where EKS Auto Mode answers on each node instead of running CoreDNS pods
 * (a NetworkPolicy peer that selects pods then matches nothing: aws/containers-roadmap#2552, #2546). Elsewhere
 * CoreDNS's pods answer behind that address, so the extra peers open nothing beyond port 53 of the
 * cluster's own DNS.
 */
export const ALLOW_DNS_SPEC: k8s.types.input.networking.v1.NetworkPolicySpec = {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [
        {
            to: [podsIn("kube-system", { "k8s-app": "kube-dns" }), ...EKS_CLUSTER_DNS_ADDRESSES.map((ip) => ({ ipBlock: { cidr: `${ip}/32` } }))],
            ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
        },
    ],
};

/** Annotation that makes Pulumi wait until an ExternalSecret has produced its Secret. */
export const WAIT_FOR_READY = { "pulumi.com/waitFor": "condition=Ready" };

/** A SecretStore reading Secrets Manager as the named service account, through its IRSA role. */
export function secretStoreSpec(region: Input<string>, serviceAccount: string): Record<string, unknown> {
    return { provider: { aws: { service: "SecretsManager", region, auth: { jwt: { serviceAccountRef: { name: serviceAccount } } } } } };
}

/** Where an ExternalSecret's values come from: named properties of secrets, or every property of one. */
export type SecretSource =
    | { readonly data: { readonly secretKey: string; readonly key: Input<string>; readonly property: string }[] }
    | { readonly extract: Input<string> };

/** An ExternalSecret spec refreshing `target` hourly from the store; the Secret is owned by External Secrets. */
export function externalSecretSpec(
    store: { readonly kind: "SecretStore" | "ClusterSecretStore"; readonly name: string },
    target: Input<string>,
    source: SecretSource,
    template?: Record<string, unknown>,
): Record<string, unknown> {
    return {
        refreshInterval: "1h",
        secretStoreRef: store,
        target: { name: target, creationPolicy: "Owner", ...(template ? { template } : {}) },
        ...("data" in source
            ? { data: source.data.map((d) => ({ secretKey: d.secretKey, remoteRef: { key: d.key, property: d.property } })) }
            : { dataFrom: [{ extract: { key: source.extract } }] }),
    };
}
