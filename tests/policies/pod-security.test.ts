import { strict as assert } from "assert";
import { UNKNOWN } from "../../policies/lib/values";
import { POD_SECURITY_POLICIES } from "../../policies/rules/podSecurity";
import { RuleCase, check, compliantContainer, compliantPodSpec, workload } from "../../policies/testing";
import { describeRuleCases } from "./ruleCases";

type Obj = Record<string, unknown>;

/** A copy of `base` with dotted paths set (`undefined` removes the key). */
function withPaths(base: Obj, changes: Obj): Obj {
    const copy = JSON.parse(JSON.stringify(base)) as Obj;
    for (const [path, value] of Object.entries(changes)) {
        const keys = path.split(".");
        let node = copy;
        for (const key of keys.slice(0, -1)) {
            node[key] = (node[key] as Obj | undefined) ?? {};
            node = node[key] as Obj;
        }
        const last = keys[keys.length - 1];
        if (value === undefined) {
            delete node[last];
        } else {
            node[last] = value;
        }
    }
    return copy;
}

/** A Deployment whose pod spec (and, optionally, its one container) has some paths changed. */
const deployment = (pod: Obj = {}, container: Obj = {}) => workload("Deployment", withPaths(compliantPodSpec([withPaths(compliantContainer(), container)]), pod));
/** A Deployment with an extra container in `field` (initContainers, ephemeralContainers). */
const withExtra = (field: string, container: Obj) => workload("Deployment", { ...compliantPodSpec(), [field]: [withPaths(compliantContainer("extra", false), container)] });
const ok = (title: string, resources = [deployment()]): RuleCase => ({ title, resources });

const CASES: Record<string, RuleCase[]> = {
    "pss-host-namespaces": [
        ok("a pod in its own namespaces"),
        { title: "hostNetwork", resources: [deployment({ hostNetwork: true })], violation: /hostNetwork is true/ },
        { title: "hostPID on a CronJob", resources: [workload("CronJob", withPaths(compliantPodSpec(), { hostPID: true }))], violation: /hostPID is true/ },
        { title: "hostIPC on a bare Pod", resources: [workload("Pod", withPaths(compliantPodSpec(), { hostIPC: true }))], violation: /hostIPC is true/ },
    ],
    "pss-privileged": [
        ok("unprivileged containers"),
        { title: "a privileged container", resources: [deployment({}, { "securityContext.privileged": true })], violation: /container "app": securityContext\.privileged is true/ },
        { title: "a privileged ephemeral container", resources: [withExtra("ephemeralContainers", { "securityContext.privileged": true })], violation: /ephemeralContainer "extra"/ },
        { title: "a Windows HostProcess pod", resources: [deployment({ "securityContext.windowsOptions.hostProcess": true })], violation: /hostProcess is true/ },
    ],
    "pss-capabilities": [
        ok("ALL dropped"),
        ok("NET_BIND_SERVICE added back", [deployment({}, { "securityContext.capabilities.add": ["NET_BIND_SERVICE"] })]),
        { title: "capabilities not dropped", resources: [deployment({}, { "securityContext.capabilities": undefined })], violation: /drop does not include "ALL"/ },
        { title: "NET_ADMIN added", resources: [deployment({}, { "securityContext.capabilities.add": ["NET_ADMIN"] })], violation: /adds capabilities NET_ADMIN/ },
        { title: "an init container keeping its capabilities", resources: [withExtra("initContainers", { "securityContext.capabilities.drop": ["NET_RAW"] })], violation: /initContainer "extra"/ },
    ],
    "pss-host-path-volumes": [
        ok("emptyDir volumes"),
        { title: "a hostPath volume", resources: [deployment({ volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }] })], violation: /volume "docker" mounts hostPath/ },
    ],
    "pss-host-ports": [
        ok("container ports only"),
        { title: "a host port", resources: [deployment({}, { ports: [{ containerPort: 8080, hostPort: 8080 }] })], violation: /binds hostPort 8080/ },
    ],
    "pss-apparmor": [
        ok("no AppArmor override"),
        ok("the runtime's default profile", [workload("Deployment", compliantPodSpec(), { templateAnnotations: { "container.apparmor.security.beta.kubernetes.io/app": "runtime/default" } })]),
        {
            title: "an unconfined annotation",
            resources: [workload("Deployment", compliantPodSpec(), { templateAnnotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" } })],
            violation: /annotation .* is "unconfined"/,
        },
        { title: "an Unconfined profile field", resources: [deployment({}, { "securityContext.appArmorProfile.type": "Unconfined" })], violation: /appArmorProfile\.type is Unconfined/ },
    ],
    "pss-selinux": [
        ok("no SELinux options"),
        ok("container_t", [deployment({ "securityContext.seLinuxOptions.type": "container_t" })]),
        { title: "a custom type", resources: [deployment({}, { "securityContext.seLinuxOptions.type": "spc_t" })], violation: /seLinuxOptions\.type is spc_t/ },
        { title: "a custom user", resources: [deployment({ "securityContext.seLinuxOptions.user": "system_u" })], violation: /seLinuxOptions\.user is set/ },
    ],
    "pss-proc-mount": [
        ok("the default /proc"),
        { title: "an unmasked /proc", resources: [deployment({}, { "securityContext.procMount": "Unmasked" })], violation: /procMount is Unmasked/ },
    ],
    "pss-seccomp": [
        ok("RuntimeDefault on the pod"),
        ok("RuntimeDefault on every container instead", [deployment({ "securityContext.seccompProfile": undefined }, { "securityContext.seccompProfile.type": "RuntimeDefault" })]),
        { title: "no profile anywhere", resources: [deployment({ "securityContext.seccompProfile": undefined })], violation: /container "app": no seccomp profile/ },
        { title: "a container opting out", resources: [deployment({}, { "securityContext.seccompProfile.type": "Unconfined" })], violation: /seccompProfile\.type is Unconfined/ },
        { title: "an unconfined pod", resources: [deployment({ "securityContext.seccompProfile.type": "Unconfined" })], violation: /^securityContext\.seccompProfile\.type is Unconfined/ },
    ],
    "pss-sysctls": [
        ok("safe sysctls", [deployment({ "securityContext.sysctls": [{ name: "net.ipv4.ip_local_port_range", value: "1024 65535" }] })]),
        { title: "an unsafe sysctl", resources: [deployment({ "securityContext.sysctls": [{ name: "kernel.msgmax", value: "65536" }] })], violation: /sysctl kernel\.msgmax/ },
    ],
    "pss-probe-host": [
        ok("probes on the pod"),
        { title: "a probe to another host", resources: [deployment({}, { "livenessProbe.httpGet.host": "169.254.169.254" })], violation: /livenessProbe\.httpGet\.host is set/ },
        { title: "a lifecycle hook to another host", resources: [deployment({}, { "lifecycle.preStop.tcpSocket": { host: "10.0.0.1", port: 80 } })], violation: /lifecycle\.preStop\.tcpSocket\.host/ },
    ],
    "pss-volume-types": [
        ok("emptyDir, configMap, secret and projected volumes", [
            deployment({ volumes: [{ name: "a", emptyDir: {} }, { name: "b", configMap: { name: "c" } }, { name: "d", secret: { secretName: "s" } }, { name: "e", projected: { sources: [] } }] }),
        ]),
        { title: "an NFS volume", resources: [deployment({ volumes: [{ name: "share", nfs: { server: "nfs", path: "/" } }] })], violation: /volume "share" is of type nfs/ },
    ],
    "pss-allow-privilege-escalation": [
        ok("escalation off"),
        { title: "escalation left unset", resources: [deployment({}, { "securityContext.allowPrivilegeEscalation": undefined })], violation: /allowPrivilegeEscalation is unset/ },
        { title: "escalation on in an init container", resources: [withExtra("initContainers", { "securityContext.allowPrivilegeEscalation": true })], violation: /initContainer "extra".*is true/ },
    ],
    "pss-run-as-non-root": [
        ok("non-root on the pod and the container"),
        ok("non-root on the pod only", [deployment({}, { "securityContext.runAsNonRoot": undefined })]),
        ok("non-root on every container only", [deployment({ "securityContext.runAsNonRoot": undefined })]),
        { title: "non-root nowhere", resources: [deployment({ "securityContext.runAsNonRoot": undefined }, { "securityContext.runAsNonRoot": undefined })], violation: /runAsNonRoot is unset/ },
        { title: "a container overriding the pod with false", resources: [deployment({}, { "securityContext.runAsNonRoot": false })], violation: /container "app": securityContext\.runAsNonRoot is false/ },
        { title: "a pod set to false", resources: [deployment({ "securityContext.runAsNonRoot": false }, { "securityContext.runAsNonRoot": undefined })], violation: /^securityContext\.runAsNonRoot is false/ },
    ],
    "pss-run-as-user": [
        ok("a non-zero UID"),
        { title: "root on the pod", resources: [deployment({ "securityContext.runAsUser": 0 })], violation: /^securityContext\.runAsUser is 0/ },
        { title: "root in a container", resources: [deployment({}, { "securityContext.runAsUser": 0 })], violation: /container "app": securityContext\.runAsUser is 0/ },
    ],
};

describeRuleCases("policies: Pod Security Standards (restricted)", POD_SECURITY_POLICIES, CASES, () => {
    it("judges every workload kind that carries a pod", () => {
        const root = withPaths(compliantPodSpec(), { "securityContext.runAsUser": 0 });
        const kinds = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"];
        const runAsUser = POD_SECURITY_POLICIES.find((p) => p.name === "pss-run-as-user");
        assert.ok(runAsUser);
        assert.deepEqual(
            kinds.map((kind) => check(runAsUser, [workload(kind, root)]).length),
            kinds.map(() => 1),
        );
    });

    it("passes the compliant pod through every rule, and leaves unknown pod specs alone", () => {
        const unknownSpec = workload("Deployment", {});
        (unknownSpec.inputs.spec as Obj).template = UNKNOWN;
        const violations = POD_SECURITY_POLICIES.flatMap((p) => check(p, [deployment(), withExtra("initContainers", {}), unknownSpec]));
        assert.deepEqual(violations, []);
    });
});
