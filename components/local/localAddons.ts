import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { AddonsSettings } from "../../config/schema";
import { AddonDefinition, AddonFacts, addonNamespaceLevel } from "../addons/types";
import { GRAFANA_ADMIN_SECRET } from "../addons/kubePrometheusStack";
import type { PodSecurityLevel } from "../../lib/podSecurity";
import { LOCAL_ADDONS, LOCAL_PLATFORM_ADDONS } from "./addons";
import { HelmAddon } from "../addons/helmAddon";
import { RABBITMQ_OPERATOR_MANIFESTS } from "./charts";

/** Keys of the add-ons a local stack may switch in `platform:addons`. */
export type LocalAddonKey = keyof typeof LOCAL_ADDONS;

export interface LocalAddonsArgs {
    /** Which shared add-ons to install and with how many replicas. Required. */
    readonly addons: Pick<AddonsSettings, LocalAddonKey>;
    /** Install the RabbitMQ cluster and topology operators (the broker is on). Required. */
    readonly rabbitmqOperators: boolean;
    /** The cluster's Kubernetes provider. Required. */
    readonly provider: k8s.Provider;
}

/** Name of the ClusterIssuer that signs the local ingress certificates. */
export const LOCAL_CLUSTER_ISSUER = "local-selfsigned";

/** The facts the shared add-on values read, as a laptop cluster has them: no AWS, no HA. */
export function localAddonFacts(replicas: number, monitoring: boolean): AddonFacts {
    return {
        clusterName: "local",
        region: "",
        accountId: "",
        partition: "",
        vpcId: "",
        kubernetesVersion: "",
        replicas,
        highlyAvailable: false,
        secretPrefix: "",
        secretsKmsKeyArn: "",
        containerLogGroup: "",
        logRetentionDays: 1,
        slackChannel: "",
        monitoring,
    };
}

/**
 * The add-ons of a local stack as Helm releases, each in a namespace of its own whose Pod Security level is
 * the strictest its pods pass: Traefik and the CloudNativePG operator always, the shared add-ons as
 * configured; cert-manager's self-signed ClusterIssuer; Grafana's generated admin login; and the RabbitMQ
 * operators from their pinned release manifests.
 */
export class LocalAddons extends pulumi.ComponentResource {
    /** Installed releases by add-on key. */
    public readonly releases: Partial<Record<LocalAddonKey | keyof typeof LOCAL_PLATFORM_ADDONS, k8s.HelmRelease>>;
    /** The RabbitMQ operators' installs, which bring their CRDs. */
    public readonly rabbitmqOperators: pulumi.Resource[];
    /** The ClusterIssuer, once it exists. */
    public readonly clusterIssuer?: pulumi.Resource;

    constructor(name: string, args: LocalAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:local:Addons", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const monitoring = args.addons.kubePrometheusStack.enabled;
        const installed: [string, AddonDefinition, number][] = [
            ...(Object.entries(LOCAL_PLATFORM_ADDONS) as [string, AddonDefinition][]).map(([k, def]): [string, AddonDefinition, number] => [k, def, 1]),
            ...(Object.keys(LOCAL_ADDONS) as LocalAddonKey[]).filter((k) => args.addons[k].enabled).map((k): [string, AddonDefinition, number] => [k, LOCAL_ADDONS[k], args.addons[k].replicas]),
        ];

        const namespaces: Record<string, k8s.core.v1.Namespace> = {};
        for (const ns of [...new Set(installed.map(([, def]) => def.namespace))].filter((n) => n !== "kube-system")) {
            const level: PodSecurityLevel = addonNamespaceLevel(installed.filter(([, def]) => def.namespace === ns).map(([, def]) => def), { highlyAvailable: false });
            namespaces[ns] = new k8s.core.v1.Namespace(`${name}-ns-${ns}`, { metadata: { name: ns, labels: { "pod-security.kubernetes.io/enforce": level, "pod-security.kubernetes.io/warn": level } } }, k8sOpts);
        }
        const extra: pulumi.Resource[] = [];
        if (monitoring) {
            const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this });
            extra.push(
                new k8s.core.v1.Secret(
                    `${name}-grafana-admin`,
                    { metadata: { name: GRAFANA_ADMIN_SECRET, namespace: LOCAL_ADDONS.kubePrometheusStack.namespace }, stringData: { "admin-user": "admin", "admin-password": pulumi.secret(password.result) } },
                    { ...k8sOpts, dependsOn: [namespaces[LOCAL_ADDONS.kubePrometheusStack.namespace]] },
                ),
            );
        }

        this.releases = {};
        for (const [key, def, replicas] of installed) {
            const ns = namespaces[def.namespace];
            this.releases[key as LocalAddonKey] = new HelmAddon(
                `${name}-${def.name}`,
                { definition: def, facts: localAddonFacts(replicas, monitoring), provider: args.provider, dependsOn: [...(ns ? [ns] : []), ...(key === "kubePrometheusStack" ? extra : [])] },
                { parent: this },
            ).release;
        }

        const certManager = this.releases.certManager;
        if (certManager) {
            this.clusterIssuer = new k8s.apiextensions.CustomResource(
                `${name}-cluster-issuer`,
                { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: LOCAL_CLUSTER_ISSUER }, spec: { selfSigned: {} } },
                { ...k8sOpts, dependsOn: [certManager] },
            );
        }
        this.rabbitmqOperators = [];
        if (args.rabbitmqOperators) {
            if (!certManager) {
                throw new Error(`LocalAddons ${name}: the RabbitMQ topology operator needs cert-manager for its webhook certificate`);
            }
            // Release manifests, fetched by the Kubernetes provider at deploy time from their pinned URLs.
            const cluster = new k8s.YamlConfigFile(`${name}-rabbitmq-cluster-operator`, { file: RABBITMQ_OPERATOR_MANIFESTS.cluster }, k8sOpts);
            const topology = new k8s.YamlConfigFile(`${name}-rabbitmq-topology-operator`, { file: RABBITMQ_OPERATOR_MANIFESTS.topology }, { ...k8sOpts, dependsOn: [cluster, certManager] });
            this.rabbitmqOperators.push(cluster, topology);
        }
        this.registerOutputs({});
    }
}
