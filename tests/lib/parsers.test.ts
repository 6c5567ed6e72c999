import { strict as assert } from "assert";
import { cronProblem } from "../../lib/cron";
import { parseImageRef } from "../../lib/imageRef";
import { cpuMillis, formatCpu, memoryBytes, parseQuantity } from "../../lib/quantity";
import { closest, editDistance } from "../../lib/suggest";

describe("lib/quantity: Kubernetes quantities", () => {
    const values: [string, number | undefined][] = [
        ["250m", 0.25],
        ["1", 1],
        ["1.5", 1.5],
        ["1.", 1],
        [".5", 0.5],
        ["256Mi", 256 * 2 ** 20],
        ["1Gi", 2 ** 30],
        ["256M", 256e6],
        ["1k", 1000],
        ["1e9", 1e9],
        ["1E3", 1000],
        ["2E", 2e18],
        ["+1", 1],
        ["-1", -1],
        ["1.5Gi", 1.5 * 2 ** 30],
        ["", undefined],
        ["lots", undefined],
        ["1 Gi", undefined],
        ["1GB", undefined],
        ["1mi", undefined],
        ["1e", undefined],
        ["1Ki3", undefined],
    ];
    for (const [text, expected] of values) {
        it(`reads "${text}" as ${expected}`, () => {
            assert.equal(parseQuantity(text), expected);
        });
    }
    it("turns CPU into millicores, rounding finer amounts up to 1m as Kubernetes does", () => {
        assert.deepEqual(["250m", "1", "0.5", "1.25", "0.0001", "100u"].map(cpuMillis), [250, 1000, 500, 1250, 1, 1]);
        assert.deepEqual([250, 1000, 2500].map(formatCpu), ["250m", "1", "2500m"]);
        assert.equal(memoryBytes("128Mi"), 134217728);
    });
});

describe("lib/cron: schedules as Kubernetes accepts them", () => {
    const ok = ["0 3 * * *", "*/15 * * * *", "0 9-17/2 * * 1-5", "0 0 1 jan,JUL *", "0 0 * * sun", "0 0 ? * *", "5,10 * * * *", "0 0 1/5 * *", "@daily", "@midnight", "@yearly", "@annually", "@monthly", "@weekly", "@hourly", "@every 90s", "@every 1h30m", "  0 3 * * *  "];
    for (const schedule of ok) {
        it(`accepts "${schedule}"`, () => assert.equal(cronProblem(schedule), undefined));
    }
    const bad: [string, RegExp][] = [
        ["61 * * * *", /61 is above the minute maximum 59/],
        ["0 24 * * *", /24 is above the hour maximum 23/],
        ["0 0 0 * *", /0 is below the day of month minimum 1/],
        ["0 0 * 13 *", /13 is above the month maximum 12/],
        ["0 0 * * 7", /7 is above the day of week maximum 6/],
        ["0 0 * * mon-sun", /range "mon-sun" starts after it ends/],
        ["5-1 * * * *", /range "5-1" starts after it ends/],
        ["1-2-3 * * * *", /too many hyphens/],
        ["*/5/2 * * * *", /too many slashes/],
        ["*/x * * * *", /step "x" is not a number/],
        ["0 0 * * funday", /"funday" is not a number or a name in the day of week field/],
        ["* * * *", /has 4 field\(s\)/],
        ["* * * * * *", /has 6 field\(s\)/],
        ["@reboot", /is not a schedule descriptor/],
        ["@every", /is not a schedule descriptor/],
        ["@every 5", /has a duration Go cannot read/],
        ["TZ=UTC 0 3 * * *", /names a time zone/],
        ["", /has 0 field\(s\)/],
    ];
    for (const [schedule, message] of bad) {
        it(`refuses "${schedule}"`, () => assert.match(cronProblem(schedule) ?? "accepted", message));
    }
});

describe("lib/imageRef: the distribution reference grammar", () => {
    const good: [string, object][] = [
        ["nginx:1.27", { path: "nginx", tag: "1.27" }],
        ["ghcr.io/acme/api:2.4.1", { registry: "ghcr.io", path: "acme/api", tag: "2.4.1" }],
        ["localhost:5000/w:1.0", { registry: "localhost:5000", path: "w", tag: "1.0" }],
        ["registry.example.com:443/a/b/c:v1_2", { registry: "registry.example.com:443", path: "a/b/c", tag: "v1_2" }],
        ["public.ecr.aws/nginx/nginx-unprivileged:1.27.3-alpine", { registry: "public.ecr.aws", path: "nginx/nginx-unprivileged", tag: "1.27.3-alpine" }],
        [`a/b@sha256:${"0".repeat(64)}`, { path: "a/b", digest: `sha256:${"0".repeat(64)}` }],
        ["my__repo/x--y:1", { path: "my__repo/x--y", tag: "1" }],
        ["nginx", { path: "nginx" }],
    ];
    for (const [ref, parsed] of good) {
        it(`reads ${ref}`, () => assert.deepEqual(parseImageRef(ref), parsed));
    }
    const bad: [string, RegExp][] = [
        ["", /is empty/],
        ["repo::1.0", /invalid path component "repo:"/],
        ["Repo:1.0", /invalid path component "Repo"/],
        ["a//b:1", /empty path component/],
        ["a/b:", /empty tag/],
        ["a:.1", /invalid tag "\.1"/],
        [`a:${"x".repeat(129)}`, /invalid tag/],
        ["a@sha256:xyz", /malformed digest/],
        [`a@sha256:${"A".repeat(64)}`, /not 64 lower-case hex digits/],
        [`a@sha256:${"a".repeat(63)}`, /not 64 lower-case hex digits/],
        ["bad_host.io:x/a:1", /invalid registry "bad_host.io:x"/],
        ["a-/b:1", /invalid path component "a-"/],
        [`${"a".repeat(256)}:1`, /name of 256 characters/],
    ];
    for (const [ref, message] of bad) {
        it(`refuses "${ref.slice(0, 40)}"`, () => {
            const parsed = parseImageRef(ref);
            assert.ok(typeof parsed === "string", JSON.stringify(parsed));
            assert.match(parsed, message);
        });
    }
});

describe("lib/suggest: did you mean", () => {
    it("measures edits, a swap of neighbours counting once", () => {
        assert.deepEqual([editDistance("platfrom", "platform"), editDistance("kitten", "sitting"), editDistance("", "abc"), editDistance("same", "same")], [1, 3, 3, 0]);
    });
    it("suggests only what is close", () => {
        assert.equal(closest("platfrom", ["platform", "aws"]), "platform");
        assert.equal(closest("AWS", ["platform", "aws"]), "aws");
        assert.equal(closest("acme", ["platform", "aws"]), undefined);
        assert.equal(closest("eu-west-9", ["eu-west-1", "eu-west-2"]), "eu-west-1");
    });
});
