import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { EnforcementLevel } from "@pulumi/policy";
import { defaultLevel, environmentFromProcess, environmentFromStackName, reconcileConfig, stackFromUrn } from "../../policies/lib/enforcement";
import { PlatformPolicy, mayJudge, resourceRule } from "../../policies/lib/rule";
import { evaluatePolicies } from "../../policies/offline";
import { POLICIES, packPolicies, policyTableMarkdown } from "../../policies/pack";
import { AWS_DATA_POLICIES, rdsBackupRetention, rdsNotPublic } from "../../policies/rules/awsData";
import { AWS_NETWORK_POLICIES } from "../../policies/rules/awsNetwork";
import { AWS_SECURITY_POLICIES } from "../../policies/rules/awsSecurity";
import { CI_POLICIES } from "../../policies/rules/ci";
import { COMPUTE_POLICIES } from "../../policies/rules/compute";
import { EKS_POLICIES, endpointPrivate } from "../../policies/rules/eks";
import { HYGIENE_POLICIES } from "../../policies/rules/hygiene";
import { KUBERNETES_POLICIES } from "../../policies/rules/kubernetes";
import { POD_SECURITY_POLICIES } from "../../policies/rules/podSecurity";
import { STACK_POLICIES } from "../../policies/rules/stack";
import { resource, runOf } from "../../policies/testing";

const ROOT = path.resolve(__dirname, "..", "..");
const POLICY_DIR = path.join(ROOT, "policies");
/** The wire protocol's unknown string, as `pulumi preview` sends a value computed from a resource not created yet. */
const WIRE_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const publicDb = (stack = "prod") => resource("aws:rds/instance:Instance", { publiclyAccessible: true, backupRetentionPeriod: 1 }, { stack });

describe("policies: environment and enforcement", () => {
    it("reads the environment from stack names", () => {
        const cases: [string | undefined, string | undefined][] = [
            ["prod", "prod"],
            ["acme/platform/prod", "prod"],
            ["prod-eu", "prod"],
            ["production", "prod"],
            ["dev", "dev"],
            ["dev-alice", "dev"],
            ["staging", "staging"],
            ["stg-eu", "staging"],
            ["qa", undefined],
            ["product", undefined],
            [undefined, undefined],
        ];
        assert.deepEqual(
            cases.map(([stack]) => [stack, environmentFromStackName(stack)]),
            cases,
        );
        assert.equal(stackFromUrn("urn:pulumi:dev::platform::aws:kms/key:Key::k"), "dev");
        assert.equal(stackFromUrn("not-a-urn"), undefined);
    });

    it("takes the policy pack process's environment from the stack config, then the stack name, else prod", () => {
        assert.deepEqual(environmentFromProcess({ PULUMI_CONFIG: JSON.stringify({ "platform:environment": "dev" }), PULUMI_STACK: "prod" }), {
            environment: "dev",
            source: "stack config platform:environment",
        });
        assert.equal(environmentFromProcess({ PULUMI_CONFIG: "{}", PULUMI_STACK: "dev-alice" }).environment, "dev");
        assert.equal(environmentFromProcess({ PULUMI_CONFIG: "not json", PULUMI_NODEJS_STACK: "dev" }).environment, "dev");
        assert.equal(environmentFromProcess({ PULUMI_CONFIG: JSON.stringify({ "platform:environment": "qa" }) }).environment, "prod");
        assert.equal(environmentFromProcess({}).environment, "prod");
        assert.deepEqual([defaultLevel("prod"), defaultLevel("dev")], ["mandatory", "advisory"]);
    });

    it("reconciles policy-pack config as the engine does: defaults, then all, then each policy", () => {
        const policies = [rdsNotPublic, rdsBackupRetention, endpointPrivate];
        const levels = (config?: Parameters<typeof reconcileConfig>[2]) => [...reconcileConfig(policies, "mandatory", config).values()].map((c) => c.level);
        assert.deepEqual(levels(), ["mandatory", "mandatory", "mandatory"]);
        assert.deepEqual(levels({ all: "advisory" }), ["advisory", "advisory", "advisory"]);
        assert.deepEqual(levels({ all: "advisory", "rds-not-public": "mandatory", "eks-endpoint-private": { enforcementLevel: "disabled" } }), ["mandatory", "advisory", "disabled"]);
        const resolved = reconcileConfig(policies, "advisory", { "rds-backup-retention": { minimumDays: 14 } });
        assert.deepEqual(resolved.get("rds-backup-retention"), { level: "advisory", properties: { minimumDays: 14 } });
        assert.deepEqual(resolved.get("eks-endpoint-private")?.properties, { allowPublicEndpoint: false });
        assert.throws(() => reconcileConfig(policies, "mandatory", { "rds-public": "advisory" }), /unknown policies: rds-public/);
        assert.throws(() => reconcileConfig(policies, "mandatory", { all: "warn" as EnforcementLevel }), /"warn" is not an enforcement level/);
    });

    it("enforces violations as mandatory in prod and advisory in dev, taking the environment from the URNs", () => {
        const levels = (stack: string, options = {}) => evaluatePolicies(runOf([publicDb(stack)], stack), { policies: [rdsNotPublic], ...options }).map((v) => v.level);
        assert.deepEqual(levels("prod"), ["mandatory"]);
        assert.deepEqual(levels("dev"), ["advisory"]);
        assert.deepEqual(levels("dev", { environment: "prod" }), ["mandatory"]);
        assert.deepEqual(levels("dev", { overrides: { "rds-not-public": "mandatory" } }), ["mandatory"]);
        assert.deepEqual(levels("prod", { overrides: { all: "advisory" } }), ["advisory"]);
        assert.deepEqual(levels("prod", { overrides: { "rds-not-public": { enforcementLevel: "disabled" } } }), []);
        assert.deepEqual(levels("prod", { overrides: { "rds-not-public": "remediate" } }), ["mandatory"]);
    });

    it("passes each policy its configured settings", () => {
        const run = runOf([publicDb()]);
        assert.equal(evaluatePolicies(run, { policies: [rdsBackupRetention] }).length, 1);
        assert.equal(evaluatePolicies(run, { policies: [rdsBackupRetention], overrides: { "rds-backup-retention": { minimumDays: 1 } } }).length, 0);
    });

    it("skips a resource rule for the types it does not judge without calling it, with the same violations", () => {
        assert.equal(mayJudge(rdsNotPublic, "aws:rds/instance:Instance"), true);
        assert.equal(mayJudge(rdsNotPublic, "aws:s3/bucket:Bucket"), false);
        const stackRules = POLICIES.filter((p) => "validateStack" in p);
        assert.ok(stackRules.length > 0);
        assert.ok(stackRules.every((p) => mayJudge(p, "aws:s3/bucket:Bucket")));
        // Each type is asked about once by the evaluator, and once more by the rule when it is called.
        const asked: string[] = [];
        const rule = resourceRule({
            name: "probe",
            summary: "Probe.",
            controls: ["none"],
            severity: "low",
            appliesTo: (type) => {
                asked.push(type);
                return type === "aws:rds/instance:Instance";
            },
            validate: (r, report) => report(`judged ${r.name}`),
        });
        const db = publicDb();
        const violations = evaluatePolicies(runOf([db, resource("aws:s3/bucket:Bucket", {})]), { policies: [rule] });
        assert.deepEqual(violations.map((v) => v.message), [`judged ${db.name}`]);
        assert.deepEqual(asked, ["aws:rds/instance:Instance", "aws:rds/instance:Instance", "aws:s3/bucket:Bucket"]);
    });
});

describe("policies: the pack", () => {
    it("is made of the rule modules the rule tests cover, with unique names", () => {
        const covered: readonly PlatformPolicy[] = [
            ...AWS_NETWORK_POLICIES,
            ...EKS_POLICIES,
            ...COMPUTE_POLICIES,
            ...AWS_DATA_POLICIES,
            ...AWS_SECURITY_POLICIES,
            ...CI_POLICIES,
            ...KUBERNETES_POLICIES,
            ...POD_SECURITY_POLICIES,
            ...HYGIENE_POLICIES,
            ...STACK_POLICIES,
        ];
        assert.deepEqual(
            POLICIES.map((p) => p.name),
            covered.map((p) => p.name),
        );
        assert.equal(new Set(POLICIES.map((p) => p.name)).size, POLICIES.length);
    });

    it("names its controls in every description, and declares no setting CrossGuard reserves", () => {
        for (const p of POLICIES) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/, p.name);
            assert.ok(p.controls.length > 0 && p.controls.every((c) => p.description.includes(c)), p.name);
            assert.ok(p.configSchema?.properties.enforcementLevel === undefined, p.name);
            for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
                assert.ok(typeof schema === "object" && schema.description, `${p.name}.${key} has no description`);
            }
        }
    });

    it("declares the environment's level on every policy", () => {
        assert.ok(packPolicies("prod").every((p) => p.enforcementLevel === "mandatory"));
        assert.ok(packPolicies("dev").every((p) => p.enforcementLevel === "advisory"));
    });

    it("lists every rule in the README's table, as the code describes it", () => {
        const readme = fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
        assert.ok(readme.includes(policyTableMarkdown()), "policies/README.md: regenerate the table (see 'The rules')");
        assert.match(readme, new RegExp(`\\n${POLICIES.length} rules\\.`));
    });
});

/** The analyzer's gRPC handlers, which `@pulumi/policy` exports for its own server. */
interface Handlers {
    makeAnalyzeRpcFun(name: string, version: string, level: EnforcementLevel, policies: PlatformPolicy[]): Handler;
    makeAnalyzeStackRpcFun(name: string, version: string, level: EnforcementLevel, policies: PlatformPolicy[]): Handler;
}
type Handler = (call: { request: unknown }, callback: (err: unknown, response?: AnalyzeResponse) => void) => void;
interface AnalyzeResponse {
    getDiagnosticsList(): { getPolicyname(): string; getMessage(): string; getEnforcementlevel(): number; getUrn(): string }[];
}

describe("policies: under CrossGuard's own analyzer", () => {
    const server = require("@pulumi/policy/server") as Handlers;
    const proto = require("@pulumi/pulumi/proto/analyzer_pb");
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
    const MANDATORY = proto.EnforcementLevel.MANDATORY;

    const options = (protect = false) => {
        const o = new proto.AnalyzerResourceOptions();
        o.setProtect(protect);
        return o;
    };
    const call = (handler: Handler, request: unknown) =>
        new Promise<{ policy: string; level: number; message: string }[]>((resolve, reject) =>
            handler({ request }, (err, response) =>
                err
                    ? reject(err)
                    : resolve((response as AnalyzeResponse).getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage() }))),
            ),
        );

    it("judges a resource whose properties are unknown during preview without tripping CrossGuard's unknown-value guard", async () => {
        const analyze = server.makeAnalyzeRpcFun("platform-policies", "0.1.0", "mandatory", packPolicies("prod"));
        const request = new proto.AnalyzeRequest();
        request.setType("aws:rds/instance:Instance");
        request.setUrn("urn:pulumi:prod::platform::aws:rds/instance:Instance::db");
        request.setName("db");
        request.setOptions(options());
        request.setProperties(Struct.fromJavaScript({ publiclyAccessible: true, storageEncrypted: true, kmsKeyId: WIRE_UNKNOWN, multiAz: WIRE_UNKNOWN, backupRetentionPeriod: 14, deletionProtection: true }));
        const diagnostics = await call(analyze, request);
        assert.deepEqual(
            diagnostics.map((d) => [d.policy, d.level]),
            [["rds-not-public", MANDATORY]],
        );
    });

    it("judges the stack from outputs, parents and dependencies without tripping the guard", async () => {
        const analyzeStack = server.makeAnalyzeStackRpcFun("platform-policies", "0.1.0", "mandatory", packPolicies("prod"));
        const stackResource = (type: string, name: string, props: object, extra: { parent?: string; dependencies?: string[]; protect?: boolean } = {}) => {
            const r = new proto.AnalyzerResource();
            const urn = `urn:pulumi:prod::platform::${type}::${name}`;
            r.setType(type);
            r.setUrn(urn);
            r.setName(name);
            r.setProperties(Struct.fromJavaScript(props));
            r.setOptions(options(extra.protect));
            if (extra.parent) {
                r.setParent(extra.parent);
            }
            r.setDependenciesList(extra.dependencies ?? []);
            return { r, urn };
        };
        const component = stackResource("eks:index:Cluster", "eks", { kubeconfig: WIRE_UNKNOWN }, { protect: true });
        const cluster = stackResource(
            "aws:eks/cluster:Cluster",
            "eks-cluster",
            {
                version: "1.35",
                vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], clusterSecurityGroupId: WIRE_UNKNOWN },
                enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
                encryptionConfig: { provider: { keyArn: WIRE_UNKNOWN }, resources: ["secrets"] },
                accessConfig: { authenticationMode: "API" },
            },
            { parent: component.urn, protect: true },
        );
        const vpcComponent = stackResource("awsx:ec2:Vpc", "vpc", { vpcId: WIRE_UNKNOWN });
        const vpc = stackResource("aws:ec2/vpc:Vpc", "vpc", { id: WIRE_UNKNOWN, cidrBlock: "10.0.0.0/16" }, { parent: vpcComponent.urn });
        const sg = stackResource("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default-sg", { vpcId: WIRE_UNKNOWN, ingress: [], egress: [] }, { dependencies: [vpcComponent.urn] });
        const flowLog = stackResource("aws:ec2/flowLog:FlowLog", "flow-log", { vpcId: WIRE_UNKNOWN, trafficType: "ALL" }, { dependencies: [vpcComponent.urn] });
        const request = new proto.AnalyzeStackRequest();
        request.setResourcesList([component, cluster, vpcComponent, vpc, sg, flowLog].map((x) => x.r));
        const diagnostics = await call(analyzeStack, request);
        assert.deepEqual(
            diagnostics.map((d) => [d.policy, d.level]),
            [["eks-endpoint-private", MANDATORY]],
            JSON.stringify(diagnostics),
        );
    });
});

describe("policies: the pack process, as `pulumi preview --policy-pack policies` starts it", function () {
    // The runner type-checks the pack with policies/tsconfig.json before serving it.
    this.timeout(60_000);
    let child: ChildProcess | undefined;

    after(() => {
        if (child?.pid !== undefined && child.exitCode === null) {
            child.kill();
        }
    });

    it("serves every policy at the level of the stack's platform:environment", async () => {
        const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
        child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
            cwd: POLICY_DIR,
            env: { ...process.env, PULUMI_CONFIG: JSON.stringify({ "platform:environment": "dev" }), PULUMI_STACK: "prod" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        const started = child;
        let stderr = "";
        started.stderr?.on("data", (d) => (stderr += String(d)));
        const port = await new Promise<string>((resolve, reject) => {
            started.stdout?.once("data", (d) => resolve(String(d).trim()));
            started.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
        });
        const grpc = require("@grpc/grpc-js");
        const services = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
        const client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const Empty = services.AnalyzerService.getAnalyzerInfo.requestType;
        const info = await new Promise<{ getName(): string; getPoliciesList(): { getName(): string; getEnforcementlevel(): number }[] }>((resolve, reject) =>
            client.getAnalyzerInfo(new Empty(), (err: unknown, response: never) => (err ? reject(err) : resolve(response))),
        );
        client.close();
        const proto = require("@pulumi/pulumi/proto/analyzer_pb");
        assert.equal(info.getName(), "platform-policies");
        assert.deepEqual(
            info.getPoliciesList().map((p) => p.getName()),
            POLICIES.map((p) => p.name),
        );
        assert.ok(info.getPoliciesList().every((p) => p.getEnforcementlevel() === proto.EnforcementLevel.ADVISORY));
    });
});
