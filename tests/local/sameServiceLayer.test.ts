import { strict as assert } from "assert";
import { stackRun } from "../harness";
import { Manifest, manifestsOf } from "../../offline/manifests";
import type { ProgramRun } from "../../offline/run";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The same catalog planned for dev (AWS) and for local yields the same service-layer objects, apart from
 * the differences listed here, each of which the README's "Run it on your laptop" names. Every listed
 * difference must actually occur, so the list cannot go stale.
 */

/** Objects only one backend has, by `Kind/name` in each service's namespace. */
const ONLY_ON_AWS = (svc: string, usesDatabase: boolean): string[] => [
    `SecretStore/${svc}`,
    `ExternalSecret/${svc}-secrets`,
    "NetworkPolicy/allow-aws-apis",
    // The RDS CA bundle that verify-full checks the server against; the local database's CA is the operator's own.
    ...(usesDatabase ? [`ConfigMap/${svc}-data-files`] : []),
];
const ONLY_ON_LOCAL = (svc: string): string[] => [`Secret/${svc}-secrets`];

/** The node group a pod is pinned to (a laptop's node has no node-group label) and the CA bundle's volume (AWS only). */
function withoutAwsPodFields(spec: AnyObj): void {
    delete spec.nodeSelector;
    spec.volumes = spec.volumes.filter((v: AnyObj) => v.name !== "data-files");
    for (const c of spec.containers) {
        c.volumeMounts = c.volumeMounts.filter((v: AnyObj) => v.name !== "data-files");
    }
}

/** Fields that differ between the backends, per kind: removed from both sides before comparing. */
const DIFFERING: Record<string, (m: AnyObj) => void> = {
    // The IRSA role (AWS only).
    ServiceAccount: (m) => {
        delete m.metadata.annotations?.["eks.amazonaws.com/role-arn"];
        if (Object.keys(m.metadata.annotations ?? {}).length === 0) {
            delete m.metadata.annotations;
        }
    },
    // Hosts and URLs of the stores, TLS of the cache, how the database's certificate is checked (verify-full
    // against the RDS bundle, `require` locally) and AWS_REGION (AWS only); the keys are compared apart.
    ConfigMap: (m) => {
        for (const key of ["AWS_REGION", "DATABASE_HOST", "DATABASE_READER_HOST", "DATABASE_SSLMODE", "DATABASE_SSLROOTCERT", "CACHE_HOST", "CACHE_TLS", "BROKER_URL"]) {
            delete m.data?.[key];
        }
    },
    // The checksum of that ConfigMap, and the pod spec's differences.
    Deployment: (m) => {
        delete m.spec.template.metadata.annotations["platform.io/config-checksum"];
        withoutAwsPodFields(m.spec.template.spec);
    },
    CronJob: (m) => withoutAwsPodFields(m.spec.jobTemplate.spec.template.spec),
    // Who may call in from outside (ALB subnets or Traefik's pods) and where the stores are (subnets or pods).
    NetworkPolicy: (m) => {
        if (m.metadata.name === "allow-load-balancer") {
            delete m.spec.ingress[0].from;
        }
        // ...and the broker's port: AMQPS 5671 on Amazon MQ, plain AMQP 5672 in the cluster.
        if (m.metadata.name === "allow-data-stores") {
            m.spec.egress = m.spec.egress.map((e: AnyObj) => ({ ports: e.ports.map((p: AnyObj) => (p.port === 5671 || p.port === 5672 ? { ...p, port: "amqp" } : p)) }));
        }
    },
    // The controller's annotations and class, the host (`<service>.localtest.me` locally) and TLS (ACM or cert-manager).
    Ingress: (m) => {
        delete m.metadata.annotations;
        delete m.spec.ingressClassName;
        delete m.spec.tls;
        delete m.spec.rules[0].host;
    },
};

const key = (m: Manifest) => `${m.kind}/${m.metadata.name}`;

function serviceLayer(run: ProgramRun, services: readonly string[]): Map<string, Map<string, AnyObj>> {
    const out = new Map<string, Map<string, AnyObj>>(services.map((s) => [s, new Map()]));
    for (const m of manifestsOf(run.resources)) {
        const ns = m.metadata.namespace ?? (m.kind === "Namespace" ? m.metadata.name : undefined);
        if (ns !== undefined && out.has(ns)) {
            out.get(ns)!.set(key(m), JSON.parse(JSON.stringify(m)) as AnyObj);
        }
    }
    return out;
}

describe("the same catalog on AWS (dev) and on a laptop (local)", () => {
    let dev: ProgramRun;
    let local: ProgramRun;
    before(async function () {
        this.timeout(240000);
        [dev, local] = await Promise.all([stackRun("dev"), stackRun("local")]);
    });

    const services = ["frontend", "api", "worker", "nightly-report"];

    it("each service has the same objects, apart from the listed ones, and each listed one occurs", () => {
        const aws = serviceLayer(dev, services);
        const lap = serviceLayer(local, services);
        for (const svc of services) {
            const a = [...aws.get(svc)!.keys()];
            const l = [...lap.get(svc)!.keys()];
            const onlyAws = a.filter((k) => !l.includes(k)).sort();
            const onlyLocal = l.filter((k) => !a.includes(k)).sort();
            const readsSecrets = aws.get(svc)!.has(`ExternalSecret/${svc}-secrets`);
            const usesDatabase = aws.get(svc)!.get(`ConfigMap/${svc}-config`)?.data?.DATABASE_HOST !== undefined;
            assert.deepEqual(onlyAws, ONLY_ON_AWS(svc, usesDatabase).filter((k) => readsSecrets || !k.includes("Secret")).sort(), `${svc}: objects only on AWS`);
            assert.deepEqual(onlyLocal, ONLY_ON_LOCAL(svc).filter(() => readsSecrets).sort(), `${svc}: objects only on local`);
        }
    });

    it("the objects both have are identical once the listed fields are set aside, and each listed field does differ somewhere", () => {
        const aws = serviceLayer(dev, services);
        const lap = serviceLayer(local, services);
        const differed = new Set<string>();
        for (const svc of services) {
            for (const [k, a] of aws.get(svc)!) {
                const l = lap.get(svc)!.get(k);
                if (l === undefined) {
                    continue;
                }
                if (JSON.stringify(a) !== JSON.stringify(l)) {
                    differed.add(a.kind);
                }
                DIFFERING[a.kind]?.(a);
                DIFFERING[a.kind]?.(l);
                assert.deepEqual(l, a, `${svc}: ${k}`);
            }
        }
        assert.deepEqual([...differed].sort(), Object.keys(DIFFERING).sort(), "every listed difference occurs (drop a stale one from the list)");
    });

    it("the ConfigMaps hold the same keys, AWS_REGION and the RDS CA bundle's path aside", () => {
        const aws = serviceLayer(dev, services);
        const lap = serviceLayer(local, services);
        for (const svc of services) {
            const keysOf = (m: AnyObj | undefined) => Object.keys(m?.data ?? {}).filter((k) => k !== "AWS_REGION" && k !== "DATABASE_SSLROOTCERT").sort();
            assert.deepEqual(keysOf(lap.get(svc)!.get(`ConfigMap/${svc}-config`)), keysOf(aws.get(svc)!.get(`ConfigMap/${svc}-config`)), svc);
        }
    });
});
