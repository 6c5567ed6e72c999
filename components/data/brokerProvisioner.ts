import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { readSecretsStatements } from "../../lib/iam";
import { ALLOW_DNS_SPEC, DEFAULT_DENY_SPEC, toSubnets } from "../../lib/kubernetesSpecs";
import { IrsaRole } from "../security/irsaRole";
import { BrokerPermissions } from "./access";
import { CONSOLE_PORT } from "./broker";
import { BROKER_ADMIN_SECRET, BROKER_SCOPE, brokerCredentials, brokerProvisionJob } from "./brokerProvisioning";
import { provisionerAccount, provisionerNamespace, provisionerPolicy, provisionerSecret, provisionerSecretStore, versioned } from "./provisionerManifests";
import type { ClusterConnection } from "../cluster/connection";

export interface BrokerProvisionerArgs extends ClusterConnection {
    /**
     * Services that get a broker user: the secret of each one's login, the version of its value (a new one
     * re-runs the service's Job), the queues it uses and its permissions. Required.
     */
    readonly services: {
        readonly name: string;
        readonly secretArn: pulumi.Input<string>;
        readonly secretVersion: pulumi.Input<string>;
        readonly queues: readonly string[];
        readonly permissions: BrokerPermissions;
    }[];
    /** Base URL of the management API (Amazon MQ's console URL, port 443). Required. */
    readonly managementUrl: pulumi.Input<string>;
    /** The vhost of every service. Required. */
    readonly vhost: string;
    /** ARN of the broker admin's secret, which only this provisioner reads. Required. */
    readonly adminSecretArn: pulumi.Input<string>;
    /** ARN of the KMS key that encrypts the secrets read here. Required. */
    readonly secretsKmsKeyArn: pulumi.Input<string>;
    /** Region of Secrets Manager. Required. */
    readonly region: pulumi.Input<string>;
    /** Subnets of the broker, the only egress the jobs get besides DNS. Required. */
    readonly brokerCidrs: string[];
    /** The External Secrets release, which brings the CRDs used here. Required. */
    readonly externalSecrets: pulumi.Resource;
}

/**
 * Gives every service that uses the broker its own RabbitMQ user, limited to the queues it declares,
 * through one idempotent Job per service against the management API. The jobs run in their own namespace,
 * the only place the broker's admin login is materialised.
 */
export class BrokerProvisioner extends pulumi.ComponentResource {
    /** The provisioning job of each service, by service name; its workload waits for it. */
    public readonly jobs: Record<string, k8s.batch.v1.Job>;

    constructor(name: string, args: BrokerProvisionerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:BrokerProvisioner", name, {}, opts);
        const scope = BROKER_SCOPE;
        const k8sOpts = (...dependsOn: pulumi.Resource[]) => ({ parent: this, provider: args.provider, dependsOn });

        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, provisionerNamespace(scope), k8sOpts());
        const policy = (suffix: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
            new k8s.networking.v1.NetworkPolicy(`${name}-${suffix}`, provisionerPolicy(suffix, spec, scope), k8sOpts(ns));
        policy("default-deny", DEFAULT_DENY_SPEC);
        policy("allow-dns", ALLOW_DNS_SPEC);
        policy("allow-management-api", { podSelector: {}, policyTypes: ["Egress"], egress: [toSubnets(args.brokerCidrs, CONSOLE_PORT)] });

        const role = new IrsaRole(
            `${name}-irsa`,
            {
                oidcProviderArn: args.oidcProviderArn,
                oidcIssuerUrl: args.oidcIssuerUrl,
                namespace: scope.namespace,
                serviceAccount: scope.account,
                statements: pulumi
                    .all([args.adminSecretArn, pulumi.all(args.services.map((s) => s.secretArn)), args.secretsKmsKeyArn, args.region])
                    .apply(([admin, services, key, region]) => readSecretsStatements([admin, ...services], key, region)),
            },
            { parent: this },
        );
        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, provisionerAccount(role.roleArn, scope), k8sOpts(ns));
        const store = new k8s.apiextensions.CustomResource(`${name}-secret-store`, provisionerSecretStore(args.region, scope), k8sOpts(ns, sa, args.externalSecrets));
        const login = (suffix: string, target: pulumi.Input<string>, secretArn: pulumi.Input<string>, user: string, password: string, versionId?: pulumi.Input<string>) =>
            new k8s.apiextensions.CustomResource(
                `${name}-${suffix}`,
                provisionerSecret(
                    target,
                    [
                        { secretKey: user, key: secretArn, property: "username", versionId },
                        { secretKey: password, key: secretArn, property: "password", versionId },
                    ],
                    scope,
                ),
                k8sOpts(ns, store, args.externalSecrets),
            );
        const admin = login("admin-credentials", BROKER_ADMIN_SECRET, args.adminSecretArn, "ADMIN_USERNAME", "ADMIN_PASSWORD");

        this.jobs = {};
        for (const service of args.services) {
            const target = versioned(service.secretVersion, (v) => brokerCredentials(service.name, v));
            const credentials = login(`${service.name}-credentials`, target, service.secretArn, "SERVICE_USERNAME", "SERVICE_PASSWORD", service.secretVersion);
            const job = brokerProvisionJob({
                service: service.name,
                managementUrl: args.managementUrl,
                vhost: args.vhost,
                queues: service.queues,
                permissions: service.permissions,
                credentialsVersion: service.secretVersion,
            });
            this.jobs[service.name] = new k8s.batch.v1.Job(`${name}-${service.name}`, job, k8sOpts(ns, admin, credentials));
        }
        this.registerOutputs({});
    }
}
