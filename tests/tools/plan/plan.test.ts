import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { KUBERNETES_VERSIONS_AS_OF } from "../../../config/catalog";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, parseAllDocuments, stringify } from "yaml";
import { deepMerge } from "../../../lib/merge";
import { SECRET } from "../../../offline/run";
import { USAGE, UsageError } from "../../../tools/plan/args";
import { buildPlan, planJson } from "../../../tools/plan/build";
import { renderReport } from "../../../tools/plan/report";
import { LOSS } from "../../../tools/plan/replacement";
import { ROOT, ofType, stackRun } from "../../harness";

/** The plan's JSON, as far as these tests read it. */
interface PlanJson {
    stack: string;
    environment: string;
    resources: { urn: string; type: string; name: string; parent?: string; inputs: Record<string, unknown> }[];
    policy: { violations: { policy: string; level: string; resource?: string; message: string }[] };
    cost: { monthlyUsd: number; budgetUsd: number; items: { component: string; resource: string; monthlyUsd: number; basis: string }[] };
    deploy: { criticalPathMinutes: number; path: { resource: string; minutes: number; startMinutes: number }[] };
    manifests: { dir: string; files: Record<string, number>; problems: unknown[] };
    diff?: {
        added: string[];
        removed: string[];
        changed: { resource: string; inputs: string[] }[];
        destructive: { resource: string; action: string; inputs: string[]; loss: string }[];
        costDeltaUsd: number;
    };
    result: { exitCode: number; failures: { code: number; reason: string }[] };
}

interface Outcome {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
let scratch = 0;
/** A fresh directory under the test's temporary root. */
const tempDir = () => fs.mkdtempSync(path.join(TMP, `${++scratch}-`));

/** The node arguments of package.json's plan script: the compiled plan, brought up to date first. */
const PLAN_NODE_ARGS = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { plan: string } }).scripts.plan.split(" ").slice(1);

/** Runs `npm run plan` exactly as package.json does, without npm in between. */
function plan(...args: string[]): Outcome {
    // Version support is judged as of the day the catalog was read, so that these tests do not age.
    const r = spawnSync(process.execPath, [...PLAN_NODE_ARGS, ...args, "--as-of", KUBERNETES_VERSIONS_AS_OF], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
    });
    if (r.error) {
        throw r.error;
    }
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `plan` with `--json` and `--out` in a temporary directory; returns the outcome, the JSON and the manifests' directory. */
function planTo(...args: string[]): Outcome & { json: PlanJson; out: string } {
    const dir = tempDir();
    const file = path.join(dir, "plan.json");
    const out = path.join(dir, "manifests");
    const outcome = plan(...args, "--json", file, "--out", out);
    assert.ok(fs.existsSync(file), `no JSON written (exit ${outcome.code}):\n${outcome.stderr}`);
    return { ...outcome, json: JSON.parse(fs.readFileSync(file, "utf8")) as PlanJson, out };
}

/**
 * A copy of a shipped stack file with some keys deep-merged into its `config:`, named `Pulumi.<stack>.yaml`
 * so that the plan takes the stack name from it. Merging keeps the stack's other settings (its
 * certificate, admin roles, services), so that only the change under test differs.
 */
function stackVariant(stack: string, overrides: Record<string, unknown>): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const file = path.join(tempDir(), `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, stringify({ ...doc, config: deepMerge(doc.config, overrides) }));
    return file;
}

const exitOf = (o: Outcome) => `exit ${o.code}\n--- stdout\n${o.stdout.slice(-3000)}\n--- stderr\n${o.stderr.slice(-3000)}`;
const urnOf = (json: PlanJson, type: string, name: string) => {
    const found = json.resources.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `${type} ${name}`);
    return found[0].urn;
};

/** Every YAML document of every file in a manifests directory, by file. */
function readManifests(dir: string): Map<string, { kind: string; metadata: { name: string; namespace?: string } }[]> {
    const out = new Map<string, { kind: string; metadata: { name: string; namespace?: string } }[]>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
        const docs = parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8"));
        for (const d of docs) {
            assert.deepEqual(d.errors.map((e) => e.message), [], `${file} does not parse`);
        }
        out.set(file, docs.map((d) => d.toJS()));
    }
    return out;
}

describe("plan command", function () {
    this.timeout(120_000);

    after(() => fs.rmSync(TMP, { recursive: true, force: true }));

    const shipped: Record<string, ReturnType<typeof planTo>> = {};
    before(() => {
        for (const stack of ["dev", "prod"]) {
            shipped[stack] = planTo("--stack", stack);
        }
    });

    for (const stack of ["dev", "prod"]) {
        describe(`the shipped ${stack} stack`, () => {
            it("plans successfully and says so", () => {
                const r = shipped[stack];
                assert.equal(r.code, 0, exitOf(r));
                assert.match(r.stdout, new RegExp(`^Plan of stack ${stack} \\(environment ${stack}, us-east-1\\) from Pulumi\\.${stack}\\.yaml$`, "m"));
                assert.match(r.stdout, /^Result: OK$/m);
                assert.deepEqual(r.json.result, { exitCode: 0, failures: [] });
                assert.equal(r.json.stack, stack);
                assert.equal(r.json.environment, stack);
            });

            it("lists every resource once, with its type, name, parent and inputs", () => {
                const { resources } = shipped[stack].json;
                assert.ok(resources.length > 100, `${resources.length} resources`);
                assert.equal(new Set(resources.map((r) => r.urn)).size, resources.length, "URNs are unique");
                const urns = new Set(resources.map((r) => r.urn));
                for (const r of resources) {
                    assert.match(r.urn, new RegExp(`^urn:pulumi:${stack}::platform::.*::${r.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
                    assert.equal(typeof r.type, "string");
                    assert.ok(r.inputs !== null && typeof r.inputs === "object" && !Array.isArray(r.inputs), r.urn);
                    assert.ok(r.parent === undefined || urns.has(r.parent), `${r.urn} has an unknown parent ${r.parent}`);
                }
                const types = new Set(resources.map((r) => r.type));
                for (const t of ["eks:index:Cluster", "aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:mq/broker:Broker", "awsx:ec2:Vpc"]) {
                    assert.ok(types.has(t), t);
                }
            });

            it("reports policy violations in the expected shape, none of them mandatory", () => {
                const { violations } = shipped[stack].json.policy;
                const urns = new Set(shipped[stack].json.resources.map((r) => r.urn));
                for (const v of violations) {
                    assert.ok(v.policy.length > 0 && v.message.length > 0);
                    assert.ok(["advisory", "mandatory"].includes(v.level), v.level);
                    assert.ok(v.resource === undefined || urns.has(v.resource), v.resource);
                }
                assert.deepEqual(violations.filter((v) => v.level === "mandatory"), []);
            });

            it("costs as much as its items add up to, within its budget", () => {
                const { cost } = shipped[stack].json;
                assert.ok(cost.monthlyUsd > 0);
                assert.ok(cost.items.length > 10);
                for (const i of cost.items) {
                    assert.ok(i.component.length > 0 && i.resource.length > 0 && i.basis.length > 0, JSON.stringify(i));
                    assert.ok(Number.isFinite(i.monthlyUsd) && i.monthlyUsd >= 0, JSON.stringify(i));
                }
                const sum = cost.items.reduce((s, i) => s + i.monthlyUsd, 0);
                assert.ok(Math.abs(sum - cost.monthlyUsd) < 0.01, `items sum to ${sum}, total is ${cost.monthlyUsd}`);
                assert.ok(cost.budgetUsd > 0 && cost.monthlyUsd <= cost.budgetUsd);
                assert.ok(shipped[stack].stdout.includes(`Estimated cost: $${cost.monthlyUsd.toFixed(2)} per month`));
            });

            it("has a critical path without gaps whose steps add up to its length", () => {
                const { deploy } = shipped[stack].json;
                assert.ok(deploy.criticalPathMinutes > 5 && deploy.path.length > 2);
                let end = 0;
                for (const p of deploy.path) {
                    assert.ok(p.resource.length > 0 && p.minutes >= 0, JSON.stringify(p));
                    assert.ok(Math.abs(p.startMinutes - end) < 0.01, `${p.resource} starts at ${p.startMinutes}, the step before ends at ${end}`);
                    end = p.startMinutes + p.minutes;
                }
                const sum = deploy.path.reduce((s, p) => s + p.minutes, 0);
                assert.ok(Math.abs(sum - deploy.criticalPathMinutes) < 0.05, `steps sum to ${sum}, path is ${deploy.criticalPathMinutes}`);
                assert.ok(shipped[stack].stdout.includes(`Estimated first deploy: ${deploy.criticalPathMinutes.toFixed(1)} min`));
            });

            it("writes one YAML file per namespace plus cluster.yaml, each re-parseable and valid", () => {
                const { json, out } = shipped[stack];
                const files = readManifests(out);
                assert.deepEqual([...files.keys()], Object.keys(json.manifests.files).sort());
                assert.deepEqual(json.manifests.problems, []);
                const cluster = files.get("cluster.yaml");
                assert.ok(cluster, "cluster.yaml");
                assert.ok(cluster.every((m) => m.metadata.namespace === undefined), "cluster.yaml holds cluster-scoped objects only");
                const namespaces = new Set(cluster.filter((m) => m.kind === "Namespace").map((m) => m.metadata.name));
                const used = new Set<string>();
                for (const [file, docs] of files) {
                    assert.equal(docs.length, json.manifests.files[file], file);
                    assert.ok(docs.length > 0, file);
                    if (file === "cluster.yaml") {
                        continue;
                    }
                    const ns = file.replace(/\.yaml$/, "");
                    used.add(ns);
                    assert.ok(docs.every((m) => m.metadata.namespace === ns), `${file} holds objects of another namespace`);
                    assert.ok(namespaces.has(ns), `${ns} is not created in cluster.yaml`);
                }
                for (const service of ["frontend", "api", "worker", "nightly-report"]) {
                    assert.ok(used.has(service), `no manifests for ${service}`);
                }
            });
        });
    }

    describe("fails with the documented exit codes", () => {
        it("2 for invalid config, with the loader's line, no stack trace, and the problems in the JSON", () => {
            const file = path.join(tempDir(), "Pulumi.dev.yaml");
            fs.writeFileSync(file, "config:\n  aws:region: us-east-1\n  platform:environment: dev\n  platform:network: {cidr: 10.0.0.0/33}\n");
            const json = path.join(tempDir(), "plan.json");
            const r = plan("--config", file, "--json", json, "--out", tempDir());
            assert.equal(r.code, 2, exitOf(r));
            assert.ok(r.stderr.includes('Invalid stack config (1 problem):\n  - platform:network.cidr: "10.0.0.0/33" is not a valid IPv4 CIDR\n'), r.stderr);
            assert.doesNotMatch(r.stderr, /^\s+at /m);
            assert.equal(r.stdout, "");
            assert.deepEqual(JSON.parse(fs.readFileSync(json, "utf8")), {
                stack: "dev",
                configFile: path.relative(ROOT, file),
                result: "invalid-config",
                exitCode: 2,
                problems: [{ key: "platform:network.cidr", message: '"10.0.0.0/33" is not a valid IPv4 CIDR' }],
            });
        });

        it("2 for an unknown flag, with the usage", () => {
            const r = plan("--stack", "dev", "--frobnicate");
            assert.equal(r.code, 2, exitOf(r));
            assert.ok(r.stderr.startsWith('plan: unknown argument "--frobnicate"'), r.stderr);
            assert.ok(r.stderr.includes(USAGE), r.stderr);
        });

        it("1 for a mandatory policy violation, named in the JSON", () => {
            const r = planTo("--config", stackVariant("prod", { "platform:database": { multiAz: false } }));
            assert.equal(r.code, 1, exitOf(r));
            const db = urnOf(r.json, "aws:rds/instance:Instance", "database-primary");
            const found = r.json.policy.violations.filter((v) => v.policy === "rds-multi-az");
            assert.deepEqual(found.map((v) => [v.level, v.resource]), [["mandatory", db]]);
            assert.deepEqual(r.json.result, { exitCode: 1, failures: [{ code: 1, reason: `${r.json.policy.violations.filter((v) => v.level === "mandatory").length} mandatory policy violation(s)` }] });
            const attention = r.stdout.slice(r.stdout.indexOf("Needs attention:"), r.stdout.indexOf("Resources:"));
            assert.match(attention, /^ {2}✗ 1 mandatory policy violation\(s\):\n {6}rds-multi-az +database-primary: multiAz is false/m, "listed first, before the inventory");
            assert.match(r.stdout, /^Result: FAILED \(exit 1\)/m);
        });

        it("4 for an estimate over platform:budget", () => {
            const r = planTo("--config", stackVariant("dev", { "platform:budget": 10 }));
            assert.equal(r.code, 4, exitOf(r));
            assert.equal(r.json.cost.budgetUsd, 10);
            assert.deepEqual(r.json.result, { exitCode: 4, failures: [{ code: 4, reason: `estimated $${r.json.cost.monthlyUsd.toFixed(2)}/month exceeds platform:budget $10` }] });
            assert.match(r.stdout, /^ {2}budget +\$10\.00 {2}EXCEEDED$/m);
        });

        describe("3 for a change that replaces a stateful resource", () => {
            let username: string;
            before(() => {
                username = stackVariant("prod", { "platform:database": { masterUsername: "other_admin" } });
            });

            it("names the resource, the input and what would be lost", () => {
                const base = shipped.prod;
                assert.equal(base.code, 0, exitOf(base));
                const r = planTo("--config", username, "--diff", path.join(path.dirname(base.out), "plan.json"));
                assert.equal(r.code, 3, exitOf(r));
                const db = urnOf(r.json, "aws:rds/instance:Instance", "database-primary");
                const replica = urnOf(r.json, "aws:rds/instance:Instance", "database-replica-1");
                // A new primary takes its read replica with it: the replica copies the primary it names.
                assert.deepEqual(r.json.diff?.destructive, [
                    { resource: db, action: "replace", inputs: ["username"], loss: LOSS["aws:rds/instance:Instance"] },
                    { resource: replica, action: "replace", inputs: ["replicateSourceDb ← database-primary"], loss: LOSS["aws:rds/instance:Instance"] },
                ]);
                assert.deepEqual(r.json.diff?.changed, [{ resource: db, inputs: ["username"] }]);
                assert.deepEqual(r.json.result.failures.map((f) => f.code), [3]);
                assert.match(r.stdout, /^Needs attention:\n {2}✗ REPLACE aws:rds\/instance:Instance database-primary \(username\): loses the database/m);
            });

            it("passes with --allow-replace, still showing the replacement", () => {
                const r = planTo("--config", username, "--diff", path.join(path.dirname(shipped.prod.out), "plan.json"), "--allow-replace");
                assert.equal(r.code, 0, exitOf(r));
                assert.deepEqual(r.json.result, { exitCode: 0, failures: [] });
                assert.deepEqual(r.json.diff?.destructive.map((d) => [d.action, d.inputs]), [["replace", ["username"]], ["replace", ["replicateSourceDb ← database-primary"]]]);
                assert.match(r.stdout, /! REPLACE .* \[allowed\]$/m);
            });
        });
    });

    describe("in process", () => {
        const baseOf = (stack: string) => path.join(path.dirname(shipped[stack].out), "plan.json");
        const run = async (stack: string, overrides: Record<string, unknown>, allowReplace = false) =>
            planJson(await buildPlan({ stack, config: stackVariant(stack, overrides), out: tempDir(), diff: baseOf(stack), allowReplace, asOf: KUBERNETES_VERSIONS_AS_OF })) as unknown as PlanJson;
        const nodeGroupCost = (json: PlanJson, group: string) => json.cost.items.filter((i) => i.resource.startsWith(`cluster-${group}`)).reduce((s, i) => s + i.monthlyUsd, 0);

        it("refuses a config file that does not exist, as a usage error", async () => {
            await assert.rejects(buildPlan({ stack: "dev", config: path.join(TMP, "missing", "Pulumi.dev.yaml"), allowReplace: false }), UsageError);
        });

        it("lists a harmless change as changed, not destructive, at no cost", async () => {
            const json = await run("dev", { "platform:cluster": { nodeGroups: { apps: { maxSize: 6 } } } });
            const apps = urnOf(json, "aws:eks/nodeGroup:NodeGroup", "cluster-apps");
            const { change, ...diff } = json.diff as NonNullable<PlanJson["diff"]> & { change?: { steps: { resource: string; basis: string }[] } };
            assert.deepEqual(diff, { added: [], removed: [], changed: [{ resource: apps, inputs: ["scalingConfig.maxSize"] }], replaced: [], destructive: [], costDeltaUsd: 0 });
            assert.deepEqual(change?.steps.map((s) => [s.resource, s.basis]), [[apps, "node group setting"]], "a scaling setting rolls no node");
            assert.deepEqual(json.result, { exitCode: 0, failures: [] });
        });

        it("prices a change of size in the cost delta", async () => {
            const json = await run("dev", { "platform:cluster": { nodeGroups: { apps: { desiredSize: 3 } } } });
            const base = shipped.dev.json;
            const apps = urnOf(json, "aws:eks/nodeGroup:NodeGroup", "cluster-apps");
            assert.deepEqual(json.diff?.changed, [{ resource: apps, inputs: ["scalingConfig.desiredSize"] }]);
            const perNode = nodeGroupCost(base, "apps") / 2;
            assert.ok(perNode > 1, `an apps node costs $${perNode}`);
            assert.equal(json.diff?.costDeltaUsd, Math.round((json.cost.monthlyUsd - base.cost.monthlyUsd) * 100) / 100);
            assert.ok(Math.abs((json.diff?.costDeltaUsd ?? 0) - perNode) < 0.01, `one more node: ${json.diff?.costDeltaUsd} vs ${perNode}`);
            assert.equal(json.result.exitCode, 0);
        });

        it("upgrades 1.34 → 1.35 in one change: control plane, then each managed add-on and node group, then the charts, each step timed", async () => {
            const baseFile = path.join(tempDir(), "plan.json");
            const older = await buildPlan({ stack: "dev", config: stackVariant("dev", { "platform:cluster": { version: "1.34" } }), out: tempDir(), allowReplace: false, asOf: KUBERNETES_VERSIONS_AS_OF });
            fs.writeFileSync(baseFile, JSON.stringify(planJson(older)));
            const upgraded = await buildPlan({ stack: "dev", out: tempDir(), diff: baseFile, allowReplace: false, asOf: KUBERNETES_VERSIONS_AS_OF });
            const json = planJson(upgraded) as unknown as PlanJson & { diff: { change: { totalMinutes: number; steps: { resource: string; startMinutes: number; minutes: number }[] } } };
            const changed = new Map(json.diff.changed.map((c) => [c.resource.split("::").pop(), c.inputs]));
            assert.deepEqual(changed.get("cluster-eks"), ["version"]);
            for (const addon of ["vpc-cni", "kube-proxy", "coredns", "ebs-csi"]) {
                assert.deepEqual(changed.get(`cluster-${addon}`), ["addonVersion"], addon);
            }
            for (const group of ["system", "apps"]) {
                assert.deepEqual(changed.get(`cluster-${group}`), ["version"], group);
            }
            assert.deepEqual(changed.get("addons-cluster-autoscaler-release"), ["values.image.tag"], "the chart matched to the minor");
            assert.deepEqual(json.diff.destructive, [], "an upgrade replaces nothing");

            const step = (name: string) => {
                const s = json.diff.change.steps.find((x) => x.resource.endsWith(`::${name}`));
                assert.ok(s, name);
                return { start: s.startMinutes, end: s.startMinutes + s.minutes };
            };
            // Minutes are seconds / 60: a step that starts as another ends may differ from its end in the last bit.
            const startsAfter = (later: { start: number }, earlier: { end: number }) => later.start >= earlier.end - 1e-9;
            const plane = step("cluster-eks");
            assert.ok(plane.end >= 20, "a control plane upgrade takes tens of minutes");
            for (const addon of ["vpc-cni", "kube-proxy"]) {
                assert.ok(startsAfter(step(`cluster-${addon}`), plane), `${addon} after the control plane`);
                for (const group of ["system", "apps"]) {
                    assert.ok(startsAfter(step(`cluster-${group}`), step(`cluster-${addon}`)), `${group} nodes after ${addon}`);
                }
            }
            for (const later of ["coredns", "ebs-csi"]) {
                assert.ok(startsAfter(step(`cluster-${later}`), step("cluster-apps")), `${later} after the nodes`);
            }
            assert.ok(startsAfter(step("addons-cluster-autoscaler-release"), step("cluster-apps")));
            assert.ok(Math.abs(json.diff.change.totalMinutes - step("addons-cluster-autoscaler-release").end) < 0.01, "the chart is the last step");
            assert.match(renderReport(upgraded), /Estimated time to apply the changes: \d+\.\d min/);
        });

        it("fails a broker replacement with 3 before its policy violation, and with 1 once the replacement is allowed", async () => {
            const overrides = { "platform:broker": { deploymentMode: "SINGLE_INSTANCE", instanceType: "mq.m7g.large" } };
            const blocked = await run("prod", overrides);
            const broker = urnOf(blocked, "aws:mq/broker:Broker", "broker-broker");
            assert.deepEqual(blocked.diff?.destructive.map((d) => [d.resource, d.action]), [[broker, "replace"]]);
            assert.ok(blocked.diff?.destructive[0].inputs.includes("deploymentMode"));
            assert.deepEqual(blocked.result.failures.map((f) => f.code), [3, 1]);
            assert.equal(blocked.result.exitCode, 3);
            assert.ok(blocked.diff && blocked.diff.costDeltaUsd < 0, "one broker instance costs less than a cluster");

            const allowed = await run("prod", overrides, true);
            assert.deepEqual(allowed.result.failures.map((f) => f.code), [1]);
            assert.equal(allowed.result.exitCode, 1);
            assert.deepEqual(allowed.policy.violations.filter((v) => v.level === "mandatory").map((v) => [v.policy, v.resource]), [["mq-cluster-deployment", broker]]);
        });
    });

    describe("secrets", () => {
        let generated: string[];
        let passwords: string[];
        before(async () => {
            const run = await stackRun("dev");
            const recorded = ofType(run, "random:index/randomPassword:RandomPassword");
            passwords = recorded.map((r) => r.urn);
            generated = recorded.flatMap((r) => [r.outputs.result, r.outputs.bcryptHash]) as string[];
        });

        it("knows the generated values it looks for, from the same resources the command planned", () => {
            assert.ok(generated.length >= 10, `${generated.length} values`);
            for (const v of generated) {
                assert.ok(typeof v === "string" && v.length >= 16 && v !== SECRET, String(v));
            }
            // Fake values derive from type and name, so the same URNs mean the command generated these very values.
            const planned = shipped.dev.json.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword").map((r) => r.urn);
            assert.deepEqual(planned.sort(), [...passwords].sort());
        });

        it("never shows a generated value in the console, the JSON or the manifests", () => {
            const { stdout, stderr, json, out } = shipped.dev;
            const places: [string, string][] = [
                ["stdout", stdout],
                ["stderr", stderr],
                ["JSON", JSON.stringify(json)],
                ...fs.readdirSync(out).map((f): [string, string] => [f, fs.readFileSync(path.join(out, f), "utf8")]),
            ];
            assert.ok(places.length > 4);
            for (const [where, content] of places) {
                for (const v of generated) {
                    assert.ok(!content.includes(v), `a generated value appears in ${where}`);
                }
            }
        });

        it("shows secret inputs as [secret]", () => {
            const { json } = shipped.dev;
            const input = (type: string, name: string) => json.resources.find((r) => r.type === type && r.name === name)?.inputs ?? {};
            assert.equal(input("aws:elasticache/user:User", "cache-user-api").passwords, SECRET);
            assert.deepEqual((input("aws:mq/broker:Broker", "broker-broker").users as { password: unknown }[]).map((u) => u.password), [SECRET]);
            const versions = json.resources.filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
            assert.ok(versions.length >= 5);
            for (const v of versions) {
                assert.equal(v.inputs.secretString, SECRET, v.name);
            }
        });
    });
});
