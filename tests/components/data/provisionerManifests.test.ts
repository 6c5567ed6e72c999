import { strict as assert } from "assert";
import * as p from "../../../components/data/provisionerManifests";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const plain = (o: unknown): any => o;
const db = { host: "db.internal", port: 5432, adminDatabase: "platform" };

describe("database provisioner manifest builders", () => {
    it("a job per service: master login and the service's login from their own Secrets, on the system nodes, restricted", () => {
        const job = plain(p.provisionJob("order-history", db, "version-1"));
        assert.match(job.metadata.name, /^provision-order-history-[0-9a-f]{8}$/);
        const pod = job.spec.template.spec;
        assert.deepEqual(pod.nodeSelector, { "platform.io/node-group": "system" });
        assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, seccompProfile: { type: "RuntimeDefault" } });
        const env = Object.fromEntries(pod.containers[0].env.map((e: { name: string; value?: unknown; valueFrom?: { secretKeyRef: { name: string } } }) => [e.name, e.value ?? e.valueFrom?.secretKeyRef.name]));
        assert.equal(env.SERVICE_DATABASE, "order_history");
        assert.deepEqual([env.PGUSER, env.PGPASSWORD], [p.MASTER_SECRET, p.MASTER_SECRET]);
        const credentials = p.serviceCredentials("order-history", "version-1");
        assert.match(credentials, /^order-history-credentials-[0-9a-f]{8}$/);
        assert.deepEqual([env.SERVICE_USERNAME, env.SERVICE_PASSWORD], [credentials, credentials]);
        assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true);
    });

    it("names each job after the version of the service's credentials, so that a rotation replaces it", () => {
        const name = (version: string) => plain(p.provisionJob("orders", db, version)).metadata.name;
        assert.equal(name("v1"), name("v1"));
        assert.notEqual(name("v1"), name("v2"));
        assert.equal(name("v1"), p.provisionJobName("orders", "v1"));
    });

    it("reads each version of a service's login into a Secret of its own, pinned to that version, so a new job never reads the old one", () => {
        assert.notEqual(p.serviceCredentials("orders", "v1"), p.serviceCredentials("orders", "v2"));
        const es = plain(p.provisionerSecret(p.serviceCredentials("orders", "v2"), [{ secretKey: "SERVICE_PASSWORD", key: "arn:orders", property: "password", versionId: "v2" }]));
        assert.equal(es.metadata.name, p.serviceCredentials("orders", "v2"));
        assert.equal(es.spec.target.name, p.serviceCredentials("orders", "v2"));
        assert.deepEqual(es.spec.data[0].remoteRef, { key: "arn:orders", property: "password", version: "uuid/v2" });
        const master = plain(p.provisionerSecret(p.MASTER_SECRET, [{ secretKey: "PGUSER", key: "arn:master", property: "username" }]));
        assert.equal(master.spec.data[0].remoteRef.version, undefined, "the master login follows AWSCURRENT, which RDS rotates");
    });

    it("connects with verify-full against the mounted CA bundle when the database has one, require otherwise", () => {
        const env = (d: p.AdminConnection) => Object.fromEntries(plain(p.provisionJob("orders", d, "v")).spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
        assert.equal(env(db).PGSSLMODE, "require");
        assert.equal(env(db).PGSSLROOTCERT, undefined);
        const verified = { ...db, caBundle: "-----BEGIN CERTIFICATE-----" };
        assert.deepEqual([env(verified).PGSSLMODE, env(verified).PGSSLROOTCERT], ["verify-full", p.DATABASE_CA_PATH]);
        const pod = plain(p.provisionJob("orders", verified, "v")).spec.template.spec;
        assert.deepEqual(pod.volumes[1], { name: "database-ca", configMap: { name: p.DATABASE_CA_CONFIGMAP } });
        assert.deepEqual(plain(p.databaseCaConfigMap("PEM")).data, { "database-ca.pem": "PEM" });
        const exporter = plain(p.exporterDeployment("orders", verified, 1, "v")).spec.template.spec;
        assert.deepEqual(exporter.containers[0].volumeMounts, [{ name: "database-ca", mountPath: "/etc/platform", readOnly: true }]);
    });

    it("an exporter per service database, logging in as the service's role and never as the master user", () => {
        const dep = plain(p.exporterDeployment("orders", db, 2, "v"));
        assert.equal(dep.spec.replicas, 2);
        const env = dep.spec.template.spec.containers[0].env;
        assert.deepEqual(
            env.filter((e: { valueFrom?: unknown }) => e.valueFrom).map((e: { valueFrom: { secretKeyRef: { name: string } } }) => e.valueFrom.secretKeyRef.name),
            [`orders-credentials-${p.versionSuffix("v")}`, `orders-credentials-${p.versionSuffix("v")}`],
        );
        assert.equal(dep.spec.template.spec.securityContext.runAsUser, 65534);
        assert.deepEqual(plain(p.exporterMonitor("orders")).spec.selector.matchLabels, p.exporterLabels("orders"));
        assert.deepEqual(plain(p.exporterService("orders")).spec.selector, p.exporterLabels("orders"));
    });

    it("secrets through the provisioner's own store, which Pulumi waits for", () => {
        const es = plain(p.provisionerSecret("master-credentials", [{ secretKey: "PGUSER", key: "arn:master", property: "username" }]));
        assert.deepEqual(es.spec.secretStoreRef, { kind: "SecretStore", name: p.PROVISIONER_ACCOUNT });
        assert.deepEqual(es.metadata.annotations, { "pulumi.com/waitFor": "condition=Ready" });
        assert.equal(plain(p.provisionerNamespace()).metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });
});
