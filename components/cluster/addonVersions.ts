/**
 * Versions of the EKS managed add-ons per Kubernetes minor. Changing `platform:cluster.version` moves each
 * add-on to its entry for the new minor in the same `pulumi up`, after the control plane.
 *
 * Pinned figures come from the EKS user guide's version tables ("CoreDNS versions" and "kube-proxy versions",
 * the EKS add-on type; docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-coredns.md and
 * managing-kube-proxy.md, newest captures found; see the project's eks-addon-versions reference). They are
 * "at least this new": the authoritative list is `aws eks describe-addon-versions --addon-name <name>
 * --kubernetes-version <minor>`.
 *
 * Add-ons without a published per-minor table (the VPC CNI, the EBS CSI driver, the Pod Identity agent) are
 * not guessed: their version is EKS's own default for the minor, read through `aws.eks.getAddonVersion`
 * (`mostRecent: false`) when the program runs, so it still follows the cluster from minor to minor.
 */

/** The EKS managed add-ons the platform installs, by EKS add-on name. */
export const MANAGED_ADDONS = ["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver", "eks-pod-identity-agent"] as const;
export type ManagedAddon = (typeof MANAGED_ADDONS)[number];

/** Pinned versions by add-on and Kubernetes minor; an add-on missing here takes EKS's default for the minor. */
export const PINNED_ADDON_VERSIONS: Readonly<Partial<Record<ManagedAddon, Readonly<Record<string, string>>>>> = {
    coredns: { "1.33": "v1.12.4-eksbuild.18", "1.34": "v1.13.2-eksbuild.11", "1.35": "v1.14.3-eksbuild.3" },
    "kube-proxy": { "1.33": "v1.33.10-eksbuild.13", "1.34": "v1.34.6-eksbuild.13", "1.35": "v1.35.3-eksbuild.13" },
};

/** How an add-on's version is chosen for a minor: a pinned version, or EKS's default for that minor. */
export type AddonVersionChoice = { readonly pinned: string } | { readonly eksDefaultFor: string };

/**
 * The version choice for one add-on on one minor. An add-on that has a pinned table must list the minor:
 * falling back to EKS's default there would silently stop pinning it.
 */
export function addonVersionChoice(addon: ManagedAddon, minor: string): AddonVersionChoice {
    const table = PINNED_ADDON_VERSIONS[addon];
    if (table === undefined) {
        return { eksDefaultFor: minor };
    }
    const pinned = table[minor];
    if (pinned === undefined) {
        throw new Error(`EKS add-on ${addon}: no pinned version for Kubernetes ${minor}; known: ${Object.keys(table).join(", ")} (components/cluster/addonVersions.ts)`);
    }
    return { pinned };
}
