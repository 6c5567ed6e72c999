import * as k8s from "../kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { APPLICATION_VHOST, QueueUse, brokerPermissions, brokerUser, declaredQueues } from "../data/access";
import { APP_LABEL } from "../apps/manifests";
import { podsIn } from "../../lib/kubernetesSpecs";
import { AMQP_PORT, LOCAL_NAMESPACES, RABBITMQ_CLUSTER, RABBITMQ_MANAGEMENT_PORT, RABBITMQ_POD_LABELS } from "./stores";
import { RABBITMQ_OPERATOR_NAMESPACE } from "./charts";

export interface LocalBrokerArgs {
    /** Each broker-using service's password and the queues it consumes and publishes to, by service name. Required. */
    readonly services: Readonly<Record<string, { readonly password: pulumi.Input<string>; readonly queues: QueueUse }>>;
    /** The cluster's Kubernetes provider. Required. */
    readonly provider: k8s.Provider;
    /** The namespace everything goes into. Required. */
    readonly namespace: k8s.core.v1.Namespace;
    /** Namespace of KEDA, which reads queue lengths. Required. */
    readonly kedaNamespace: string;
    /** The operators' installs, which bring the CRDs. Required. */
    readonly operators: pulumi.Resource[];
}

const RABBITMQ = "rabbitmq.com/v1beta1";
/** Names of topology objects: Kubernetes names are lower-case DNS subdomains, queue names need not be. */
export const topologyName = (kind: string, name: string): string => `${kind}-${name.toLowerCase().replace(/[^a-z0-9.-]/g, "-")}`;

/**
 * The topology of the application vhost, as Messaging Topology Operator objects: the vhost, and for every
 * queue the catalog names, a durable quorum queue, a direct exchange of the same name and the binding
 * between them (the AWS provisioner declares the same), then per service a user whose password comes from
 * its Secret and its permissions there (nothing to configure, write on the exchanges it publishes to, read
 * on the queues it consumes). Pure, by logical-name suffix.
 */
export function brokerTopology(services: Readonly<Record<string, QueueUse>>): Record<string, k8s.apiextensions.CustomResourceArgs> {
    const ns = LOCAL_NAMESPACES.broker;
    const ref = { rabbitmqClusterReference: { name: RABBITMQ_CLUSTER } };
    const obj = (kind: string, name: string, spec: Record<string, unknown>): k8s.apiextensions.CustomResourceArgs => ({ apiVersion: RABBITMQ, kind, metadata: { name, namespace: ns }, spec: { ...spec, ...ref } });
    const out: Record<string, k8s.apiextensions.CustomResourceArgs> = { vhost: obj("Vhost", "apps", { name: APPLICATION_VHOST }) };
    for (const queue of declaredQueues(Object.values(services))) {
        out[topologyName("queue", queue)] = obj("Queue", topologyName("queue", queue), { name: queue, vhost: APPLICATION_VHOST, durable: true, type: "quorum" });
        out[topologyName("exchange", queue)] = obj("Exchange", topologyName("exchange", queue), { name: queue, vhost: APPLICATION_VHOST, type: "direct", durable: true });
        out[topologyName("binding", queue)] = obj("Binding", topologyName("binding", queue), { vhost: APPLICATION_VHOST, source: queue, destination: queue, destinationType: "queue", routingKey: queue });
    }
    for (const [service, queues] of Object.entries(services)) {
        out[`user-${service}`] = obj("User", `user-${service}`, { tags: [], importCredentialsSecret: { name: credentialsSecretName(service) } });
        out[`permission-${service}`] = obj("Permission", `permission-${service}`, {
            vhost: APPLICATION_VHOST,
            userReference: { name: `user-${service}` },
            permissions: brokerPermissions(queues),
        });
    }
    return out;
}

/** The Secret the topology operator imports a service's broker login from (`username`, `password`). */
export const credentialsSecretName = (service: string): string => `${service}-broker-login`;

/**
 * RabbitMQ in the cluster for a local stack: one `RabbitmqCluster` (the cluster operator) and the
 * application vhost's topology with one user per broker-using service (the topology operator). Only
 * broker-using services reach AMQP; the topology operator reaches the management API.
 */
export class LocalBroker extends pulumi.ComponentResource {
    constructor(name: string, args: LocalBrokerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:local:Broker", name, {}, opts);
        const ns = LOCAL_NAMESPACES.broker;
        const k8sOpts = { parent: this, provider: args.provider, dependsOn: [args.namespace] };
        const cluster = new k8s.apiextensions.CustomResource(
            `${name}-cluster`,
            {
                apiVersion: "rabbitmq.com/v1beta1",
                kind: "RabbitmqCluster",
                metadata: { name: RABBITMQ_CLUSTER, namespace: ns, annotations: { "pulumi.com/waitFor": "condition=AllReplicasReady" } },
                spec: { replicas: 1, resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "1Gi" } }, persistence: { storage: "1Gi" } },
            },
            { ...k8sOpts, dependsOn: [args.namespace, ...args.operators] },
        );
        const logins: Record<string, pulumi.Resource> = {};
        for (const [service, { password }] of Object.entries(args.services)) {
            logins[service] = new k8s.core.v1.Secret(
                `${name}-login-${service}`,
                { metadata: { name: credentialsSecretName(service), namespace: ns }, stringData: { username: brokerUser(service), password: pulumi.secret(password) } },
                k8sOpts,
            );
        }
        const topology = brokerTopology(Object.fromEntries(Object.entries(args.services).map(([s, v]) => [s, v.queues])));
        for (const [suffix, object] of Object.entries(topology)) {
            const service = suffix.startsWith("user-") ? suffix.slice("user-".length) : undefined;
            new k8s.apiextensions.CustomResource(`${name}-${suffix}`, object, { ...k8sOpts, dependsOn: [cluster, ...(service ? [logins[service]] : [])] });
        }
        const clients = Object.keys(args.services).sort();
        new k8s.networking.v1.NetworkPolicy(
            `${name}-clients`,
            {
                metadata: { name: "rabbitmq-clients", namespace: ns },
                spec: {
                    podSelector: { matchLabels: RABBITMQ_POD_LABELS },
                    policyTypes: ["Ingress"],
                    ingress: [
                        ...(clients.length === 0 ? [] : [{ from: clients.map((s) => podsIn(s, { [APP_LABEL]: s })), ports: [{ protocol: "TCP", port: AMQP_PORT }] }]),
                        // KEDA reads the length of the queues services scale on, with the service's own login.
                        { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": args.kedaNamespace } } }], ports: [{ protocol: "TCP", port: AMQP_PORT }] },
                        { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": RABBITMQ_OPERATOR_NAMESPACE } } }], ports: [{ protocol: "TCP", port: RABBITMQ_MANAGEMENT_PORT }] },
                        // The RabbitMQ nodes of the cluster talk among themselves (Erlang distribution, peer discovery).
                        { from: [{ podSelector: { matchLabels: RABBITMQ_POD_LABELS } }] },
                    ],
                },
            },
            k8sOpts,
        );
        this.registerOutputs({});
    }
}
