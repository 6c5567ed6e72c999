import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "../kubernetes";

/** What a component needs to put objects in the cluster and give its pods IAM roles (IRSA). */
export interface ClusterConnection {
    /** The cluster's Kubernetes provider. Required. */
    readonly provider: k8s.Provider;
    /** ARN of the cluster's IAM OIDC provider. Required. */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** Issuer URL of the cluster. Required. */
    readonly oidcIssuerUrl: pulumi.Input<string>;
}
