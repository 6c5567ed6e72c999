import type { PodShape } from "../../lib/podSecurity";
import { AddonDefinition, HELM_KEEP, SYSTEM_NODES, controllerResources, irsaServiceAccount } from "./types";

/**
 * Each of its pods as the chart runs them: the controller, the webhook (with its certificate Secret) and
 * the cert controller, each with the chart's container `securityContext` (the same under `webhook` and
 * `certController`); `podSecurityContext` only holds the chart's own `enabled` switch.
 */
function externalSecretsPod(component: string, volumes: PodShape["spec"]["volumes"] = []): PodShape {
    const securityContext = {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: "RuntimeDefault" },
    };
    return { spec: { securityContext: {}, containers: [{ name: component, securityContext }], volumes } };
}

/** Secrets Manager prefix (below the stack's) holding secrets of the platform's own add-ons. */
export const PLATFORM_SECRETS_PATH = "platform";

/**
 * External Secrets Operator: copies Secrets Manager secrets into Kubernetes Secrets and keeps them fresh.
 * Its own role reads only the add-ons' secrets (`<stack prefix>/platform/*`), for the ClusterSecretStore;
 * each application namespace reads its own secrets through a SecretStore bound to its service account.
 */
export const externalSecrets: AddonDefinition = {
    name: "external-secrets",
    chart: "external-secrets",
    repository: "https://charts.external-secrets.io",
    version: "2.6.0",
    namespace: "external-secrets",
    pods: () => ({
        controller: externalSecretsPod("external-secrets"),
        webhook: externalSecretsPod("webhook", [{ name: "certs", secret: {} }]),
        certController: externalSecretsPod("cert-controller"),
    }),
    serviceAccount: "external-secrets",
    crds: { groups: ["external-secrets.io", "generators.external-secrets.io"], upgrade: "with-release" },
    policy: (f) => [
        {
            Sid: "ReadPlatformSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            Resource: `arn:${f.partition}:secretsmanager:${f.region}:${f.accountId}:secret:${f.secretPrefix}/${PLATFORM_SECRETS_PATH}/*`,
        },
        {
            Sid: "DecryptThroughSecretsManager",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: f.secretsKmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${f.region}.amazonaws.com` } },
        },
    ],
    values: (f) => ({
        // The chart renders its CRDs from templates (values.yaml: "install and upgrade CRDs through helm chart");
        // `crds.annotations` goes on each, and Helm's keep policy stops an uninstall deleting every ExternalSecret.
        installCRDs: true,
        crds: { annotations: HELM_KEEP },
        replicaCount: f.replicas,
        serviceAccount: irsaServiceAccount(f),
        nodeSelector: SYSTEM_NODES,
        resources: controllerResources("50m", "128Mi", "200m", "256Mi"),
        podDisruptionBudget: { enabled: f.replicas > 1, maxUnavailable: 1 },
        webhook: { replicaCount: f.replicas, nodeSelector: SYSTEM_NODES, resources: controllerResources("25m", "64Mi", "100m", "128Mi") },
        certController: { nodeSelector: SYSTEM_NODES, resources: controllerResources("25m", "64Mi", "100m", "128Mi") },
    }),
};
