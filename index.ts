import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "./config";
import { CACHE_ENGINE_VERSIONS } from "./config/catalog";
import { Broker } from "./components/data/broker";
import { Cache } from "./components/data/cache";
import { Cluster } from "./components/cluster/cluster";
import { Database } from "./components/data/database";
import { Encryption } from "./components/security/encryption";
import { Network } from "./components/network/network";
import { DatabaseProvisioner } from "./components/data/databaseProvisioner";
import { PlatformAddons } from "./components/addons/platformAddons";
import { Service } from "./components/apps/service";
import { ServiceSecrets } from "./components/security/serviceSecrets";
import { CACHE_PORT } from "./components/data/cache";
import { AMQPS_PORT } from "./components/data/broker";
import { POSTGRES_PORT } from "./components/data/database";
import { OTEL_NAMESPACE, OTEL_POD_LABELS, OTEL_SERVICE, OTLP_GRPC_PORT, OTLP_HTTP_PORT } from "./components/addons/openTelemetryCollector";
import { secretPrefix, stackPrefix } from "./lib/naming";
import { databaseIdentifier } from "./lib/sql";

const settings = loadSettings();
const prefix = stackPrefix(pulumi.getProject(), pulumi.getStack());
const secretsPrefix = secretPrefix(pulumi.getProject(), pulumi.getStack());
const protect = settings.protection.enabled;

const provider = new aws.Provider("aws", {
    region: settings.region as aws.Region,
    defaultTags: { tags: { Project: pulumi.getProject(), Stack: pulumi.getStack(), ManagedBy: "pulumi", ...settings.tags } },
});
const opts = { providers: { aws: provider } };
const ctx = {
    accountId: aws.getCallerIdentityOutput({}, { provider }).accountId,
    region: settings.region,
    partition: aws.getPartitionOutput({}, { provider }).partition,
};

const encryption = new Encryption(
    "encryption",
    { aliasPrefix: prefix, deletionWindowInDays: settings.encryption.keyDeletionWindowDays, aws: ctx, protect },
    opts,
);
const keys = encryption.keyArns;

const network = new Network(
    "network",
    {
        cidr: settings.network.cidr,
        availabilityZones: settings.network.availabilityZones,
        natGateways: settings.network.natGateways,
        interfaceEndpoints: settings.network.interfaceEndpoints,
        clusterName: prefix,
        flowLogRetentionInDays: settings.logs.retentionDays,
        logsKmsKeyArn: keys.logs,
        aws: ctx,
    },
    opts,
);

const cluster = new Cluster(
    "cluster",
    {
        clusterName: prefix,
        version: settings.cluster.version,
        architecture: settings.cluster.architecture,
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        workloadSecurityGroupId: network.workloadSecurityGroupId,
        endpointPublicAccess: settings.cluster.endpointPublicAccess,
        publicAccessCidrs: settings.cluster.publicAccessCidrs,
        adminRoleArns: settings.cluster.adminRoleArns,
        teams: settings.cluster.teams,
        serviceCidr: settings.cluster.serviceCidr,
        secretsKmsKeyArn: keys.eks,
        logsKmsKeyArn: keys.logs,
        logRetentionInDays: settings.cluster.logRetentionDays,
        nodeGroups: settings.cluster.nodeGroups,
        protect,
        tags: { Project: pulumi.getProject(), Stack: pulumi.getStack(), ...settings.tags },
    },
    opts,
);

const database = !settings.database.enabled ? undefined : new Database(
    "database",
    {
        identifier: `${prefix}-postgres`,
        vpcId: network.vpcId,
        subnetIds: network.isolatedSubnetIds,
        clientSecurityGroupId: network.workloadSecurityGroupId,
        engineVersion: settings.database.engineVersion,
        instanceClass: settings.database.instanceClass,
        allocatedStorageGb: settings.database.allocatedStorageGb,
        maxAllocatedStorageGb: settings.database.maxAllocatedStorageGb,
        databaseName: settings.database.databaseName,
        masterUsername: settings.database.masterUsername,
        storageKmsKeyArn: keys.database,
        secretsKmsKeyArn: keys.secrets,
        multiAz: settings.database.multiAz,
        readReplicas: settings.database.readReplicas,
        backupRetentionDays: settings.database.backupRetentionDays,
        deletionProtection: settings.database.deletionProtection,
        performanceInsights: settings.database.performanceInsights,
        exportLogs: settings.environment === "prod",
        protect,
    },
    opts,
);

const cache = !settings.cache.enabled ? undefined : new Cache(
    "cache",
    {
        replicationGroupId: `${prefix}-cache`,
        vpcId: network.vpcId,
        subnetIds: network.isolatedSubnetIds,
        clientSecurityGroupId: network.workloadSecurityGroupId,
        engine: settings.cache.engine,
        engineVersion: settings.cache.engineVersion,
        parameterFamily: CACHE_ENGINE_VERSIONS[settings.cache.engine][settings.cache.engineVersion],
        nodeType: settings.cache.nodeType,
        clusterMode: settings.cache.clusterMode,
        shards: settings.cache.shards,
        replicasPerShard: settings.cache.replicasPerShard,
        snapshotRetentionDays: settings.cache.snapshotRetentionDays,
        authSecretName: `${secretsPrefix}/cache/auth`,
        storageKmsKeyArn: keys.cache,
        secretsKmsKeyArn: keys.secrets,
        logsKmsKeyArn: keys.logs,
        logRetentionInDays: settings.logs.retentionDays,
        secretRecoveryWindowInDays: settings.secrets.recoveryWindowDays,
        protect,
    },
    opts,
);

const broker = !settings.broker.enabled ? undefined : new Broker(
    "broker",
    {
        brokerName: `${prefix}-rabbitmq`,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        clientSecurityGroupId: network.workloadSecurityGroupId,
        engineVersion: settings.broker.engineVersion,
        instanceType: settings.broker.instanceType,
        deploymentMode: settings.broker.deploymentMode,
        credentialsSecretName: `${secretsPrefix}/broker/admin`,
        secretsKmsKeyArn: keys.secrets,
        secretRecoveryWindowInDays: settings.secrets.recoveryWindowDays,
        protect,
    },
    opts,
);

const serviceSecrets = Object.fromEntries(
    settings.services.map((svc) => [
        svc.name,
        new ServiceSecrets(
            `secrets-${svc.name}`,
            {
                namePrefix: `${secretsPrefix}/services/${svc.name}`,
                secretNames: svc.secrets,
                databaseUser: (svc.uses ?? []).includes("database") ? databaseIdentifier(svc.name) : undefined,
                kmsKeyArn: keys.secrets,
                recoveryWindowInDays: settings.secrets.recoveryWindowDays,
                protect,
            },
            opts,
        ),
    ]),
);

const addons = new PlatformAddons(
    "addons",
    {
        addons: settings.addons,
        facts: pulumi.all([ctx.accountId, ctx.partition, network.vpcId, cluster.clusterName, keys.secrets]).apply(([accountId, partition, vpc, name, secretsKey]) => ({
            clusterName: name,
            region: settings.region,
            accountId,
            partition,
            vpcId: vpc,
            kubernetesVersion: settings.cluster.version,
            highlyAvailable: settings.environment === "prod",
            secretPrefix: secretsPrefix,
            secretsKmsKeyArn: secretsKey,
            logRetentionDays: settings.logs.retentionDays,
            slackChannel: settings.alerting.slackChannel,
        })),
        provider: cluster.provider,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuerUrl: cluster.oidcIssuerUrl,
        clusterReady: cluster.ready,
        containerLogGroupName: `/aws/eks/${prefix}/containers`,
        logsKmsKeyArn: keys.logs,
        secretsKmsKeyArn: keys.secrets,
        secretPrefix: secretsPrefix,
        secretRecoveryWindowInDays: settings.secrets.recoveryWindowDays,
        slackChannel: settings.alerting.slackChannel,
        protect,
    },
    opts,
);
const prometheusPods = { namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "prometheus" } };

const usesOf = (name: string) => settings.services.find((s) => s.name === name)?.uses ?? [];
const databaseUsers = settings.services.filter((svc) => usesOf(svc.name).includes("database"));
const provisioner =
    database && databaseUsers.length > 0 && addons.releases.externalSecrets
        ? new DatabaseProvisioner(
              "database-provisioner",
              {
                  services: databaseUsers.map((svc) => ({
                      name: svc.name,
                      secretArn: serviceSecrets[svc.name].databaseSecretArn as pulumi.Output<string>,
                  })),
                  host: database.address,
                  port: database.port,
                  adminDatabase: database.databaseName,
                  masterSecretArn: database.masterSecretArn,
                  secretsKmsKeyArn: keys.secrets,
                  region: settings.region,
                  isolatedCidrs: network.subnetCidrs.isolated,
                  provider: cluster.provider,
                  oidcProviderArn: cluster.oidcProviderArn,
                  oidcIssuerUrl: cluster.oidcIssuerUrl,
                  externalSecrets: addons.releases.externalSecrets,
                  prometheus: addons.releases.kubePrometheusStack,
                  prometheusPods,
                  exporterReplicas: settings.environment === "dev" ? 1 : 2,
              },
              opts,
          )
        : undefined;

for (const svc of settings.services) {
    const uses = usesOf(svc.name);
    const secrets = serviceSecrets[svc.name];
    const dbSecret = secrets.databaseSecretArn;
    new Service(
        `service-${svc.name}`,
        {
            settings: svc,
            wiring: {
                region: settings.region,
                environment: settings.environment,
                database:
                    database && uses.includes("database") && dbSecret
                        ? { host: database.address, readerHost: database.readerAddress, port: database.port, name: databaseIdentifier(svc.name), secretName: dbSecret }
                        : undefined,
                cache: cache && uses.includes("cache") ? { host: cache.endpoint, port: CACHE_PORT, secretName: cache.authSecretArn } : undefined,
                broker: broker && uses.includes("broker") ? { amqpsEndpoint: broker.amqpsEndpoint, secretName: broker.credentialsSecretArn } : undefined,
                appSecrets: secrets.appSecretArns,
                networks: { vpc: settings.network.cidr, ...network.subnetCidrs },
                ports: { database: POSTGRES_PORT, cache: CACHE_PORT, broker: AMQPS_PORT },
                ingress: { ...settings.ingress, group: prefix },
                prometheus: prometheusPods,
                tracing: {
                    namespace: OTEL_NAMESPACE,
                    podLabels: OTEL_POD_LABELS,
                    endpoint: `http://${OTEL_SERVICE}.${OTEL_NAMESPACE}.svc.cluster.local:${OTLP_GRPC_PORT}`,
                    ports: [OTLP_GRPC_PORT, OTLP_HTTP_PORT],
                },
            },
            secretArns: [
                ...Object.values(secrets.appSecretArns),
                ...(dbSecret ? [dbSecret] : []),
                ...(cache && uses.includes("cache") ? [cache.authSecretArn] : []),
                ...(broker && uses.includes("broker") ? [broker.credentialsSecretArn] : []),
            ],
            secretsKmsKeyArn: keys.secrets,
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuerUrl: cluster.oidcIssuerUrl,
            provider: cluster.provider,
            addons: {
                loadBalancerController: addons.releases.loadBalancerController,
                externalSecrets: addons.releases.externalSecrets,
                prometheus: addons.releases.kubePrometheusStack,
                keda: addons.releases.keda,
            },
            workloadDependsOn: provisioner?.jobs[svc.name] ? [provisioner.jobs[svc.name]] : [],
        },
        opts,
    );
}

export const vpcId = network.vpcId;
export const publicSubnetIds = network.publicSubnetIds;
export const privateSubnetIds = network.privateSubnetIds;
export const isolatedSubnetIds = network.isolatedSubnetIds;
export const clusterName = cluster.clusterName;
export const kubeconfig = cluster.kubeconfig;
export const oidcProviderArn = cluster.oidcProviderArn;
export const databaseEndpoint = database?.address;
export const databaseReaderEndpoint = database?.readerAddress;
export const databasePort = database?.port;
export const databaseMasterSecretArn = database?.masterSecretArn;
export const cacheEndpoint = cache?.endpoint;
export const cacheAuthSecretArn = cache?.authSecretArn;
export const brokerEndpoint = broker?.amqpsEndpoint;
export const brokerCredentialsSecretArn = broker?.credentialsSecretArn;
export const serviceSecretArns = Object.fromEntries(
    Object.entries(serviceSecrets).map(([name, s]) => [name, { app: s.appSecretArns, database: s.databaseSecretArn }]),
);
