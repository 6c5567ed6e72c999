import { strict as assert } from "assert";
import type { ProgramRun, RecordedResource } from "../../offline/run";
import { ADDONS } from "../../components/addons";
import { byUrn, ofType, one, stackRun } from "../harness";

/**
 * What `pulumi destroy` does, read from the recorded graph: Pulumi deletes a resource before everything it
 * depends on, so "A depends on B" means "B outlives A".
 */

const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const PERMISSIONS = new Set(["aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"]);

const childrenOf = (run: ProgramRun, parent: RecordedResource) => run.resources.filter((r) => r.parent === parent.urn);
const release = (run: ProgramRun, chartName: string) => one(run, RELEASE, `addons-${chartName}-release`);
/** The objects Pulumi applies in a namespace. */
const inNamespace = (run: ProgramRun, ns: string) =>
    run.resources.filter((r) => r.type.startsWith("kubernetes:") && (r.inputs.metadata as { namespace?: string } | undefined)?.namespace === ns);

describe("teardown: what pulumi destroy removes first", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: whatever takes an IRSA role's ARN also waits for the role's permissions, so it is deleted before them`, async () => {
            const run = await stackRun(stack);
            // A role without permissions (a service with no secrets) has nothing to wait for.
            const roles = ofType(run, "platform:security:IrsaRole").filter((irsa) => childrenOf(run, irsa).some((r) => PERMISSIONS.has(r.type)));
            assert.ok(roles.length >= 6, `${roles.length} IRSA roles with permissions`);
            for (const irsa of roles) {
                const own = childrenOf(run, irsa);
                const role = own.find((r) => r.type === "aws:iam/role:Role");
                assert.ok(role, irsa.name);
                const permissions = own.filter((r) => PERMISSIONS.has(r.type));
                const consumers = run.resources.filter((r) => r.parent !== irsa.urn && r.dependencies.includes(role.urn));
                assert.ok(consumers.length > 0, `something uses ${irsa.name}`);
                for (const consumer of consumers) {
                    const missing = permissions.filter((p) => !consumer.dependencies.includes(p.urn));
                    assert.deepEqual(missing.map((p) => p.name), [], `${consumer.type} ${consumer.name} uses ${irsa.name} but not its permissions`);
                }
            }
        });

        it(`${stack}: every add-on namespace goes before the EBS CSI driver and the nodes, the monitoring one before External Secrets`, async () => {
            const run = await stackRun(stack);
            const ebsCsi = one(run, "aws:eks/addon:Addon", "cluster-ebs-csi");
            const nodes = ofType(run, "aws:eks/nodeGroup:NodeGroup");
            const addonNamespaces = childrenOf(run, one(run, "platform:addons:PlatformAddons")).filter((r) => r.type === NAMESPACE);
            assert.deepEqual(
                addonNamespaces.map((n) => (n.inputs.metadata as { name: string }).name).sort(),
                [...new Set(Object.values(ADDONS).map((d) => d.namespace))].filter((n) => n !== "kube-system").sort(),
            );
            for (const ns of addonNamespaces) {
                for (const needed of [ebsCsi, ...nodes]) {
                    assert.ok(ns.dependencies.includes(needed.urn), `${ns.name} waits for ${needed.name}`);
                }
            }
            const monitoring = addonNamespaces.find((n) => (n.inputs.metadata as { name: string }).name === "monitoring") as RecordedResource;
            assert.ok(inNamespace(run, "monitoring").some((r) => r.type.endsWith(":ExternalSecret")), "monitoring holds ExternalSecrets");
            assert.ok(monitoring.dependencies.includes(release(run, "external-secrets").urn));
        });

        it(`${stack}: a service's namespace goes before the controllers its objects need`, async () => {
            const run = await stackRun(stack);
            const lbc = release(run, "aws-load-balancer-controller");
            const eso = release(run, "external-secrets");
            for (const svc of ofType(run, "platform:apps:Service")) {
                const ns = childrenOf(run, svc).find((r) => r.type === NAMESPACE) as RecordedResource;
                const name = (ns.inputs.metadata as { name: string }).name;
                assert.ok(ns.dependencies.includes(lbc.urn), `${name}: its Ingress and TargetGroupBindings need the LB controller`);
                if (inNamespace(run, name).some((r) => r.type.endsWith(":ExternalSecret"))) {
                    assert.ok(ns.dependencies.includes(eso.urn), `${name}: its ExternalSecret needs External Secrets`);
                }
            }
            const provisioner = one(run, NAMESPACE, "database-provisioner-namespace");
            assert.ok(provisioner.dependencies.includes(eso.urn), "the provisioner's ExternalSecrets need External Secrets");
        });
    }

    it("claims go with their release while the EBS CSI driver still runs, and their volumes carry the cluster's tag", async () => {
        const run = await stackRun("prod");
        const kps = release(run, "kube-prometheus-stack");
        const gp3 = one(run, "kubernetes:storage.k8s.io/v1:StorageClass");
        assert.ok(kps.dependencies.includes(gp3.urn), "volumes are claimed after the default StorageClass exists");
        assert.ok(gp3.dependencies.includes(one(run, "aws:eks/addon:Addon", "cluster-ebs-csi").urn));
        assert.equal(gp3.inputs.reclaimPolicy, "Delete");
        assert.equal((gp3.inputs.parameters as Record<string, string>).tagSpecification_1, "platform.io/cluster=platform-prod");
        const values = kps.inputs.values as { prometheus: { prometheusSpec: Record<string, unknown> }; alertmanager: { alertmanagerSpec: Record<string, unknown> } };
        for (const spec of [values.prometheus.prometheusSpec, values.alertmanager.alertmanagerSpec]) {
            assert.ok(spec.storageSpec !== undefined || spec.storage !== undefined, "prod persists");
            assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Delete", whenScaled: "Retain" });
        }
        assert.equal(byUrn(run, String(gp3.provider)).type, "pulumi:providers:kubernetes");
    });
});
