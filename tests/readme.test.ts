import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROFILES } from "../config/profiles";
import { ROOT } from "./harness";

const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

function leafKeys(o: Record<string, unknown>, prefix = ""): string[] {
    return Object.entries(o).flatMap(([k, v]) => {
        const key = prefix ? `${prefix}.${k}` : k;
        return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0 ? leafKeys(v as Record<string, unknown>, key) : [key];
    });
}

describe("README", () => {
    it("documents every config key of the profiles", () => {
        for (const key of leafKeys(PROFILES.dev as unknown as Record<string, unknown>).map((k) => k.replace(/^addons\.[a-zA-Z]+\./, "addons.<name>."))) {
            const last = key.split(".").pop() as string;
            const parent = key.split(".").slice(0, -1).join(".");
            assert.ok(readme.includes(`\`${key}\``) || (readme.includes(`\`${parent}.`) && readme.includes(`\`${last}\``)), `README lacks ${key}`);
        }
    });

    it("declares every top-level key in Pulumi.yaml with a type and description", () => {
        const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { type: string; description: string }> };
        for (const key of ["environment", "services", ...Object.keys(PROFILES.dev)]) {
            const decl = project.config[`platform:${key}`];
            assert.ok(decl, `Pulumi.yaml does not declare platform:${key}`);
            assert.ok(decl.type && decl.description, `platform:${key} needs a type and a description`);
        }
    });

    it("gives the two newcomer commands, and CI runs the same test command", () => {
        assert.match(readme, /npm ci && npm run plan/);
        assert.match(readme, /npm test/);
        const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        assert.match(ci, /npm ci/);
        assert.match(ci, /^npm test$/m);
    });
});
