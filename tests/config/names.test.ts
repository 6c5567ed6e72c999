import { strict as assert } from "assert";
import { PROFILES } from "../../config/profiles";
import { RESOURCE_OWN_TAGS } from "../../config/awsRules";
import { SERVICE_NAME_MAX, serviceNames, stackNames } from "../../config/names";
import { platformEnvKeys, platformNamespaceClaim, secretEnvName, PLATFORM_TAG_KEYS } from "../../config/platform";
import type { ServiceSettings } from "../../config/schema";
import { checkServiceStoreNames } from "../../config/serviceRules";
import { manifestsOf } from "../../offline/manifests";
import type { ProgramRun } from "../../offline/run";
import { ofType, stackRun, variantRun } from "../harness";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The names config/ says the platform claims must be the names the program really uses: otherwise
 * validation would let a collision through, or refuse a harmless name.
 */
describe("platform names: what validation assumes matches what the program does", function () {
    this.timeout(120_000);

    const full: ServiceSettings = { name: "shop", kind: "web", image: "ghcr.io/a/shop:1.0", port: 8080, uses: ["database", "cache", "broker"], readReplica: true, tracing: true, secrets: ["stripe-api-key"], env: { FEATURE_FLAGS: "x" } };
    const bare: ServiceSettings = { name: "bare", kind: "worker", image: "ghcr.io/a/bare:1.0" };
    let run: ProgramRun;
    before(async () => {
        run = await variantRun("dev", { "platform:services": [full, bare] });
    });

    it("the environment variables the platform sets, service by service", () => {
        for (const svc of [full, bare]) {
            const objects = manifestsOf(run.resources).filter((m) => m.metadata.namespace === svc.name) as AnyObj[];
            const config = objects.find((m) => m.kind === "ConfigMap" && m.metadata.name === `${svc.name}-config`);
            const secret = objects.find((m) => m.kind === "ExternalSecret");
            const set = [
                ...Object.keys(config?.data ?? {}),
                ...(secret?.spec.data ?? []).map((d: AnyObj) => d.secretKey),
                ...Object.keys(secret?.spec.target?.template?.data ?? {}),
            ];
            const own = new Set([...Object.keys(svc.env ?? {}), ...(svc.secrets ?? []).map(secretEnvName)]);
            assert.deepEqual(set.filter((k) => !own.has(k)).sort(), [...platformEnvKeys(svc).keys()].sort(), svc.name);
        }
    });

    it("every namespace the platform uses is one a service may not take", async () => {
        const runs = [run, await stackRun("prod")];
        for (const r of runs) {
            const services = new Set([full.name, bare.name, "frontend", "api", "worker", "nightly-report"]);
            const namespaces = new Set<string>();
            for (const m of manifestsOf(r.resources) as AnyObj[]) {
                namespaces.add(m.kind === "Namespace" ? m.metadata.name : m.metadata.namespace);
            }
            for (const release of ofType(r, "kubernetes:helm.sh/v3:Release")) {
                namespaces.add(release.inputs.namespace as string);
            }
            namespaces.delete(undefined as unknown as string);
            const unclaimed = [...namespaces].filter((ns) => !services.has(ns) && platformNamespaceClaim(ns) === undefined);
            assert.deepEqual(unclaimed, []);
            assert.ok(namespaces.size > 5, [...namespaces].join(", "));
        }
    });

    it("the physical names it budgets are the names the program gives", async () => {
        const prod = await stackRun("prod");
        const input = (type: string, key: string) => ofType(prod, type).map((r) => r.inputs[key]);
        const budgeted = stackNames("platform", "prod", PROFILES.prod).map((n) => n.name);
        assert.ok(input("aws:rds/instance:Instance", "identifier").includes(budgeted.find((n) => n.endsWith("-replica-1"))), "the longest RDS identifier");
        assert.ok(input("aws:elasticache/replicationGroup:ReplicationGroup", "replicationGroupId").includes("platform-prod-cache"));
        assert.ok(budgeted.includes("platform-prod-cache") && budgeted.includes("platform-prod-rabbitmq"));
        assert.ok(input("aws:mq/broker:Broker", "brokerName").includes("platform-prod-rabbitmq"));
        assert.ok(input("aws:secretsmanager/secret:Secret", "name").includes("platform/prod/broker/admin"));
        const finalSnapshot = budgeted.find((n) => n.includes("-postgres-final-")) as string;
        const given = input("aws:rds/instance:Instance", "finalSnapshotIdentifier").filter((n) => n !== undefined).map(String);
        assert.deepEqual(given.map((n) => n.replace(/[0-9a-f]+$/, (digits) => "x".repeat(digits.length))), [finalSnapshot], "the primary's final snapshot, random suffix and all");
        const role = serviceNames("shop")[0].name.replace(/-x+$/, "");
        assert.equal(ofType(run, "aws:iam/role:Role").filter((r) => r.name === role).length, 1, `${role} is the service's IRSA role`);
        const provision = ofType(run, "kubernetes:batch/v1:Job").map((j) => (j.inputs.metadata as AnyObj).name);
        const budgetedJob = new RegExp(`^${serviceNames("shop")[2].name.replace(/x+$/, "[0-9a-f]{8}")}$`);
        assert.ok(provision.some((name) => budgetedJob.test(name)), provision.join(", "));
        assert.equal(SERVICE_NAME_MAX, 38);
    });

    it("no resource carries more tags of its own than the tag budget leaves room for", async () => {
        let most = 0;
        const walk = (v: unknown): void => {
            if (Array.isArray(v)) {
                v.forEach(walk);
            } else if (v !== null && typeof v === "object") {
                for (const [k, x] of Object.entries(v)) {
                    if (k === "tags" && x !== null && typeof x === "object" && !Array.isArray(x)) {
                        most = Math.max(most, Object.keys(x).filter((t) => !(PLATFORM_TAG_KEYS as readonly string[]).includes(t)).length);
                    }
                    walk(x);
                }
            }
        };
        for (const r of [...run.resources, ...(await stackRun("prod")).resources]) {
            walk(r.inputs);
        }
        // awsx adds a Name tag to the subnets it creates, which the recorded inputs do not show.
        assert.ok(most >= 2 && most + 1 <= RESOURCE_OWN_TAGS, `most own tags: ${most}`);
    });
});

describe("service names that are database roles or databases the instance has", () => {
    const database = { masterUsername: "app_admin", databaseName: "app" };
    const refused = (name: string) => checkServiceStoreNames({ database, services: [{ name, kind: "worker", image: "x:1" }] } as never);
    it("refuses the master user, the initial database, PostgreSQL's and RDS's own names, naming key, value and what is allowed", () => {
        for (const name of ["app-admin", "app", "postgres", "template0", "template1", "rdsadmin", "rds-iam", "rds-superuser", "rdsx", "pg-stats"]) {
            const issues = refused(name);
            assert.equal(issues.length, 1, name);
            assert.deepEqual([issues[0].path, issues[0].value], [["services", 0, "name"], name]);
            assert.match(issues[0].message, /would be the database role and database ".*", which is .*; allowed: a name whose identifier is none of app_admin, app, template0, postgres, template1, rdsadmin and starts with neither pg_ nor rds$/);
        }
    });
    it("accepts names that merely contain them", () => {
        for (const name of ["orders", "app-api", "my-postgres", "cards", "page-stats"]) {
            assert.deepEqual(refused(name), [], name);
        }
    });
});
