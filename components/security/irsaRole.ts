import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement, awsManagedPolicyArn, irsaTrustPolicy, issuerHost, podIdentityTrustPolicy, policyDocument, wildcardProblems } from "../../lib/iam";

/** The cluster a Pod Identity association lives in, and the account whose EKS Auth may assume the role. */
export interface PodIdentityTarget {
    readonly clusterName: pulumi.Input<string>;
    readonly clusterArn: pulumi.Input<string>;
    readonly accountId: pulumi.Input<string>;
}

export interface IrsaRoleArgs {
    /** ARN of the cluster's IAM OIDC provider. Required. */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** Issuer URL of the cluster (`https://oidc.eks.<region>.amazonaws.com/id/<id>`). Required. */
    readonly oidcIssuerUrl: pulumi.Input<string>;
    /** Kubernetes namespace of the service account. Required. */
    readonly namespace: string;
    /** Name of the service account. Required. */
    readonly serviceAccount: string;
    /** Inline permissions, naming exact ARNs. Defaults to none. */
    readonly statements?: pulumi.Input<PolicyStatement[]>;
    /** AWS-managed policies to attach, by path below `policy/` (e.g. `AmazonEKS_CNI_Policy`), for add-ons whose vendor publishes one. Defaults to none. */
    readonly awsManagedPolicies?: { readonly partition: pulumi.Input<string>; readonly paths: string[] };
    /** Bind the role through EKS Pod Identity in this cluster instead of IRSA. Defaults to IRSA. */
    readonly podIdentity?: PodIdentityTarget;
}

/**
 * An IAM role that exactly one Kubernetes service account can assume: through the cluster's OIDC provider
 * (IRSA, the service account annotated with the role), or through EKS Pod Identity (an association in the
 * cluster, no annotation). Add-ons and application services both get their AWS permissions through this
 * component.
 */
export class IrsaRole extends pulumi.ComponentResource {
    /** The role's ARN, resolved once its permissions are attached: whatever takes it waits for them. */
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:security:IrsaRole", name, {}, opts);

        const pod = args.podIdentity;
        const trust = pod
            ? pulumi.all([pod.accountId, pod.clusterArn]).apply(([account, cluster]) => podIdentityTrustPolicy(account, cluster, args.namespace, args.serviceAccount))
            : pulumi.all([args.oidcProviderArn, args.oidcIssuerUrl]).apply(([arn, url]) => irsaTrustPolicy(arn, issuerHost(url), args.namespace, args.serviceAccount));
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `Assumed by ${args.namespace}/${args.serviceAccount} through ${pod ? "EKS Pod Identity" : "IRSA"}`,
                assumeRolePolicy: trust.apply((t) => JSON.stringify(t)),
            },
            { parent: this },
        );

        const permissions: pulumi.CustomResource[] = [];
        if (args.statements !== undefined) {
            const policy = new aws.iam.RolePolicy(
                `${name}-policy`,
                {
                    role: role.name,
                    policy: pulumi.output(args.statements).apply((statements) => {
                        const problems = wildcardProblems(statements);
                        if (problems.length > 0) {
                            throw new Error(`IRSA role ${name}: ${problems.join("; ")}`);
                        }
                        return JSON.stringify(policyDocument(statements));
                    }),
                },
                { parent: this },
            );
            permissions.push(policy);
        }
        if (args.awsManagedPolicies !== undefined) {
            const { partition, paths } = args.awsManagedPolicies;
            for (const path of paths) {
                permissions.push(
                    new aws.iam.RolePolicyAttachment(`${name}-${path.split("/").pop()}`, { role: role.name, policyArn: awsManagedPolicyArn(partition, path) }, { parent: this }),
                );
            }
        }

        if (pod) {
            permissions.push(
                new aws.eks.PodIdentityAssociation(
                    `${name}-association`,
                    { clusterName: pod.clusterName, namespace: args.namespace, serviceAccount: args.serviceAccount, roleArn: role.arn },
                    { parent: this },
                ),
            );
        }

        // Consumers get the ARN only once the permissions (and the association) exist, so each depends on them as well as on
        // the role: created after them, and destroyed before them. A controller deleting load balancers or
        // volumes on its way out still has the permissions to do so.
        this.roleArn = pulumi.all([role.arn, ...permissions.map((p) => p.id)]).apply(([arn]) => arn);
        this.roleName = role.name;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
