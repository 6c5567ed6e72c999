import type { Severity } from "@pulumi/policy";
import { ContainerRef, containersOf, isWorkload, podTemplate } from "../lib/kubernetes";
import { PlatformPolicy, resourceRule } from "../lib/rule";
import { Props, at, field, isFalse, isRecord, isSet, isTrue, isUnknown, list, num, record, str, strings } from "../lib/values";

/**
 * Pod Security Standards, baseline and restricted (the checks of kubernetes/pod-security-admission), on
 * the pod template of every Deployment, StatefulSet, DaemonSet, ReplicaSet, Job and CronJob, and on Pods.
 * They cover containers, initContainers and ephemeralContainers; where a field exists at both levels, a
 * container that leaves it unset takes the pod's `securityContext`.
 */

interface PodCheck {
    readonly name: string;
    readonly summary: string;
    readonly level: "baseline" | "restricted";
    readonly severity: Severity;
    /** The CIS EKS Benchmark items the check also covers. */
    readonly cis?: string;
    readonly check: (pod: Pod, report: (message: string) => void) => void;
}

/** A pod template as the checks read it. */
interface Pod {
    readonly spec: Props;
    readonly metadata: Props;
    /** The pod-level securityContext. */
    readonly podContext: Props;
    readonly containers: ContainerRef[];
    /** Windows pods are exempt from the Linux-only restricted checks. */
    readonly windows: boolean;
}

const contextOf = (c: ContainerRef): unknown => field(c.container, "securityContext");

function podRule(check: PodCheck): PlatformPolicy {
    return resourceRule({
        name: check.name,
        summary: check.summary,
        controls: check.cis === undefined ? [`PSS ${check.level}`] : [`PSS ${check.level}`, check.cis],
        severity: check.severity,
        appliesTo: isWorkload,
        validate: (r, report) => {
            const template = podTemplate(r.type, r.props);
            if (!isRecord(template.spec)) {
                return;
            }
            const spec = template.spec;
            check.check(
                {
                    spec,
                    metadata: record(template.metadata),
                    podContext: record(spec.securityContext),
                    containers: containersOf(spec),
                    windows: at(spec, "os.name") === "windows",
                },
                report,
            );
        },
    });
}

export const hostNamespaces = podRule({
    name: "pss-host-namespaces",
    summary: "Pods do not share the node's network, PID or IPC namespace.",
    level: "baseline",
    severity: "high",
    cis: "CIS EKS 4.2.2-4.2.4",
    check: (pod, report) => {
        for (const key of ["hostNetwork", "hostPID", "hostIPC"]) {
            if (isTrue(pod.spec[key])) {
                report(`${key} is true; remove it`);
            }
        }
    },
});

export const privileged = podRule({
    name: "pss-privileged",
    summary: "No container is privileged and no pod is a Windows HostProcess pod.",
    level: "baseline",
    severity: "critical",
    cis: "CIS EKS 4.2.1",
    check: (pod, report) => {
        if (isTrue(at(pod.podContext, "windowsOptions.hostProcess"))) {
            report("securityContext.windowsOptions.hostProcess is true; remove it");
        }
        for (const c of pod.containers) {
            if (isTrue(field(contextOf(c), "privileged"))) {
                report(`${c.label}: securityContext.privileged is true; remove it`);
            }
            if (isTrue(at(contextOf(c), "windowsOptions.hostProcess"))) {
                report(`${c.label}: securityContext.windowsOptions.hostProcess is true; remove it`);
            }
        }
    },
});

export const capabilities = podRule({
    name: "pss-capabilities",
    summary: "Every container drops ALL capabilities and adds at most NET_BIND_SERVICE.",
    level: "restricted",
    severity: "high",
    check: (pod, report) => {
        if (pod.windows) {
            return;
        }
        for (const c of pod.containers) {
            const caps = field(contextOf(c), "capabilities");
            if (isUnknown(caps)) {
                continue;
            }
            const added = strings(field(caps, "add")).filter((cap) => cap !== "NET_BIND_SERVICE");
            if (added.length > 0) {
                report(`${c.label}: adds capabilities ${added.join(", ")}; only NET_BIND_SERVICE may be added`);
            }
            const drop = field(caps, "drop");
            if (!isUnknown(drop) && !strings(drop).includes("ALL")) {
                report(`${c.label}: securityContext.capabilities.drop does not include "ALL"`);
            }
        }
    },
});

export const hostPathVolumes = podRule({
    name: "pss-host-path-volumes",
    summary: "No pod mounts a hostPath volume.",
    level: "baseline",
    severity: "high",
    check: (pod, report) => {
        for (const volume of list(pod.spec.volumes).filter(isRecord)) {
            if (isSet(volume.hostPath)) {
                report(`volume "${str(volume.name) ?? "?"}" mounts hostPath; use an emptyDir, a ConfigMap, a Secret or a PersistentVolumeClaim`);
            }
        }
    },
});

export const hostPorts = podRule({
    name: "pss-host-ports",
    summary: "No container binds a host port.",
    level: "baseline",
    severity: "medium",
    check: (pod, report) => {
        for (const c of pod.containers) {
            for (const port of list(c.container.ports)) {
                const hostPort = num(field(port, "hostPort"));
                if (hostPort !== undefined && hostPort !== 0) {
                    report(`${c.label}: binds hostPort ${hostPort}; expose it through a Service instead`);
                }
            }
        }
    },
});

const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

export const appArmor = podRule({
    name: "pss-apparmor",
    summary: "No pod or container overrides AppArmor to Unconfined (only RuntimeDefault or Localhost profiles).",
    level: "baseline",
    severity: "medium",
    check: (pod, report) => {
        for (const [key, value] of Object.entries(record(pod.metadata.annotations))) {
            const profile = str(value);
            if (key.startsWith(APPARMOR_ANNOTATION) && profile !== undefined && profile !== "runtime/default" && !profile.startsWith("localhost/")) {
                report(`annotation ${key} is "${profile}"; use runtime/default or a localhost/ profile`);
            }
        }
        const judge = (where: string, context: unknown) => {
            const type = at(context, "appArmorProfile.type");
            if (isSet(type) && !isUnknown(type) && type !== "RuntimeDefault" && type !== "Localhost") {
                report(`${where}securityContext.appArmorProfile.type is ${String(type)}; use RuntimeDefault or Localhost`);
            }
        };
        judge("", pod.podContext);
        pod.containers.forEach((c) => judge(`${c.label}: `, contextOf(c)));
    },
});

const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

export const seLinux = podRule({
    name: "pss-selinux",
    summary: "SELinux options set only an allowed type (container_t and kin), never a custom user or role.",
    level: "baseline",
    severity: "medium",
    check: (pod, report) => {
        const judge = (where: string, context: unknown) => {
            const options = field(context, "seLinuxOptions");
            const type = field(options, "type");
            if (isSet(type) && !isUnknown(type) && !SELINUX_TYPES.includes(String(type))) {
                report(`${where}seLinuxOptions.type is ${String(type)}; allowed: ${SELINUX_TYPES.filter(Boolean).join(", ")}`);
            }
            for (const key of ["user", "role"]) {
                if (isSet(field(options, key))) {
                    report(`${where}seLinuxOptions.${key} is set; remove it`);
                }
            }
        };
        judge("", pod.podContext);
        pod.containers.forEach((c) => judge(`${c.label}: `, contextOf(c)));
    },
});

export const procMount = podRule({
    name: "pss-proc-mount",
    summary: "Containers keep the default /proc mount.",
    level: "baseline",
    severity: "medium",
    check: (pod, report) => {
        for (const c of pod.containers) {
            const mount = field(contextOf(c), "procMount");
            if (isSet(mount) && !isUnknown(mount) && mount !== "Default") {
                report(`${c.label}: securityContext.procMount is ${String(mount)}; remove it`);
            }
        }
    },
});

const SECCOMP_OK = ["RuntimeDefault", "Localhost"];

export const seccomp = podRule({
    name: "pss-seccomp",
    summary: "Every container runs under a RuntimeDefault or Localhost seccomp profile (set on the pod or the container), never Unconfined.",
    level: "restricted",
    severity: "high",
    check: (pod, report) => {
        if (pod.windows) {
            return;
        }
        const podType = at(pod.podContext, "seccompProfile.type");
        if (isSet(podType) && !isUnknown(podType) && !SECCOMP_OK.includes(String(podType))) {
            report(`securityContext.seccompProfile.type is ${String(podType)}; use RuntimeDefault`);
        }
        for (const c of pod.containers) {
            const own = at(contextOf(c), "seccompProfile.type");
            const effective = own ?? podType;
            if (isUnknown(effective) || (own === undefined && isSet(podType))) {
                continue;
            }
            if (effective === undefined) {
                report(`${c.label}: no seccomp profile; set securityContext.seccompProfile.type RuntimeDefault on the pod or the container`);
            } else if (!SECCOMP_OK.includes(String(effective))) {
                report(`${c.label}: securityContext.seccompProfile.type is ${String(effective)}; use RuntimeDefault`);
            }
        }
    },
});

/** Sysctls the baseline profile allows (pod-security-admission check_sysctls, up to Kubernetes 1.32). */
const SAFE_SYSCTLS = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
];

export const sysctls = podRule({
    name: "pss-sysctls",
    summary: "Pods set only the sysctls the baseline profile deems safe.",
    level: "baseline",
    severity: "medium",
    check: (pod, report) => {
        for (const sysctl of list(pod.podContext.sysctls)) {
            const name = str(field(sysctl, "name"));
            if (name !== undefined && !SAFE_SYSCTLS.includes(name)) {
                report(`sysctl ${name} is not in the safe set`);
            }
        }
    },
});

const HANDLERS = ["livenessProbe", "readinessProbe", "startupProbe", "lifecycle.postStart", "lifecycle.preStop"];

export const probeHost = podRule({
    name: "pss-probe-host",
    summary: "Probes and lifecycle hooks target the pod itself: no `host` in httpGet or tcpSocket handlers.",
    level: "baseline",
    severity: "medium",
    check: (pod, report) => {
        for (const c of pod.containers) {
            for (const handler of HANDLERS) {
                for (const kind of ["httpGet", "tcpSocket"]) {
                    if (isSet(at(c.container, `${handler}.${kind}.host`))) {
                        report(`${c.label}: ${handler}.${kind}.host is set; remove it so the handler targets the pod`);
                    }
                }
            }
        }
    },
});

const RESTRICTED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

export const volumeTypes = podRule({
    name: "pss-volume-types",
    summary: "Volumes are only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret.",
    level: "restricted",
    severity: "medium",
    check: (pod, report) => {
        for (const volume of list(pod.spec.volumes).filter(isRecord)) {
            const kinds = Object.keys(volume).filter((k) => k !== "name" && volume[k] !== undefined && volume[k] !== null);
            const bad = kinds.filter((k) => !RESTRICTED_VOLUME_TYPES.includes(k));
            if (bad.length > 0) {
                report(`volume "${str(volume.name) ?? "?"}" is of type ${bad.join(", ")}; allowed: ${RESTRICTED_VOLUME_TYPES.join(", ")}`);
            }
        }
    },
});

export const allowPrivilegeEscalation = podRule({
    name: "pss-allow-privilege-escalation",
    summary: "Every container sets allowPrivilegeEscalation: false.",
    level: "restricted",
    severity: "high",
    cis: "CIS EKS 4.2.5",
    check: (pod, report) => {
        if (pod.windows) {
            return;
        }
        for (const c of pod.containers) {
            const value = field(contextOf(c), "allowPrivilegeEscalation");
            if (!isUnknown(value) && !isFalse(value)) {
                report(`${c.label}: securityContext.allowPrivilegeEscalation is ${value === undefined ? "unset" : String(value)}; set it to false`);
            }
        }
    },
});

export const runAsNonRoot = podRule({
    name: "pss-run-as-non-root",
    summary: "Every container runs with runAsNonRoot: true, set on the container or the pod, and none sets it to false.",
    level: "restricted",
    severity: "high",
    check: (pod, report) => {
        const podValue = pod.podContext.runAsNonRoot;
        if (isFalse(podValue)) {
            report("securityContext.runAsNonRoot is false; set it to true");
        }
        for (const c of pod.containers) {
            const own = field(contextOf(c), "runAsNonRoot");
            const effective = own ?? podValue;
            if (isFalse(own)) {
                report(`${c.label}: securityContext.runAsNonRoot is false; set it to true`);
            } else if (!isUnknown(effective) && !isTrue(effective) && !isFalse(podValue)) {
                report(`${c.label}: runAsNonRoot is unset; set securityContext.runAsNonRoot: true on the pod or the container`);
            }
        }
    },
});

export const runAsUser = podRule({
    name: "pss-run-as-user",
    summary: "Neither the pod nor any container sets runAsUser: 0.",
    level: "restricted",
    severity: "high",
    check: (pod, report) => {
        if (num(pod.podContext.runAsUser) === 0) {
            report("securityContext.runAsUser is 0 (root); use a non-zero UID");
        }
        for (const c of pod.containers) {
            if (num(field(contextOf(c), "runAsUser")) === 0) {
                report(`${c.label}: securityContext.runAsUser is 0 (root); use a non-zero UID`);
            }
        }
    },
});

export const POD_SECURITY_POLICIES: readonly PlatformPolicy[] = [
    hostNamespaces,
    privileged,
    capabilities,
    hostPathVolumes,
    hostPorts,
    appArmor,
    seLinux,
    procMount,
    seccomp,
    sysctls,
    probeHost,
    volumeTypes,
    allowPrivilegeEscalation,
    runAsNonRoot,
    runAsUser,
];
