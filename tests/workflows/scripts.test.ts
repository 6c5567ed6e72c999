import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../support/workflows";

const SCRIPTS = path.join(REPO_ROOT, ".github", "scripts");

interface Result {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
    readonly seconds: number;
}

/** Runs a command without blocking this process, so that servers the test started can answer it. */
function run(file: string, args: string[], env: Record<string, string>): Promise<Result> {
    const started = Date.now();
    return new Promise((resolve) => {
        execFile(file, args, { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
            resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
        });
    });
}

/** A directory of stand-in executables (pulumi, aws) written as shell scripts, to put first on PATH. */
function fakeBin(tools: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-bin-"));
    for (const [name, body] of Object.entries(tools)) {
        fs.writeFileSync(path.join(dir, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
    }
    return dir;
}
const withPath = (bin: string) => ({ PATH: `${bin}:${process.env.PATH}` });

function listen(server: net.Server): Promise<number> {
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

describe("scripts: in-vpc-runners.cjs", () => {
    const script = path.join(SCRIPTS, "in-vpc-runners.cjs");
    const lookup = async (projects: string | undefined, ...args: string[]) => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gh-output-")), "out");
        const env: Record<string, string> = { GITHUB_OUTPUT: out };
        if (projects !== undefined) {
            env.CI_RUNNER_PROJECTS = projects;
        }
        const result = await run("node", [script, ...args], env);
        const outputs = fs.existsSync(out) ? Object.fromEntries(fs.readFileSync(out, "utf8").trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])) : {};
        return { ...result, outputs };
    };
    const table = JSON.stringify({ dev: "platform-dev-ci", prod: "platform_prod-ci" });

    it("names the stack's CodeBuild project", async () => {
        const r = await lookup(table, "prod");
        assert.equal(r.code, 0, r.stdout);
        assert.deepEqual(r.outputs, { runners: '{"prod":"platform_prod-ci"}', stacks: '["prod"]', runner: "platform_prod-ci" });
    });

    it("fails, saying what to set, when the stack has no runner or the variable is unset", async () => {
        for (const projects of [table, undefined, ""]) {
            const r = await lookup(projects, "staging");
            assert.equal(r.code, 1);
            assert.match(r.stdout, /::error::stack staging has no in-VPC runner: add "staging": "<CodeBuild project of its platform:ci>" to the repository variable CI_RUNNER_PROJECTS/);
            assert.deepEqual(r.outputs, {});
        }
    });

    it("skips stacks without a runner when asked, with a notice", async () => {
        const r = await lookup(table, "--optional", "dev", "staging", "prod");
        assert.equal(r.code, 0, r.stdout);
        assert.match(r.stdout, /::notice::stack staging has no in-VPC runner/);
        assert.equal(r.outputs.stacks, '["dev","prod"]');
        assert.equal((await lookup(undefined, "--optional", "dev")).outputs.stacks, "[]");
    });

    it("refuses a variable that is not a JSON object, and names that are not CodeBuild project names", async () => {
        assert.match((await lookup("{dev: x}", "dev")).stdout, /::error::CI_RUNNER_PROJECTS is not JSON/);
        assert.match((await lookup('["a"]', "dev")).stdout, /::error::CI_RUNNER_PROJECTS must be a JSON object/);
        for (const bad of ["a", "-dev", "dev ci", "dev,self-hosted", "x".repeat(256), 7]) {
            const r = await lookup(JSON.stringify({ dev: bad }), "--optional", "dev");
            assert.equal(r.code, 1, String(bad));
            assert.match(r.stdout, /a CodeBuild project name is 2-255 letters, digits, - and _/);
        }
    });
});

describe("scripts: reach-cluster.sh", () => {
    const script = path.join(SCRIPTS, "reach-cluster.sh");
    const reach = (endpoint: string, outputs = '{"clusterName":"platform-prod"}', timeout = "1") =>
        run(script, ["acme/prod"], {
            ...withPath(fakeBin({ pulumi: 'if [ -n "$FAKE_OUTPUTS" ]; then echo "$FAKE_OUTPUTS"; else echo "error: no login" >&2; exit 1; fi', aws: 'echo "$FAKE_ENDPOINT"' })),
            FAKE_OUTPUTS: outputs,
            FAKE_ENDPOINT: endpoint,
            REACH_TIMEOUT_SECONDS: timeout,
        });

    it("passes when the endpoint answers, even with 401", async () => {
        const server = http.createServer((_, res) => res.writeHead(401).end());
        const port = await listen(server);
        try {
            const r = await reach(`http://127.0.0.1:${port}`);
            assert.equal(r.code, 0, r.stdout + r.stderr);
            assert.match(r.stdout, /Cluster platform-prod answers at .* \(HTTP 401\)/);
        } finally {
            server.close();
        }
    });

    it("fails at once, saying the endpoint is private, when the connection is refused", async () => {
        const server = net.createServer();
        const port = await listen(server);
        server.close();
        const r = await reach(`http://127.0.0.1:${port}`);
        assert.equal(r.code, 1);
        assert.match(r.stdout, /::error::Cannot reach the API endpoint of cluster platform-prod .* The endpoint is private: run this job on the stack's in-VPC runner/);
    });

    it("fails within its timeout when the endpoint never answers, instead of hanging", async () => {
        const held: net.Socket[] = [];
        const server = net.createServer((socket) => held.push(socket));
        const port = await listen(server);
        try {
            const r = await reach(`http://127.0.0.1:${port}`, undefined, "1");
            assert.equal(r.code, 1);
            assert.match(r.stdout, /within 1s \(curl exit 28\)/);
            assert.ok(r.seconds < 5, `took ${r.seconds} s`);
        } finally {
            held.forEach((s) => s.destroy());
            server.close();
        }
    });

    it("passes with a notice before the first deploy, when the stack has no cluster yet", async () => {
        const r = await reach("http://127.0.0.1:9", "{}");
        assert.equal(r.code, 0);
        assert.match(r.stdout, /::notice::Stack acme\/prod has no cluster yet/);
    });

    it("fails, saying why, when it cannot read the stack's outputs", async () => {
        const r = await reach("http://127.0.0.1:9", "");
        assert.equal(r.code, 1);
        assert.match(r.stdout, /::error::Cannot read the outputs of stack acme\/prod/);
    });
});

describe("scripts: bootstrap.sh", () => {
    const script = path.join(SCRIPTS, "bootstrap.sh");
    const targets = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "targets-")), "targets.txt");
    fs.writeFileSync(targets, "# comment\nurn:pulumi:*::*::platform:network:Network**\n\n  urn:pulumi:*::*::platform:ci:Runner**  # the runner\n");
    const bootstrap = async (file: string, found: string, policyConfig?: string, pulumiExit = 0) => {
        const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "calls-")), "calls");
        const bin = fakeBin({
            pulumi: `printf '%s\\n' "$@" > "${log}.pulumi"; exit ${pulumiExit}`,
            aws: `printf '%s\\n' "$@" > "${log}.aws"; echo "${found}"`,
        });
        const r = await run(script, ["acme/prod", file, "platform-prod-ci", ...(policyConfig ? [policyConfig] : [])], withPath(bin));
        const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8").trim().split("\n") : null);
        return { ...r, pulumi: read(`${log}.pulumi`), aws: read(`${log}.aws`) };
    };

    it("runs pulumi up on the listed targets only, without their dependents", async () => {
        const r = await bootstrap(targets, "platform-prod-ci");
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.deepEqual(r.pulumi, ["up", "--yes", "--non-interactive", "--stack", "acme/prod", "--policy-pack", "policies", "--target", "urn:pulumi:*::*::platform:network:Network**", "--target", "urn:pulumi:*::*::platform:ci:Runner**"]);
        assert.deepEqual(r.aws, ["codebuild", "batch-get-projects", "--names", "platform-prod-ci", "--query", "projects[0].name", "--output", "text"]);
        assert.match(r.stdout, /In-VPC runner platform-prod-ci is ready/);
    });

    it("passes the policy pack config when given (prod: every rule mandatory)", async () => {
        const r = await bootstrap(targets, "platform-prod-ci", "policies/enforce-all.json");
        assert.deepEqual(r.pulumi?.slice(5, 9), ["--policy-pack", "policies", "--policy-pack-config", "policies/enforce-all.json"]);
    });

    it("fails when the runner's project does not exist afterwards, saying what platform:ci must do", async () => {
        const r = await bootstrap(targets, "None");
        assert.equal(r.code, 1);
        assert.match(r.stdout, /::error::The bootstrap of acme\/prod finished, but there is no CodeBuild project platform-prod-ci .* Set platform:ci/);
    });

    it("stops when pulumi fails, and creates nothing when the file names no target", async () => {
        const failed = await bootstrap(targets, "platform-prod-ci", undefined, 3);
        assert.equal(failed.code, 3);
        assert.equal(failed.aws, null);
        const empty = path.join(path.dirname(targets), "empty.txt");
        fs.writeFileSync(empty, "# nothing yet\n");
        const none = await bootstrap(empty, "platform-prod-ci");
        assert.equal(none.code, 1);
        assert.equal(none.pulumi, null);
        assert.match(none.stdout, /names no targets/);
    });
});
