import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AddonDefinition, AddonFacts } from "./index";
import { IrsaRole, PodIdentityTarget } from "../security/irsaRole";

export interface HelmAddonArgs {
    /** The add-on: chart, pinned version, namespace, values and policy. Required. */
    readonly definition: AddonDefinition;
    /** Facts the values and policy are built from; the role ARN is filled in here. Required. */
    readonly facts: pulumi.Input<Omit<AddonFacts, "roleArn">>;
    /** The cluster's Kubernetes provider. Required. */
    readonly provider: k8s.Provider;
    /** ARN of the cluster's IAM OIDC provider, for the add-on's IRSA role. Required for an add-on that calls AWS (has a policy). */
    readonly oidcProviderArn?: pulumi.Input<string>;
    /** Issuer URL of the cluster. Required for an add-on that calls AWS (has a policy). */
    readonly oidcIssuerUrl?: pulumi.Input<string>;
    /** The role the add-on's service account takes, when the caller builds it. Defaults to one built from the definition's policy. */
    readonly roleArn?: pulumi.Output<string>;
    /** Bind the add-on's role through EKS Pod Identity in this cluster instead of IRSA. Defaults to IRSA. */
    readonly podIdentity?: PodIdentityTarget;
    /** What the release must wait for (nodes, CRDs, secrets it reads). Defaults to nothing. */
    readonly dependsOn?: pulumi.Resource[];
    /** Seconds Helm waits for the release's resources to become ready. Defaults to 600. */
    readonly timeoutSeconds?: number;
}

/**
 * One add-on as a Helm release (`helm.v3.Release`): Helm itself installs, upgrades and rolls back the
 * chart, runs its hooks (which several of these charts rely on) and waits for readiness, so a resource
 * that depends on the release can rely on the add-on working. The namespace must already exist.
 */
export class HelmAddon extends pulumi.ComponentResource {
    public readonly release: k8s.HelmRelease;
    /** ARN of the add-on's IRSA role, when it calls AWS. */
    public readonly roleArn?: pulumi.Output<string>;

    constructor(name: string, args: HelmAddonArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:addons:HelmAddon", name, {}, opts);
        const def = args.definition;
        const timeout = args.timeoutSeconds ?? 600;

        let roleArn: pulumi.Output<string> | undefined = args.roleArn;
        if (roleArn === undefined && def.serviceAccount !== undefined && def.policy !== undefined) {
            const policy = def.policy;
            if (args.oidcProviderArn === undefined || args.oidcIssuerUrl === undefined) {
                throw new Error(`HelmAddon ${name}: ${def.name} calls AWS, so its IRSA role needs oidcProviderArn and oidcIssuerUrl`);
            }
            const role = new IrsaRole(
                `${name}-irsa`,
                {
                    oidcProviderArn: args.oidcProviderArn,
                    oidcIssuerUrl: args.oidcIssuerUrl,
                    namespace: def.namespace,
                    serviceAccount: def.serviceAccount,
                    statements: pulumi.output(args.facts).apply((f) => policy(f as AddonFacts)),
                    podIdentity: args.podIdentity,
                },
                { parent: this },
            );
            roleArn = role.roleArn;
        }

        // The values wait for the role either way; only IRSA puts its ARN on the service account.
        const annotate = args.podIdentity === undefined;
        const values = pulumi
            .all([args.facts, roleArn ?? ""])
            .apply(([facts, arn]) => def.values({ ...(facts as AddonFacts), roleArn: arn === "" || !annotate ? undefined : arn, serviceAccount: def.serviceAccount }));
        // A chart in an OCI registry is named by its full reference; Helm cannot look it up through a repository URL.
        const oci = def.chart.startsWith("oci://");

        this.release = new k8s.HelmRelease(
            `${name}-release`,
            {
                name: def.name,
                chart: def.chart,
                version: def.version,
                repositoryOpts: oci ? undefined : { repo: def.repository },
                skipCrds: def.skipCrds,
                namespace: def.namespace,
                createNamespace: false,
                values,
                timeout,
                cleanupOnFail: true,
                maxHistory: 5,
            },
            { parent: this, provider: args.provider, dependsOn: args.dependsOn },
        );
        this.roleArn = roleArn;
        this.registerOutputs({ status: this.release.status });
    }
}
