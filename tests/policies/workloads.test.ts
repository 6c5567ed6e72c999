import { strict as assert } from "assert";
import type { RecordedResource } from "../../offline/run";
import { kubeType } from "../../policies/lib/kubernetes";
import { PlatformPolicy, Stack, StackResource } from "../../policies/lib/rule";
import { UNKNOWN } from "../../policies/lib/values";
import { HYGIENE_POLICIES, imagePinProblem } from "../../policies/rules/hygiene";
import { KUBERNETES_POLICIES } from "../../policies/rules/kubernetes";
import { STACK_POLICIES } from "../../policies/rules/stack";
import { RuleCase, compliantContainer, compliantPodSpec, kube, resource, workload } from "../../policies/testing";
import { describeRuleCases } from "./ruleCases";

const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/AE9A20934E3C794E68FB5EA4A0357BC6";
const ROLE_ARN = "arn:aws:iam::123456789012:role/service-api-irsa";

const pod = (container: Record<string, unknown> = {}) => compliantPodSpec([{ ...compliantContainer(), ...container }]);
const deploy = (options: { replicas?: number; ignoreChanges?: string[]; container?: Record<string, unknown>; name?: string } = {}) =>
    workload("Deployment", pod(options.container), { replicas: options.replicas, ignoreChanges: options.ignoreChanges, name: options.name });

const meta = (name: string, namespace = "api") => ({ metadata: { name, namespace } });
const pdb = (spec: Record<string, unknown>) => kube("PodDisruptionBudget", { ...meta("api"), spec: { selector: { matchLabels: { app: "api" } }, ...spec } });
const hpa = (minReplicas?: number, target = "api") =>
    kube("HorizontalPodAutoscaler", { ...meta("api"), spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target }, minReplicas, maxReplicas: 10 } });
const scaledObject = (minReplicaCount?: number) => kube("ScaledObject", { ...meta("api"), spec: { scaleTargetRef: { name: "api" }, minReplicaCount } });
const networkPolicy = (name: string, spec: Record<string, unknown>, namespace = "api") => kube("NetworkPolicy", { ...meta(name, namespace), spec });
const defaultDeny = (namespace = "api") => networkPolicy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, namespace);
const tenant = (name = "api", labels: Record<string, string> = { "platform.io/tenant": "true" }) => kube("Namespace", { metadata: { name, labels } });
const serviceAccount = (annotations: Record<string, string> = {}, name = "api") => kube("ServiceAccount", { metadata: { name, namespace: "api", annotations } });
const irsaRole = (subject: string) =>
    resource(
        "aws:iam/role:Role",
        {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}` },
                        Condition: { StringEquals: { [`${ISSUER}:sub`]: subject, [`${ISSUER}:aud`]: "sts.amazonaws.com" } },
                    },
                ],
            }),
        },
        { outputs: { arn: ROLE_ARN } },
    );

const ALB = "alb.ingress.kubernetes.io/";
const httpsAnnotations = {
    [`${ALB}certificate-arn`]: "arn:aws:acm:us-east-1:123456789012:certificate/7d1e4b2c",
    [`${ALB}listen-ports`]: '[{"HTTP":80},{"HTTPS":443}]',
    [`${ALB}ssl-redirect`]: "443",
    [`${ALB}ssl-policy`]: "ELBSecurityPolicy-TLS13-1-2-2021-06",
};
const ingress = (annotations: Record<string, unknown>, spec: Record<string, unknown> = { ingressClassName: "alb" }) =>
    kube("Ingress", { metadata: { name: "api", namespace: "api", annotations }, spec: { ...spec, rules: [{ host: "www.example.com" }] } });
const without = (key: string) => Object.fromEntries(Object.entries(httpsAnnotations).filter(([k]) => k !== `${ALB}${key}`));

/** A deployment with everything the stack rules want: budget, network policy, autoscaler. */
const wellRun = (): RecordedResource[] => [deploy({ replicas: 2 }), pdb({ maxUnavailable: 1 }), networkPolicy("allow-callers", { podSelector: { matchLabels: { app: "api" } }, ingress: [{}] })];

const CASES: Record<string, RuleCase[]> = {
    "k8s-no-default-namespace": [
        { title: "a workload in its own namespace", resources: [deploy()] },
        { title: "a Helm release in kube-system", resources: [resource("kubernetes:helm.sh/v3:Release", { chart: "metrics-server", namespace: "kube-system", version: "3.14.0" })] },
        { title: "a namespace the provider defaults to", resources: [kube("ConfigMap", { metadata: { name: "x" } }, { provider: "urn:pulumi:prod::platform::pulumi:providers:kubernetes::apps" }), resource("pulumi:providers:kubernetes", { namespace: "apps" }, { name: "apps" })] },
        { title: "a Service without a namespace", resources: [kube("Service", { metadata: { name: "api" }, spec: { ports: [{ port: 80 }] } })], violation: /lands in the default namespace/ },
        { title: "a Helm release without a namespace", resources: [resource("kubernetes:helm.sh/v3:Release", { chart: "x", version: "1.0.0" })], violation: /namespace unset or "default"/ },
        { title: "a Deployment in default", resources: [workload("Deployment", pod(), { namespace: "default" })], violation: /default namespace/ },
    ],
    "k8s-no-default-service-account": [
        { title: "a dedicated service account", resources: [deploy()] },
        { title: "no service account named", resources: [workload("Deployment", { ...pod(), serviceAccountName: undefined })], violation: /runs as the default service account/ },
        { title: "the default service account by name", resources: [workload("Job", { ...pod(), serviceAccountName: "default" })], violation: /default service account/ },
    ],
    "k8s-dedicated-service-accounts": [
        { title: "the workload's own service account, trusted by its IRSA role", resources: [deploy(), serviceAccount({ "eks.amazonaws.com/role-arn": ROLE_ARN }), irsaRole("system:serviceaccount:api:api")] },
        (() => {
            const role = irsaRole("system:serviceaccount:api:api");
            const account = kube("ServiceAccount", { metadata: { name: "api", namespace: "api", annotations: { "eks.amazonaws.com/role-arn": UNKNOWN } } }, { dependencies: [role.urn] });
            return { title: "real preview: role ARN unknown, role found through the dependency", resources: [deploy(), account, role] };
        })(),
        { title: "a service account the stack does not define", resources: [deploy()], violation: /service account "api", which the stack does not define/ },
        { title: "an IRSA role trusting another service account", resources: [serviceAccount({ "eks.amazonaws.com/role-arn": ROLE_ARN }), irsaRole("system:serviceaccount:worker:worker")], violation: /admits system:serviceaccount:worker:worker but not system:serviceaccount:api:api/ },
    ],
    "k8s-no-literal-secrets": [
        { title: "secrets from a synced Secret, ARNs as plain values", resources: [deploy({ container: { env: [{ name: "DATABASE_PASSWORD", valueFrom: { secretKeyRef: { name: "api-secrets", key: "p" } } }, { name: "DATABASE_SECRET_ARN", value: "arn:aws:secretsmanager:x" }, { name: "LOG_LEVEL", value: "info" }] } })] },
        { title: "an empty Secret shell", resources: [kube("Secret", { ...meta("tls"), type: "kubernetes.io/tls" })] },
        { title: "a Secret with data", resources: [kube("Secret", { ...meta("creds"), stringData: { password: "[secret]" } })], violation: /carries stringData in the program/ },
        { title: "a Secret with data not known yet", resources: [kube("Secret", { ...meta("creds"), data: UNKNOWN })], violation: /carries data/ },
        { title: "a literal password in env", resources: [deploy({ container: { env: [{ name: "STRIPE_API_KEY", value: "sk_live_123" }] } })], violation: /env STRIPE_API_KEY has a literal value/ },
    ],
    "k8s-image-pinned": [
        { title: "a version tag", resources: [deploy()] },
        { title: "a digest", resources: [deploy({ container: { image: `ghcr.io/example/api@sha256:${"a".repeat(64)}` } })] },
        { title: "a registry with a port and a tag", resources: [deploy({ container: { image: "registry.local:5000/api:1.2.3" } })] },
        { title: "latest", resources: [deploy({ container: { image: "ghcr.io/example/api:latest" } })], violation: /mutable tag latest/ },
        { title: "no tag", resources: [deploy({ container: { image: "registry.local:5000/api" } })], violation: /names no tag/ },
    ],
    "k8s-resources-set": [
        { title: "requests and limits", resources: [deploy()] },
        { title: "no CPU limit where config allows it", resources: [deploy({ container: { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } } } })], overrides: { "k8s-resources-set": { requireCpuLimits: false } } },
        { title: "no limits", resources: [deploy({ container: { resources: { requests: { cpu: "1", memory: "1Gi" } } } })], violation: /resources lack limits\.memory, limits\.cpu/ },
        { title: "no resources at all", resources: [deploy({ container: { resources: undefined } })], violation: /requests\.cpu, requests\.memory/ },
    ],
    "k8s-probes-on-served-workloads": [
        { title: "probes on a served container", resources: [deploy()] },
        { title: "a worker without ports or probes", resources: [workload("Deployment", compliantPodSpec([compliantContainer("worker", false)]))] },
        { title: "no readiness probe", resources: [deploy({ container: { readinessProbe: undefined } })], violation: /serves a port but has no readinessProbe/ },
        { title: "no probes", resources: [deploy({ container: { readinessProbe: undefined, livenessProbe: undefined } })], violation: /no readinessProbe or livenessProbe/ },
    ],
    "k8s-read-only-root-filesystem": [
        { title: "a read-only root filesystem", resources: [deploy()] },
        { title: "a writable root filesystem", resources: [deploy({ container: { securityContext: { ...(compliantContainer().securityContext as object), readOnlyRootFilesystem: false } } })], violation: /readOnlyRootFilesystem is not true/ },
    ],
    "k8s-no-node-port-or-load-balancer": [
        { title: "a ClusterIP service", resources: [kube("Service", { ...meta("api"), spec: { type: "ClusterIP", ports: [{ port: 80 }] } })] },
        { title: "a LoadBalancer service", resources: [kube("Service", { ...meta("api"), spec: { type: "LoadBalancer" } })], violation: /spec\.type is LoadBalancer/ },
        { title: "a NodePort service", resources: [kube("Service", { ...meta("api"), spec: { type: "NodePort" } })], violation: /NodePort/ },
    ],
    "k8s-autoscaler-min-replicas": [
        { title: "an HPA keeping 3", resources: [hpa(3)] },
        { title: "a ScaledObject keeping 2", resources: [scaledObject(2)] },
        { title: "an HPA keeping 1 by default", resources: [hpa(undefined)], violation: /spec\.minReplicas is 1/ },
        { title: "a ScaledObject scaling to zero by default", resources: [scaledObject(undefined)], violation: /spec\.minReplicaCount is 0/ },
    ],
    "k8s-pdb-allows-disruption": [
        { title: "maxUnavailable 1", resources: [deploy({ replicas: 3 }), pdb({ maxUnavailable: 1 })] },
        { title: "minAvailable 2 of 3 replicas", resources: [deploy({ replicas: 3 }), pdb({ minAvailable: 2 })] },
        { title: "maxUnavailable 0", resources: [deploy({ replicas: 3 }), pdb({ maxUnavailable: 0 })], violation: /maxUnavailable is 0/ },
        { title: "minAvailable 100%", resources: [pdb({ minAvailable: "100%" })], violation: /minAvailable is 100%/ },
        { title: "minAvailable equal to the replicas", resources: [deploy({ replicas: 2 }), pdb({ minAvailable: 2 })], violation: /minAvailable 2 leaves no pod of Deployment api\/api \(2 replica/ },
        { title: "minAvailable equal to the autoscaler's minimum", resources: [deploy(), hpa(2), pdb({ minAvailable: "50%" }), pdb({ minAvailable: 2 })], violation: /\(2 replica\(s\)\) evictable/ },
    ],
    "k8s-deployment-has-pdb": [
        { title: "a budget selecting the pods", resources: wellRun() },
        { title: "no budget", resources: [deploy({ replicas: 2 })], violation: /has no PodDisruptionBudget/ },
        { title: "a budget selecting other pods", resources: [deploy({ replicas: 2 }), kube("PodDisruptionBudget", { ...meta("other"), spec: { maxUnavailable: 1, selector: { matchLabels: { app: "other" } } } })], violation: /has no PodDisruptionBudget/ },
        { title: "a budget in another namespace", resources: [deploy({ replicas: 2 }), kube("PodDisruptionBudget", { ...meta("api", "worker"), spec: { maxUnavailable: 1, selector: { matchLabels: { app: "api" } } } })], violation: /has no PodDisruptionBudget/ },
    ],
    "k8s-deployment-has-network-policy": [
        { title: "a policy with rules selecting the pods", resources: wellRun() },
        { title: "only the namespace's default deny", resources: [deploy(), defaultDeny()], violation: /selected by no NetworkPolicy with rules/ },
        { title: "a policy for other pods", resources: [deploy(), networkPolicy("other", { podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["worker"] }] }, ingress: [{}] })], violation: /selected by no NetworkPolicy/ },
    ],
    "k8s-deployment-scales": [
        { title: "an HPA", resources: [deploy(), hpa(2)] },
        { title: "a KEDA ScaledObject", resources: [deploy(), scaledObject(2)] },
        { title: "two replicas", resources: [deploy({ replicas: 2 })] },
        { title: "one replica and no autoscaler", resources: [deploy()], violation: /runs 1 replica and no autoscaler/ },
        { title: "an HPA on another Deployment", resources: [deploy(), hpa(2, "worker")], violation: /no autoscaler targets it/ },
    ],
    "k8s-autoscaled-replicas-unmanaged": [
        { title: "replicas left to the HPA", resources: [deploy(), hpa(2)] },
        { title: "initial replicas with ignoreChanges", resources: [deploy({ replicas: 3, ignoreChanges: ["spec.replicas"] }), hpa(3)] },
        { title: "replicas set and managed", resources: [deploy({ replicas: 3 }), scaledObject(2)], violation: /sets spec\.replicas although an autoscaler owns it/ },
    ],
    "k8s-namespace-default-deny": [
        { title: "a tenant namespace with a default deny", resources: [tenant(), defaultDeny()] },
        { title: "a namespace that is not a tenant", resources: [tenant("kube-system", {})] },
        { title: "a tenant marked by a configured label", resources: [tenant("api", { team: "payments" }), defaultDeny()], overrides: { "k8s-namespace-default-deny": { tenantLabel: "team", tenantValue: "payments" } } },
        { title: "no policy", resources: [tenant()], violation: /namespace api has no default-deny NetworkPolicy/ },
        { title: "a deny of ingress only", resources: [tenant(), networkPolicy("deny", { podSelector: {}, policyTypes: ["Ingress"] })], violation: /no default-deny/ },
        { title: "a default deny in another namespace", resources: [tenant(), defaultDeny("worker")], violation: /no default-deny/ },
        { title: "a 'deny' that allows DNS", resources: [tenant(), networkPolicy("deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{ ports: [{ port: 53 }] }] })], violation: /no default-deny/ },
    ],
    "stateful-resources-protected": [
        { title: "a protected database and cluster", resources: [resource("aws:rds/instance:Instance", {}, { protect: true }), resource("eks:index:Cluster", {}, { protect: true })] },
        { title: "an unprotected KMS key", resources: [resource("aws:kms/key:Key", { enableKeyRotation: true })], violation: /aws:kms\/key:Key .* is not protected/ },
        { title: "an unprotected EKS cluster", resources: [resource("aws:eks/cluster:Cluster", {})], violation: /is not protected/ },
    ],
    "k8s-ingress-https-only": [
        { title: "HTTPS with a redirect from HTTP", resources: [ingress(httpsAnnotations)] },
        { title: "HTTPS only", resources: [ingress({ ...without("ssl-redirect"), [`${ALB}listen-ports`]: '[{"HTTPS":443}]' })] },
        {
            title: "certificate and TLS policy from IngressClassParams",
            resources: [
                ingress({ [`${ALB}listen-ports`]: '[{"HTTPS":443}]' }, { ingressClassName: "platform" }),
                kube("IngressClass", { metadata: { name: "platform" }, spec: { controller: "ingress.k8s.aws/alb", parameters: { apiGroup: "elbv2.k8s.aws", kind: "IngressClassParams", name: "platform" } } }),
                kube("IngressClassParams", { metadata: { name: "platform" }, spec: { certificateArn: ["arn:aws:acm:us-east-1:123456789012:certificate/x"], sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" } }),
            ],
        },
        { title: "another controller with TLS", resources: [ingress({}, { ingressClassName: "nginx", tls: [{ hosts: ["www.example.com"], secretName: "tls" }] })] },
        { title: "HTTP without a redirect", resources: [ingress(without("ssl-redirect"))], violation: /HTTP 80 without .*ssl-redirect/ },
        { title: "no certificate", resources: [ingress(without("certificate-arn"))], violation: /no alb\.ingress\.kubernetes\.io\/certificate-arn/ },
        { title: "no TLS policy", resources: [ingress(without("ssl-policy"))], violation: /no alb\.ingress\.kubernetes\.io\/ssl-policy/ },
        { title: "a TLS 1.0 policy", resources: [ingress({ ...httpsAnnotations, [`${ALB}ssl-policy`]: "ELBSecurityPolicy-2016-08" })], violation: /allows TLS older than 1\.2/ },
        { title: "HTTP only (the controller's default)", resources: [ingress({})], violation: /does not listen on HTTPS 443/ },
        { title: "an extra listener", resources: [ingress({ ...httpsAnnotations, [`${ALB}listen-ports`]: '[{"HTTPS":443},{"HTTPS":8443}]' })], violation: /listens on HTTPS 8443/ },
        { title: "another controller without TLS", resources: [ingress({}, { ingressClassName: "nginx" })], violation: /spec\.tls is empty/ },
    ],
};

const POLICIES: readonly PlatformPolicy[] = [...KUBERNETES_POLICIES, ...HYGIENE_POLICIES, ...STACK_POLICIES];

describeRuleCases("policies: Kubernetes workload, hygiene and stack rules", POLICIES, CASES, () => {
    it("reads image references the way registries do", () => {
        const cases: [string, boolean][] = [
            ["nginx", false],
            ["nginx:1.27", true],
            ["nginx:latest", false],
            ["localhost:5000/team/app", false],
            ["localhost:5000/team/app:2.0.1", true],
            [`app@sha256:${"0".repeat(64)}`, true],
        ];
        assert.deepEqual(
            cases.map(([image]) => [image, imagePinProblem(image) === undefined]),
            cases,
        );
    });

    it("answers a stack's question once, however many workloads ask it, and parses each type token once", () => {
        const resources = ["kubernetes:apps/v1:Deployment", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "aws:s3/bucket:Bucket"].map(
            (type, i) => ({ type, urn: `urn:${i}` }) as unknown as StackResource,
        );
        const stack = new Stack(resources);
        let asked = 0;
        const isHpa = (type: string) => (asked++, type.includes("HorizontalPodAutoscaler"));
        const first = stack.where(isHpa);
        first.push(resources[0]);
        assert.deepEqual(stack.where(isHpa), [resources[1]], "callers get their own copy");
        assert.equal(asked, resources.length);
        assert.equal(kubeType("kubernetes:apps/v1:Deployment"), kubeType("kubernetes:apps/v1:Deployment"));
        assert.deepEqual(kubeType("kubernetes:apps/v1:Deployment"), { group: "apps", version: "v1", kind: "Deployment" });
        assert.equal(kubeType("aws:s3/bucket:Bucket"), undefined);
    });
});
