import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DataStore } from "../data/endpoints";
import type { ServiceSecretRefs } from "../apps/wiring";
import type { SecretValues } from "../apps/manifests";
import { localAmqpUrl, localServiceSecrets } from "./stores";

export interface LocalServiceSecretsArgs {
    /** The service's name. Required. */
    readonly service: string;
    /** The stores it uses, each of which gets a login of its own. Defaults to none. */
    readonly stores?: readonly DataStore[];
    /** Application secrets it declares. Defaults to none. */
    readonly secretNames?: readonly string[];
}

/**
 * A local stack's secrets of one service: a password generated at first deploy for its login to each store
 * and for each application secret. Values live only in Pulumi's encrypted state and in Kubernetes Secrets,
 * never in config; letters and digits only, as on AWS.
 */
export class LocalServiceSecrets extends pulumi.ComponentResource {
    /** The references the service's wiring reads, as AWS ARNs are read. */
    public readonly refs: ServiceSecretRefs;
    /** The values behind the references, marked secret. */
    public readonly values: SecretValues;
    /** Each store login's password, marked secret, for the store that is told it. */
    public readonly passwords: Partial<Record<DataStore, pulumi.Output<string>>>;

    constructor(name: string, args: LocalServiceSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:local:ServiceSecrets", name, {}, opts);
        const generate = (suffix: string) => pulumi.secret(new random.RandomPassword(`${name}-${suffix}`, { length: 32, special: false }, { parent: this }).result);
        this.passwords = Object.fromEntries((args.stores ?? []).map((store) => [store, generate(store)]));
        const apps = Object.fromEntries((args.secretNames ?? []).map((secret) => [secret, generate(`app-${secret}`)]));
        const built = localServiceSecrets({ name: args.service }, { stores: this.passwords, apps }, (user, password) =>
            pulumi.secret(pulumi.output(password).apply((p) => localAmqpUrl(user, p))),
        );
        this.refs = built.refs;
        this.values = built.values;
        this.registerOutputs({});
    }
}
