import type * as eks from "@pulumi/eks";
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterSettings } from "../../config/schema";

/**
 * Who may use the cluster, as EKS access entries: pure data, so that a test can read every grant without
 * building anything. The identity that creates the cluster gets no implicit grant (see
 * {@link withoutCreatorAdmin}); the role that deploys gets an explicit entry like everyone else.
 */

/** Key of the deploying role's entry; pulumi-eks names the entry's resources after it. */
export const DEPLOYER_ENTRY = "deployer";

export interface AccessGrants {
    /** The role `pulumi up` runs as: cluster admin, since it applies every Kubernetes object of the stack. */
    readonly deployRoleArn: string;
    /** Roles of people with cluster admin. */
    readonly adminRoleArns: readonly string[];
    /**
     * Roles that read every object, Secrets included, and change nothing: the preview and drift workflows'.
     * A refresh reads each object and each Helm release, whose state Helm keeps in Secrets of the release's
     * namespace; a preview's server-side dry-run patch needs `patch`, which Kubernetes authorizes like a real
     * one, so the Kubernetes provider falls back to a client-side diff for these roles.
     */
    readonly readOnlyRoleArns: readonly string[];
    /** Teams with edit or view access to some namespaces. */
    readonly teams: ClusterSettings["teams"];
}

/** The ARN of an EKS access policy by name, e.g. `AmazonEKSClusterAdminPolicy` (it depends on the partition). */
export type AccessPolicyArn = (policy: string) => pulumi.Input<string>;

/** The entries by key. Keys are stable (role name, team name), so adding one never renames another. */
export function accessEntries(grants: AccessGrants, policyArn: AccessPolicyArn): Record<string, eks.types.input.AccessEntryArgs> {
    const admin = (principalArn: string): eks.types.input.AccessEntryArgs => ({
        principalArn,
        type: "STANDARD",
        accessPolicies: { clusterAdmin: { policyArn: policyArn("AmazonEKSClusterAdminPolicy"), accessScope: { type: "cluster" } } },
    });
    const entries: Record<string, eks.types.input.AccessEntryArgs> = { [DEPLOYER_ENTRY]: admin(grants.deployRoleArn) };
    for (const principalArn of grants.adminRoleArns) {
        entries[`admin-${principalArn.split("/").pop()}`] = admin(principalArn);
    }
    // AmazonEKSViewPolicy leaves Secrets out, and with them Helm's release records: AmazonEKSAdminViewPolicy reads both.
    for (const principalArn of grants.readOnlyRoleArns) {
        entries[`reader-${principalArn.split("/").pop()}`] = {
            principalArn,
            type: "STANDARD",
            accessPolicies: { adminView: { policyArn: policyArn("AmazonEKSAdminViewPolicy"), accessScope: { type: "cluster" } } },
        };
    }
    // AmazonEKSEditPolicy or AmazonEKSViewPolicy, scoped to the team's namespaces.
    for (const team of grants.teams) {
        entries[`team-${team.name}`] = {
            principalArn: team.roleArn,
            type: "STANDARD",
            accessPolicies: {
                [team.access]: {
                    policyArn: policyArn(`AmazonEKS${team.access === "edit" ? "Edit" : "View"}Policy`),
                    accessScope: { type: "namespace", namespaces: [...team.namespaces] },
                },
            },
        };
    }
    return entries;
}

/**
 * Resource transform for the `eks.Cluster` component: the `aws:eks/cluster:Cluster` it creates inside its
 * provider sets `accessConfig.bootstrapClusterCreatorAdminPermissions: true` (pulumi-eks
 * `nodejs/eks/cluster/cluster.ts`, `createCore`) and `@pulumi/eks` 4.3.0 has no argument for it. Left on,
 * the creator is a cluster admin that no access entry shows, for the cluster's whole life; EKS reads the
 * setting only when it creates the cluster. pulumi-eks ignores later changes to the field, so applying
 * this to an existing cluster replaces nothing. Every other resource passes through unchanged.
 */
export const withoutCreatorAdmin: pulumi.ResourceTransform = (args) => {
    if (args.type !== "aws:eks/cluster:Cluster") {
        return undefined;
    }
    const accessConfig = (args.props.accessConfig ?? {}) as Record<string, unknown>;
    return { props: { ...args.props, accessConfig: { ...accessConfig, bootstrapClusterCreatorAdminPermissions: false } }, opts: args.opts };
};
