import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement, awsManagedPolicyArn, irsaTrustPolicy, issuerHost, policyDocument, wildcardProblems } from "../../lib/iam";

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
}

/**
 * An IAM role that exactly one Kubernetes service account can assume through the cluster's OIDC
 * provider. Add-ons and application services both get their AWS permissions through this component.
 */
export class IrsaRole extends pulumi.ComponentResource {
    /** The role's ARN, resolved once its permissions are attached: whatever takes it waits for them. */
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:security:IrsaRole", name, {}, opts);

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `Assumed by ${args.namespace}/${args.serviceAccount} through IRSA`,
                assumeRolePolicy: pulumi
                    .all([args.oidcProviderArn, args.oidcIssuerUrl])
                    .apply(([arn, url]) => JSON.stringify(irsaTrustPolicy(arn, issuerHost(url), args.namespace, args.serviceAccount))),
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

        // Consumers get the ARN only once the permissions are attached, so each depends on them as well as on
        // the role: created after them, and destroyed before them. A controller deleting load balancers or
        // volumes on its way out still has the permissions to do so.
        this.roleArn = pulumi.all([role.arn, ...permissions.map((p) => p.id)]).apply(([arn]) => arn);
        this.roleName = role.name;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
