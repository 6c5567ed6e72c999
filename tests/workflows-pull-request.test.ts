import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MARKER, readPlanFile, renderComment } from "../tools/prComment";

describe("pr-comment: plans that are not there", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-comment-"));
    const write = (name: string, text: string) => {
        fs.writeFileSync(path.join(dir, name), text);
        return path.join(dir, name);
    };
    const good = {
        stack: "prod",
        environment: "prod",
        cost: { monthlyUsd: 1911.9, budgetUsd: 3000 },
        policy: { violations: [] },
        deploy: { criticalPathMinutes: 34.6 },
        result: { exitCode: 0, failures: [] },
    };

    it("reads a plan as a plan", () => {
        assert.deepEqual(readPlanFile(write("plan-prod.json", JSON.stringify(good))), good);
    });

    it("reports a config error with each problem, whether written as text or as { key, message }", () => {
        const file = write("plan-dev.json", JSON.stringify({ stack: "dev", result: "invalid-config", problems: ["aws:region is required", { path: "platform:budget", message: "must be positive" }, { code: 7 }] }));
        assert.deepEqual(readPlanFile(file), { stack: "dev", failure: "invalid-config", reasons: ["aws:region is required", "platform:budget: must be positive", '{"code":7}'] });
        assert.deepEqual(readPlanFile(write("plan-staging.json", JSON.stringify({ result: "invalid-config" }))), {
            stack: "staging",
            failure: "invalid-config",
            reasons: ["the plan refused the stack's config without saying why"],
        });
    });

    it("reports a missing file, a file that is not JSON and JSON that is not a plan, by the stack in its name", () => {
        assert.equal((readPlanFile(path.join(dir, "plan-qa.json")) as { failure: string }).failure, "missing");
        assert.equal((readPlanFile(path.join(dir, "plan-qa.json")) as { stack: string }).stack, "qa");
        assert.equal((readPlanFile(write("plan-broken.json", "{ not json")) as { failure: string }).failure, "unreadable");
        assert.equal((readPlanFile(write("plan-odd.json", JSON.stringify({ stack: "odd", result: { exitCode: 0 } }))) as { failure: string }).failure, "unreadable");
    });

    it("gives every stack a row, with what went wrong instead of figures", () => {
        const config = write("plan-dev.json", JSON.stringify({ stack: "dev", result: "invalid-config", problems: ["aws:region is required"] }));
        const text = renderComment([good, readPlanFile(config), readPlanFile(path.join(dir, "plan-qa.json"))]);
        assert.ok(text.startsWith(`${MARKER}\n`));
        const rows = text.split("\n").filter((l) => /^\| (prod|dev|qa) \|/.test(l));
        assert.deepEqual(rows, ["| prod | $1911.90 | n/a | 0 | 0 | 35 min | ok |", "| dev | — | — | — | — | — | config error |", "| qa | — | — | — | — | — | no plan |"]);
        assert.ok(text.includes("**dev: the stack's config is invalid, so there is no plan**"), text);
        assert.ok(text.includes("- aws:region is required"), text);
        assert.ok(text.includes("**qa: no plan to show**"), text);
    });
});
