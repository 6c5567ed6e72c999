import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_LABEL, onNodeGroup, restrictedContainerSecurity, restrictedPodSecurity } from "../../lib/kubernetesSpecs";
import { BrokerPermissions } from "./access";
import { ProvisionerScope, versioned, versionSuffix } from "./provisionerManifests";

/**
 * The broker's provisioning Job: as the broker's admin, through the RabbitMQ management API (port 443 of
 * Amazon MQ, inside the VPC), it declares the application vhost, the service's queues each with an exchange
 * of the same name bound to it, the service's user with its password, and its permissions. Every call is
 * an idempotent PUT, so a second run changes nothing. Pure builders; nothing here creates a resource.
 */

type Input<T> = pulumi.Input<T>;

/** Namespace and account of the broker provisioner; only it can read the broker's admin login. */
export const BROKER_SCOPE: ProvisionerScope = { namespace: "platform-broker", account: "broker-provisioner" };
/** Kubernetes Secret holding the broker admin's login. */
export const BROKER_ADMIN_SECRET = "broker-admin";
/** curl, pinned; its `curl_user` is uid 100. */
export const CURL_IMAGE = "docker.io/curlimages/curl:8.11.1";

/**
 * The script: the admin's login goes to curl in a config file written by the shell's `printf` builtin (never
 * on a command line), and every JSON body on standard input. Passwords are JSON- and config-escaped with sed
 * reading standard input. Names (vhost, queues, user) are validated to need no URL encoding.
 */
export const BROKER_PROVISION_SCRIPT = [
    "umask 077",
    `escape() { printf '%s' "$1" | sed 's/[\\\\"]/\\\\&/g'; }`,
    `printf 'user = "%s:%s"\\n' "$(escape "$ADMIN_USERNAME")" "$(escape "$ADMIN_PASSWORD")" > /tmp/admin.curlrc`,
    `call() { curl --fail-with-body --silent --show-error --config /tmp/admin.curlrc -H 'content-type: application/json' -X "$1" --data-binary @- "$MANAGEMENT_URL/api/$2"; }`,
    `printf '{}' | call PUT "vhosts/$VHOST"`,
    "for q in $QUEUES; do",
    `  printf '{"durable":true}' | call PUT "queues/$VHOST/$q"`,
    `  printf '{"type":"fanout","durable":true}' | call PUT "exchanges/$VHOST/$q"`,
    `  printf '{"routing_key":""}' | call POST "bindings/$VHOST/e/$q/q/$q"`,
    "done",
    `printf '{"password":"%s","tags":""}' "$(escape "$SERVICE_PASSWORD")" | call PUT "users/$SERVICE_USERNAME"`,
    `printf '%s' "$PERMISSIONS" | call PUT "permissions/$VHOST/$SERVICE_USERNAME"`,
    "rm -f /tmp/admin.curlrc",
].join("\n");

/** Kubernetes Secret with one version of a service's broker login, which its job reads (a rotation gets a new one). */
export const brokerCredentials = (service: string, credentialsVersion: string): string => `${service}-broker-credentials-${versionSuffix(credentialsVersion)}`;

/** What the broker provisioning Job of one service applies. */
export interface BrokerGrant {
    /** The service. */
    readonly service: string;
    /** Base URL of the management API, e.g. `https://b-1234.mq.us-east-1.amazonaws.com`. */
    readonly managementUrl: Input<string>;
    readonly vhost: string;
    /** Queues the service uses; each is declared with its exchange. */
    readonly queues: readonly string[];
    readonly permissions: BrokerPermissions;
    /** Version of the service's broker login: a new one (a rotation) replaces the Job. */
    readonly credentialsVersion: Input<string>;
}

const secretEnv = (secret: Input<string>, key: string): k8s.types.input.core.v1.EnvVar => ({ name: key, valueFrom: { secretKeyRef: { name: secret, key } } });

/** The idempotent Job that gives one service its broker user, permissions and queues. */
export function brokerProvisionJob(grant: BrokerGrant): k8s.types.input.batch.v1.Job {
    const labels = { "app.kubernetes.io/name": BROKER_SCOPE.account, "app.kubernetes.io/part-of": "platform", [SERVICE_LABEL]: grant.service };
    const name = (v: string) => `provision-${grant.service}-${versionSuffix(v)}`;
    const credentials = versioned(grant.credentialsVersion, (v) => brokerCredentials(grant.service, v));
    return {
        metadata: {
            name: versioned(grant.credentialsVersion, name),
            namespace: BROKER_SCOPE.namespace,
            labels,
        },
        spec: {
            backoffLimit: 6,
            activeDeadlineSeconds: 600,
            template: {
                metadata: { labels },
                spec: {
                    serviceAccountName: BROKER_SCOPE.account,
                    automountServiceAccountToken: false,
                    restartPolicy: "OnFailure",
                    securityContext: restrictedPodSecurity(100),
                    nodeSelector: onNodeGroup("system"),
                    containers: [
                        {
                            name: "provision",
                            image: CURL_IMAGE,
                            command: ["/bin/sh", "-ec", BROKER_PROVISION_SCRIPT],
                            env: [
                                { name: "MANAGEMENT_URL", value: grant.managementUrl },
                                { name: "VHOST", value: grant.vhost },
                                { name: "QUEUES", value: grant.queues.join(" ") },
                                { name: "PERMISSIONS", value: JSON.stringify(grant.permissions) },
                                secretEnv(BROKER_ADMIN_SECRET, "ADMIN_USERNAME"),
                                secretEnv(BROKER_ADMIN_SECRET, "ADMIN_PASSWORD"),
                                secretEnv(credentials, "SERVICE_USERNAME"),
                                secretEnv(credentials, "SERVICE_PASSWORD"),
                            ],
                            resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
                            securityContext: restrictedContainerSecurity(),
                            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                        },
                    ],
                    // Memory-backed: the admin's curl config never touches a disk.
                    volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }],
                },
            },
        },
    };
}
