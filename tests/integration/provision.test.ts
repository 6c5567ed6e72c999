import { strict as assert } from "assert";
import { randomPassword } from "./support/processes";
import { PostgresServer, startPostgres } from "./support/postgres";
import { runProvisionJob, serviceLogin } from "./support/provisionJob";
import { databaseIdentifier } from "./support/program";

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
});
