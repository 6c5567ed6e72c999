import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadSettingsFromConfigMap } from "../config";
import { PROFILES } from "../config/profiles";
import { EXIT } from "../tools/plan/build";
import { ROOT, stackRun } from "./harness";

/** IAM service prefixes of an AWS type token's module, where they differ (`aws:cloudwatch/logGroup` is `logs`). */
const IAM_PREFIX: Readonly<Record<string, string>> = { cloudwatch: "logs", vpc: "ec2" };
/** Services the children of remote components call, which an offline run does not show. */
const REMOTE_CHILDREN: Readonly<Record<string, string[]>> = { "awsx:ec2:Vpc": ["ec2"], "eks:index:Cluster": ["eks", "iam", "ec2"] };

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

    it("lists, for the deploy role, every AWS service the shipped stacks manage, and no other", async function () {
        this.timeout(120_000);
        const managed = new Set<string>();
        for (const stack of ["dev", "staging", "prod"]) {
            for (const r of (await stackRun(stack)).resources) {
                const module = r.type.startsWith("aws:") ? r.type.split(":")[1].split("/")[0] : undefined;
                [...(module !== undefined ? [IAM_PREFIX[module] ?? module] : []), ...(REMOTE_CHILDREN[r.type] ?? [])].forEach((m) => managed.add(m));
            }
        }
        const table = readme.slice(readme.indexOf("| service | what `pulumi up` manages there |"));
        const rows = table.slice(0, table.indexOf("\n\n")).split("\n").slice(2);
        assert.deepEqual(rows.map((r) => /^\| `([a-z0-9-]+)` \|/.exec(r)?.[1]).sort(), [...managed].sort());
    });

    it("documents every exit code of the plan, and no other", () => {
        const table = readme.slice(readme.indexOf("| exit | meaning |"));
        const rows = table.slice(0, table.indexOf("\n\n")).split("\n").slice(2);
        assert.deepEqual(rows.map((r) => Number(/^\| (\d) \|/.exec(r)?.[1])), Object.values(EXIT));
    });

    it("shows a service catalog that validation accepts", () => {
        const block = readme.slice(readme.indexOf("Add a block to `platform:services`"));
        const yaml = block.slice(block.indexOf("```yaml\n") + 8, block.indexOf("```\n", 10));
        const services = (parse(yaml) as Record<string, unknown>)["platform:services"];
        const flat = {
            "aws:region": "us-east-1",
            "platform:environment": "dev",
            "platform:cluster": JSON.stringify({ deployRoleArn: "arn:aws:iam::123456789012:role/platform-deploy" }),
            "platform:ingress": JSON.stringify({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f3c2a56-8f7e-4d5b-9a1c-3e2b1d0c9f8a" }),
            "platform:services": JSON.stringify([...(services as object[]), { name: "frontend", kind: "web", image: "ghcr.io/acme/frontend:1.0.0", port: 8080 }]),
        };
        assert.equal(loadSettingsFromConfigMap(flat).services.length, 5);
    });

    it("gives the two newcomer commands, and CI runs the same test command", () => {
        assert.match(readme, /npm ci && npm run plan/);
        assert.match(readme, /npm test/);
        const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        assert.match(ci, /npm ci/);
        assert.match(ci, /^npm test$/m);
    });
});
