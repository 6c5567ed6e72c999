import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { cacheAccessString, cacheUser } from "../data/access";
import { APP_LABEL } from "../apps/manifests";
import { podsIn } from "../../lib/kubernetesSpecs";
import { LOCAL_NAMESPACES, VALKEY_POD_LABELS, VALKEY_PORT, VALKEY_RELEASE } from "./stores";
import { VALKEY_CHART } from "./charts";

export interface LocalCacheArgs {
    /** Password of each cache-using service's user, by service name. Required (empty when none uses the cache). */
    readonly passwords: Readonly<Record<string, pulumi.Input<string>>>;
    /** The cluster's Kubernetes provider. Required. */
    readonly provider: k8s.Provider;
    /** The namespace the release goes into. Required. */
    readonly namespace: k8s.core.v1.Namespace;
}

/** Name of the Secret holding every Valkey user's password under the user's name (the chart's `auth.usersExistingSecret`). */
export const VALKEY_USERS_SECRET = "valkey-users";

/**
 * The ACL users of the local Valkey (the chart's `auth.aclUsers`): one per service, limited to its key
 * prefix and channels as its ElastiCache user is on AWS, and `default`, which the chart requires and its
 * probes use, allowed nothing but PING. The ACL line's leading `on` comes from the chart, so the rules
 * here are the access string less it.
 */
export function valkeyAclUsers(services: readonly string[]): Record<string, { permissions: string }> {
    const users: Record<string, { permissions: string }> = { default: { permissions: "-@all +ping" } };
    for (const service of services) {
        users[cacheUser(service)] = { permissions: cacheAccessString(service).replace(/^on /, "") };
    }
    return users;
}

/**
 * Valkey in the cluster for a local stack (valkey-io/valkey-helm, pinned), auth on, one ACL user per
 * cache-using service, no persistence (a cache). Only cache-using services' pods reach it on 6379.
 */
export class LocalCache extends pulumi.ComponentResource {
    public readonly release: k8s.HelmRelease;

    constructor(name: string, args: LocalCacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:local:Cache", name, {}, opts);
        const ns = LOCAL_NAMESPACES.cache;
        const k8sOpts = { parent: this, provider: args.provider, dependsOn: [args.namespace] };
        const services = Object.keys(args.passwords).sort();
        const probe = new random.RandomPassword(`${name}-default`, { length: 32, special: false }, { parent: this });
        const users = new k8s.core.v1.Secret(
            `${name}-users`,
            {
                metadata: { name: VALKEY_USERS_SECRET, namespace: ns },
                stringData: Object.fromEntries(Object.entries({ ...args.passwords, default: probe.result }).map(([user, password]) => [user, pulumi.secret(password)])),
            },
            k8sOpts,
        );
        this.release = new k8s.HelmRelease(
            `${name}-release`,
            {
                name: VALKEY_RELEASE,
                chart: VALKEY_CHART.chart,
                version: VALKEY_CHART.version,
                repositoryOpts: { repo: VALKEY_CHART.repository },
                namespace: ns,
                createNamespace: false,
                values: {
                    auth: { enabled: true, usersExistingSecret: VALKEY_USERS_SECRET, aclUsers: valkeyAclUsers(services) },
                    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                },
                timeout: 600,
                cleanupOnFail: true,
                maxHistory: 5,
            },
            { ...k8sOpts, dependsOn: [args.namespace, users] },
        );
        new k8s.networking.v1.NetworkPolicy(
            `${name}-clients`,
            {
                metadata: { name: "valkey-clients", namespace: ns },
                spec: {
                    podSelector: { matchLabels: VALKEY_POD_LABELS },
                    policyTypes: ["Ingress"],
                    ingress: services.length === 0 ? [] : [{ from: services.map((s) => podsIn(s, { [APP_LABEL]: s })), ports: [{ protocol: "TCP", port: VALKEY_PORT }] }],
                },
            },
            k8sOpts,
        );
        this.registerOutputs({});
    }
}
