import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../network/awsContext";

/** The data each key protects. One key per purpose keeps a grant on one from reaching the others. */
export const KEY_PURPOSES = ["eks", "database", "cache", "secrets", "logs"] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

export interface EncryptionArgs {
    /** Prefix of the key aliases, e.g. `platform-dev` gives `alias/platform-dev-eks`. Required. */
    readonly aliasPrefix: string;
    /** Waiting period before a scheduled key deletion completes, 7–30 days. Required. */
    readonly deletionWindowInDays: number;
    /** Account and region, for the key policy that lets CloudWatch Logs use the logs key. Required. */
    readonly aws: AwsContext;
    /** Guards the keys against deletion by Pulumi (`protect`). Defaults to false. */
    readonly protect?: boolean;
}

/**
 * Customer-managed KMS keys with yearly automatic rotation, one per purpose: EKS secret envelope
 * encryption, RDS storage, ElastiCache storage, Secrets Manager and CloudWatch Logs.
 */
export class Encryption extends pulumi.ComponentResource {
    /** Key ARNs by purpose. */
    public readonly keyArns: Record<KeyPurpose, pulumi.Output<string>>;

    constructor(name: string, args: EncryptionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:security:Encryption", name, {}, opts);

        const protect = args.protect ?? false;
        const keyArns = {} as Record<KeyPurpose, pulumi.Output<string>>;
        for (const purpose of KEY_PURPOSES) {
            const key = new aws.kms.Key(
                `${name}-${purpose}`,
                {
                    description: `${args.aliasPrefix}: ${purpose} encryption`,
                    enableKeyRotation: true,
                    deletionWindowInDays: args.deletionWindowInDays,
                    policy: keyPolicy(purpose, args.aws),
                },
                { parent: this, protect },
            );
            new aws.kms.Alias(`${name}-${purpose}`, { name: `alias/${args.aliasPrefix}-${purpose}`, targetKeyId: key.keyId }, { parent: this });
            keyArns[purpose] = key.arn;
        }
        this.keyArns = keyArns;
        this.registerOutputs({ keyArns });
    }
}

/**
 * The account administers every key through IAM, as the default key policy does. The logs key also lets
 * the CloudWatch Logs service encrypt log groups of this account and region, which needs a key-policy
 * grant because Logs calls KMS as itself.
 */
function keyPolicy(purpose: KeyPurpose, ctx: AwsContext): pulumi.Output<string> {
    return pulumi.all([ctx.accountId, ctx.region, ctx.partition]).apply(([account, region, partition]) => {
        const statements: object[] = [
            {
                Sid: "AccountAdministersThroughIam",
                Effect: "Allow",
                Principal: { AWS: `arn:${partition}:iam::${account}:root` },
                Action: "kms:*",
                Resource: "*",
            },
        ];
        if (purpose === "logs") {
            statements.push({
                Sid: "CloudWatchLogsUse",
                Effect: "Allow",
                Principal: { Service: `logs.${region}.amazonaws.com` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: {
                    ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:*` },
                },
            });
        }
        return JSON.stringify({ Version: "2012-10-17", Statement: statements });
    });
}
