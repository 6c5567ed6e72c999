import { strict as assert } from "assert";
import { PlanArgs, UsageError, parseArgs } from "../../../tools/plan/args";
import { PlannedResource, changedPaths, diffPlans } from "../../../tools/plan/diff";
import { LOSS, REPLACED_ON, forcesReplacement, isStateful } from "../../../tools/plan/replacement";
import { MARKER, renderComment } from "../../../tools/prComment";

const RDS = "aws:rds/instance:Instance";
const BROKER = "aws:mq/broker:Broker";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";

function resource(type: string, name: string, inputs: Record<string, unknown> = {}): PlannedResource {
    return { urn: `urn:pulumi:test::platform::${type}::${name}`, type, name, inputs };
}

const DEFAULTS: PlanArgs = { stack: "dev", config: undefined, json: undefined, out: undefined, diff: undefined, allowReplace: false };

describe("plan: parseArgs", () => {
    const cases: [string, string[], Partial<PlanArgs>][] = [
        ["no arguments plan dev with every default", [], {}],
        ["--stack names the stack", ["--stack", "prod"], { stack: "prod" }],
        ["the stack comes from a config file named Pulumi.<stack>.yaml", ["--config", "stacks/eu/Pulumi.staging.yaml"], { stack: "staging", config: "stacks/eu/Pulumi.staging.yaml" }],
        ["a .yml config file names its stack too", ["--config", "Pulumi.qa.yml"], { stack: "qa", config: "Pulumi.qa.yml" }],
        ["a planned rollout date", ["--as-of", "2027-01-31"], { asOf: "2027-01-31" }],
        ["a Graphviz service graph", ["--graph", "out/services.dot"], { graph: "out/services.dot" }],
        ["a Mermaid service graph", ["--graph", "services.mmd"], { graph: "services.mmd" }],
        ["a stack name with dots is taken whole", ["--config", "stacks/Pulumi.prod.eu.yaml"], { stack: "prod.eu", config: "stacks/Pulumi.prod.eu.yaml" }],
        ["an explicit --stack that agrees with the config file's name", ["--config", "Pulumi.staging.yaml", "--stack", "staging"], { stack: "staging", config: "Pulumi.staging.yaml" }],
        ["a config file named otherwise, with its stack", ["--config", "tmp/custom.yaml", "--stack", "qa"], { stack: "qa", config: "tmp/custom.yaml" }],
        ["--debug", ["--debug"], { debug: true }],
        [
            "every option at once",
            ["--stack", "prod", "--json", "out/p.json", "--out", "out/m", "--diff", "base.json", "--allow-replace"],
            { stack: "prod", json: "out/p.json", out: "out/m", diff: "base.json", allowReplace: true },
        ],
    ];
    for (const [title, argv, expected] of cases) {
        it(title, () => {
            assert.deepEqual(parseArgs(argv), { ...DEFAULTS, ...expected });
        });
    }

    const errors: [string, string[], RegExp][] = [
        ["an unknown flag", ["--frobnicate"], /^unknown argument "--frobnicate"; allowed: --stack, --config, --json, --out, --diff, --as-of, --graph, --allow-replace, --debug$/],
        ["a graph file whose format is not known", ["--graph", "services.png"], /^--graph services\.png does not end in \.dot, \.gv \(Graphviz\) or \.mmd, \.mermaid \(Mermaid\)$/],
        ["a config file that does not name its stack, without --stack", ["--config", "tmp/custom.yaml"], /^--config tmp\/custom\.yaml does not name its stack/],
        ["a --stack that disagrees with the config file's name", ["--config", "Pulumi.staging.yaml", "--stack", "prod"], /^--stack prod disagrees with --config Pulumi\.staging\.yaml, the config of stack staging/],
        ["a positional argument", ["prod"], /^unknown argument "prod"/],
        ["a flag without its value at the end", ["--json"], /^--json needs a value$/],
        ["a flag followed by another flag instead of its value", ["--out", "--allow-replace"], /^--out needs a value$/],
        ["a stack name with characters a stack cannot have", ["--stack", "prod eu"], /^--stack "prod eu" is not a stack name/],
    ];
    for (const [title, argv, message] of errors) {
        it(`rejects ${title}`, () => {
            assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof UsageError && message.test(e.message));
        });
    }

    it("answers --help with an empty-message UsageError, which the command turns into the usage and exit 0", () => {
        assert.throws(() => parseArgs(["--help"]), (e: unknown) => e instanceof UsageError && e.message === "");
    });
});

describe("plan: changedPaths", () => {
    const cases: [string, unknown, unknown, string[]][] = [
        ["equal trees", { a: { b: [1, { c: "x" }] } }, { a: { b: [1, { c: "x" }] } }, []],
        ["key order is not a change", { a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }, []],
        ["a nested scalar", { a: { b: 1, c: 2 } }, { a: { b: 1, c: 3 } }, ["a.c"]],
        ["a deep path", { scalingConfig: { desiredSize: 2, maxSize: 4 } }, { scalingConfig: { desiredSize: 3, maxSize: 4 } }, ["scalingConfig.desiredSize"]],
        ["an added key", { a: 1 }, { a: 1, b: 2 }, ["b"]],
        ["a removed key", { a: 1, b: { c: 2 } }, { a: 1 }, ["b"]],
        ["several keys, in sorted order", { z: 1, a: 1, m: 1 }, { z: 2, a: 2, m: 1 }, ["a", "z"]],
        ["an array element, at its index", { xs: [1, 2, 3] }, { xs: [1, 5, 3] }, ["xs[1]"]],
        ["a field of an object in an array", { users: [{ name: "a", password: "x" }] }, { users: [{ name: "a", password: "y" }] }, ["users[0].password"]],
        ["an array that changes length, as a whole", { subnetIds: ["a", "b"] }, { subnetIds: ["a"] }, ["subnetIds"]],
        ["a value that changes type", { a: { b: 1 } }, { a: "b" }, ["a"]],
        ["null against an object", { a: null }, { a: {} }, ["a"]],
        ["two different scalars at the root", 1, 2, ["(value)"]],
    ];
    for (const [title, before, after, expected] of cases) {
        it(title, () => {
            assert.deepEqual(changedPaths(before, after), expected);
        });
    }
});

describe("plan: forcesReplacement", () => {
    const cases: [string, string, string[], string[]][] = [
        ["a replace-forcing input", RDS, ["username"], ["username"]],
        ["in-place changes only", RDS, ["instanceClass", "allocatedStorage", "multiAz"], []],
        ["only the forcing ones of a mix", RDS, ["instanceClass", "kmsKeyId", "dbName"], ["kmsKeyId", "dbName"]],
        ["a key that merely starts like a forcing one", RDS, ["identifierPrefix"], []],
        ["a field below a forcing input", BROKER, ["encryptionOptions.kmsKeyId", "hostInstanceType"], ["encryptionOptions.kmsKeyId"]],
        ["an element of a forcing list", BROKER, ["subnetIds[1]"], ["subnetIds[1]"]],
        [
            "a forcing field inside an object whose other fields update in place",
            "aws:eks/cluster:Cluster",
            ["accessConfig.authenticationMode", "accessConfig.bootstrapClusterCreatorAdminPermissions"],
            ["accessConfig.bootstrapClusterCreatorAdminPermissions"],
        ],
        ["a type the table does not know", SECURITY_GROUP, ["name", "vpcId"], []],
    ];
    for (const [title, type, changed, expected] of cases) {
        it(title, () => {
            assert.deepEqual(forcesReplacement(type, changed), expected);
        });
    }

    it("says what every stateful type would lose, and knows no other type as stateful", () => {
        assert.deepEqual(Object.keys(LOSS).sort(), Object.keys(REPLACED_ON).sort());
        for (const type of Object.keys(REPLACED_ON)) {
            assert.ok(isStateful(type), type);
            assert.ok(LOSS[type].length > 10, type);
        }
        assert.equal(isStateful(SECURITY_GROUP), false);
    });
});

describe("plan: diffPlans", () => {
    const db = resource(RDS, "database-primary", { username: "platform_admin", instanceClass: "db.t4g.micro", tags: { Stack: "dev" } });
    const broker = resource(BROKER, "broker-broker", { deploymentMode: "CLUSTER_MULTI_AZ" });
    const sg = resource(SECURITY_GROUP, "cache-sg", { description: "cache" });
    const role = resource("aws:iam/role:Role", "cluster-role", { path: "/" });
    const cost = (monthlyUsd: number) => ({ monthlyUsd });

    it("lists added, removed and changed resources by URN, with the inputs that changed", () => {
        const added = resource("aws:iam/role:Role", "new-role");
        const d = diffPlans(
            { resources: [db, sg, role], cost: cost(100) },
            { resources: [{ ...db, inputs: { ...db.inputs, tags: { Stack: "dev", Team: "platform" } } }, role, added], cost: cost(100) },
        );
        assert.deepEqual(d.added.map((r) => r.name), ["new-role"]);
        assert.deepEqual(d.removed.map((r) => r.name), ["cache-sg"]);
        assert.deepEqual(d.changed.map((c) => [c.resource.name, c.inputs]), [["database-primary", ["tags.Team"]]]);
        assert.deepEqual(d.destructive, [], "neither an in-place change of a database nor the removal of a security group destroys data");
        assert.equal(d.costDeltaUsd, 0);
    });

    it("marks a replace-forcing change of a stateful resource as a replacement, naming only the forcing inputs", () => {
        const head = { ...db, inputs: { ...db.inputs, username: "other_admin", instanceClass: "db.t4g.small" } };
        const d = diffPlans({ resources: [db], cost: cost(10) }, { resources: [head], cost: cost(20) });
        assert.deepEqual(d.changed.map((c) => c.inputs), [["instanceClass", "username"]]);
        assert.deepEqual(
            d.destructive.map((x) => ({ name: x.resource.name, action: x.action, inputs: x.inputs, loss: x.loss })),
            [{ name: "database-primary", action: "replace", inputs: ["username"], loss: LOSS[RDS] }],
        );
    });

    it("marks the removal of a stateful resource as a deletion, and the removal of anything else as harmless", () => {
        const d = diffPlans({ resources: [db, broker, sg], cost: cost(50) }, { resources: [db], cost: cost(20) });
        assert.deepEqual(d.removed.map((r) => r.name), ["broker-broker", "cache-sg"]);
        assert.deepEqual(
            d.destructive.map((x) => ({ name: x.resource.name, action: x.action, inputs: x.inputs, loss: x.loss })),
            [{ name: "broker-broker", action: "delete", inputs: [], loss: LOSS[BROKER] }],
        );
    });

    it("lists replacements before deletions", () => {
        const d = diffPlans({ resources: [broker, db], cost: cost(0) }, { resources: [{ ...db, inputs: { ...db.inputs, username: "x" } }], cost: cost(0) });
        assert.deepEqual(d.destructive.map((x) => x.action), ["replace", "delete"]);
    });

    const deltas: [number, number, number][] = [
        [268.5, 290.95, 22.45],
        [1911.9, 1509.32, -402.58],
        [0.1, 0.3, 0.2],
        [100, 100.004, 0],
        [100, 100.006, 0.01],
    ];
    for (const [base, head, expected] of deltas) {
        it(`rounds the cost delta from $${base} to $${head} to the cent: ${expected}`, () => {
            assert.equal(diffPlans({ resources: [], cost: cost(base) }, { resources: [], cost: cost(head) }).costDeltaUsd, expected);
        });
    }
});

describe("plan: renderComment", () => {
    const dev = {
        stack: "dev",
        environment: "dev",
        cost: { monthlyUsd: 268.5, budgetUsd: 400 },
        policy: { violations: [{ policy: "rds-multi-az", level: "advisory", resource: "urn:pulumi:dev::platform::aws:rds/instance:Instance::database-primary", message: "multiAz is false" }] },
        deploy: { criticalPathMinutes: 19.5 },
        diff: { added: [], removed: [], changed: [{ resource: "urn:pulumi:dev::platform::aws:eks/nodeGroup:NodeGroup::cluster-apps", inputs: ["scalingConfig.desiredSize"] }], destructive: [], costDeltaUsd: 22.45 },
        result: { exitCode: 0, failures: [] },
    };
    const prod = {
        stack: "prod",
        environment: "prod",
        cost: { monthlyUsd: 1509.32, budgetUsd: 3000 },
        policy: {
            violations: [
                { policy: "mq-cluster-deployment", level: "mandatory", resource: "urn:pulumi:prod::platform::platform:data:Broker$aws:mq/broker:Broker::broker-broker", message: "deploymentMode is SINGLE_INSTANCE" },
                { policy: "k8s-autoscaler-min-replicas", level: "advisory", resource: "urn:pulumi:prod::platform::kubernetes:autoscaling/v2:HorizontalPodAutoscaler::service-api-hpa", message: "minReplicas is 1" },
            ],
        },
        deploy: { criticalPathMinutes: 34.58 },
        diff: {
            added: [],
            removed: [],
            changed: [{ resource: "urn:pulumi:prod::platform::platform:data:Broker$aws:mq/broker:Broker::broker-broker", inputs: ["deploymentMode", "subnetIds"] }],
            destructive: [{ resource: "urn:pulumi:prod::platform::platform:data:Broker$aws:mq/broker:Broker::broker-broker", action: "replace", inputs: ["deploymentMode", "subnetIds"], loss: LOSS[BROKER] }],
            costDeltaUsd: -402.58,
        },
        result: { exitCode: 3, failures: [{ reason: "1 stateful resource(s) would be replaced or deleted (--allow-replace to accept)" }, { reason: "1 mandatory policy violation(s)" }] },
    };

    it("starts with the marker the commenting workflow looks for", () => {
        assert.ok(renderComment([dev]).startsWith(`${MARKER}\n`));
    });

    it("has one table row per stack with cost, change, violations, deploy time and result", () => {
        const rows = renderComment([dev, prod]).split("\n").filter((l) => /^\| (dev|prod) \|/.test(l));
        assert.deepEqual(rows, ["| dev | $268.50 | +$22.45 | 0 | 1 | 20 min | ok |", "| prod | $1509.32 | −$402.58 | 1 | 1 | 35 min | exit 3 |"]);
    });

    it("says n/a for the change when there is no base plan", () => {
        const { diff: _diff, ...noDiff } = dev;
        assert.match(renderComment([noDiff]), /^\| dev \| \$268\.50 \| n\/a \|/m);
    });

    it("warns in a caution block about each stateful resource a change would destroy", () => {
        const text = renderComment([dev, prod]);
        assert.equal(text.split("> [!CAUTION]").length - 1, 1, "one block, for prod only");
        assert.ok(text.includes("> **prod: this change would replace `broker-broker`**"), text);
        assert.ok(text.includes(`> - \`broker-broker\` (deploymentMode, subnetIds): loses ${LOSS[BROKER]}`), text);
        assert.ok(!renderComment([dev]).includes("CAUTION"));
    });

    it("lists the mandatory violations of each stack, and not the advisory ones", () => {
        const text = renderComment([dev, prod]);
        assert.ok(text.includes("**prod: mandatory policy violations**"), text);
        assert.ok(text.includes("- `mq-cluster-deployment` `broker-broker`: deploymentMode is SINGLE_INSTANCE"), text);
        assert.ok(!text.includes("**dev: mandatory policy violations**"));
        assert.ok(!text.includes("`k8s-autoscaler-min-replicas`"));
        assert.ok(!text.includes("`rds-multi-az`"));
    });

    it("shows the changes and the reasons a stack fails", () => {
        const text = renderComment([dev, prod]);
        assert.ok(text.includes("- ~ `cluster-apps`: scalingConfig.desiredSize"), text);
        assert.ok(text.includes("prod: 1 stateful resource(s) would be replaced or deleted (--allow-replace to accept)"), text);
        assert.ok(text.includes("prod: 1 mandatory policy violation(s)"), text);
    });
});
