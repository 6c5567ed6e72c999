import { strict as assert } from "assert";
import { ADDONS } from "../../../components/addons";
import { AUTOSCALER_IMAGE_TAGS } from "../../../components/addons/clusterAutoscaler";
import { KUBERNETES_VERSIONS } from "../../../config/catalog";
import { wildcardProblems } from "../../../lib/iam";
import { addonFacts } from "./addonFacts";
import { json, ofType, one, stackRun, variantRun } from "../../harness";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const facts = addonFacts;

describe("add-ons", () => {
    it("pin every chart to an exact version", () => {
        for (const [key, def] of Object.entries(ADDONS)) {
            assert.match(def.version, /^v?\d+\.\d+\.\d+$/, `${key}: ${def.version}`);
            assert.match(def.repository, /^https:\/\//, key);
        }
    });

    it("grant add-ons exact permissions: no wildcard actions, writes scoped to this stack", () => {
        for (const [key, def] of Object.entries(ADDONS)) {
            if (!def.policy) {
                continue;
            }
            const statements = def.policy(facts());
            assert.deepEqual(wildcardProblems(statements), [], key);
            assert.ok(def.serviceAccount, `${key} has an IRSA role, so it names its service account`);
        }
        const eso = ADDONS.externalSecrets.policy?.(facts()) ?? [];
        assert.equal(eso[0].Resource, "arn:aws:secretsmanager:eu-west-1:111122223333:secret:platform/dev/platform/*");
        const ca = ADDONS.clusterAutoscaler.policy?.(facts()) ?? [];
        assert.deepEqual(ca.find((s) => s.Sid === "ScaleOwnGroups")?.Condition, { StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/platform-dev": "owned" } });
        const fb = ADDONS.fluentBit.policy?.(facts()) ?? [];
        assert.deepEqual(fb[0].Resource, ["arn:aws:logs:eu-west-1:111122223333:log-group:/aws/eks/platform-dev/containers", "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/eks/platform-dev/containers:log-stream:*"]);
    });

    it("build values from the stack's facts", () => {
        const lbc = ADDONS.loadBalancerController.values(facts()) as AnyObj;
        assert.deepEqual([lbc.clusterName, lbc.region, lbc.vpcId, lbc.replicaCount], ["platform-dev", "eu-west-1", "vpc-0123", 2]);
        assert.equal(lbc.serviceAccount.annotations["eks.amazonaws.com/role-arn"], "arn:aws:iam::111122223333:role/addon");
        assert.equal(lbc.enableServiceMutatorWebhook, false, "Services of type LoadBalancer are not the way in");

        const ca = ADDONS.clusterAutoscaler.values(facts()) as AnyObj;
        assert.deepEqual(ca.autoDiscovery, { clusterName: "platform-dev" });
        assert.equal(ca.image.tag, "v1.35.0", "the autoscaler matches the control plane's minor version");
        assert.throws(() => ADDONS.clusterAutoscaler.values(facts({ kubernetesVersion: "1.99" })), /no image for Kubernetes 1.99/);
        for (const v of Object.keys(KUBERNETES_VERSIONS)) {
            assert.ok(AUTOSCALER_IMAGE_TAGS[v], `an autoscaler image for every supported version (${v})`);
        }

        const fb = ADDONS.fluentBit.values(facts()) as AnyObj;
        assert.deepEqual([fb.cloudWatchLogs.logGroupName, fb.cloudWatchLogs.autoCreateGroup], ["/aws/eks/platform-dev/containers", false]);

        const dev = ADDONS.kubePrometheusStack.values(facts()) as AnyObj;
        const prod = ADDONS.kubePrometheusStack.values(facts({ highlyAvailable: true })) as AnyObj;
        assert.deepEqual(dev.grafana.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        assert.equal(dev.prometheus.prometheusSpec.storageSpec, undefined, "dev keeps Prometheus data on the node");
        assert.equal(prod.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName, "gp3");
        assert.equal(prod.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName, "gp3");
        assert.deepEqual([prod.grafana.persistence.enabled, prod.grafana.persistence.storageClassName], [true, "gp3"]);
        assert.equal(prod.prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues, false, "every ServiceMonitor is scraped");

        for (const [key, def] of Object.entries(ADDONS)) {
            const values = def.values(facts()) as AnyObj;
            const text = JSON.stringify(values);
            assert.ok(text.includes("requests") && text.includes("limits"), `${key} sets requests and limits`);
        }
    });

    it("installs each enabled add-on as a pinned Helm release after the node groups", async () => {
        const run = await stackRun("prod");
        const releases = ofType(run, "kubernetes:helm.sh/v3:Release");
        assert.equal(releases.length, Object.keys(ADDONS).length);
        const nodeGroups = ofType(run, "aws:eks/nodeGroup:NodeGroup").map((g) => g.urn);
        for (const def of Object.values(ADDONS)) {
            const r = releases.find((x) => x.inputs.name === def.name) as (typeof releases)[number];
            assert.ok(r, def.name);
            assert.deepEqual([r.inputs.chart, r.inputs.version, r.inputs.namespace], [def.chart, def.version, def.namespace]);
            assert.deepEqual(r.inputs.repositoryOpts, { repo: def.repository });
            assert.ok(nodeGroups.every((g) => r.dependencies.includes(g)), `${def.name} waits for nodes`);
            assert.equal(r.provider, one(run, "pulumi:providers:kubernetes").urn);
        }
        const lbc = releases.find((r) => r.inputs.name === "aws-load-balancer-controller") as (typeof releases)[number];
        assert.equal((lbc.inputs.values as AnyObj).serviceAccount.annotations["eks.amazonaws.com/role-arn"], one(run, "aws:iam/role:Role", "addons-aws-load-balancer-controller-irsa-role").outputs.arn);
        assert.equal((lbc.inputs.values as AnyObj).replicaCount, 2, "prod runs two controller replicas");
        const grafana = one(run, "kubernetes:external-secrets.io/v1:ExternalSecret", "addons-grafana-admin");
        const kps = releases.find((r) => r.inputs.name === "kube-prometheus-stack") as (typeof releases)[number];
        assert.ok(kps.dependencies.includes(grafana.urn), "Grafana's admin secret exists before Grafana");
        const trust = json<AnyObj>(one(run, "aws:iam/role:Role", "addons-external-secrets-irsa-role").inputs.assumeRolePolicy);
        assert.equal(Object.values(trust.Statement[0].Condition.StringEquals)[0], "system:serviceaccount:external-secrets:external-secrets");
    });

    it("ships container logs to a log group created with retention and the logs key", async () => {
        const run = await stackRun("dev");
        const group = one(run, "aws:cloudwatch/logGroup:LogGroup", "addons-container-logs");
        assert.deepEqual([group.inputs.name, group.inputs.retentionInDays, group.inputs.kmsKeyId], ["/aws/eks/platform-dev/containers", 14, one(run, "aws:kms/key:Key", "encryption-logs").outputs.arn]);
        const fb = one(run, "kubernetes:helm.sh/v3:Release", "addons-aws-for-fluent-bit-release");
        assert.ok(fb.dependencies.includes(group.urn));
    });

    it("leaves a disabled add-on out, with the resources that exist only for it", async () => {
        const run = await variantRun("dev", { "platform:addons": { certManager: { enabled: false }, kubePrometheusStack: { enabled: false } } });
        const names = ofType(run, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs.name);
        assert.ok(!names.includes("cert-manager") && !names.includes("kube-prometheus-stack"));
        assert.equal(ofType(run, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").length, 0, "no ServiceMonitor without its CRD");
        assert.equal(ofType(run, "aws:secretsmanager/secret:Secret").filter((s) => String(s.inputs.name).endsWith("grafana-admin")).length, 0);
    });
});
