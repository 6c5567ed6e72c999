import { strict as assert } from "assert";
import { ContainerShape, PodSecurityLevel, PodShape, admits, levelAdmittingAll, podSecurityViolations, requiredLevel } from "../../lib/podSecurity";

/** A pod that meets every control of the restricted level, to break one control at a time. */
const RESTRICTED: PodShape = {
    spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [{ name: "app", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
        volumes: [{ name: "tmp", emptyDir: {} }],
    },
};

type Change = (pod: PodShape) => PodShape;
const spec = (extra: Partial<PodShape["spec"]>): Change => (pod) => ({ ...pod, spec: { ...pod.spec, ...extra } });
const podContext = (extra: Record<string, unknown>): Change => (pod) => spec({ securityContext: { ...pod.spec.securityContext, ...extra } })(pod);
const container = (extra: Partial<ContainerShape>): Change => (pod) => spec({ containers: [{ ...pod.spec.containers[0], ...extra }] })(pod);
const context = (extra: Record<string, unknown>): Change => (pod) => container({ securityContext: { ...pod.spec.containers[0].securityContext, ...extra } })(pod);

/** Each case: what changes, the strictest level that still admits the pod, and the problem named. */
const CASES: [string, Change, PodSecurityLevel, RegExp?][] = [
    // Baseline controls: each forbids what only the privileged level allows.
    ["hostNetwork", spec({ hostNetwork: true }), "privileged", /hostNetwork is true/],
    ["hostPID", spec({ hostPID: true }), "privileged", /hostPID is true/],
    ["hostIPC", spec({ hostIPC: true }), "privileged", /hostIPC is true/],
    ["host namespaces set to false", spec({ hostNetwork: false, hostPID: false, hostIPC: false }), "restricted"],
    ["a privileged container", context({ privileged: true }), "privileged", /privileged is true/],
    ["a hostPath volume", spec({ volumes: [{ name: "logs", hostPath: { path: "/var/log" } }] }), "privileged", /volume logs is a hostPath/],
    ["a host port", container({ ports: [{ hostPort: 9100 }] }), "privileged", /hostPort 9100/],
    ["host port 0", container({ ports: [{ hostPort: 0 }] }), "restricted"],
    ["SYS_ADMIN added", context({ capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } }), "privileged", /adds capabilities SYS_ADMIN/],
    ["Windows HostProcess", context({ windowsOptions: { hostProcess: true } }), "privileged", /hostProcess/],
    ["an Unconfined seccomp profile on the pod", podContext({ seccompProfile: { type: "Unconfined" } }), "privileged", /pod: seccompProfile.type is Unconfined/],
    ["an unconfined AppArmor profile", context({ appArmorProfile: { type: "Unconfined" } }), "privileged", /appArmorProfile.type is Unconfined/],
    ["an unconfined AppArmor annotation", (p) => ({ ...p, metadata: { annotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" } } }), "privileged", /annotation/],
    ["the runtime's AppArmor annotation", (p) => ({ ...p, metadata: { annotations: { "container.apparmor.security.beta.kubernetes.io/app": "runtime/default" } } }), "restricted"],
    ["an SELinux type outside the allowed set", context({ seLinuxOptions: { type: "spc_t" } }), "privileged", /seLinuxOptions/],
    ["an SELinux user", podContext({ seLinuxOptions: { user: "system_u" } }), "privileged", /seLinuxOptions/],
    ["the container SELinux type", context({ seLinuxOptions: { type: "container_t" } }), "restricted"],
    ["an unmasked /proc", context({ procMount: "Unmasked" }), "privileged", /procMount is Unmasked/],
    ["an unsafe sysctl", podContext({ sysctls: [{ name: "kernel.msgmax" }] }), "privileged", /sysctl kernel.msgmax/],
    ["a safe sysctl", podContext({ sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start" }] }), "restricted"],
    ["a probe aimed at another host", container({ livenessProbe: { httpGet: { host: "10.0.0.1" } } }), "privileged", /probe or lifecycle hook sets host/],
    ["a lifecycle hook aimed at another host", container({ lifecycle: { preStop: { tcpSocket: { host: "169.254.169.254" } } } }), "privileged", /lifecycle hook sets host/],
    // Restricted controls: each forbids what baseline still allows.
    ["CHOWN added (a default capability)", context({ capabilities: { drop: ["ALL"], add: ["CHOWN"] } }), "baseline", /only NET_BIND_SERVICE may be added/],
    ["NET_BIND_SERVICE added", context({ capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } }), "restricted"],
    ["capabilities not dropped", context({ capabilities: {} }), "baseline", /drop does not include ALL/],
    ["privilege escalation left unset", context({ allowPrivilegeEscalation: undefined }), "baseline", /allowPrivilegeEscalation is not false/],
    ["runAsNonRoot left unset", podContext({ runAsNonRoot: undefined }), "baseline", /runAsNonRoot is not true/],
    ["runAsNonRoot set by every container instead of the pod", (p) => context({ runAsNonRoot: true })(podContext({ runAsNonRoot: undefined })(p)), "restricted"],
    ["a container that overrides runAsNonRoot", context({ runAsNonRoot: false }), "baseline", /runAsNonRoot is not true/],
    ["running as root", podContext({ runAsUser: 0 }), "baseline", /pod: runAsUser is 0/],
    ["a container running as root", context({ runAsUser: 0 }), "baseline", /container app: runAsUser is 0/],
    ["no seccomp profile", podContext({ seccompProfile: undefined }), "baseline", /seccompProfile.type is not RuntimeDefault or Localhost/],
    ["a seccomp profile on every container instead", (p) => context({ seccompProfile: { type: "Localhost" } })(podContext({ seccompProfile: undefined })(p)), "restricted"],
    ["a hostPath-free volume type outside the list", spec({ volumes: [{ name: "data", nfs: { server: "x" } }] }), "baseline", /volume data is of type nfs/],
    ["a PersistentVolumeClaim, Secret, ConfigMap and projected volume", spec({ volumes: ["persistentVolumeClaim", "secret", "configMap", "projected", "csi", "downwardAPI", "ephemeral"].map((t) => ({ name: t, [t]: {} })) }), "restricted"],
    ["an init container that escalates", spec({ initContainers: [{ name: "init", securityContext: { capabilities: { drop: ["ALL"] } } }] }), "baseline", /initContainers init: allowPrivilegeEscalation/],
    ["an ephemeral container that is privileged", spec({ ephemeralContainers: [{ name: "debug", securityContext: { privileged: true } }] }), "privileged", /ephemeralContainers debug: privileged/],
];

describe("lib/podSecurity", () => {
    it("admits the fully restricted pod at every level", () => {
        assert.equal(requiredLevel(RESTRICTED), "restricted");
        for (const level of ["privileged", "baseline", "restricted"] as const) {
            assert.deepEqual(podSecurityViolations(RESTRICTED, level), []);
        }
    });

    for (const [title, change, level, problem] of CASES) {
        it(`${title}: admitted from ${level} down`, () => {
            const pod = change(RESTRICTED);
            assert.equal(requiredLevel(pod), level);
            assert.ok(admits("privileged", pod));
            if (problem !== undefined) {
                const stricter = level === "privileged" ? "baseline" : "restricted";
                assert.ok(podSecurityViolations(pod, stricter).some((v) => problem.test(v)), podSecurityViolations(pod, stricter).join("; "));
            }
        });
    }

    it("a pod with the runtime's defaults and nothing else is baseline", () => {
        assert.equal(requiredLevel({ spec: { containers: [{ name: "app" }] } }), "baseline");
    });

    it("several pods need the loosest level any one of them needs", () => {
        const hostNetwork = spec({ hostNetwork: true })(RESTRICTED);
        const root = podContext({ runAsUser: 0 })(RESTRICTED);
        assert.equal(levelAdmittingAll([RESTRICTED, root]), "baseline");
        assert.equal(levelAdmittingAll([RESTRICTED, root, hostNetwork]), "privileged");
        assert.equal(levelAdmittingAll([]), "restricted");
    });
});
