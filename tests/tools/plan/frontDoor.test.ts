import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { ConfigError, loadSettingsFromConfigMap } from "../../../config";
import { KUBERNETES_VERSIONS_AS_OF } from "../../../config/catalog";
import { readStackFile } from "../../../config/stackFile";
import { runCli } from "../../../tools/plan/cli";
import { main as prComment } from "../../../tools/prComment";
import { FRONT_DOOR_CASES, FrontDoorCase } from "./frontDoorCases";
import { enqueue } from "../../harness";

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "front-door-"));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));
const BASE = { "aws:region": "us-east-1", "platform:environment": "dev" };
/** The one cluster key a deployable stack must set. */
const DEPLOY_ROLE = "arn:aws:iam::123456789012:role/platform-deploy";
/** `platform:cluster` of a case with the deploying role added, unless the case sets its own. */
const withDeployRole = (cluster: unknown) => ({ deployRoleArn: DEPLOY_ROLE, ...(cluster as object | undefined) });

interface Outcome {
    readonly code: number;
    readonly out: string;
    readonly err: string;
}

/** Runs the plan (or pr-comment) in this process, capturing what it prints. */
async function run(c: FrontDoorCase, dir: string): Promise<Outcome> {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), color: false, processStart: Date.now() };
    if (c.prComment !== undefined) {
        const code = prComment(c.prComment(dir), io);
        return { code, out: out.join("\n"), err: err.join("\n") };
    }
    const file = path.join(dir, c.fileName ?? "Pulumi.dev.yaml");
    fs.writeFileSync(file, typeof c.config === "string" ? c.config : stringify({ config: { ...BASE, ...(c.config ?? {}), "platform:cluster": withDeployRole(c.config?.["platform:cluster"]) } }));
    const argv = ["--config", file, "--out", path.join(dir, "m"), "--as-of", KUBERNETES_VERSIONS_AS_OF, ...(c.args?.(dir, file) ?? [])];
    const broken = async () => (undefined as unknown as { x: never }).x;
    const code = await enqueue(() => (c.internal === true ? runCli(argv, io, broken) : runCli(argv, io)));
    return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("the front door: every bad input refused clearly", function () {
    this.timeout(60_000);

    it(`covers ${FRONT_DOOR_CASES.length} bad inputs, each with a title of its own`, () => {
        assert.ok(FRONT_DOOR_CASES.length >= 75, String(FRONT_DOOR_CASES.length));
        assert.equal(new Set(FRONT_DOOR_CASES.map((c) => c.title)).size, FRONT_DOOR_CASES.length);
    });

    for (const c of FRONT_DOOR_CASES) {
        it(`${c.title} → exit ${c.code}`, async () => {
            const dir = fs.mkdtempSync(path.join(TMP, "case-"));
            const r = await run(c, dir);
            const shown = `exit ${r.code}\n--- stdout\n${r.out}\n--- stderr\n${r.err}`;
            assert.equal(r.code, c.code, shown);
            for (const fragment of c.says) {
                assert.ok(r.err.includes(fragment), `expected "${fragment}" in:\n${shown}`);
            }
            if (c.args?.(dir, "").includes("--debug") !== true) {
                assert.doesNotMatch(r.err, /^\s+at /m, "no stack trace without --debug");
            }
            assert.doesNotMatch(r.out, /Result: OK/, "nothing is reported OK that was not");
            if (c.never !== undefined) {
                assert.ok(!r.err.includes(c.never) && !r.out.includes(c.never), `${c.never} was printed`);
            }
        });
    }

    it("still writes --json for an invalid config: the problems, for the pull-request comment", async () => {
        const dir = fs.mkdtempSync(path.join(TMP, "json-"));
        const json = path.join(dir, "out", "plan.json");
        const c: FrontDoorCase = { title: "json", config: { "aws:region": "zz-fake-9", "platform:budget": -1 }, args: () => ["--json", json], code: 2, says: [] };
        const r = await run(c, dir);
        assert.equal(r.code, 2);
        const written = JSON.parse(fs.readFileSync(json, "utf8")) as Record<string, unknown>;
        assert.equal(written.stack, "dev");
        assert.equal(written.result, "invalid-config");
        assert.deepEqual(
            (written.problems as { key: string; message: string }[]).map((p) => p.key),
            ["aws:region", "platform:budget"],
        );
        assert.ok((written.problems as { message: string }[]).every((p) => !p.message.includes("\n")), "one line each");
        assert.ok(r.err.includes(`JSON of the invalid config written to ${json}`), r.err);
    });

    it("refuses to take over the default manifests folder of another config of the same stack", async () => {
        const dir = fs.mkdtempSync(path.join(TMP, "owned-"));
        const file = path.join(dir, "Pulumi.dev.yaml");
        fs.writeFileSync(file, stringify({ config: BASE }));
        const { defaultOutDir } = await import("../../../tools/plan/inputs");
        const out = defaultOutDir(path.resolve(__dirname, "..", "..", ".."), file, "dev");
        fs.mkdirSync(out, { recursive: true });
        fs.writeFileSync(path.join(out, ".plan-manifests.json"), JSON.stringify({ files: [], config: "elsewhere/Pulumi.dev.yaml" }));
        try {
            const err: string[] = [];
            const code = await runCli(["--config", file], { out: () => undefined, err: (t) => err.push(t), color: false, processStart: Date.now() });
            assert.equal(code, 2);
            assert.match(err.join("\n"), /holds the manifests planned from elsewhere\/Pulumi\.dev\.yaml, another config of stack dev; choose a directory with --out/);
        } finally {
            fs.rmSync(path.dirname(out), { recursive: true, force: true });
        }
    });
});

/** Inputs Kubernetes or AWS accept, which the config must keep accepting: `platform:` keys over a dev stack. */
const accepted: [string, Record<string, unknown>][] = [
    ["@daily", { services: [{ name: "r", kind: "cron", image: "r:1.0", schedule: "@daily" }] }],
    ["@hourly", { services: [{ name: "r", kind: "cron", image: "r:1.0", schedule: "@hourly" }] }],
    ["@every 1h30m", { services: [{ name: "r", kind: "cron", image: "r:1.0", schedule: "@every 1h30m" }] }],
    ["names and steps in a schedule", { services: [{ name: "r", kind: "cron", image: "r:1.0", schedule: "*/15 9-17 * JAN-jun mon-FRI" }] }],
    ["a CPU of 0.5 and memory of 256M", { services: [{ name: "w", kind: "worker", image: "w:1.0", cpu: "0.5", memory: "256M" }] }],
    ["memory as 1.5Gi and as 1e9", { services: [{ name: "w", kind: "worker", image: "w:1.0", memory: "1.5Gi" }, { name: "v", kind: "worker", image: "v:1.0", memory: "1e9" }] }],
    ["a queue worker scaled to zero", { services: [{ name: "w", kind: "worker", image: "w:1.0", uses: ["broker"], replicas: { min: 0, max: 5 }, queue: { name: "jobs", targetLength: 10 } }] }],
    ["versions YAML read as numbers", { cluster: { version: 1.35 }, database: { engineVersion: 16 }, cache: { engineVersion: 8.0 }, broker: { engineVersion: 3.13 } }],
    ["an image from a registry with a port", { services: [{ name: "w", kind: "worker", image: "localhost:5000/team/w:1.0" }] }],
    ["an image pinned by digest only, and latest with a digest", { services: [{ name: "w", kind: "worker", image: `ghcr.io/a/w@sha256:${"a".repeat(64)}` }, { name: "v", kind: "worker", image: `ghcr.io/a/v:latest@sha256:${"b".repeat(64)}` }] }],
    ["env that only looks like a secret from afar", { services: [{ name: "w", kind: "worker", image: "w:1.0", env: { TOKEN_TTL_SECONDS: "3600", PUBLIC_KEY_URL: "https://example.com/jwks" } }] }],
    ["a service name of 38 characters", { services: [{ name: `a${"b".repeat(37)}`, kind: "worker", image: "w:1.0" }] }],
    ["tags AWS allows", { tags: { CostCenter: "1234", "team/owner": "a.b@example.com", Ümlaut: "ja" } }],
];

describe("the front door: what it must keep accepting", () => {
    for (const [title, platform] of accepted) {
        it(title, () => {
            const flat: Record<string, string> = { ...BASE };
            for (const [k, v] of Object.entries({ ...platform, cluster: withDeployRole(platform.cluster) })) {
                flat[`platform:${k}`] = JSON.stringify(v);
            }
            try {
                loadSettingsFromConfigMap(flat, { project: "platform", stack: "dev" });
            } catch (e) {
                assert.fail(e instanceof ConfigError ? e.message : String(e));
            }
        });
    }

    it("plans a stack that uses what was refused before, with valid manifests", async function () {
        this.timeout(120_000);
        const dir = fs.mkdtempSync(path.join(TMP, "accepted-"));
        const file = path.join(dir, "Pulumi.dev.yaml");
        const services = [
            { name: "jobs", kind: "worker", image: "localhost:5000/team/jobs:1.0", cpu: "0.5", memory: "256M", uses: ["broker"], replicas: { min: 0, max: 5 }, queue: { name: "jobs", targetLength: 10 } },
            { name: "nightly", kind: "cron", image: `ghcr.io/a/nightly@sha256:${"c".repeat(64)}`, schedule: "@daily", memory: "1.5Gi" },
        ];
        fs.writeFileSync(file, `${stringify({ config: { ...BASE, "platform:services": services } })}  platform:cluster:\n    version: 1.35\n    deployRoleArn: ${DEPLOY_ROLE}\n  platform:cache:\n    engineVersion: 8.0\n`);
        const out: string[] = [];
        const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), color: false, processStart: Date.now() };
        const code = await enqueue(() => runCli(["--config", file, "--out", path.join(dir, "m"), "--as-of", KUBERNETES_VERSIONS_AS_OF], io));
        const printed = out.join("\n");
        assert.equal(code, 0, printed);
        assert.match(printed, /Kubernetes manifests: \d+ objects in \d+ files under .* \(all valid against their schemas\)/);
        const jobs = fs.readFileSync(path.join(dir, "m", "jobs.yaml"), "utf8");
        assert.match(jobs, /minReplicaCount: 0/);
        assert.match(jobs, /limits:\n\s+cpu: "1"\n\s+memory: 256M\n\s+requests:\n\s+cpu: "0.5"\n\s+memory: 256M/, "the CPU limit is twice the request; the memory limit equals it");
    });

    it("reads YAML numbers as the versions they spell, end to end", () => {
        const file = path.join(TMP, "Pulumi.numbers.yaml");
        fs.writeFileSync(file, "config:\n  aws:region: us-east-1\n  platform:environment: dev\n  platform:cluster:\n    version: 1.35\n    deployRoleArn: arn:aws:iam::123456789012:role/platform-deploy\n  platform:database:\n    engineVersion: 16\n  platform:cache:\n    engineVersion: 8.0\n");
        const s = loadSettingsFromConfigMap(readStackFile(file).config);
        assert.deepEqual([s.cluster.version, s.database.engineVersion, s.cache.engineVersion], ["1.35", "16", "8.0"]);
    });
});
