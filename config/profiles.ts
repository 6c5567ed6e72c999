import type { Environment } from "./catalog";
import type { Settings } from "./schema";
import { deepMerge } from "../lib/merge";

/** Everything a profile may default: all settings except the environment itself and the catalog. */
export type Profile = Omit<Settings, "environment" | "services" | "region">;

/**
 * `prod` is highly available: three zones with a NAT gateway each, private endpoints for AWS APIs,
 * Multi-AZ data stores with a read replica, a clustered broker, and protection against deletion.
 */
const prod: Profile = {
    budget: 0,
    protection: { enabled: true },
    tags: {},
    network: {
        cidr: "10.0.0.0/16",
        availabilityZones: 3,
        natGateways: "onePerAz",
        interfaceEndpoints: true,
        reservedCidrs: [],
    },
    encryption: { keyDeletionWindowDays: 30 },
    logs: { retentionDays: 365 },
    cluster: {
        version: "1.35",
        architecture: "arm64",
        compute: "nodeGroups",
        identity: "irsa",
        amiFamily: "al2023",
        nodeRepair: true,
        endpointPublicAccess: false,
        publicAccessCidrs: [],
        deployRoleArn: "",
        adminRoleArns: [],
        readOnlyRoleArns: [],
        teams: [],
        serviceCidr: "172.20.0.0/16",
        logRetentionDays: 365,
        nodeGroups: {
            system: {
                instanceTypes: ["m7g.large"],
                capacityType: "ON_DEMAND",
                minSize: 3,
                desiredSize: 3,
                maxSize: 4,
                diskSizeGb: 50,
            },
            apps: {
                instanceTypes: ["m7g.large"],
                capacityType: "ON_DEMAND",
                minSize: 3,
                desiredSize: 3,
                maxSize: 12,
                diskSizeGb: 50,
            },
        },
    },
    database: {
        enabled: true,
        engineVersion: "17",
        instanceClass: "db.m7g.large",
        allocatedStorageGb: 100,
        maxAllocatedStorageGb: 500,
        multiAz: true,
        readReplicas: 1,
        backupRetentionDays: 14,
        deletionProtection: true,
        performanceInsights: true,
        databaseName: "platform",
        masterUsername: "platform_admin",
    },
    cache: {
        enabled: true,
        engine: "valkey",
        engineVersion: "8.0",
        nodeType: "cache.m7g.large",
        clusterMode: false,
        shards: 1,
        replicasPerShard: 1,
        snapshotRetentionDays: 7,
    },
    broker: { enabled: true, engineVersion: "4.2", instanceType: "mq.m7g.large", deploymentMode: "CLUSTER_MULTI_AZ" },
    secrets: { recoveryWindowDays: 30 },
    addons: {
        loadBalancerController: { enabled: true, replicas: 2 },
        externalSecrets: { enabled: true, replicas: 2 },
        metricsServer: { enabled: true, replicas: 2 },
        clusterAutoscaler: { enabled: true, replicas: 1 },
        kubePrometheusStack: { enabled: true, replicas: 2 },
        fluentBit: { enabled: true, replicas: 1 },
        certManager: { enabled: true, replicas: 2 },
        keda: { enabled: true, replicas: 2 },
        openTelemetryCollector: { enabled: true, replicas: 2 },
    },
    ingress: { certificateArn: "", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", scheme: "internet-facing" },
    alerting: { slackChannel: "" },
    ci: { enabled: false, repository: "", connectionArn: "", computeType: "BUILD_GENERAL1_SMALL", buildTimeoutMinutes: 120 },
    // Read only by `local` stacks; an AWS stack that sets it is refused (config/localRules.ts).
    local: { context: "", domain: "localtest.me", databaseStorageGi: 1 },
};


/**
 * `dev` is the cheapest stack that still exercises every part of the platform, written as its
 * differences from prod: two zones, one NAT gateway, spot capacity for applications, burstable data
 * stores without standbys, one replica of every add-on, no protection, secrets deleted without a recovery
 * window (so the stack can be destroyed and rebuilt at will).
 */
const dev = deepMerge(prod, {
    protection: { enabled: false },
    network: { availabilityZones: 2, natGateways: "single", interfaceEndpoints: false },
    encryption: { keyDeletionWindowDays: 7 },
    logs: { retentionDays: 14 },
    cluster: {
        logRetentionDays: 14,
        nodeGroups: {
            system: { instanceTypes: ["t4g.medium"], minSize: 1, desiredSize: 1, maxSize: 2, diskSizeGb: 20 },
            apps: { instanceTypes: ["t4g.large", "m6g.large", "m7g.large"], capacityType: "SPOT", minSize: 1, desiredSize: 2, maxSize: 4, diskSizeGb: 20 },
        },
    },
    database: {
        instanceClass: "db.t4g.micro",
        allocatedStorageGb: 20,
        maxAllocatedStorageGb: 50,
        multiAz: false,
        readReplicas: 0,
        backupRetentionDays: 1,
        deletionProtection: false,
        performanceInsights: false,
    },
    cache: { nodeType: "cache.t4g.micro", replicasPerShard: 0, snapshotRetentionDays: 0 },
    broker: { engineVersion: "3.13", instanceType: "mq.t3.micro", deploymentMode: "SINGLE_INSTANCE" },
    // Deleted at once, so that a rebuild right after a destroy can take the same names again.
    secrets: { recoveryWindowDays: 0 },
    addons: Object.fromEntries(Object.keys(prod.addons).map((key) => [key, { replicas: 1 }])),
}) as Profile;

/**
 * `staging` sits between the two, written as its differences from prod: highly available where that is
 * cheap (three zones, Multi-AZ database and a cache replica on small nodes, two replicas of the
 * request-path controllers, protection on), small where it is not (one NAT gateway, no interface
 * endpoints or read replica, a single-instance broker, burstable and spot nodes).
 */
const staging = deepMerge(prod, {
    network: { natGateways: "single", interfaceEndpoints: false },
    encryption: { keyDeletionWindowDays: 14 },
    logs: { retentionDays: 30 },
    cluster: {
        logRetentionDays: 30,
        nodeGroups: {
            system: { instanceTypes: ["t4g.medium"], minSize: 2, desiredSize: 2, maxSize: 3, diskSizeGb: 20 },
            apps: { instanceTypes: ["t4g.large", "m6g.large", "m7g.large"], capacityType: "SPOT", minSize: 2, desiredSize: 2, maxSize: 6, diskSizeGb: 30 },
        },
    },
    database: { instanceClass: "db.t4g.small", allocatedStorageGb: 20, maxAllocatedStorageGb: 100, readReplicas: 0, backupRetentionDays: 7, performanceInsights: false },
    cache: { nodeType: "cache.t4g.small", snapshotRetentionDays: 1 },
    broker: { engineVersion: "3.13", instanceType: "mq.t3.micro", deploymentMode: "SINGLE_INSTANCE" },
    secrets: { recoveryWindowDays: 14 },
    addons: {
        kubePrometheusStack: { replicas: 1 },
        certManager: { replicas: 1 },
        keda: { replicas: 1 },
        openTelemetryCollector: { replicas: 1 },
    },
}) as Profile;

/**
 * `local` deploys the dev catalog to an existing laptop cluster with in-cluster data stores. Only the keys
 * it reads may be set in its stack (config/localRules.ts); the AWS sections keep dev's values, unread. The
 * add-ons that exist for AWS (load balancer controller, External Secrets, Cluster Autoscaler, the log and
 * trace exporters) are off.
 */
const local = deepMerge(dev, {
    addons: { loadBalancerController: { enabled: false }, externalSecrets: { enabled: false }, clusterAutoscaler: { enabled: false }, fluentBit: { enabled: false }, openTelemetryCollector: { enabled: false } },
}) as Profile;

export const PROFILES: Readonly<Record<Environment, Profile>> = { dev, staging, prod, local };

/** What the environment alone decides: differences that no stack config key exposes. */
export interface EnvironmentSwitches {
    /** Export the PostgreSQL and upgrade logs to CloudWatch Logs. */
    readonly exportDatabaseLogs: boolean;
    /** Add-ons run as in prod: two Prometheus and Alertmanager replicas, persistent volumes, longer retention. */
    readonly highlyAvailableAddons: boolean;
    /** Replicas of each postgres exporter; two keep metrics flowing through a node drain. */
    readonly databaseExporterReplicas: number;
    /** Replicas of a service whose catalog entry gives none. */
    readonly serviceReplicas: number;
}

export const ENVIRONMENT_SWITCHES: Readonly<Record<Environment, EnvironmentSwitches>> = {
    dev: { exportDatabaseLogs: false, highlyAvailableAddons: false, databaseExporterReplicas: 1, serviceReplicas: 1 },
    staging: { exportDatabaseLogs: false, highlyAvailableAddons: false, databaseExporterReplicas: 2, serviceReplicas: 2 },
    prod: { exportDatabaseLogs: true, highlyAvailableAddons: true, databaseExporterReplicas: 2, serviceReplicas: 2 },
    local: { exportDatabaseLogs: false, highlyAvailableAddons: false, databaseExporterReplicas: 1, serviceReplicas: 1 },
};
