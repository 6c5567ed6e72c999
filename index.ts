import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "./config";
import { CACHE_ENGINE_VERSIONS } from "./config/catalog";
import { Broker } from "./components/broker";
import { Cache } from "./components/cache";
import { Cluster } from "./components/cluster";
import { Database } from "./components/database";
import { Encryption } from "./components/encryption";
import { Network } from "./components/network";
import { ServiceSecrets } from "./components/serviceSecrets";
import { secretPrefix, stackPrefix } from "./lib/naming";

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

const database = new Database(
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

const cache = new Cache(
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

const broker = new Broker(
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
                databaseUser: (svc.uses ?? []).includes("database") ? svc.name.replace(/-/g, "_") : undefined,
                kmsKeyArn: keys.secrets,
                recoveryWindowInDays: settings.secrets.recoveryWindowDays,
                protect,
            },
            opts,
        ),
    ]),
);

export const vpcId = network.vpcId;
export const publicSubnetIds = network.publicSubnetIds;
export const privateSubnetIds = network.privateSubnetIds;
export const isolatedSubnetIds = network.isolatedSubnetIds;
export const clusterName = cluster.clusterName;
export const kubeconfig = cluster.kubeconfig;
export const oidcProviderArn = cluster.oidcProviderArn;
export const databaseEndpoint = database.address;
export const databaseReaderEndpoint = database.readerAddress;
export const databasePort = database.port;
export const databaseMasterSecretArn = database.masterSecretArn;
export const cacheEndpoint = cache.endpoint;
export const cacheAuthSecretArn = cache.authSecretArn;
export const brokerEndpoint = broker.amqpsEndpoint;
export const brokerCredentialsSecretArn = broker.credentialsSecretArn;
export const serviceSecretArns = Object.fromEntries(
    Object.entries(serviceSecrets).map(([name, s]) => [name, { app: s.appSecretArns, database: s.databaseSecretArn }]),
);
