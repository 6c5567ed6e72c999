import * as pulumi from "@pulumi/pulumi";

/**
 * Specs that several parts of the platform put into their namespaces: the deny-by-default network
 * policies, and the External Secrets objects that read Secrets Manager. One definition each, so that
 * every namespace is isolated, and every secret is fetched, the same way.
 */

/** Denies all traffic in and out of every pod of the namespace; other policies then open what is needed. */
export const DEFAULT_DENY_SPEC = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };

/** Pods selected by labels in the namespace of that name. */
export function podsIn(namespace: string, labels: Record<string, string>): Record<string, unknown> {
    return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } }, podSelector: { matchLabels: labels } };
}

/** Egress to one TCP port on any address of some subnets. */
export function toSubnets(cidrs: readonly string[], port: number): { to: { ipBlock: { cidr: string } }[]; ports: { protocol: string; port: number }[] } {
    return { to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port }] };
}

/** Lets every pod of the namespace resolve names through the cluster DNS (CoreDNS in kube-system). */
export const ALLOW_DNS_SPEC = {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [{ to: [podsIn("kube-system", { "k8s-app": "kube-dns" })], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }],
};

/** Annotation that makes Pulumi wait until an ExternalSecret has produced its Secret. */
export const WAIT_FOR_READY = { "pulumi.com/waitFor": "condition=Ready" };

/** A SecretStore reading Secrets Manager as the named service account, through its IRSA role. */
export function secretStoreSpec(region: pulumi.Input<string>, serviceAccount: string): Record<string, unknown> {
    return { provider: { aws: { service: "SecretsManager", region, auth: { jwt: { serviceAccountRef: { name: serviceAccount } } } } } };
}

/** Where an ExternalSecret's values come from: named properties of secrets, or every property of one. */
export type SecretSource =
    | { readonly data: { readonly secretKey: string; readonly key: pulumi.Input<string>; readonly property: string }[] }
    | { readonly extract: pulumi.Input<string> };

/** An ExternalSecret spec refreshing `target` hourly from the store; the Secret is owned by External Secrets. */
export function externalSecretSpec(
    store: { readonly kind: "SecretStore" | "ClusterSecretStore"; readonly name: string },
    target: string,
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
