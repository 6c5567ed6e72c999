/**
 * The Pod Security Standards (Kubernetes documentation, "Pod Security Standards", the `latest` version
 * as of Kubernetes 1.35), as Pod Security admission applies them: the controls of the baseline and
 * restricted levels, checked over a pod's spec and annotations. Pure: it takes plain pod-shaped objects
 * (a Pod, or the template of a Deployment, DaemonSet, Job…), so the same rules judge an add-on's declared
 * pods and the program's own workloads. Linux pods only (Windows-only exemptions are not modelled).
 */

/** Pod Security levels, from the most permissive. */
export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

interface SecurityContextShape {
    readonly privileged?: boolean;
    /** Fields Pod Security does not judge, kept so that a declared context reads as the chart writes it. */
    readonly readOnlyRootFilesystem?: boolean;
    readonly runAsGroup?: number;
    readonly fsGroup?: number;
    readonly allowPrivilegeEscalation?: boolean;
    readonly runAsNonRoot?: boolean;
    readonly runAsUser?: number;
    readonly procMount?: string;
    readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
    readonly seccompProfile?: { readonly type?: string };
    readonly appArmorProfile?: { readonly type?: string };
    readonly seLinuxOptions?: { readonly type?: string; readonly user?: string; readonly role?: string };
    readonly windowsOptions?: { readonly hostProcess?: boolean };
    readonly sysctls?: readonly { readonly name: string }[];
}

interface HandlerShape {
    readonly httpGet?: { readonly host?: string };
    readonly tcpSocket?: { readonly host?: string };
}

/** What of a container Pod Security looks at. */
export interface ContainerShape {
    readonly name: string;
    readonly securityContext?: SecurityContextShape;
    readonly ports?: readonly { readonly hostPort?: number }[];
    readonly livenessProbe?: HandlerShape;
    readonly readinessProbe?: HandlerShape;
    readonly startupProbe?: HandlerShape;
    readonly lifecycle?: { readonly postStart?: HandlerShape; readonly preStop?: HandlerShape };
}

/** What of a pod Pod Security looks at: its annotations and spec. */
export interface PodShape {
    readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
    readonly spec: {
        readonly hostNetwork?: boolean;
        readonly hostPID?: boolean;
        readonly hostIPC?: boolean;
        readonly securityContext?: SecurityContextShape;
        /** Volumes by name, with the key that gives their type (`hostPath`, `emptyDir`, `secret`…). */
        readonly volumes?: readonly ({ readonly name: string } & Record<string, unknown>)[];
        readonly containers: readonly ContainerShape[];
        readonly initContainers?: readonly ContainerShape[];
        readonly ephemeralContainers?: readonly ContainerShape[];
    };
}

/** Capabilities the baseline level lets a container add (the container runtime's default set). */
export const BASELINE_CAPABILITIES = [
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
];
/** Sysctls the baseline level allows: namespaced ones that cannot affect other pods. */
export const SAFE_SYSCTLS = [
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
];
/** SELinux types the baseline level allows. */
const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];
/** Volume types the restricted level allows. */
export const RESTRICTED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

function containersOf(pod: PodShape): { readonly where: string; readonly c: ContainerShape }[] {
    const s = pod.spec;
    return [
        ...(s.initContainers ?? []).map((c) => ({ where: `initContainers ${c.name}`, c })),
        ...s.containers.map((c) => ({ where: `container ${c.name}`, c })),
        ...(s.ephemeralContainers ?? []).map((c) => ({ where: `ephemeralContainers ${c.name}`, c })),
    ];
}

/** The baseline level's controls: what it forbids, each problem naming the field. */
export function baselineViolations(pod: PodShape): string[] {
    const found: string[] = [];
    const s = pod.spec;
    const pc = s.securityContext ?? {};
    for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
        if (s[field] === true) {
            found.push(`${field} is true (host namespaces)`);
        }
    }
    for (const v of s.volumes ?? []) {
        if (v.hostPath !== undefined) {
            found.push(`volume ${v.name} is a hostPath`);
        }
    }
    const contexts: { where: string; sc: SecurityContextShape }[] = [{ where: "pod", sc: pc }, ...containersOf(pod).map(({ where, c }) => ({ where, sc: c.securityContext ?? {} }))];
    for (const { where, sc } of contexts) {
        if (sc.windowsOptions?.hostProcess === true) {
            found.push(`${where}: windowsOptions.hostProcess is true`);
        }
        if (sc.seccompProfile?.type === "Unconfined") {
            found.push(`${where}: seccompProfile.type is Unconfined`);
        }
        if (sc.appArmorProfile?.type !== undefined && !["RuntimeDefault", "Localhost"].includes(sc.appArmorProfile.type)) {
            found.push(`${where}: appArmorProfile.type is ${sc.appArmorProfile.type}`);
        }
        const se = sc.seLinuxOptions;
        if (se !== undefined && (!SELINUX_TYPES.includes(se.type ?? "") || (se.user ?? "") !== "" || (se.role ?? "") !== "")) {
            found.push(`${where}: seLinuxOptions sets a type outside ${SELINUX_TYPES.filter((t) => t !== "").join(", ")}, or a user or role`);
        }
    }
    for (const name of (pc.sysctls ?? []).map((x) => x.name).filter((n) => !SAFE_SYSCTLS.includes(n))) {
        found.push(`pod: sysctl ${name} is not one of the safe set`);
    }
    for (const [key, value] of Object.entries(pod.metadata?.annotations ?? {})) {
        if (key.startsWith(APPARMOR_ANNOTATION) && value !== "runtime/default" && !value.startsWith("localhost/")) {
            found.push(`annotation ${key} is ${value}`);
        }
    }
    for (const { where, c } of containersOf(pod)) {
        const sc = c.securityContext ?? {};
        if (sc.privileged === true) {
            found.push(`${where}: privileged is true`);
        }
        const extra = (sc.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.includes(cap));
        if (extra.length > 0) {
            found.push(`${where}: adds capabilities ${extra.join(", ")}`);
        }
        if (sc.procMount !== undefined && sc.procMount !== "Default") {
            found.push(`${where}: procMount is ${sc.procMount}`);
        }
        for (const p of c.ports ?? []) {
            if (p.hostPort !== undefined && p.hostPort !== 0) {
                found.push(`${where}: hostPort ${p.hostPort}`);
            }
        }
        const handlers = [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop];
        if (handlers.some((h) => (h?.httpGet?.host ?? "") !== "" || (h?.tcpSocket?.host ?? "") !== "")) {
            found.push(`${where}: a probe or lifecycle hook sets host`);
        }
    }
    return found;
}

/** The restricted level's own controls, beyond baseline's. */
function restrictedOnlyViolations(pod: PodShape): string[] {
    const found: string[] = [];
    const pc = pod.spec.securityContext ?? {};
    for (const v of pod.spec.volumes ?? []) {
        const type = Object.keys(v).find((k) => k !== "name");
        if (type === undefined || !RESTRICTED_VOLUME_TYPES.includes(type)) {
            found.push(`volume ${v.name} is of type ${type ?? "none"}, not one of ${RESTRICTED_VOLUME_TYPES.join(", ")}`);
        }
    }
    if (pc.runAsUser === 0) {
        found.push("pod: runAsUser is 0");
    }
    for (const { where, c } of containersOf(pod)) {
        const sc = c.securityContext ?? {};
        if (sc.allowPrivilegeEscalation !== false) {
            found.push(`${where}: allowPrivilegeEscalation is not false`);
        }
        // Container fields may be left unset where the pod's are set.
        if ((sc.runAsNonRoot ?? pc.runAsNonRoot) !== true) {
            found.push(`${where}: runAsNonRoot is not true (in the container or the pod)`);
        }
        if (sc.runAsUser === 0) {
            found.push(`${where}: runAsUser is 0`);
        }
        const seccomp = sc.seccompProfile?.type ?? pc.seccompProfile?.type;
        if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
            found.push(`${where}: seccompProfile.type is not RuntimeDefault or Localhost (in the container or the pod)`);
        }
        if (!(sc.capabilities?.drop ?? []).includes("ALL")) {
            found.push(`${where}: capabilities.drop does not include ALL`);
        }
        const added = (sc.capabilities?.add ?? []).filter((cap) => cap !== "NET_BIND_SERVICE");
        if (added.length > 0) {
            found.push(`${where}: adds capabilities ${added.join(", ")} (only NET_BIND_SERVICE may be added)`);
        }
    }
    return found;
}

/** What the level forbids that the pod does; empty when the level admits it. */
export function podSecurityViolations(pod: PodShape, level: PodSecurityLevel): string[] {
    switch (level) {
        case "privileged":
            return [];
        case "baseline":
            return baselineViolations(pod);
        case "restricted":
            return [...baselineViolations(pod), ...restrictedOnlyViolations(pod)];
    }
}

/** True when Pod Security admission at `level` admits the pod. */
export function admits(level: PodSecurityLevel, pod: PodShape): boolean {
    return podSecurityViolations(pod, level).length === 0;
}

/** The strictest level that admits the pod. */
export function requiredLevel(pod: PodShape): PodSecurityLevel {
    return admits("restricted", pod) ? "restricted" : admits("baseline", pod) ? "baseline" : "privileged";
}

/** The strictest level that admits every one of the pods (restricted for none). */
export function levelAdmittingAll(pods: readonly PodShape[]): PodSecurityLevel {
    const rank = (l: PodSecurityLevel) => POD_SECURITY_LEVELS.indexOf(l);
    return pods.map(requiredLevel).reduce<PodSecurityLevel>((a, b) => (rank(b) < rank(a) ? b : a), "restricted");
}
