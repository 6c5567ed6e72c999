import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, parseAllDocuments } from "yaml";
import { KUBERNETES_VERSIONS_AS_OF } from "../../../config/catalog";
import { Plan, buildPlan } from "../../../tools/plan/build";
import { runCli } from "../../../tools/plan/cli";
import { toYaml } from "../../../tools/plan/manifests";
import { renderReport } from "../../../tools/plan/report";
import { fitList, table, useColor, visible } from "../../../tools/plan/style";
import { readPlanFile, renderComment } from "../../../tools/prComment";
import { ROOT, enqueue } from "../../harness";

describe("plan output: colour, columns and YAML", () => {
    const colour: [string, boolean | undefined, NodeJS.ProcessEnv, boolean][] = [
        ["a terminal", true, {}, true],
        ["a pipe or a CI log", false, {}, false],
        ["no TTY information", undefined, {}, false],
        ["a terminal with NO_COLOR", true, { NO_COLOR: "1" }, false],
        ["a terminal with an empty NO_COLOR, which does not count", true, { NO_COLOR: "" }, true],
        ["a pipe with FORCE_COLOR", false, { FORCE_COLOR: "1" }, true],
        ["NO_COLOR over FORCE_COLOR", true, { NO_COLOR: "1", FORCE_COLOR: "1" }, false],
    ];
    for (const [title, tty, env, expected] of colour) {
        it(`colour on ${title}: ${expected}`, () => assert.equal(useColor(tty, env), expected));
    }

    it("keeps columns aligned whatever the length of a name, colour codes not counted", () => {
        const lines = table([["\u001b[33ma-very-long-component-name-indeed\u001b[39m", "5", "x"], ["db", "120", "y"]], ["left", "right"]);
        assert.deepEqual(lines.map(visible), ["  a-very-long-component-name-indeed    5  x", "  db                                 120  y"]);
    });

    it("cuts a long list to its width and says how many it left out", () => {
        assert.equal(fitList(["alpha", "beta", "gamma", "delta"], 20), "alpha, beta, +2 more");
        assert.equal(fitList(["alpha", "beta"], 80), "alpha, beta");
        assert.equal(fitList(["a-name-longer-than-the-width"], 5), "a-name-longer-than-the-width");
    });

    it("writes YAML that YAML 1.1 (kubectl) and YAML 1.2 readers both read back unchanged", () => {
        const value = { data: { a: "on", b: "off", c: "yes", d: "no", e: "y", f: "n", g: "0755", h: "1:20", i: "0o14", j: "~", k: "2024-01-01", l: "plain text" }, on: "key", 1.5: "x" };
        const text = toYaml(value);
        assert.deepEqual(parse(text, { version: "1.1" }), value);
        assert.deepEqual(parse(text, { version: "1.2" }), value);
        assert.match(text, /^ {2}l: plain text$/m, "ordinary strings stay unquoted");
    });
});

describe("plan output: what a person reads", function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-report-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    let plan: Plan;
    let printed: string;

    before(async () => {
        // Prices are us-east-1 figures; a stack in eu-west-1 over a tiny budget must say both.
        const text = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8").replace("aws:region: us-east-1", "aws:region: eu-west-1").replace(":acm:us-east-1:", ":acm:eu-west-1:").replace("platform:budget: 400", "platform:budget: 10");
        const file = path.join(dir, "Pulumi.dev.yaml");
        fs.writeFileSync(file, text);
        const out: string[] = [];
        const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), color: false, processStart: Date.now() - 1500 };
        const code = await enqueue(() =>
            runCli(["--config", file, "--out", path.join(dir, "m"), "--as-of", KUBERNETES_VERSIONS_AS_OF], io, async (args) => {
                plan = await buildPlan(args);
                return plan;
            }),
        );
        printed = out.join("\n");
        assert.equal(code, 4, printed);
    });

    it("starts with what needs attention, before the inventory", () => {
        const attention = printed.indexOf("Needs attention:");
        assert.ok(attention > 0 && attention < printed.indexOf("Resources:"), printed);
        assert.match(printed, /^Needs attention:\n {2}✗ budget: the estimate \$\d+\.\d\d\/month exceeds platform:budget \$10\.00 by \$/m);
    });

    it("groups advisories by rule, with a count and the resources, one line each", () => {
        const advisory = plan.violations.filter((v) => v.level === "advisory");
        const rules = [...new Set(advisory.map((v) => v.policy))];
        assert.ok(rules.length >= 5 && advisory.length > rules.length, `${advisory.length} in ${rules.length}`);
        for (const rule of rules) {
            const lines = printed.split("\n").filter((l) => l.startsWith(`  ${rule} `));
            assert.equal(lines.length, 1, rule);
            assert.match(lines[0], new RegExp(`^ {2}${rule} +${advisory.filter((v) => v.policy === rule).length} {2}\\S`));
            assert.ok(lines[0].length <= 120, lines[0]);
        }
        assert.ok(!printed.includes("advisory  "), "no line per violation");
    });

    it("shows the in-VPC runner: its project, what it costs and when it is ready", () => {
        assert.match(printed, /^ {2}ci +7 {2}runner for example\/platform: CodeBuild project platform-dev-ci \(BUILD_GENERAL1_SMALL, jobs up to 120 min\) in the private subnets/m);
        const block = printed.slice(printed.indexOf("  ci, the in-VPC runner:"));
        assert.match(block, /^ {2}ci, the in-VPC runner:\n {4}ci-project +\$6\.00 {2}1200 build minutes \(assumed\) × BUILD_GENERAL1_SMALL \$0\.005\/min \(estimate\)\n {4}ci-logs +\$\d+\.\d\d {2}5 GB\/mo ingested/);
        const ready = /^ {2}in-VPC runner ci ready after (\d+\.\d) min/m.exec(printed);
        const runner = plan.run.resources.find((r) => r.type === "platform:ci:Runner");
        assert.ok(ready && runner, printed);
        assert.equal(Number(ready[1]), Number((plan.deploy.finishMinutes.get(runner.urn) ?? NaN).toFixed(1)));
        assert.ok(Number(ready[1]) < plan.deploy.criticalPathMinutes / 4, "the runner is up long before the cluster");
    });

    it("names the price region honestly when the stack is elsewhere", () => {
        assert.match(printed, /^Estimated cost: \$[\d.]+ per month \(us-east-1 on-demand list prices of \d{4}-\d\d, applied to eu-west-1, whose prices may differ;/m);
    });

    it("says its time is the whole process's, start-up included", () => {
        assert.match(printed, /^\(planned in \d+\.\d s, the whole process: start-up 1\.\d s, program \d+\.\d\d s, policies/m);
    });

    it("colours only when asked, and colour changes nothing but colour", () => {
        const plain = renderReport(plan);
        const coloured = renderReport(plan, { color: true });
        assert.ok(!plain.includes("\u001b["));
        assert.ok(coloured.includes("\u001b[31m"), "failures in red");
        assert.equal(visible(coloured), plain);
    });

    it("writes manifests a YAML 1.1 reader takes as the YAML 1.2 reader does", () => {
        for (const file of fs.readdirSync(path.join(dir, "m")).filter((f) => f.endsWith(".yaml"))) {
            const text = fs.readFileSync(path.join(dir, "m", file), "utf8");
            const docs12 = parseAllDocuments(text).map((d) => d.toJS());
            const docs11 = parseAllDocuments(text, { version: "1.1" }).map((d) => d.toJS());
            assert.deepEqual(docs11, docs12, file);
        }
    });
});

describe("pr-comment: a plan that stopped at an invalid config", () => {
    it("gets a row and says why, key by key", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-invalid-")), "plan-dev.json");
        fs.writeFileSync(file, JSON.stringify({ stack: "dev", result: "invalid-config", problems: [{ key: "platform:network.cidr", message: '"10.0.0.0/33" is not a valid IPv4 CIDR' }] }));
        const text = renderComment([readPlanFile(file)]);
        assert.match(text, /^\| dev \| — \| — \| — \| — \| — \| config error \|$/m);
        assert.ok(text.includes('- platform:network.cidr: "10.0.0.0/33" is not a valid IPv4 CIDR'), text);
    });
});
