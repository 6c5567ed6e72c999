import * as aws from "../components/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../config";
import { CACHE_ENGINE_VERSIONS } from "../config/catalog";
import { ENVIRONMENT_SWITCHES } from "../config/profiles";
import { Network } from "../components/network/network";
import { Runner } from "../components/ci/runner";
import { ciProjectName } from "../config/names";
import { Encryption } from "../components/security/encryption";
import { ServiceSecrets } from "../components/security/serviceSecrets";
import { Cluster } from "../components/cluster/cluster";
import { Broker } from "../components/data/broker";
import { Cache } from "../components/data/cache";
import { Database } from "../components/data/database";
import { DatabaseProvisioner } from "../components/data/databaseProvisioner";
import { awsDataEndpoints } from "../components/data/endpoints";
import { PlatformAddons } from "../components/addons/platformAddons";
import { PROMETHEUS_PODS } from "../components/addons/kubePrometheusStack";
import { TRACING_TARGET } from "../components/addons/openTelemetryCollector";
import { PlatformWiring, Service } from "../components/apps/service";
import { calleesOf, ingressClassFor, ingressOrders } from "../components/apps/manifests";
import { secretPrefix, stackPrefix } from "../lib/naming";
import { APPLICATION_VHOST, amqpUrl, brokerPermissions, brokerUser, cacheAccessString, cacheUser, databaseUser, declaredQueues, serviceQueues } from "../components/data/access";
import { BrokerProvisioner } from "../components/data/brokerProvisioner";
import type { DataStore } from "../components/data/endpoints";
import type { ServiceSettings } from "../config/schema";

/**
 * The platform on AWS (dev, staging, prod): VPC, EKS, RDS, ElastiCache, Amazon MQ, KMS, Secrets Manager and
 * IRSA or EKS Pod Identity, then the add-ons and the service catalog. Returns the stack outputs.
 */
export function awsPlatform(settings: Settings) {
    const prefix = stackPrefix(pulumi.getProject(), pulumi.getStack());
    const secretsPrefix = secretPrefix(pulumi.getProject(), pulumi.getStack());
    const protect = settings.protection.enabled;
    const switches = ENVIRONMENT_SWITCHES[settings.environment];

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
        { ...settings.network, clusterName: prefix, flowLogRetentionInDays: settings.logs.retentionDays, logsKmsKeyArn: keys.logs, aws: ctx },
        opts,
    );
    const inVpc = { vpcId: network.vpcId, clientSecurityGroupId: network.workloadSecurityGroupId };

    // What every add-on's values are built from; Karpenter's chart, installed by the cluster, reads them too.
    const stackFacts = {
        ...ctx,
        clusterName: prefix,
        vpcId: network.vpcId,
        kubernetesVersion: settings.cluster.version,
        highlyAvailable: switches.highlyAvailableAddons,
        secretPrefix: secretsPrefix,
        secretsKmsKeyArn: keys.secrets,
        logRetentionDays: settings.logs.retentionDays,
        slackChannel: settings.alerting.slackChannel,
    };
    const containerLogGroupName = `/aws/eks/${prefix}/containers`;

    // The runner needs only the network, so that a new stack's bootstrap can create it before the cluster.
    const runner = !settings.ci.enabled ? undefined : new Runner(
        "ci",
        {
            ...settings.ci,
            projectName: ciProjectName(prefix),
            vpcId: network.vpcId,
            subnetIds: network.privateSubnetIds,
            logRetentionInDays: settings.logs.retentionDays,
            logsKmsKeyArn: keys.logs,
            aws: ctx,
        },
        opts,
    );

    const cluster = new Cluster(
        "cluster",
        {
            ...settings.cluster,
            clusterName: prefix,
            accountId: ctx.accountId,
            partition: ctx.partition,
            vpcId: network.vpcId,
            publicSubnetIds: network.publicSubnetIds,
            privateSubnetIds: network.privateSubnetIds,
            workloadSecurityGroupId: network.workloadSecurityGroupId,
            apiClientSecurityGroupIds: runner ? { ci: runner.securityGroupId } : {},
            secretsKmsKeyArn: keys.eks,
            logsKmsKeyArn: keys.logs,
            logRetentionInDays: settings.cluster.logRetentionDays,
            protect,
            tags: { Project: pulumi.getProject(), Stack: pulumi.getStack(), ...settings.tags },
            addonFacts: pulumi.output(stackFacts).apply((f) => ({ ...f, containerLogGroup: containerLogGroupName, monitoring: settings.addons.kubePrometheusStack.enabled })),
            // Two where add-ons are highly available; never more than system nodes, which its anti-affinity spreads it over.
            karpenterReplicas: Math.min(switches.highlyAvailableAddons ? 2 : 1, settings.cluster.nodeGroups.system.minSize),
            ingress: { scheme: settings.ingress.scheme, group: prefix },
        },
        opts,
    );
    const inCluster = { provider: cluster.provider, oidcProviderArn: cluster.oidcProviderArn, oidcIssuerUrl: cluster.oidcIssuerUrl };

    // The data stores wait only for the network, so they come up while the control plane does.
    const secretsArgs = { secretsKmsKeyArn: keys.secrets, secretRecoveryWindowInDays: settings.secrets.recoveryWindowDays, protect };
    const database = !settings.database.enabled ? undefined : new Database(
        "database",
        {
            ...settings.database,
            ...inVpc,
            identifier: `${prefix}-postgres`,
            subnetIds: network.isolatedSubnetIds,
            storageKmsKeyArn: keys.database,
            secretsKmsKeyArn: keys.secrets,
            exportLogs: switches.exportDatabaseLogs,
            protect,
        },
        opts,
    );
    const broker = !settings.broker.enabled ? undefined : new Broker(
        "broker",
        { ...settings.broker, ...inVpc, ...secretsArgs, brokerName: `${prefix}-rabbitmq`, subnetIds: network.privateSubnetIds, credentialsSecretName: `${secretsPrefix}/broker/admin` },
        opts,
    );
    // Each service's own secrets: its application secrets and its own login to each store it uses.
    const uses = (svc: ServiceSettings, store: DataStore) => (svc.uses ?? []).includes(store);
    const serviceSecrets = Object.fromEntries(
        settings.services.map((svc) => [
            svc.name,
            new ServiceSecrets(
                `secrets-${svc.name}`,
                {
                    namePrefix: `${secretsPrefix}/services/${svc.name}`,
                    secretNames: svc.secrets,
                    storeLogins: {
                        ...(uses(svc, "database") ? { database: { username: databaseUser(svc.name) } } : {}),
                        ...(uses(svc, "cache") ? { cache: { username: cacheUser(svc.name) } } : {}),
                        ...(uses(svc, "broker") && broker
                            ? {
                                  broker: {
                                      username: brokerUser(svc.name),
                                      extra: (password: pulumi.Output<string>) => ({
                                          amqpUrl: pulumi.all([broker.amqpsEndpoint, password]).apply(([url, p]) => amqpUrl(url, brokerUser(svc.name), p, APPLICATION_VHOST)),
                                      }),
                                  },
                              }
                            : {}),
                    },
                    kmsKeyArn: keys.secrets,
                    recoveryWindowInDays: settings.secrets.recoveryWindowDays,
                    protect,
                },
                opts,
            ),
        ]),
    );

    const cache = !settings.cache.enabled ? undefined : new Cache(
        "cache",
        {
            ...settings.cache,
            ...inVpc,
            protect,
            replicationGroupId: `${prefix}-cache`,
            subnetIds: network.isolatedSubnetIds,
            parameterFamily: CACHE_ENGINE_VERSIONS[settings.cache.engine][settings.cache.engineVersion],
            users: settings.services
                .filter((svc) => uses(svc, "cache"))
                .map((svc) => ({ service: svc.name, userName: cacheUser(svc.name), accessString: cacheAccessString(svc.name), password: serviceSecrets[svc.name].storePasswords.cache as pulumi.Output<string> })),
            storageKmsKeyArn: keys.cache,
            logsKmsKeyArn: keys.logs,
            logRetentionInDays: settings.logs.retentionDays,
        },
        opts,
    );
    const endpoints = awsDataEndpoints({ database, cache, broker }, network.subnetCidrs, settings.region);

    const addons = new PlatformAddons(
        "addons",
        {
            addons: settings.addons,
            compute: settings.cluster.compute,
            facts: { ...stackFacts, clusterName: cluster.clusterName },
            ...inCluster,
            podIdentity: cluster.podIdentity,
            clusterReady: cluster.ready,
            containerLogGroupName,
            logsKmsKeyArn: keys.logs,
            secretsKmsKeyArn: keys.secrets,
            secretPrefix: secretsPrefix,
            secretRecoveryWindowInDays: settings.secrets.recoveryWindowDays,
            slackChannel: settings.alerting.slackChannel,
            protect,
        },
        opts,
    );

    const databaseUsers = settings.services.filter((svc) => (svc.uses ?? []).includes("database"));
    const provisioner =
        database && databaseUsers.length > 0 && addons.releases.externalSecrets
            ? new DatabaseProvisioner(
                  "database-provisioner",
                  {
                      services: databaseUsers.map((svc) => ({
                          name: svc.name,
                          secretArn: serviceSecrets[svc.name].databaseSecretArn as pulumi.Output<string>,
                          secretVersion: serviceSecrets[svc.name].storeSecretVersions.database as pulumi.Output<string>,
                      })),
                      host: database.address,
                      port: database.port,
                      adminDatabase: database.databaseName,
                      caBundle: endpoints.database?.caBundle,
                      masterSecretArn: database.masterSecretArn,
                      secretsKmsKeyArn: keys.secrets,
                      region: settings.region,
                      isolatedCidrs: network.subnetCidrs.isolated,
                      ...inCluster,
                      externalSecrets: addons.releases.externalSecrets,
                      prometheus: addons.releases.kubePrometheusStack,
                      prometheusPods: PROMETHEUS_PODS,
                      exporterReplicas: switches.databaseExporterReplicas,
                  },
                  opts,
              )
            : undefined;

    const brokerUsers = settings.services.filter((svc) => uses(svc, "broker"));
    const brokerProvisioner =
        broker && brokerUsers.length > 0 && addons.releases.externalSecrets
            ? new BrokerProvisioner(
                  "broker-provisioner",
                  {
                      services: brokerUsers.map((svc) => ({
                          name: svc.name,
                          secretArn: serviceSecrets[svc.name].storeSecretArns.broker as pulumi.Output<string>,
                          secretVersion: serviceSecrets[svc.name].storeSecretVersions.broker as pulumi.Output<string>,
                          queues: declaredQueues([serviceQueues(svc)]),
                          permissions: brokerPermissions(serviceQueues(svc)),
                      })),
                      managementUrl: broker.consoleUrl,
                      vhost: APPLICATION_VHOST,
                      adminSecretArn: broker.credentialsSecretArn,
                      secretsKmsKeyArn: keys.secrets,
                      region: settings.region,
                      brokerCidrs: network.subnetCidrs.private,
                      ...inCluster,
                      externalSecrets: addons.releases.externalSecrets,
                  },
                  opts,
              )
            : undefined;

    const platform: PlatformWiring = {
        region: settings.region,
        environment: settings.environment,
        defaultReplicas: switches.serviceReplicas,
        networks: { vpc: settings.network.cidr, ...network.subnetCidrs },
        ingress: { ...settings.ingress, group: prefix, className: ingressClassFor(settings.cluster.compute), orders: ingressOrders(settings.services) },
        prometheus: PROMETHEUS_PODS,
        tracing: TRACING_TARGET,
    };
    for (const svc of settings.services) {
        new Service(
            `service-${svc.name}`,
            {
                settings: svc,
                platform,
                callees: calleesOf(svc, settings.services),
                endpoints,
                secrets: serviceSecrets[svc.name],
                secretsKmsKeyArn: keys.secrets,
                ...inCluster,
                addons: addons.releases,
                workloadDependsOn: [
                    ...cluster.workloadCapacity,
                    ...[provisioner?.jobs[svc.name], brokerProvisioner?.jobs[svc.name]].filter((job): job is NonNullable<typeof job> => job !== undefined),
                ],
            },
            opts,
        );
    }

    return {
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        isolatedSubnetIds: network.isolatedSubnetIds,
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        oidcProviderArn: cluster.oidcProviderArn,
        databaseEndpoint: database?.address,
        databaseReaderEndpoint: database?.readerAddress,
        databasePort: database?.port,
        databaseMasterSecretArn: database?.masterSecretArn,
        cacheEndpoint: cache?.endpoint,
        cacheUserGroupId: cache?.userGroupId,
        brokerEndpoint: broker?.amqpsEndpoint,
        brokerCredentialsSecretArn: broker?.credentialsSecretArn,
        ciRunnerProject: runner?.projectName,
        serviceSecretArns: Object.fromEntries(
            Object.entries(serviceSecrets).map(([name, s]) => [name, { app: s.appSecretArns, ...s.storeSecretArns }]),
        ),
    };
}
