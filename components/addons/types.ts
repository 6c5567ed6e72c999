import type { PolicyStatement } from "../../lib/iam";
import { PodSecurityLevel, PodShape, levelAdmittingAll } from "../../lib/podSecurity";
import { irsaAnnotations, onNodeGroup } from "../../lib/kubernetesSpecs";

/** Plain facts about the stack that add-on values and policies are built from. */
export interface AddonFacts {
    readonly clusterName: string;
    readonly region: string;
    readonly accountId: string;
    readonly partition: string;
    readonly vpcId: string;
    readonly kubernetesVersion: string;
    /** Replicas of the add-on's controller (from config). */
    readonly replicas: number;
    /** Spread and persist as in prod (more replicas, persistent storage). */
    readonly highlyAvailable: boolean;
    /** IAM role of the add-on's service account, when it has one. */
    readonly roleArn?: string;
    /** The add-on's service account (its definition's), when it has one. */
    readonly serviceAccount?: string;
    /** Secrets Manager prefix of the stack, e.g. `platform/dev`. */
    readonly secretPrefix: string;
    readonly secretsKmsKeyArn: string;
    /** Log group that container logs are shipped to. */
    readonly containerLogGroup: string;
    readonly logRetentionDays: number;
    /** Slack channel Alertmanager posts to; empty for none. */
    readonly slackChannel: string;
    /** kube-prometheus-stack is installed, so charts may create ServiceMonitors. */
    readonly monitoring: boolean;
    /** Name of Karpenter's interruption queue, for Karpenter's chart. */
    readonly interruptionQueue?: string;
}

/** Annotation that makes Helm leave an object in place when it uninstalls (or replaces) the release. */
export const HELM_KEEP = { "helm.sh/resource-policy": "keep" } as const;

/**
 * How a chart's CustomResourceDefinitions live, apart from the release: deleting a CRD deletes every object
 * of its kinds (and, through owner references, what those own, such as the Secrets of ExternalSecrets), so no
 * release change may remove them, and a `pulumi destroy` leaves them to go with the cluster.
 */
export interface CrdLifecycle {
    /** API groups of the CRDs (at least those whose kinds the platform creates); such objects wait for the release. */
    readonly groups: readonly string[];
    /**
     * `with-release`: rendered from the chart's templates, so every upgrade of the pinned version applies them,
     * and annotated so that Helm keeps them on uninstall. `by-hand`: in the chart's `crds/` folder, which Helm
     * installs once and never upgrades or deletes; the README's runbook applies them before a version change.
     */
    readonly upgrade: "with-release" | "by-hand";
    /** For `by-hand`: where the chart keeps them, and the chart version they were last applied from. */
    readonly byHand?: { readonly folder: string; readonly appliedFor: string };
}
/** The facts that change which pods an add-on runs. */
export type PodFacts = Pick<AddonFacts, "highlyAvailable">;

/**
 * Everything that defines one Helm add-on. Values and the IAM policy are pure functions of
 * {@link AddonFacts}, so each can be tested without building anything.
 */
export interface AddonDefinition {
    /** Helm release name; also the key of the add-on in `platform:addons`. */
    readonly name: string;
    /** Chart name in its repository, or the full `oci://` reference of a chart published to an OCI registry. */
    readonly chart: string;
    /** Helm repository URL, or the OCI registry path the chart reference starts with. */
    readonly repository: string;
    /** Exact chart version: a range would let a preview and the following `up` install different charts. */
    readonly version: string;
    readonly namespace: string;
    /**
     * The pods the chart runs with these values, by name, as Pod Security sees them: host namespaces and
     * ports, volumes, privileged containers, capabilities and security contexts, taken from the chart's
     * templates and values. The Pod Security level of the add-on's namespace is the strictest that admits
     * them all (`levelAdmittingAll`), so what a chart needs is stated here and nowhere else.
     */
    readonly pods: (facts: PodFacts) => Readonly<Record<string, PodShape>>;
    /** Service account the chart creates and that the IRSA role is bound to, when the add-on calls AWS. */
    readonly serviceAccount?: string;
    /** How the chart's CRDs are installed, upgraded and kept, when it has any. */
    readonly crds?: CrdLifecycle;
    /** Skip the chart's `crds/` folder because a separate CRD chart manages them. Defaults to false. */
    readonly skipCrds?: boolean;
    /** Exact-ARN permissions of the service account. */
    readonly policy?: (facts: AddonFacts) => PolicyStatement[];
    readonly values: (facts: AddonFacts) => Record<string, unknown>;
}

/**
 * The Pod Security level a namespace of add-ons enforces: the strictest that admits every pod of every
 * add-on installed in it, so that it admits exactly what they need.
 */
export function addonNamespaceLevel(addons: readonly AddonDefinition[], facts: PodFacts): PodSecurityLevel {
    return levelAdmittingAll(addons.flatMap((a) => Object.values(a.pods(facts))));
}

/** Node selector keeping add-ons on the system node group. */
export const SYSTEM_NODES = onNodeGroup("system");

/**
 * Chart values for the add-on's service account: created by the chart, and annotated with its role for IRSA.
 * Under EKS Pod Identity the role reaches the pods through an association instead, and `roleArn` is unset.
 */
export function irsaServiceAccount(f: AddonFacts): Record<string, unknown> {
    return { create: true, name: f.serviceAccount, ...(f.roleArn !== undefined ? { annotations: irsaAnnotations(f.roleArn) } : {}) };
}

/** Requests and limits for a small controller. */
export function controllerResources(cpu: string, memory: string, cpuLimit = cpu, memoryLimit = memory): Record<string, unknown> {
    return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}
