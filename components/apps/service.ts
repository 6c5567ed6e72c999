import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSettings } from "../../config/schema";
import { IrsaRole } from "../security/irsaRole";
import { readSecretsStatements } from "../../lib/iam";
import * as m from "./manifests";
import { ServiceSecretRefs, serviceWiring } from "./wiring";
import type { DataEndpoints } from "../data/endpoints";

/** Add-on releases a service's objects wait for; absent when the add-on is disabled. */
export interface ServiceAddons {
    /** Installs the ALB ingress controller; every object of the service depends on it, so destroy removes ALBs first. Defaults to none. */
    readonly loadBalancerController?: pulumi.Resource;
    /** Brings the SecretStore and ExternalSecret CRDs; required by a service that reads secrets. Defaults to none. */
    readonly externalSecrets?: pulumi.Resource;
    /** Brings the ServiceMonitor and PrometheusRule CRDs; without it the service gets no monitoring objects. Defaults to none. */
    readonly kubePrometheusStack?: pulumi.Resource;
    /** Brings the ScaledObject CRD, for a service that scales on a queue. Defaults to none. */
    readonly keda?: pulumi.Resource;
}

/** What every service of the stack is wired to alike: networks, ingress, monitoring and tracing. */
export type PlatformWiring = Omit<m.ServiceWiring, "roleArn" | "data" | "callees">;

export interface ServiceArgs {
    /** The catalog entry. Required. */
    readonly settings: ServiceSettings;
    /** Networks, ingress, monitoring and tracing settings the manifests refer to. Required. */
    readonly platform: PlatformWiring;
    /** The stack's data stores; the service is wired to those it uses. Required. */
    readonly endpoints: DataEndpoints;
    /** The services it calls, with the ports they serve (`calleesOf`). Required (empty when it calls none). */
    readonly callees: readonly m.Callee[];
    /** The secrets the service owns. Required. */
    readonly secrets: ServiceSecretRefs;
    /** KMS key that encrypts the service's secrets; its role may decrypt through Secrets Manager only. Required on AWS (without `secretValues`). */
    readonly secretsKmsKeyArn?: pulumi.Input<string>;
    /** ARN of the cluster's IAM OIDC provider, for the service's IRSA role. Required on AWS (without `secretValues`). */
    readonly oidcProviderArn?: pulumi.Input<string>;
    /** Issuer URL of the cluster. Required on AWS (without `secretValues`). */
    readonly oidcIssuerUrl?: pulumi.Input<string>;
    /**
     * A local stack's generated credentials, by the references `secrets` holds: the service's Secret is
     * written from them, with no IAM role and no External Secrets. Defaults to none (AWS).
     */
    readonly secretValues?: m.SecretValues;
    /** The cluster's Kubernetes provider. Required. */
    readonly provider: k8s.Provider;
    /** Add-on releases the service's objects wait for. Required (an add-on that is off is absent). */
    readonly addons: ServiceAddons;
    /** Resources the workload must wait for, such as its database provisioning job. Defaults to none. */
    readonly workloadDependsOn?: pulumi.Resource[];
}

/**
 * One catalog service: its namespace (Pod Security `restricted`, deny-by-default network policies), a
 * service account with an IRSA role reading exactly its own secrets, those secrets materialised by
 * External Secrets, its configuration, and its workload with autoscaling, a disruption budget,
 * monitoring and, when exposed, an ALB ingress.
 */
export class Service extends pulumi.ComponentResource {
    public readonly namespace: string;
    /** The service's IRSA role; absent on a local stack. */
    public readonly roleArn?: pulumi.Output<string>;

    constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:apps:Service", name, {}, opts);
        const svc = args.settings;
        const data = serviceWiring(svc, args.endpoints, args.secrets);
        const base = args.addons.loadBalancerController ? [args.addons.loadBalancerController] : [];
        const k8sOpts = (...dependsOn: (pulumi.Resource | undefined)[]): pulumi.CustomResourceOptions => ({
            parent: this,
            provider: args.provider,
            dependsOn: [...base, ...dependsOn.filter((d): d is pulumi.Resource => d !== undefined)],
        });

        const aws = args.secretValues === undefined ? awsIdentity(svc.name, args) : undefined;
        const role = aws && new IrsaRole(
            `${name}-irsa`,
            {
                oidcProviderArn: aws.oidcProviderArn,
                oidcIssuerUrl: aws.oidcIssuerUrl,
                namespace: svc.name,
                serviceAccount: svc.name,
                // AWS rejects a policy without statements, so a service with no secrets gets no policy at all.
                statements:
                    data.secretArns.length === 0
                        ? undefined
                        : pulumi
                              .all([pulumi.all(data.secretArns), aws.secretsKmsKeyArn, args.platform.region ?? ""])
                              .apply(([arns, key, region]) => readSecretsStatements(arns, key, region)),
            },
            { parent: this },
        );
        const w: m.ServiceWiring = { ...args.platform, data, callees: args.callees, roleArn: role?.roleArn };

        // Deleting the namespace deletes what controllers made in it (the LB controller's TargetGroupBindings,
        // the Secret External Secrets owns), so it goes before them: the LB controller is in every k8sOpts.
        const readsSecrets = m.secretKeys(w).length > 0;
        const external = readsSecrets && args.secretValues === undefined;
        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, m.namespace(svc), k8sOpts(external ? args.addons.externalSecrets : undefined));
        const inNs = (...more: (pulumi.Resource | undefined)[]) => k8sOpts(ns, ...more);

        for (const [policyName, policy] of Object.entries(m.networkPolicies(svc, w))) {
            new k8s.networking.v1.NetworkPolicy(`${name}-${policyName}`, policy, inNs());
        }
        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, m.serviceAccount(svc, w), inNs());
        const config = new k8s.core.v1.ConfigMap(`${name}-config`, m.configMap(svc, w), inNs());

        const waits: pulumi.Resource[] = [sa, config, ...(args.workloadDependsOn ?? [])];
        const dataFiles = m.dataFilesConfigMap(svc, w);
        if (dataFiles !== undefined) {
            waits.push(new k8s.core.v1.ConfigMap(`${name}-data-files`, dataFiles, inNs()));
        }
        if (readsSecrets && args.secretValues !== undefined) {
            waits.push(new k8s.core.v1.Secret(`${name}-secret`, m.kubernetesSecret(svc, w, args.secretValues), inNs()));
        } else if (readsSecrets) {
            if (!args.addons.externalSecrets) {
                throw new Error(`Service ${svc.name}: it reads secrets, which needs the External Secrets add-on`);
            }
            const store = new k8s.apiextensions.CustomResource(`${name}-secret-store`, m.secretStore(svc, w), inNs(args.addons.externalSecrets, sa));
            waits.push(
                new k8s.apiextensions.CustomResource(`${name}-external-secret`, m.externalSecret(svc, w), inNs(args.addons.externalSecrets, store)),
            );
        }

        if (svc.kind === "cron") {
            new k8s.batch.v1.CronJob(`${name}-cronjob`, m.cronJob(svc, w), inNs(...waits));
        } else {
            const autoscaled = m.isAutoscaled(svc, w.defaultReplicas);
            const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, m.deployment(svc, w), {
                ...inNs(...waits),
                // The autoscaler owns the replica count once the Deployment exists.
                ignoreChanges: autoscaled ? ["spec.replicas"] : [],
            });
            new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, m.podDisruptionBudget(svc), inNs(deployment));
            if (svc.queue !== undefined) {
                for (const [suffix, obj] of Object.entries(m.queueScaling(svc, w))) {
                    new k8s.apiextensions.CustomResource(`${name}-${suffix}`, obj, inNs(args.addons.keda, deployment));
                }
            } else if (autoscaled) {
                new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, m.horizontalPodAutoscaler(svc, w), inNs(deployment));
            }
            if (svc.kind === "web") {
                const service = new k8s.core.v1.Service(`${name}-service`, m.service(svc), inNs());
                const monitor = m.serviceMonitor(svc);
                if (args.addons.kubePrometheusStack && monitor !== undefined) {
                    new k8s.apiextensions.CustomResource(`${name}-service-monitor`, monitor, inNs(args.addons.kubePrometheusStack, service));
                }
                for (const [suffix, ingress] of Object.entries(m.ingresses(svc, w))) {
                    new k8s.networking.v1.Ingress(`${name}-${suffix}`, ingress, inNs(service));
                }
            }
        }

        if (args.addons.kubePrometheusStack) {
            new k8s.apiextensions.CustomResource(`${name}-alerts`, m.alertRules(svc), inNs(args.addons.kubePrometheusStack));
            new k8s.core.v1.ConfigMap(`${name}-dashboard`, m.dashboardConfigMap(svc), inNs());
        }

        this.namespace = svc.name;
        this.roleArn = role?.roleArn;
        this.registerOutputs({ namespace: this.namespace, roleArn: this.roleArn });
    }
}

/** The AWS arguments of a service without generated credentials: its IRSA role reads its secrets through Secrets Manager. */
function awsIdentity(service: string, args: ServiceArgs): { oidcProviderArn: pulumi.Input<string>; oidcIssuerUrl: pulumi.Input<string>; secretsKmsKeyArn: pulumi.Input<string> } {
    const { oidcProviderArn, oidcIssuerUrl, secretsKmsKeyArn } = args;
    if (oidcProviderArn === undefined || oidcIssuerUrl === undefined || secretsKmsKeyArn === undefined) {
        throw new Error(`Service ${service}: without secretValues (a local stack), oidcProviderArn, oidcIssuerUrl and secretsKmsKeyArn are required`);
    }
    return { oidcProviderArn, oidcIssuerUrl, secretsKmsKeyArn };
}
