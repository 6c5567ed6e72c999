import { createHash } from "crypto";

/**
 * Realistic outputs for the resources and calls this program makes, so that code downstream of them
 * (ARN parsing, endpoint strings, subnet counts) runs under mocks as it would against AWS. Every value is
 * derived from the resource's type and name, so two runs of the same program give the same outputs.
 */

export const FAKE_ACCOUNT_ID = "123456789012";

export interface FakeContext {
    readonly region: string;
}

function hex(seed: string, length: number): string {
    let out = "";
    for (let i = 0; out.length < length; i++) {
        out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
    }
    return out.slice(0, length);
}

function uuid(seed: string): string {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** What the provider's auto-naming would produce: the logical name plus a random-looking suffix. */
function autoName(name: string, seed: string): string {
    return `${name}-${hex(seed, 7)}`;
}

type Inputs = Record<string, unknown>;
type Outputs = { id: string; state: Inputs };

const arn = (ctx: FakeContext, service: string, resource: string, global = false) =>
    `arn:aws:${service}:${global ? "" : ctx.region}:${FAKE_ACCOUNT_ID}:${resource}`;

function vpcOutputs(name: string, inputs: Inputs): Inputs {
    const zones = Number(inputs.numberOfAvailabilityZones ?? 3);
    const ids = (tier: string) => Array.from({ length: zones }, (_, i) => `subnet-${hex(`${name}/${tier}/${i}`, 17)}`);
    const nat = (inputs.natGateways as { strategy?: string } | undefined)?.strategy === "Single" ? 1 : zones;
    return {
        vpcId: `vpc-${hex(name, 17)}`,
        publicSubnetIds: ids("public"),
        privateSubnetIds: ids("private"),
        isolatedSubnetIds: ids("isolated"),
        routeTables: Array.from({ length: zones * 3 }, (_, i) => ({ id: `rtb-${hex(`${name}/rtb/${i}`, 17)}` })),
        natGateways: Array.from({ length: nat }, (_, i) => ({ id: `nat-${hex(`${name}/nat/${i}`, 17)}` })),
        eips: Array.from({ length: nat }, (_, i) => ({ id: `eipalloc-${hex(`${name}/eip/${i}`, 17)}` })),
    };
}

function clusterOutputs(ctx: FakeContext, name: string, inputs: Inputs): Inputs {
    const clusterName = String(inputs.name ?? autoName(`${name}-eksCluster`, name));
    const oidcId = hex(`${name}/oidc`, 32).toUpperCase();
    const issuerHost = `oidc.eks.${ctx.region}.amazonaws.com/id/${oidcId}`;
    const endpoint = `https://${hex(`${name}/endpoint`, 32).toUpperCase()}.gr7.${ctx.region}.eks.amazonaws.com`;
    const kubeconfig = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": Buffer.from(`fake-ca-${name}`).toString("base64") } }],
        contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
        "current-context": "aws",
        users: [
            {
                name: "aws",
                user: {
                    exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["--region", ctx.region, "eks", "get-token", "--cluster-name", clusterName, "--output", "json"] },
                },
            },
        ],
    };
    const clusterSg = `sg-${hex(`${name}/cluster-sg`, 17)}`;
    return {
        eksCluster: {
            name: clusterName,
            arn: arn(ctx, "eks", `cluster/${clusterName}`),
            endpoint,
            version: inputs.version,
            vpcConfig: { clusterSecurityGroupId: clusterSg, endpointPrivateAccess: inputs.endpointPrivateAccess, endpointPublicAccess: inputs.endpointPublicAccess },
            identities: [{ oidcs: [{ issuer: `https://${issuerHost}` }] }],
        },
        kubeconfig,
        kubeconfigJson: JSON.stringify(kubeconfig),
        clusterSecurityGroupId: clusterSg,
        oidcProviderArn: arn(ctx, "iam", `oidc-provider/${issuerHost}`, true),
        oidcProviderUrl: issuerHost,
        oidcIssuer: issuerHost,
    };
}

/** A resource that a packaged component creates inside its provider, which mocks never see registered. */
export interface ModelledChild {
    readonly type: string;
    readonly name: string;
    readonly inputs: Inputs;
    readonly ignoreChanges: string[];
}

/**
 * The `aws:eks/cluster:Cluster` that an `eks:index:Cluster` component creates, for the fields this program
 * reasons about, as pulumi-eks builds it from the component's inputs (`nodejs/eks/cluster/cluster.ts`,
 * `createCore`): an access config with the creator bootstrapped as admin whenever an authentication mode
 * is given, and changes to that flag and to `bootstrapSelfManagedAddons` ignored. Transforms the program
 * attaches to the component are run against it (see `offline/run.ts`).
 */
export function eksClusterChild(name: string, inputs: Inputs): ModelledChild {
    const mode = inputs.authenticationMode;
    return {
        type: "aws:eks/cluster:Cluster",
        name: `${name}-eksCluster`,
        inputs: {
            name: inputs.name,
            version: inputs.version,
            bootstrapSelfManagedAddons: inputs.bootstrapSelfManagedAddons ?? true,
            accessConfig: mode === undefined ? undefined : { authenticationMode: mode, bootstrapClusterCreatorAdminPermissions: true },
            upgradePolicy: inputs.upgradePolicy,
            ...autoModeFields(inputs),
        },
        ignoreChanges: ["accessConfig.bootstrapClusterCreatorAdminPermissions", "bootstrapSelfManagedAddons"],
    };
}

/**
 * The Auto Mode settings pulumi-eks puts on the cluster when `autoMode.enabled` (`createCore`): compute with the
 * given (or both built-in) node pools, block storage and load balancing, all enabled together.
 */
function autoModeFields(inputs: Inputs): Inputs {
    const auto = inputs.autoMode as { enabled?: boolean; computeConfig?: { nodePools?: string[] } } | undefined;
    if (auto?.enabled !== true) {
        return {};
    }
    return {
        computeConfig: { enabled: true, nodePools: auto.computeConfig?.nodePools ?? ["general-purpose", "system"] },
        storageConfig: { blockStorage: { enabled: true } },
        kubernetesNetworkConfig: { elasticLoadBalancing: { enabled: true } },
        bootstrapSelfManagedAddons: false,
    };
}

/** The children the fakes model for a registration: today only the EKS component's cluster. */
export function modelledChildren(type: string, name: string, inputs: Inputs): ModelledChild[] {
    return type === "eks:index:Cluster" ? [eksClusterChild(name, inputs)] : [];
}

/** Fake provider outputs for one resource registration. Inputs are echoed, as a provider would. */
export function fakeResource(ctx: FakeContext, type: string, name: string, inputs: Inputs): Outputs {
    const seed = `${type}::${name}`;
    const h = (n: number) => hex(seed, n);
    const named = (key = "name") => String(inputs[key] ?? autoName(name, seed));
    const out = (id: string, extra: Inputs = {}): Outputs => ({ id, state: { ...inputs, ...extra } });

    switch (type) {
        case "awsx:ec2:Vpc":
            return out("", vpcOutputs(name, inputs));
        case "eks:index:Cluster":
            return out("", clusterOutputs(ctx, name, inputs));
        case "aws:kms/key:Key": {
            const keyId = uuid(seed);
            return out(keyId, { keyId, arn: arn(ctx, "kms", `key/${keyId}`) });
        }
        case "aws:kms/alias:Alias":
            return out(named(), { arn: arn(ctx, "kms", String(inputs.name)) });
        case "aws:ec2/securityGroup:SecurityGroup":
        case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {
            const id = `sg-${h(17)}`;
            return out(id, { arn: arn(ctx, "ec2", `security-group/${id}`), name: named() });
        }
        case "aws:ec2/flowLog:FlowLog":
            return out(`fl-${h(17)}`);
        case "aws:ec2/vpcEndpoint:VpcEndpoint":
            return out(`vpce-${h(17)}`, { state: "available" });
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return out(`lt-${h(17)}`, { latestVersion: 1, defaultVersion: 1 });
        case "aws:cloudwatch/logGroup:LogGroup": {
            const logName = named();
            return out(logName, { name: logName, arn: arn(ctx, "logs", `log-group:${logName}`) });
        }
        case "aws:iam/role:Role": {
            const roleName = named();
            return out(roleName, { name: roleName, arn: arn(ctx, "iam", `role/${roleName}`, true), uniqueId: `AROA${h(17).toUpperCase()}` });
        }
        case "aws:eks/addon:Addon":
            // The version asked for is the version installed; EKS only picks one when none is given.
            return out(`${inputs.clusterName}:${inputs.addonName}`, {
                arn: arn(ctx, "eks", `addon/${inputs.clusterName}/${inputs.addonName}/${uuid(seed)}`),
                addonVersion: inputs.addonVersion ?? "v1.0.0-eksbuild.1",
            });
        case "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
            const associationId = `a-${h(17)}`;
            return out(`${inputs.clusterName},${associationId}`, { associationId, associationArn: arn(ctx, "eks", `podidentityassociation/${inputs.clusterName}/${associationId}`) });
        }
        case "aws:sqs/queue:Queue": {
            const queueName = named();
            return out(`https://sqs.${ctx.region}.amazonaws.com/${FAKE_ACCOUNT_ID}/${queueName}`, {
                name: queueName,
                arn: arn(ctx, "sqs", queueName),
                url: `https://sqs.${ctx.region}.amazonaws.com/${FAKE_ACCOUNT_ID}/${queueName}`,
            });
        }
        case "aws:cloudwatch/eventRule:EventRule": {
            const ruleName = named();
            return out(ruleName, { name: ruleName, arn: arn(ctx, "events", `rule/${ruleName}`) });
        }
        case "aws:eks/nodeGroup:NodeGroup": {
            const ngName = named("nodeGroupName");
            return out(`${inputs.clusterName}:${ngName}`, {
                nodeGroupName: ngName,
                arn: arn(ctx, "eks", `nodegroup/${inputs.clusterName}/${ngName}/${uuid(seed)}`),
                status: "ACTIVE",
                resources: [{ autoscalingGroups: [{ name: `eks-${ngName}-${uuid(seed)}` }] }],
            });
        }
        case "aws:rds/subnetGroup:SubnetGroup":
        case "aws:rds/parameterGroup:ParameterGroup":
        case "aws:elasticache/subnetGroup:SubnetGroup": {
            const n = named().toLowerCase();
            return out(n, { name: n, arn: arn(ctx, "rds", `subgrp:${n}`) });
        }
        case "aws:rds/instance:Instance": {
            const identifier = named("identifier");
            const address = `${identifier}.c${h(11)}.${ctx.region}.rds.amazonaws.com`;
            const secretArn = arn(ctx, "secretsmanager", `secret:rds!db-${uuid(seed)}-${h(6)}`);
            return out(`db-${h(26).toUpperCase()}`, {
                identifier,
                address,
                endpoint: `${address}:5432`,
                port: inputs.port ?? 5432,
                arn: arn(ctx, "rds", `db:${identifier}`),
                dbName: inputs.dbName ?? "",
                masterUserSecrets: inputs.manageMasterUserPassword ? [{ secretArn, kmsKeyId: inputs.masterUserSecretKmsKeyId, secretStatus: "active" }] : [],
            });
        }
        case "aws:elasticache/replicationGroup:ReplicationGroup": {
            const id = String(inputs.replicationGroupId);
            const host = (role: string) => `${role}.${id}.${h(6)}.${ctx.region.replace(/-/g, "").slice(0, 4)}.cache.amazonaws.com`;
            const clustered = inputs.clusterMode === "enabled";
            return out(id, {
                arn: arn(ctx, "elasticache", `replicationgroup:${id}`),
                primaryEndpointAddress: clustered ? undefined : host("master"),
                readerEndpointAddress: clustered ? undefined : host("replica"),
                configurationEndpointAddress: clustered ? host("clustercfg") : undefined,
            });
        }
        case "aws:mq/broker:Broker": {
            const brokerId = `b-${uuid(seed)}`;
            const host = `${brokerId}.mq.${ctx.region}.on.aws`;
            return out(brokerId, {
                arn: arn(ctx, "mq", `broker:${inputs.brokerName}:${brokerId}`),
                instances: [{ consoleUrl: `https://${host}`, endpoints: [`amqps://${host}:5671`], ipAddress: "" }],
            });
        }
        case "aws:secretsmanager/secret:Secret": {
            const secretArn = arn(ctx, "secretsmanager", `secret:${named()}-${h(6)}`);
            return out(secretArn, { arn: secretArn, name: named() });
        }
        case "aws:secretsmanager/secretVersion:SecretVersion":
            return out(`${inputs.secretId}|${uuid(seed)}`, { arn: inputs.secretId, versionId: uuid(seed) });
        case "random:index/randomId:RandomId": {
            const bytes = Buffer.from(hex(seed, Number(inputs.byteLength ?? 8) * 2), "hex");
            return out(bytes.toString("base64url"), { hex: bytes.toString("hex"), b64Url: bytes.toString("base64url"), b64Std: bytes.toString("base64"), dec: BigInt(`0x${bytes.toString("hex")}`).toString() });
        }
        case "random:index/randomPassword:RandomPassword":
            return out("none", { result: hex(seed, Number(inputs.length ?? 32)), bcryptHash: `$2a$10$${h(53)}` });
        default:
            if (type.startsWith("kubernetes:")) {
                return out(`${h(8)}`, kubernetesDefaults(inputs, name, seed));
            }
            return out(`${name}-${h(8)}`, { arn: type.startsWith("aws:") ? arn(ctx, type.split(":")[1].split("/")[0], `${name}-${h(8)}`) : undefined });
    }
}

/** Kubernetes objects without `metadata.name` get the provider's auto-name: logical name plus suffix. */
function kubernetesDefaults(inputs: Inputs, name: string, seed: string): Inputs {
    const metadata = (inputs.metadata ?? {}) as Inputs;
    if (inputs.metadata === undefined || metadata.name !== undefined) {
        return {};
    }
    return { metadata: { ...metadata, name: autoName(name, seed).slice(0, 63) } };
}

/**
 * What the offline run can say of an add-on version EKS picks when the program runs: not the version (no EKS
 * API is asked), but which default it will be, so that a plan shows it moving with the Kubernetes minor.
 */
export function eksDefaultAddonVersion(addonName: unknown, kubernetesVersion: unknown): string {
    return `(EKS default of ${String(addonName)} for ${String(kubernetesVersion)})`;
}

/** Fake results of provider functions (invokes). */
export function fakeCall(ctx: FakeContext, token: string, inputs: Inputs = {}): Inputs {
    switch (token) {
        case "aws:eks/getAddonVersion:getAddonVersion":
            return {
                addonName: inputs.addonName,
                kubernetesVersion: inputs.kubernetesVersion,
                mostRecent: inputs.mostRecent ?? false,
                region: ctx.region,
                id: String(inputs.addonName),
                version: eksDefaultAddonVersion(inputs.addonName, inputs.kubernetesVersion),
            };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: FAKE_ACCOUNT_ID, arn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:role/deployer`, userId: "AROAEXAMPLE", id: FAKE_ACCOUNT_ID };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        case "aws:index/getRegion:getRegion":
            return { name: ctx.region, region: ctx.region, id: ctx.region };
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return { names: ["a", "b", "c"].map((z) => `${ctx.region}${z}`), id: ctx.region };
        default:
            throw new Error(`No fake result for the call ${token}; add one to offline/fakes.ts`);
    }
}
