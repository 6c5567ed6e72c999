import * as pulumi from "@pulumi/pulumi";

/**
 * Where the stack runs. Components build exact ARNs from it instead of granting `*`.
 */
export interface AwsContext {
    readonly accountId: pulumi.Input<string>;
    readonly region: pulumi.Input<string>;
    /** `aws`, `aws-cn` or `aws-us-gov`. */
    readonly partition: pulumi.Input<string>;
}
