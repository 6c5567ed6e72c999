import * as aws from "../aws";
import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ComputeMode } from "../../config/catalog";
import type { AddonsSettings } from "../../config/schema";
import type { PodIdentityTarget } from "../security/irsaRole";
import { ADDONS, AddonDefinition, AddonFacts, AddonKey, addonNamespaceLevel } from "./index";
import { PLATFORM_SECRETS_PATH } from "./externalSecrets";
import { GRAFANA_ADMIN_SECRET, SLACK_WEBHOOK_SECRET } from "./kubePrometheusStack";
import { platformRuleGroups, prometheusRule } from "../observability/alertRules";
import { GeneratedSecret } from "../security/generatedSecret";
import { HelmAddon } from "./helmAddon";
import { externalSecretSpec } from "../../lib/kubernetesSpecs";

/** Name of the ClusterSecretStore that add-on namespaces read platform secrets through. */
export const CLUSTER_SECRET_STORE = "platform-secrets";

/** The facts that are the same for every add-on of the stack. */
type StackFacts = Omit<AddonFacts, "roleArn" | "replicas" | "containerLogGroup" | "monitoring">;

export interface PlatformAddonsArgs {
    /** Which add-ons to install and with how many replicas. Required. */
    readonly addons: AddonsSettings;
    /**
     * Who runs the nodes. Cluster Autoscaler is installed only for managed node groups (Karpenter or Auto Mode
     * scale the others), the Load Balancer Controller not under Auto Mode, whose own load balancing builds
     * the ALB. Defaults to nodeGroups.
     */
    readonly compute?: ComputeMode;
    /** Bind the add-ons' roles through EKS Pod Identity in this cluster instead of IRSA. Defaults to IRSA. */
    readonly podIdentity?: PodIdentityTarget;
    /** Stack facts shared by every add-on (replicas and role are filled in per add-on). Required. */
    readonly facts: { readonly [K in keyof StackFacts]: pulumi.Input<StackFacts[K]> };
    /** The cluster's Kubernetes provider. Required. */
    readonly provider: k8s.Provider;
    /** ARN of the cluster's IAM OIDC provider, for the add-ons' IRSA roles. Required. */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** Issuer URL of the cluster. Required. */
    readonly oidcIssuerUrl: pulumi.Input<string>;
    /** Node groups and core add-ons: releases wait for them so that their pods can schedule. Required. */
    readonly clusterReady: pulumi.Resource[];
    /** Name of the container log group, created here with retention and the logs key. Required. */
    readonly containerLogGroupName: string;
    /** KMS key that encrypts the container log group. Required. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** KMS key that encrypts the add-ons' secrets. Required. */
    readonly secretsKmsKeyArn: pulumi.Input<string>;
    /** Secrets Manager prefix of the stack, e.g. `platform/dev`. Required. */
    readonly secretPrefix: string;
    /** Slack channel for alerts; empty for none. Defaults to none. */
    readonly slackChannel?: string;
    /** Days a deleted add-on secret can still be restored (0 deletes at once). Required. */
    readonly secretRecoveryWindowInDays: number;
    /** Guards the add-ons' secrets against deletion by Pulumi. Defaults to false. */
    readonly protect?: boolean;
}

/**
 * The cluster add-ons, installed as Helm releases once nodes exist, with what they need around them:
 * their namespaces, the container log group, Grafana's admin secret, and the ClusterSecretStore through
 * which add-on namespaces read platform secrets.
 */
export class PlatformAddons extends pulumi.ComponentResource {
    /** Installed releases by add-on key; custom resources depend on the release that brings their CRDs. */
    public readonly releases: Partial<Record<AddonKey, k8s.HelmRelease>>;
    public readonly namespaces: Record<string, k8s.core.v1.Namespace>;

    constructor(name: string, args: PlatformAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:addons:PlatformAddons", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const compute = args.compute ?? "nodeGroups";
        const replacedByCompute: Partial<Record<AddonKey, boolean>> = { clusterAutoscaler: compute !== "nodeGroups", loadBalancerController: compute === "autoMode" };
        const enabled = (key: AddonKey) => args.addons[key].enabled && replacedByCompute[key] !== true;
        const slackChannel = args.slackChannel ?? "";

        // A namespace is deleted after everything Pulumi made in it and before what its leftovers need: the
        // claims of StatefulSets (Prometheus, Alertmanager) need the EBS CSI driver, ExternalSecrets need
        // External Secrets. So every namespace waits for the cluster's core add-ons, and `needs` adds more.
        this.namespaces = {};
        const namespaceOf = (def: AddonDefinition, needs: pulumi.Resource[] = []) => {
            const ns = def.namespace;
            if (ns === "kube-system") {
                return undefined;
            }
            if (this.namespaces[ns] && needs.length > 0) {
                throw new Error(`PlatformAddons ${name}: namespace ${ns} was created before what it needs was known`);
            }
            if (!this.namespaces[ns]) {
                const inNamespace = (Object.keys(ADDONS) as AddonKey[]).filter((k) => enabled(k) && ADDONS[k].namespace === ns).map((k) => ADDONS[k]);
                const level = pulumi.output(args.facts.highlyAvailable).apply((highlyAvailable) => addonNamespaceLevel(inNamespace, { highlyAvailable }));
                this.namespaces[ns] = new k8s.core.v1.Namespace(
                    `${name}-ns-${ns}`,
                    {
                        metadata: {
                            name: ns,
                            labels: {
                                "pod-security.kubernetes.io/enforce": level,
                                "pod-security.kubernetes.io/warn": "restricted",
                                "platform.io/managed-by": "platform",
                            },
                        },
                    },
                    { ...k8sOpts, dependsOn: [...args.clusterReady, ...needs] },
                );
            }
            return this.namespaces[ns];
        };

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-container-logs`,
            { name: args.containerLogGroupName, retentionInDays: pulumi.output(args.facts).logRetentionDays, kmsKeyId: args.logsKmsKeyArn },
            { parent: this },
        );

        this.releases = {};
        const install = (key: AddonKey, dependsOn: pulumi.Resource[] = []) => {
            if (!enabled(key)) {
                return undefined;
            }
            const def = ADDONS[key];
            const ns = namespaceOf(def);
            const facts = pulumi
                .output(args.facts)
                .apply((f) => ({ ...f, replicas: args.addons[key].replicas, containerLogGroup: args.containerLogGroupName, monitoring: enabled("kubePrometheusStack") }));
            const addon = new HelmAddon(
                `${name}-${def.name}`,
                {
                    definition: def,
                    facts,
                    provider: args.provider,
                    oidcProviderArn: args.oidcProviderArn,
                    oidcIssuerUrl: args.oidcIssuerUrl,
                    podIdentity: args.podIdentity,
                    dependsOn: [...args.clusterReady, ...(ns ? [ns] : []), ...dependsOn],
                },
                { parent: this },
            );
            this.releases[key] = addon.release;
            return addon.release;
        };

        install("loadBalancerController");
        const eso = install("externalSecrets");
        install("metricsServer");
        install("clusterAutoscaler");
        install("certManager");
        install("fluentBit", [logGroup]);
        install("openTelemetryCollector");

        let monitoringSecrets: pulumi.Resource[] = [];
        if (eso) {
            new k8s.apiextensions.CustomResource(
                `${name}-cluster-secret-store`,
                {
                    apiVersion: "external-secrets.io/v1",
                    kind: "ClusterSecretStore",
                    metadata: { name: CLUSTER_SECRET_STORE },
                    spec: {
                        provider: { aws: { service: "SecretsManager", region: pulumi.output(args.facts).region } },
                        // Only the platform's own namespaces may read platform secrets.
                        conditions: [{ namespaces: ["monitoring"] }],
                    },
                },
                { ...k8sOpts, dependsOn: [eso] },
            );
            if (enabled("kubePrometheusStack")) {
                const monitoring = namespaceOf(ADDONS.kubePrometheusStack, [eso]) as k8s.core.v1.Namespace;
                const fromPlatformSecret = (resource: string, target: string, secretName: pulumi.Input<string>) =>
                    new k8s.apiextensions.CustomResource(
                        `${name}-${resource}`,
                        {
                            apiVersion: "external-secrets.io/v1",
                            kind: "ExternalSecret",
                            metadata: { name: target, namespace: "monitoring" },
                            spec: externalSecretSpec({ kind: "ClusterSecretStore", name: CLUSTER_SECRET_STORE }, target, { extract: secretName }),
                        },
                        { ...k8sOpts, dependsOn: [eso, monitoring] },
                    );
                const admin = new GeneratedSecret(
                    `${name}-grafana-admin`,
                    {
                        secretName: `${args.secretPrefix}/${PLATFORM_SECRETS_PATH}/grafana-admin`,
                        description: "Grafana admin login",
                        kmsKeyArn: args.secretsKmsKeyArn,
                        recoveryWindowInDays: args.secretRecoveryWindowInDays,
                        protect: args.protect,
                        content: (password) => ({ "admin-user": "admin", "admin-password": password }),
                    },
                    { parent: this },
                );
                monitoringSecrets = [fromPlatformSecret("grafana-admin", GRAFANA_ADMIN_SECRET, admin.name)];
                if (slackChannel !== "") {
                    // The webhook URL is a credential people paste in; the generated value is only a placeholder.
                    const webhook = new GeneratedSecret(
                        `${name}-alertmanager-slack`,
                        {
                            secretName: `${args.secretPrefix}/${PLATFORM_SECRETS_PATH}/alertmanager-slack`,
                            description: `Slack incoming-webhook URL for ${slackChannel}; set {"url": "https://hooks.slack.com/..."}`,
                            kmsKeyArn: args.secretsKmsKeyArn,
                            recoveryWindowInDays: args.secretRecoveryWindowInDays,
                            protect: args.protect,
                            valueSetOutside: true,
                            content: (placeholder) => ({ url: placeholder }),
                        },
                        { parent: this },
                    );
                    monitoringSecrets.push(fromPlatformSecret("alertmanager-slack", SLACK_WEBHOOK_SECRET, webhook.name));
                }
            }
        }
        const prometheus = install("kubePrometheusStack", monitoringSecrets);
        // KEDA's chart creates a ServiceMonitor when monitoring is on, so it waits for that CRD.
        install("keda", prometheus ? [prometheus] : []);
        if (prometheus) {
            new k8s.apiextensions.CustomResource(
                `${name}-platform-alerts`,
                prometheusRule("platform-alerts", "monitoring", platformRuleGroups(), { "app.kubernetes.io/part-of": "platform" }),
                { ...k8sOpts, dependsOn: [prometheus] },
            );
        }

        this.registerOutputs({});
    }
}
