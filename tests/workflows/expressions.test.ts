import { strict as assert } from "assert";
import { condition, contextOf, evaluate, interpolate, scopeOf, truthy } from "../support/githubExpressions";

// Expected values follow GitHub's documentation of expressions (operators, loose equality, functions,
// status checks): https://docs.github.com/en/actions/reference/workflows-and-actions/expressions

describe("GitHub expressions", () => {
    const push = scopeOf({ "github.event_name": "push", "inputs.stack": null });

    it("returns values from && and || as the runner does, not booleans", () => {
        const stack = "github.event_name == 'push' && 'dev' || inputs.stack || 'prod'";
        assert.equal(evaluate(stack, push), "dev");
        assert.equal(evaluate(stack, scopeOf({ "github.event_name": "release" })), "prod");
        assert.equal(evaluate(stack, scopeOf({ "github.event_name": "workflow_dispatch", "inputs.stack": "staging" })), "staging");
        assert.equal(evaluate("'' || 0 || null", push), null);
        assert.equal(evaluate("'a' && 0", push), 0);
    });

    it("compares strings case-insensitively and mixed types as numbers", () => {
        assert.equal(evaluate("github.event_name == 'PUSH'", push), true);
        assert.equal(evaluate("1 == '1'", push), true);
        assert.equal(evaluate("null == 0", push), true);
        assert.equal(evaluate("'' == 0", push), true);
        assert.equal(evaluate("true == 1", push), true);
        assert.equal(evaluate("'abc' == 1", push), false);
        assert.equal(evaluate("'a' < 'B'", push), true);
        assert.equal(evaluate("2 >= 10", push), false);
        assert.equal(evaluate("!(github.event_name != 'push')", push), true);
    });

    it("reads context paths with dots and indexes, case-insensitively, and null for what is missing", () => {
        const scope = { context: contextOf({ "needs.setup.outputs.runners": '{"dev":"platform-dev-ci"}', "matrix.stack": "dev", "github.Run_Id": 7 }) };
        assert.equal(evaluate("fromJSON(needs.setup.outputs.runners)[matrix.stack]", scope), "platform-dev-ci");
        assert.equal(evaluate("fromJSON(needs.setup.outputs.runners).prod", scope), null);
        assert.equal(evaluate("github.run_id", scope), 7);
        assert.equal(evaluate("github.event.workflow_run.id", scope), null);
        assert.equal(evaluate("fromJSON('[\"a\",\"b\"]')[1]", scope), "b");
    });

    it("implements the functions the workflows use", () => {
        assert.equal(evaluate("contains(fromJSON('[\"dev\",\"prod\"]'), 'PROD')", push), true);
        assert.equal(evaluate("contains('refs/heads/main', 'HEADS')", push), true);
        assert.equal(evaluate("startsWith('refs/tags/v1', 'refs/tags/')", push), true);
        assert.equal(evaluate("endsWith('deploy.yml', '.YML')", push), true);
        assert.equal(evaluate("format('{0}-{1} {{literal}}', 'a', 2)", push), "a-2 {literal}");
        assert.equal(evaluate("join(fromJSON('[\"a\",\"b\"]'), '+')", push), "a+b");
        assert.equal(evaluate("toJSON('x')", push), '"x"');
        assert.throws(() => evaluate("fromJSON('')", push), /empty/);
        assert.throws(() => evaluate("hashFiles('x')", push), /unknown function/);
        assert.throws(() => evaluate("format('{1}', 'a')", push), /no argument/);
    });

    it("rejects what is not an expression", () => {
        assert.throws(() => evaluate("github.event_name === 'push'", push));
        assert.throws(() => evaluate("(github.event_name", push));
        assert.throws(() => evaluate("'a' 'b'", push));
    });

    it("writes values into strings as the runner does", () => {
        assert.equal(interpolate("deploy-${{ inputs.stack || 'prod' }}", push), "deploy-prod");
        assert.equal(interpolate("codebuild-${{ 'x' }}-${{ github.run_id }}-${{ github.run_attempt }}", scopeOf({ "github.run_id": 42, "github.run_attempt": 1 })), "codebuild-x-42-1");
        assert.equal(interpolate("${{ fromJSON('{}') }} ${{ fromJSON('[]') }} ${{ null }} ${{ true }}", push), "Object Array  true");
    });

    it("decides if: conditions with the implicit success() and the status functions", () => {
        const failed = scopeOf({ "github.event_name": "push" }, "failure");
        const cancelled = scopeOf({ "github.event_name": "push" }, "cancelled");
        assert.equal(condition("github.event_name == 'push'", push), true);
        assert.equal(condition("${{ github.event_name == 'push' }}", push), true);
        assert.equal(condition("github.event_name == 'push'", failed), false);
        assert.equal(condition("always() && github.event_name == 'push'", failed), true);
        assert.equal(condition("failure()", failed), true);
        assert.equal(condition("!cancelled()", cancelled), false);
        assert.equal(condition(undefined, push), true);
        assert.equal(condition(undefined, failed), false);
    });

    it("treats false, 0, empty strings, null and NaN as false, and objects as true", () => {
        for (const v of [false, 0, "", null, NaN]) {
            assert.equal(truthy(v), false, String(v));
        }
        for (const v of [true, 1, "0", "false", [], {}]) {
            assert.equal(truthy(v), true, JSON.stringify(v));
        }
    });
});
