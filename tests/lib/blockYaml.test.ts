import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { blockYaml } from "../../lib/blockYaml";
import { manifestsOf } from "../../offline/manifests";
import type { ProgramRun } from "../../offline/run";
import { libraryYaml, toYaml } from "../../tools/plan/manifests";
import { ROOT, examplePlan, stackRun } from "../harness";

/** Strings YAML 1.1 (kubectl) or YAML 1.2 would read as something else, or that need care when plain. */
const TRICKY = ["on", "off", "yes", "no", "y", "n", "true", "Null", "~", "8080", "0755", "0o14", "1:20", "1e3", ".inf", "2024-01-01", "-x", "- x", "?x", ":x", "x:", "a: b", "a #b", "a#b", "#x", "@x", "`x", "*x", "!x", "&x", "%x", "'x'", '"x"', "[x]", "{x}", "x}", "^$", "^(orders)$", "0 3 * * *", " lead", "trail ", "", "a\\b", "=", "a, b"];

describe("block YAML: objects written directly, as the library writes them", () => {
    it("lays out maps, sequences, nesting and empty values as the library does", () => {
        const value = {
            a: [{ b: 1, c: [1, 2] }, [3, [4]], {}, [], null, true],
            e: {},
            f: [],
            g: { h: { i: "x" } },
            "app.kubernetes.io/name": "v",
            n: 0.5,
            m: -3,
            image: "ghcr.io/example/api:1.0.0",
            url: "https://example.com/a?b=c&d=e",
        };
        assert.equal(blockYaml(value), libraryYaml(value));
    });

    it("writes strings that need care so that YAML 1.1 and 1.2 both read them back, as the library writes them", () => {
        let direct = 0;
        for (const text of TRICKY) {
            const value = { data: { key: text, [text]: "as a key" }, list: [text] };
            const written = blockYaml(value);
            for (const version of ["1.1", "1.2"] as const) {
                assert.deepEqual(parse(toYaml(value), { version }), value, `${JSON.stringify(text)} in YAML ${version}`);
            }
            if (written !== undefined) {
                direct++;
                assert.equal(written, libraryYaml(value), JSON.stringify(text));
            }
        }
        assert.ok(direct >= TRICKY.length - 4, `${direct} of ${TRICKY.length} written directly`);
    });

    it("leaves to the library what it does not write: multi-line and non-ASCII strings, unusual keys and numbers, undefined", () => {
        for (const value of [{ script: "a\nb" }, { name: "café" }, { "a\nb": "x" }, { quote: '"x" said' }, { n: 1e21 }, { n: Number.NaN }, { gone: undefined }, { tab: "a\tb" }]) {
            assert.equal(blockYaml(value), undefined, JSON.stringify(value));
            assert.equal(toYaml(value), libraryYaml(value));
        }
    });

    describe("every object of the shipped stacks and examples, as the plan's worker receives it", function () {
        this.timeout(600_000);
        const runs: { label: string; run: () => Promise<ProgramRun> }[] = [
            ...["dev", "staging", "prod", "local"].map((stack) => ({ label: `Pulumi.${stack}.yaml`, run: () => stackRun(stack) })),
            ...fs.readdirSync(path.join(ROOT, "examples")).flatMap((example) =>
                fs
                    .readdirSync(path.join(ROOT, "examples", example))
                    .map((f) => /^Pulumi\.(\w+)\.yaml$/.exec(f)?.[1])
                    .filter((env): env is string => env !== undefined)
                    .map((env) => ({ label: `examples/${example}/Pulumi.${env}.yaml`, run: async () => (await examplePlan(example, env)).run })),
            ),
        ];
        let objects = 0;
        let direct = 0;
        for (const { label, run } of runs) {
            it(`${label}: written directly exactly as the library writes it, or left to the library`, async () => {
                for (const manifest of manifestsOf((await run()).resources)) {
                    const received = JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>;
                    const written = blockYaml(received);
                    objects++;
                    if (written !== undefined) {
                        direct++;
                        assert.equal(written, libraryYaml(received), `${manifest.kind} ${manifest.metadata.name}`);
                    }
                }
            });
        }
        it("writes most of them directly", () => {
            assert.ok(objects > 1000, `${objects} objects`);
            assert.ok(direct / objects > 0.8, `${direct} of ${objects} written directly`);
        });
    });
});
