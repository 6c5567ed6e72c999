import { strict as assert } from "assert";
import { randomPassword } from "./support/processes";
import { PostgresServer, startPostgres } from "./support/postgres";
import { runProvisionJob, serviceLogin } from "./support/provisionJob";
import { checkServiceStoreNames, databaseIdentifier, SERVICE_ROLE_MARKER } from "./support/program";

/** Everything the provisioning may change, as the superuser sees it, minus the salted password verifiers. */
function stateQuery(names: readonly string[]): string {
    const list = names.map((n) => `'${n}'`).join(", ");
    return [
        `SELECT 'role', rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolinherit, rolconnlimit, rolvaliduntil, rolpassword IS NOT NULL FROM pg_authid WHERE rolname IN (${list}) ORDER BY rolname;`,
        `SELECT 'member', r.rolname, m.rolname, am.admin_option FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member WHERE r.rolname IN (${list}) OR m.rolname IN (${list}) ORDER BY 2, 3;`,
        "SELECT 'database', datname, pg_get_userbyid(datdba), datacl FROM pg_database ORDER BY datname;",
    ].join("\n");
}

// The database provisioning container's script, run as its Job runs it, against an RDS-like server.
describe("integration: database provisioning against the RDS-like server", function () {
    let server: PostgresServer;
    const services = ["orders", "nightly-report"];
    const passwords = new Map(services.map((s) => [s, randomPassword()]));
    const login = (service: string) => serviceLogin(service, passwords.get(service) as string);

    before(async function () {
        server = await startPostgres();
        for (const service of services) {
            const run = await runProvisionJob(server, service, passwords.get(service) as string);
            assert.equal(run.code, 0, `first run for ${service}: ${run.stderr}`);
        }
    });

    after(async function () {
        await server?.stop();
    });

    it("gives each service a database it owns and can create and use tables in", async function () {
        for (const service of services) {
            const database = databaseIdentifier(service);
            assert.equal(await server.inspect(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${database}'`), database);
            const rows = await server.query(login(service), "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'one'); SELECT name FROM items;", { database });
            assert.equal(rows, "one");
        }
    });

    it("keeps each service out of the other's database", async function () {
        const result = await server.psql(login("orders"), "SELECT 1", { database: databaseIdentifier("nightly-report") });
        assert.notEqual(result.code, 0);
        assert.match(result.stderr, /permission denied for database "nightly_report"/);
    });

    it("makes no service role a superuser or a creator of roles or databases", async function () {
        const roles = await server.inspect("SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname IN ('orders', 'nightly_report') ORDER BY rolname");
        assert.equal(roles, "nightly_report|f|f|f|t\norders|f|f|f|t");
    });

    it("changes nothing when run a second time with the same passwords", async function () {
        const names = [...services.map(databaseIdentifier), server.master.user];
        const before = await server.inspect(stateQuery(names));
        for (const service of services) {
            const run = await runProvisionJob(server, service, passwords.get(service) as string);
            assert.equal(run.code, 0, `second run for ${service}: ${run.stderr}`);
        }
        assert.equal(await server.inspect(stateQuery(names)), before);
        assert.equal(await server.query(login("orders"), "SELECT count(*) FROM items", { database: "orders" }), "1");
    });

    it("switches a service to a new password when run with it: the new one works, the old one is refused", async function () {
        const old = login("orders");
        const rotated = randomPassword();
        const run = await runProvisionJob(server, "orders", rotated);
        assert.equal(run.code, 0, run.stderr);
        passwords.set("orders", rotated);
        assert.equal(await server.query(login("orders"), "SELECT current_user", { database: "orders" }), "orders");
        const refused = await server.psql(old, "SELECT 1", { database: "orders" });
        assert.match(refused.stderr, /password authentication failed for user "orders"/);
    });

    it("leaves PUBLIC nothing on any database a service could reach: its own, the initial one, postgres, template1", async function () {
        const open = await server.inspect(
            "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE datallowconn AND (datacl IS NULL OR EXISTS (SELECT FROM aclexplode(datacl) a WHERE a.grantee = 0))",
        );
        assert.equal(open, "");
        for (const database of [server.databaseName, "postgres", "template1", databaseIdentifier("nightly-report")]) {
            const result = await server.psql(login("orders"), "CREATE TEMP TABLE t (id int)", { database });
            assert.match(result.stderr, new RegExp(`permission denied for database "${database}"`), database);
        }
    });

    it("refuses, before anything reaches the database, every service name that is a role or database the instance has", async function () {
        const names = ["platform-admin", "platform", "postgres", "template1", "rds-iam", "rds-superuser", "rdsadmin", "pg-stats"];
        const settings = { database: { masterUsername: server.master.user, databaseName: server.databaseName }, services: names.map((name) => ({ name, kind: "worker", image: "x:1" })) };
        const refused = checkServiceStoreNames(settings as never).map((issue) => issue.value);
        assert.deepEqual(refused, names);
    });

    it("and, should one get past validation, the script refuses to touch a role or database it did not create", async function () {
        const all = ["platform_admin", "platform", "postgres", "template1", "rds_iam", "rds_superuser", "rdsadmin", "pg_stats"];
        const before = await server.inspect(stateQuery(all));
        const stolen = randomPassword();
        for (const name of ["platform-admin", "platform", "postgres", "template1", "rds-iam", "rds-superuser", "rdsadmin", "pg-stats"]) {
            const run = await runProvisionJob(server, name, stolen);
            assert.notEqual(run.code, 0, `${name} was provisioned`);
            assert.match(run.stderr, /refusing to (alter|adopt)|reserved/, `${name}: ${run.stderr}`);
        }
        assert.equal(await server.inspect(stateQuery(all)), before);
        assert.equal(await server.query(server.master, "SELECT current_user"), server.master.user, "the master keeps its password");
        const asMaster = await server.psql({ user: server.master.user, password: stolen }, "SELECT 1");
        assert.match(asMaster.stderr, /password authentication failed/);
    });

    it("sends a SCRAM verifier, never the password: not in the log of any run, nor of a statement that fails", async function () {
        // A role the provisioner made, later made a superuser by someone else: the master may no longer alter it.
        const password = randomPassword();
        await server.inspect(`CREATE ROLE hijacked LOGIN SUPERUSER; COMMENT ON ROLE hijacked IS '${SERVICE_ROLE_MARKER}';`);
        const run = await runProvisionJob(server, "hijacked", password);
        assert.notEqual(run.code, 0);
        assert.match(run.stderr, /must be superuser|permission denied/);
        const log = server.log();
        assert.match(log, /STATEMENT:\s+ALTER USER hijacked PASSWORD 'SCRAM-SHA-256\$4096:/, "the failed statement is logged, with the verifier");
        for (const secret of [password, ...passwords.values()]) {
            assert.ok(!log.includes(secret), "no service password is in the server log");
        }
    });
});
