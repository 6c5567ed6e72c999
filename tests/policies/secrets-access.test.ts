import { strict as assert } from "assert";
import type { ProgramRun, RecordedResource } from "../../offline/run";
import { evaluatePolicies } from "../../policies/offline";
import { serviceReadsOwnSecrets } from "../../policies/rules/awsSecurity";
import { RuleCase, kube, resource } from "../../policies/testing";
import { stackRun } from "../harness";
import { describeRuleCases } from "./ruleCases";

const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/AE9A20934E3C794E68FB5EA4A0357BC6";
const OIDC_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;
const secretArn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbC123`;
const OWN = "platform/prod/services/api/database";
const OTHER = "platform/prod/services/worker/broker";
const ADMIN = "platform/prod/broker/admin";

const namespace = (name: string, labels: Record<string, string>) => kube("Namespace", { metadata: { name, labels } });
const secret = (name: string) => resource("aws:secretsmanager/secret:Secret", { name }, { outputs: { arn: secretArn(name) } });
const document = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const reads = (Resource: string | string[], Action: string | string[] = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]) => ({ Effect: "Allow", Action, Resource });

/** The role the service account `<namespace>/<namespace>` assumes, and a RolePolicy on it with these statements. */
function roleWith(ns: string, ...statements: object[]): RecordedResource[] {
    const trust = {
        Effect: "Allow",
        Action: "sts:AssumeRoleWithWebIdentity",
        Principal: { Federated: OIDC_ARN },
        Condition: { StringEquals: { [`${ISSUER}:sub`]: `system:serviceaccount:${ns}:${ns}`, [`${ISSUER}:aud`]: "sts.amazonaws.com" } },
    };
    const role = resource("aws:iam/role:Role", { assumeRolePolicy: document(trust) }, { name: `${ns}-irsa-role`, outputs: { name: `${ns}-irsa-role-1a2b3c4` } });
    const policy = resource("aws:iam/rolePolicy:RolePolicy", { role: `${ns}-irsa-role-1a2b3c4`, policy: document(...statements) }, { name: `${ns}-irsa-policy`, dependencies: [role.urn] });
    return [role, policy];
}

/** The api service's namespace, the three secrets, and the api's role reading these ARNs. */
const apiReading = (...statements: object[]) => [namespace("api", { "platform.io/service": "api" }), secret(OWN), secret(OTHER), secret(ADMIN), ...roleWith("api", ...statements)];

const CASES: Record<string, RuleCase[]> = {
    "iam-service-reads-own-secrets": [
        { title: "a service role reading its own secret", resources: apiReading(reads(secretArn(OWN))) },
        { title: "a service role reading its own prefix with a wildcard", resources: apiReading(reads("arn:aws:secretsmanager:us-east-1:123456789012:secret:platform/prod/services/api/*")) },
        { title: "a policy not known yet (real preview)", resources: apiReading(reads("[unknown]")) },
        {
            title: "a provisioner's role reading admin and service secrets (its namespace names no service)",
            resources: [namespace("platform-broker", { "platform.io/tenant": "true" }), secret(ADMIN), secret(OTHER), ...roleWith("platform-broker", reads([secretArn(ADMIN), secretArn(OTHER)]))],
        },
        { title: "a service role reading an admin secret", resources: apiReading(reads([secretArn(OWN), secretArn(ADMIN)])), violation: /service api .* can read "platform\/prod\/broker\/admin"/ },
        { title: "a service role reading another service's secret", resources: apiReading(reads(secretArn(OTHER))), violation: /can read "platform\/prod\/services\/worker\/broker"/ },
        { title: "a service role reading every secret", resources: apiReading(reads("*", "secretsmanager:*")), violation: /can read every secret \("\*"\)/ },
        {
            title: "a wildcard that reaches past its prefix",
            resources: apiReading(reads("arn:aws:secretsmanager:us-east-1:123456789012:secret:platform/prod/services/*")),
            violation: /can read "platform\/prod\/services\/\*"/,
        },
        {
            title: "its own service's secret in another stack",
            resources: apiReading(reads("arn:aws:secretsmanager:us-east-1:123456789012:secret:platform/dev/services/api/database-XyZ789")),
            violation: /platform\/dev\/services\/api\/database/,
        },
        {
            title: "NotResource in a statement that reads secrets",
            resources: apiReading({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", NotResource: secretArn(ADMIN) }),
            violation: /NotResource or NotAction/,
        },
        {
            title: "SecretsManagerReadWrite attached",
            resources: (() => {
                const [ns, own, role] = [namespace("api", { "platform.io/service": "api" }), secret(OWN), roleWith("api", reads(secretArn(OWN)))[0]];
                const attachment = resource(
                    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    { role: "api-irsa-role-1a2b3c4", policyArn: "arn:aws:iam::aws:policy/SecretsManagerReadWrite" },
                    { dependencies: [role.urn] },
                );
                return [ns, own, role, attachment];
            })(),
            violation: /attaches arn:aws:iam::aws:policy\/SecretsManagerReadWrite/,
        },
    ],
};

/** The RolePolicy of each catalog service's IRSA role in a run (`service-<name>-irsa-policy`). */
function serviceRolePolicies(run: ProgramRun): RecordedResource[] {
    return run.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && /^service-.*-irsa-policy$/.test(r.name));
}

describeRuleCases("policies: a service's role reads its own secrets only", [serviceReadsOwnSecrets], CASES, () => {
    it("finds the prod stack's service roles each reading its own secrets, and fails one given the broker admin's", async () => {
        const run = await stackRun("prod");
        const only = { overrides: { all: "disabled" as const, "iam-service-reads-own-secrets": "mandatory" as const } };
        assert.deepEqual(evaluatePolicies(run, only), []);
        const policies = serviceRolePolicies(run);
        assert.ok(policies.length >= 3, `service role policies: ${policies.map((p) => p.name).join(", ")}`);
        const admin = run.resources.find((r) => r.type === "aws:secretsmanager/secret:Secret" && String(r.outputs.name).endsWith("/broker/admin"));
        assert.ok(admin, "the broker's admin secret");
        const target = policies[0];
        assert.match(String(target.inputs.policy), /\/services\//, "it reads the service's own secrets");
        const widened = JSON.parse(String(target.inputs.policy)) as { Statement: { Resource: string | string[] }[] };
        widened.Statement[0].Resource = [...[widened.Statement[0].Resource].flat(), String(admin.outputs.arn)];
        const policy = JSON.stringify(widened);
        const regressed = { ...run, resources: run.resources.map((r) => (r === target ? { ...r, inputs: { ...r.inputs, policy }, outputs: { ...r.outputs, policy } } : r)) };
        const violations = evaluatePolicies(regressed, only);
        assert.equal(violations.length, 1, JSON.stringify(violations));
        assert.match(violations[0].message, /broker\/admin", outside its own secrets/);
        assert.equal(violations[0].level, "mandatory");
    });
});
