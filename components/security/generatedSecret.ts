import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface GeneratedSecretArgs {
    /** Secrets Manager name, a path such as `platform/dev/cache/auth`. Required: consumers look it up. */
    readonly secretName: string;
    /** Human description stored with the secret. Required. */
    readonly description: string;
    /** ARN of the customer-managed KMS key that encrypts the secret. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Days a deleted secret can still be restored (0 deletes at once). Required. */
    readonly recoveryWindowInDays: number;
    /** Length of the generated value. Defaults to 32. */
    readonly length?: number;
    /**
     * Builds the stored JSON from the generated value, e.g. `(p) => ({ username: "app", password: p })`.
     * Defaults to `{ value: <generated> }`.
     */
    readonly content?: (generated: pulumi.Output<string>) => pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Guards the secret against deletion by Pulumi. Defaults to false. */
    readonly protect?: boolean;
    /**
     * The generated value is only the first one: people write the real value to Secrets Manager and Pulumi
     * never puts the generated one back. Defaults to false (Pulumi owns the value).
     */
    readonly valueSetOutside?: boolean;
}

/**
 * A Secrets Manager secret holding a value generated at first deploy. The value lives only in Pulumi's
 * encrypted state and in Secrets Manager; it is never in config or in source. Generated values use
 * letters and digits only, which every consumer here (RDS, ElastiCache auth tokens, Amazon MQ) accepts.
 */
export class GeneratedSecret extends pulumi.ComponentResource {
    public readonly arn: pulumi.Output<string>;
    public readonly name: pulumi.Output<string>;
    /** Secrets Manager's ID of the value Pulumi wrote; a new value (a rotation) gets a new one. */
    public readonly versionId: pulumi.Output<string>;
    /** The generated value, marked secret. Pass it only to inputs that need it (an auth token, a user). */
    public readonly value: pulumi.Output<string>;

    constructor(name: string, args: GeneratedSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:security:GeneratedSecret", name, {}, opts);
        const length = args.length ?? 32;
        const protect = args.protect ?? false;
        const content = args.content ?? ((v: pulumi.Output<string>) => ({ value: v }));

        const generated = new random.RandomPassword(`${name}-value`, { length, special: false }, { parent: this });
        const secret = new aws.secretsmanager.Secret(
            `${name}-secret`,
            {
                name: args.secretName,
                description: args.description,
                kmsKeyId: args.kmsKeyArn,
                recoveryWindowInDays: args.recoveryWindowInDays,
            },
            { parent: this, protect },
        );
        const version = new aws.secretsmanager.SecretVersion(
            `${name}-version`,
            {
                secretId: secret.id,
                secretString: pulumi.secret(pulumi.output(content(generated.result)).apply((c) => JSON.stringify(c))),
            },
            { parent: this, ignoreChanges: args.valueSetOutside ? ["secretString"] : [] },
        );

        this.arn = secret.arn;
        this.name = secret.name;
        this.versionId = version.versionId;
        this.value = pulumi.secret(generated.result);
        this.registerOutputs({ arn: this.arn, name: this.name });
    }
}
