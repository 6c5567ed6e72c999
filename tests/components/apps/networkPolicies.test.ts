import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Settings, loadSettingsFromConfigMap } from "../../../config";
import type { ProgramRun } from "../../../offline/run";
import { IMDS_CIDR } from "../../../components/apps/manifests";
import { PROMETHEUS_PODS } from "../../../components/addons/kubePrometheusStack";
import { scrapedPath } from "../../../components/observability/scrape";
import { EKS_CLUSTER_DNS_ADDRESSES, clusterDnsAddress } from "../../../lib/kubernetesSpecs";
import { NetworkPolicyObject, PodEndpoint, allowsConnection } from "../../../lib/networkPolicy";
import { manifestsOf, podSpecsOf } from "../../../offline/manifests";
import { readStackConfig } from "../../../offline/stackConfig";
import { ROOT, examplePlan, stackRun } from "../../harness";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every shipped stack: the project's own and every example's, with its validated settings and program run. */
const ROOT_STACKS = fs.readdirSync(ROOT).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []);
const EXAMPLE_STACKS = fs.readdirSync(path.join(ROOT, "examples")).flatMap((e) =>
    fs.readdirSync(path.join(ROOT, "examples", e)).flatMap((f) => {
        const env = /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1];
        return env !== undefined ? [[e, env] as const] : [];
    }),
);
const STACKS: { readonly file: string; readonly load: () => Promise<{ settings: Settings; run: ProgramRun }> }[] = [
    ...ROOT_STACKS.map((stack) => ({
        file: `Pulumi.${stack}.yaml`,
        load: async () => ({ settings: loadSettingsFromConfigMap(readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`)).config), run: await stackRun(stack) }),
    })),
    ...EXAMPLE_STACKS.map(([example, env]) => ({ file: `examples/${example}/Pulumi.${env}.yaml`, load: () => examplePlan(example, env) })),
];

/** One pod of each workload the program deploys, with its labels, named ports and an address in the VPC. */
function podsOf(objects: AnyObj[]): PodEndpoint[] {
    const namespaces = new Map(objects.filter((m) => m.kind === "Namespace").map((m) => [m.metadata.name, m.metadata.labels ?? {}]));
    return objects
        .filter((m) => m.kind === "Deployment" || m.kind === "CronJob")
        .map((m, i) => {
            const template = m.kind === "CronJob" ? m.spec.jobTemplate.spec.template : m.spec.template;
            const containers = podSpecsOf(m as never)[0].containers as AnyObj[];
            const namedPorts = Object.fromEntries(containers.flatMap((c) => (c.ports ?? []).filter((p: AnyObj) => p.name).map((p: AnyObj) => [p.name, p.containerPort])));
            return { namespace: m.metadata.namespace, namespaceLabels: namespaces.get(m.metadata.namespace), labels: template.metadata.labels, ip: `10.0.128.${i + 1}`, namedPorts };
        });
}

describe("service network policies, evaluated", function () {
    this.timeout(180_000);

    for (const { file, load } of STACKS) {
        it(`${file}: each caller reaches exactly its callees' serving ports, and nothing else of theirs`, async () => {
            const { settings, run } = await load();
            const objects = manifestsOf(run.resources) as AnyObj[];
            const policies = objects.filter((m) => m.kind === "NetworkPolicy") as NetworkPolicyObject[];
            const pods = podsOf(objects);
            const podOf = (name: string) => pods.find((p) => p.namespace === name) as PodEndpoint;
            let edges = 0;
            for (const callee of settings.services) {
                const serving = callee.kind === "web" ? [callee.port as number, ...(callee.grpc ? [callee.grpc.port] : [])] : [];
                for (const caller of settings.services.filter((s) => s.name !== callee.name)) {
                    const declared = (callee.callers ?? []).includes(caller.name);
                    for (const port of [...serving, 9999]) {
                        const expected = declared && serving.includes(port);
                        assert.equal(allowsConnection(policies, podOf(caller.name), podOf(callee.name), port), expected, `${caller.name} → ${callee.name}:${port}`);
                        edges += expected ? 1 : 0;
                    }
                }
            }
            const declaredEdges = settings.services.reduce((n, s) => n + (s.callers ?? []).length * (1 + (s.grpc ? 1 : 0)), 0);
            assert.equal(edges, declaredEdges, "every declared edge, on each port its callee serves");
        });
    }

    for (const { file, load } of STACKS) {
        it(`${file}: Prometheus reaches the HTTP port of exactly the services it scrapes`, async () => {
            const { settings, run } = await load();
            const objects = manifestsOf(run.resources) as AnyObj[];
            const policies = objects.filter((m) => m.kind === "NetworkPolicy") as NetworkPolicyObject[];
            const pods = podsOf(objects);
            const prometheus: PodEndpoint = { namespace: PROMETHEUS_PODS.namespace, labels: PROMETHEUS_PODS.podLabels, ip: "10.0.129.1" };
            for (const svc of settings.services) {
                const pod = pods.find((p) => p.namespace === svc.name) as PodEndpoint;
                const scraped = scrapedPath(svc) !== undefined;
                if (svc.port !== undefined) {
                    assert.equal(allowsConnection(policies, prometheus, pod, svc.port), scraped, `Prometheus → ${svc.name}:${svc.port}`);
                }
                assert.equal(allowsConnection(policies, prometheus, pod, 9999), false, `Prometheus → ${svc.name}:9999`);
            }
        });
    }

    it("lets every pod resolve names at the cluster DNS address, where Auto Mode answers without CoreDNS pods, and on port 53 only", async () => {
        const { settings, run } = await (STACKS.find((s) => s.file === "Pulumi.dev.yaml") as (typeof STACKS)[number]).load();
        const objects = manifestsOf(run.resources) as AnyObj[];
        const policies = objects.filter((m) => m.kind === "NetworkPolicy") as NetworkPolicyObject[];
        const services = podsOf(objects).filter((p) => settings.services.some((s) => s.name === p.namespace));
        assert.equal(services.length, settings.services.length);
        for (const pod of services) {
            for (const ip of EKS_CLUSTER_DNS_ADDRESSES) {
                assert.equal(allowsConnection(policies, pod, { ip }, 53, "UDP"), true, `${pod.namespace} → ${ip}:53/UDP`);
                assert.equal(allowsConnection(policies, pod, { ip }, 53, "TCP"), true, `${pod.namespace} → ${ip}:53/TCP`);
                assert.equal(allowsConnection(policies, pod, { ip }, 80), false, `${pod.namespace} → ${ip}:80`);
            }
            assert.equal(allowsConnection(policies, pod, { ip: "10.100.0.11" }, 53, "UDP"), false, "no other address of the service range");
        }
    });

    it("knows which cluster DNS address EKS gives a VPC: 172.20.0.10 inside 10.0.0.0/8, 10.100.0.10 elsewhere", () => {
        assert.equal(clusterDnsAddress("10.0.0.0/16"), "172.20.0.10");
        assert.equal(clusterDnsAddress("10.40.0.0/16"), "172.20.0.10");
        assert.equal(clusterDnsAddress("172.31.0.0/16"), "10.100.0.10");
        assert.equal(clusterDnsAddress("192.168.0.0/16"), "10.100.0.10");
    });

    it("keeps every pod from the instance metadata service, and lets it reach AWS APIs over HTTPS", async () => {
        const { settings, run } = await (STACKS.find((s) => s.file === "Pulumi.dev.yaml") as (typeof STACKS)[number]).load();
        const objects = manifestsOf(run.resources) as AnyObj[];
        const policies = objects.filter((m) => m.kind === "NetworkPolicy") as NetworkPolicyObject[];
        const imds = IMDS_CIDR.replace("/32", "");
        const services = podsOf(objects).filter((p) => settings.services.some((s) => s.name === p.namespace));
        assert.equal(services.length, settings.services.length);
        // No policy opens IPv6 egress at all, so the metadata service's IPv6 address (fd00:ec2::254) stays closed too.
        const blocks = policies.flatMap((p) => (p.spec.egress ?? []).flatMap((r) => (r.to ?? []).flatMap((t) => (t.ipBlock ? [t.ipBlock.cidr, ...(t.ipBlock.except ?? [])] : []))));
        assert.ok(blocks.length > 0);
        assert.deepEqual(blocks.filter((b) => b.includes(":")), []);
        for (const pod of services) {
            for (const port of [80, 443]) {
                assert.equal(allowsConnection(policies, pod, { ip: imds }, port), false, `${pod.namespace} → IMDS:${port}`);
            }
            // An address of STS in us-east-1, outside the VPC.
            assert.equal(allowsConnection(policies, pod, { ip: "54.239.29.25" }, 443), true, `${pod.namespace} → AWS API`);
        }
    });
});
