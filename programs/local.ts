import * as k8s from "../components/kubernetes";
import type { Settings } from "../config";
import { ENVIRONMENT_SWITCHES } from "../config/profiles";
import { PROMETHEUS_PODS } from "../components/addons/kubePrometheusStack";
import { PlatformWiring, Service } from "../components/apps/service";
import { calleesOf } from "../components/apps/manifests";
import { serviceQueues } from "../components/data/access";
import { LOCAL_INGRESS_CLASS, TRAEFIK_PODS, LOCAL_ADDONS } from "../components/local/addons";
import { LocalAddons, LOCAL_CLUSTER_ISSUER } from "../components/local/localAddons";
import { LocalDataStores } from "../components/local/dataStores";
import { LocalServiceSecrets } from "../components/local/serviceSecrets";
import { localDataEndpoints } from "../components/local/stores";
import { localHost } from "../components/apps/manifests/ingress";

/**
 * The platform on an existing laptop cluster (`platform:environment: local`): the same service catalog
 * and service layer as on AWS, with PostgreSQL (CloudNativePG), Valkey and RabbitMQ in the cluster and
 * no AWS at all. Returns the stack outputs.
 */
export function localPlatform(settings: Settings) {
    const switches = ENVIRONMENT_SWITCHES[settings.environment];
    const provider = new k8s.Provider("local", settings.local.context === "" ? {} : { context: settings.local.context });

    const addons = new LocalAddons("addons", { addons: settings.addons, rabbitmqOperators: settings.broker.enabled, provider });

    const uses = (store: "database" | "cache" | "broker") => settings.services.filter((svc) => (svc.uses ?? []).includes(store));
    const secrets = Object.fromEntries(
        settings.services.map((svc) => [svc.name, new LocalServiceSecrets(`secrets-${svc.name}`, { service: svc.name, stores: svc.uses ?? [], secretNames: svc.secrets ?? [] })]),
    );
    const passwordsOf = (store: "database" | "cache" | "broker") => Object.fromEntries(uses(store).map((svc) => [svc.name, secrets[svc.name].passwords[store]!]));
    const stores = new LocalDataStores(
        "data",
        {
            databases: settings.database.enabled ? passwordsOf("database") : {},
            cache: settings.cache.enabled ? passwordsOf("cache") : undefined,
            broker: settings.broker.enabled
                ? Object.fromEntries(uses("broker").map((svc) => [svc.name, { password: secrets[svc.name].passwords.broker!, queues: serviceQueues(svc) }]))
                : undefined,
            engineVersion: settings.database.engineVersion,
            databaseStorageGi: settings.local.databaseStorageGi,
            cnpgOperator: addons.releases.cloudnativePg!,
            rabbitmqOperators: addons.rabbitmqOperators,
            kedaNamespace: LOCAL_ADDONS.keda.namespace,
            provider,
        },
    );

    const platform: PlatformWiring = {
        environment: settings.environment,
        defaultReplicas: switches.serviceReplicas,
        ingress: { kind: "local", className: LOCAL_INGRESS_CLASS, clusterIssuer: LOCAL_CLUSTER_ISSUER, domain: settings.local.domain, controller: TRAEFIK_PODS },
        onAppsNodeGroup: false,
        prometheus: PROMETHEUS_PODS,
    };
    const enabled = { database: settings.database.enabled, cache: settings.cache.enabled, broker: settings.broker.enabled };
    for (const svc of settings.services) {
        new Service(
            `service-${svc.name}`,
            {
                settings: svc,
                platform,
                callees: calleesOf(svc, settings.services),
                endpoints: localDataEndpoints(svc, enabled),
                secrets: secrets[svc.name].refs,
                secretValues: secrets[svc.name].values,
                provider,
                addons: { kubePrometheusStack: addons.releases.kubePrometheusStack, keda: addons.releases.keda },
                workloadDependsOn: stores.databases[svc.name] ? [stores.databases[svc.name]] : [],
            },
        );
    }

    return {
        kubeContext: settings.local.context === "" ? "(current context)" : settings.local.context,
        serviceUrls: Object.fromEntries(settings.services.filter((svc) => svc.ingress !== undefined).map((svc) => [svc.name, `https://${localHost(svc, settings.local.domain)}${svc.ingress!.path}`])),
        databaseClusters: Object.fromEntries(Object.keys(stores.databases).map((name) => [name, `${name} (namespace platform-databases)`])),
    };
}
