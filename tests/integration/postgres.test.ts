import { strict as assert } from "assert";
import { randomPassword, runCommand, scratchDir } from "./support/processes";
import { PostgresServer, RDS_ROLES, startPostgres } from "./support/postgres";
import { makeCertificates } from "./support/tls";

// What the database tests rely on: the server behaves like RDS with rds.force_ssl on.
describe("integration: the RDS-like PostgreSQL server", function () {
    let server: PostgresServer;

    before(async function () {
        server = await startPostgres();
    });

    after(async function () {
        await server?.stop();
    });

    it("refuses connections without TLS, even with the right password", async function () {
        const result = await server.psql(server.master, "SELECT 1", { sslmode: "disable" });
        assert.notEqual(result.code, 0);
        assert.match(result.stderr, /pg_hba\.conf rejects connection .*no encryption/);
    });

    it("accepts verify-full against the test CA, and the session is encrypted", async function () {
        const ssl = await server.query(server.master, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        assert.equal(ssl, "t");
    });

    it("fails verify-full against another CA, while require connects anyway", async function () {
        const other = scratchDir("integration-other-ca");
        try {
            const stranger = await makeCertificates(other.path);
            const env = { ...server.env(server.master), PGSSLROOTCERT: stranger.caFile };
            const refused = await runCommand("psql", ["-X", "-c", "SELECT 1"], { env });
            assert.notEqual(refused.code, 0);
            assert.match(refused.stderr, /certificate verify failed/);
            const required = await runCommand("psql", ["-X", "-c", "SELECT 1"], { env: server.env(server.master, { sslmode: "require" }) });
            assert.equal(required.code, 0, required.stderr);
        } finally {
            other.remove();
        }
    });

    it("refuses a wrong password and the bootstrap superuser over TCP", async function () {
        const wrong = await server.psql({ user: server.master.user, password: "not-it" }, "SELECT 1");
        assert.match(wrong.stderr, /password authentication failed for user "platform_admin"/);
        const rdsadmin = await server.psql({ user: "rdsadmin", password: "" }, "SELECT 1");
        assert.match(rdsadmin.stderr, /pg_hba\.conf rejects connection for host "127\.0\.0\.1", user "rdsadmin"/);
    });

    it("makes the master a CREATEDB, CREATEROLE member of rds_superuser that owns the initial database, not a superuser", async function () {
        const attributes = await server.query(server.master, "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user");
        assert.equal(attributes, "f|t|t");
        assert.equal(await server.query(server.master, "SELECT pg_has_role(current_user, 'rds_superuser', 'MEMBER')"), "t");
        assert.equal(await server.query(server.master, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"), "platform_admin");
        assert.equal(await server.inspect("SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'rds%'"), [...RDS_ROLES, "rdsadmin"].sort().join(","));
    });

    it("lets the master create a role and a database owned by it", async function () {
        await server.query(server.master, ["CREATE ROLE smoke_role LOGIN PASSWORD 'smoke-password';", "GRANT smoke_role TO CURRENT_USER;", "CREATE DATABASE smoke_db OWNER smoke_role;"].join("\n"));
        assert.equal(await server.inspect("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'smoke_db'"), "smoke_role");
        const table = await server.query({ user: "smoke_role", password: "smoke-password" }, "CREATE TABLE t (id int); INSERT INTO t VALUES (7); SELECT id FROM t;", { database: "smoke_db" });
        assert.equal(table, "7");
    });

    it("denies the master what only a superuser may do", async function () {
        for (const sql of ["ALTER ROLE CURRENT_USER SUPERUSER", "ALTER ROLE rdsadmin PASSWORD 'x'", "COPY (SELECT 1) TO PROGRAM 'true'"]) {
            const result = await server.psql(server.master, sql);
            assert.notEqual(result.code, 0, sql);
            assert.match(result.stderr, /must be superuser|permission denied|only roles with privileges of the "pg_execute_server_program" role/, sql);
        }
    });

    it("logs a password sent in clear, even in a statement that fails, and keeps the harness's own out", async function () {
        const marker = randomPassword();
        const failed = await server.psql(server.master, `ALTER ROLE no_such_role PASSWORD '${marker}'`);
        assert.match(failed.stderr, /role "no_such_role" does not exist/);
        const log = server.log();
        assert.ok(log.includes(marker), "the failed statement with its password is in the server log");
        assert.ok(!log.includes(server.master.password), "the master password set by the harness is not");
    });
});
