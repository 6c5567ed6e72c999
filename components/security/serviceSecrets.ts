import * as pulumi from "@pulumi/pulumi";
import type { DataStore } from "../data/endpoints";
import { GeneratedSecret } from "./generatedSecret";

/** A service's own login to one store: the user name, and what else its secret holds beside the password. */
export interface StoreLogin {
    /** User name in the store. Required. */
    readonly username: string;
    /** More properties of the secret, built from the generated password (a URL with the login in it). Defaults to none. */
    readonly extra?: (password: pulumi.Output<string>) => Record<string, pulumi.Input<string>>;
}

export interface ServiceSecretsArgs {
    /** Prefix of every secret name, e.g. `platform/dev/services/api`. Required. */
    readonly namePrefix: string;
    /** Application secret names the service declares. Defaults to none. */
    readonly secretNames?: string[];
    /** The service's own login to each store it uses, whose password is generated. Defaults to none. */
    readonly storeLogins?: Partial<Record<DataStore, StoreLogin>>;
    /** ARN of the customer-managed KMS key that encrypts the secrets. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Days a deleted secret can still be restored (0 deletes at once). Required. */
    readonly recoveryWindowInDays: number;
    /** Guards the secrets against deletion by Pulumi. Defaults to false. */
    readonly protect?: boolean;
}

/**
 * The Secrets Manager secrets one service owns: its declared application secrets, generated at first
 * deploy, and its own login to each store it uses (`<prefix>/<store>`: `{ username, password, … }`).
 * Everything lives under one name prefix so that the service's IAM role can be granted exactly these.
 */
export class ServiceSecrets extends pulumi.ComponentResource {
    /** ARN of each application secret, by declared name. */
    public readonly appSecretArns: Record<string, pulumi.Output<string>>;
    /** ARN of the service's login to each store it uses. */
    public readonly storeSecretArns: Partial<Record<DataStore, pulumi.Output<string>>>;
    /** Version of each login's value: a rotation changes it. */
    public readonly storeSecretVersions: Partial<Record<DataStore, pulumi.Output<string>>>;
    /** Each login's password, marked secret, for the stores that are told it (ElastiCache users). */
    public readonly storePasswords: Partial<Record<DataStore, pulumi.Output<string>>>;
    /** ARN of the database login (`{ username, password }`), when the service uses the database. */
    public readonly databaseSecretArn?: pulumi.Output<string>;

    constructor(name: string, args: ServiceSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:security:ServiceSecrets", name, {}, opts);
        const common = { kmsKeyArn: args.kmsKeyArn, recoveryWindowInDays: args.recoveryWindowInDays, protect: args.protect ?? false };

        this.appSecretArns = {};
        this.storeSecretArns = {};
        this.storeSecretVersions = {};
        this.storePasswords = {};
        for (const secret of args.secretNames ?? []) {
            const s = new GeneratedSecret(
                `${name}-${secret}`,
                { ...common, secretName: `${args.namePrefix}/app/${secret}`, description: `Application secret ${secret}`, length: 48, valueSetOutside: true },
                { parent: this },
            );
            this.appSecretArns[secret] = s.arn;
        }
        for (const [store, login] of Object.entries(args.storeLogins ?? {}) as [DataStore, StoreLogin][]) {
            const s = new GeneratedSecret(
                `${name}-${store}`,
                {
                    ...common,
                    secretName: `${args.namePrefix}/${store}`,
                    description: `Login ${login.username} of the service to the ${store}`,
                    content: (password) => ({ username: login.username, password, ...(login.extra?.(password) ?? {}) }),
                },
                { parent: this },
            );
            this.storeSecretArns[store] = s.arn;
            this.storeSecretVersions[store] = s.versionId;
            this.storePasswords[store] = s.value;
        }
        this.databaseSecretArn = this.storeSecretArns.database;
        this.registerOutputs({ appSecretArns: this.appSecretArns, storeSecretArns: this.storeSecretArns });
    }
}
