import { NODE_INSTANCE_SIZES } from "./catalog";

/**
 * What a node of each instance type offers pods: allocatable CPU and memory and the number of pods the
 * VPC CNI can address. vCPU, memory and the network limits per type are `NODE_INSTANCE_SIZES`
 * (config/catalog.ts, from the EC2 documentation); max pods computed from them agree with the table EKS
 * ships (awslabs/amazon-eks-ami nodeadm/internal/kubelet/eni-max-pods.txt: t4g.medium and t3.medium 17,
 * t4g.large and t3.large 35, every other type here 29).
 */

/**
 * Pods a node runs with the VPC CNI in its default (secondary IP) mode: every interface's first address
 * is the interface's own, and the two host-network pods (aws-node, kube-proxy) need none. AWS's formula:
 * ENIs × (IPv4 per ENI − 1) + 2.
 */
export function maxPods(enis: number, ipv4PerEni: number): number {
    return enis * (ipv4PerEni - 1) + 2;
}

/**
 * CPU the kubelet reserves on an EKS AL2023 node (nodeadm `getCPUMillicoresToReserve`,
 * awslabs/amazon-eks-ami nodeadm/internal/kubelet/config.go): 6 % of the first core, 1 % of the second,
 * 0.5 % of the third and fourth, 0.25 % of every core above four.
 */
export function reservedCpuMillis(vcpu: number): number {
    const total = vcpu * 1000;
    const bands: [number, number, number][] = [[0, 1000, 600], [1000, 2000, 100], [2000, 4000, 50], [4000, Infinity, 25]];
    return bands.reduce((sum, [start, end, per10000]) => sum + (total > start ? Math.floor(((Math.min(total, end) - start) * per10000) / 10000) : 0), 0);
}

/** Memory nodeadm reserves for the kubelet (`getMemoryMebibytesToReserve`: 11 MiB per pod + 255 MiB), plus the kubelet's hard eviction threshold of 100Mi (same file). */
export function reservedMemoryMi(pods: number): number {
    return 11 * pods + 255 + 100;
}

export interface Allocatable {
    readonly cpuMillis: number;
    readonly memoryBytes: number;
    readonly pods: number;
}

/** What one node of the type offers pods. Throws for a type the table does not hold. */
export function allocatable(instanceType: string): Allocatable {
    const size = NODE_INSTANCE_SIZES[instanceType];
    if (size === undefined) {
        throw new Error(`no allocatable figures for instance type "${instanceType}"; known: ${Object.keys(NODE_INSTANCE_SIZES).join(", ")}`);
    }
    const pods = maxPods(size.enis, size.ipv4PerEni);
    return {
        cpuMillis: size.vcpu * 1000 - reservedCpuMillis(size.vcpu),
        memoryBytes: (size.memoryGiB * 1024 - reservedMemoryMi(pods)) * 2 ** 20,
        pods,
    };
}
