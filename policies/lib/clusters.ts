import { Stack, StackResource } from "./rule";
import { at, field } from "./values";

/**
 * EKS clusters, whichever way the stack shows them. In a real preview the `eks:index:Cluster` component
 * has created an `aws:eks/cluster:Cluster`, whose properties are authoritative. Offline, under mocks, the
 * component is a single resource with only its own inputs. A component is judged from its inputs only
 * when no `aws:eks/cluster:Cluster` sits below it, so that no cluster is reported twice.
 */

export const AWS_EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const EKS_COMPONENT = "eks:index:Cluster";

/** The facts the EKS rules judge, with EKS's defaults applied where a property is unset. */
export interface ClusterView {
    readonly resource: StackResource;
    readonly version: unknown;
    readonly endpointPublicAccess: unknown;
    readonly publicAccessCidrs: unknown;
    readonly logTypes: unknown;
    /** KMS key ARN of secrets envelope encryption; unset when there is none. */
    readonly secretsKeyArn: unknown;
    /** Resource kinds the encryption covers (`secrets`). */
    readonly encryptedResources: unknown;
    readonly authenticationMode: unknown;
    /** Property path of each fact in this resource's shape, for messages that say what to change. */
    readonly paths: Readonly<Record<"version" | "endpointPublicAccess" | "publicAccessCidrs" | "logTypes" | "secretsKeyArn" | "authenticationMode", string>>;
}

/** EKS's own default: the public endpoint is on and open to the internet unless told otherwise. */
const OPEN = ["0.0.0.0/0"];

function fromAwsCluster(r: StackResource): ClusterView {
    const p = r.props;
    const encryption = p.encryptionConfig;
    return {
        resource: r,
        version: p.version,
        endpointPublicAccess: at(p, "vpcConfig.endpointPublicAccess") ?? true,
        publicAccessCidrs: at(p, "vpcConfig.publicAccessCidrs") ?? OPEN,
        logTypes: p.enabledClusterLogTypes ?? [],
        secretsKeyArn: at(encryption, "provider.keyArn"),
        encryptedResources: field(encryption, "resources"),
        authenticationMode: at(p, "accessConfig.authenticationMode") ?? "CONFIG_MAP",
        paths: {
            version: "version",
            endpointPublicAccess: "vpcConfig.endpointPublicAccess",
            publicAccessCidrs: "vpcConfig.publicAccessCidrs",
            logTypes: "enabledClusterLogTypes",
            secretsKeyArn: "encryptionConfig.provider.keyArn",
            authenticationMode: "accessConfig.authenticationMode",
        },
    };
}

function fromComponent(r: StackResource): ClusterView {
    const p = r.props;
    return {
        resource: r,
        version: p.version,
        endpointPublicAccess: p.endpointPublicAccess ?? true,
        publicAccessCidrs: p.publicAccessCidrs ?? OPEN,
        logTypes: p.enabledClusterLogTypes ?? [],
        secretsKeyArn: p.encryptionConfigKeyArn,
        encryptedResources: p.encryptionConfigKeyArn === undefined ? undefined : ["secrets"],
        authenticationMode: p.authenticationMode ?? "CONFIG_MAP",
        paths: {
            version: "version",
            endpointPublicAccess: "endpointPublicAccess",
            publicAccessCidrs: "publicAccessCidrs",
            logTypes: "enabledClusterLogTypes",
            secretsKeyArn: "encryptionConfigKeyArn",
            authenticationMode: "authenticationMode",
        },
    };
}

/** Every EKS cluster of the stack, each once. */
export function clusterViews(stack: Stack): ClusterView[] {
    const clusters = stack.ofType(AWS_EKS_CLUSTER).map(fromAwsCluster);
    const components = stack
        .ofType(EKS_COMPONENT)
        .filter((c) => !stack.hasDescendant(c, AWS_EKS_CLUSTER))
        .map(fromComponent);
    return [...clusters, ...components];
}
