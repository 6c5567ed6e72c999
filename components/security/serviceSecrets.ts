import * as pulumi from "@pulumi/pulumi";
import type { DataStore } from "../data/endpoints";
import { GeneratedSecret } from "./generatedSecret";

export interface ServiceSecretsArgs {
    /** Prefix of every secret name, e.g. `platform/dev/api`. Required. */
    readonly namePrefix: string;
    /** Application secret names the service declares. Defaults to none. */
    readonly secretNames?: string[];
    /** Name of the service's own database role, whose credentials are generated. Defaults to none (no database credentials). */
    readonly databaseUser?: string;
    /** ARN of the customer-managed KMS key that encrypts the secrets. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Days a deleted secret can still be restored (0 deletes at once). Required. */
    readonly recoveryWindowInDays: number;
    /** Guards the secrets against deletion by Pulumi. Defaults to false. */
    readonly protect?: boolean;
}

/**
 * The Secrets Manager secrets one service owns: its declared application secrets, generated at first
 * deploy, and the credentials of its own database role. Everything lives under one name prefix so that
 * the service's IAM role can be granted exactly these.
 */
export class ServiceSecrets extends pulumi.ComponentResource {
    /** ARN of each application secret, by declared name. */
    public readonly appSecretArns: Record<string, pulumi.Output<string>>;
    /** ARN of the database credentials (`{ username, password }`), when the service uses the database. */
    public readonly databaseSecretArn?: pulumi.Output<string>;
    /** Version of the database credentials' value: a rotation changes it. */
    public readonly databaseSecretVersion?: pulumi.Output<string>;
    /** Name of the database credentials secret, which the database provisioning job reads. */
    public readonly databaseSecretName?: pulumi.Output<string>;
    /** The service's own credentials for each store it has them for (today the database). */
    public readonly storeSecretArns: Partial<Record<DataStore, pulumi.Output<string>>>;

    constructor(name: string, args: ServiceSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:security:ServiceSecrets", name, {}, opts);
        const common = { kmsKeyArn: args.kmsKeyArn, recoveryWindowInDays: args.recoveryWindowInDays, protect: args.protect ?? false };

        this.appSecretArns = {};
        this.storeSecretArns = {};
        for (const secret of args.secretNames ?? []) {
            const s = new GeneratedSecret(
                `${name}-${secret}`,
                { ...common, secretName: `${args.namePrefix}/app/${secret}`, description: `Application secret ${secret}`, length: 48, valueSetOutside: true },
                { parent: this },
            );
            this.appSecretArns[secret] = s.arn;
        }
        if (args.databaseUser !== undefined) {
            const username = args.databaseUser;
            const db = new GeneratedSecret(
                `${name}-database`,
                {
                    ...common,
                    secretName: `${args.namePrefix}/database`,
                    description: `Credentials of the database role ${username}`,
                    content: (password) => ({ username, password }),
                },
                { parent: this },
            );
            this.databaseSecretArn = db.arn;
            this.databaseSecretName = db.name;
            this.databaseSecretVersion = db.versionId;
            this.storeSecretArns.database = db.arn;
        }
        this.registerOutputs({ appSecretArns: this.appSecretArns, databaseSecretArn: this.databaseSecretArn });
    }
}
