import * as fs from "fs";
import * as path from "path";
import { CommandResult, freePort, Login, mustRun, randomPassword, runCommand, scratchDir, startDaemon, systemUser, waitUntilReady } from "./processes";
import { makeCertificates } from "./tls";

/**
 * A throwaway PostgreSQL server on loopback shaped like Amazon RDS: TLS required, SCRAM passwords, no
 * superuser for the application. The bootstrap superuser is named `rdsadmin` (as on RDS) and only the
 * harness reaches it, through a private socket; the master user has CREATEDB and CREATEROLE, is a member
 * of `rds_superuser` and owns the initial database, like the master user RDS creates.
 */

export type { Login };

/** Options of {@link startPostgres}. */
export interface PostgresOptions {
    /** Initial database, owned by the master user. Defaults to `platform` (the program's `database.databaseName`). */
    readonly databaseName?: string;
    /** Master user. Defaults to `platform_admin` (the program's `database.masterUsername`). */
    readonly masterUsername?: string;
    /** `log_statement`: `all` puts every statement in the log, `none` is PostgreSQL's default. Defaults to `all`. */
    readonly logStatements?: "all" | "none";
}

/** Options of {@link PostgresServer.psql}. */
export interface PsqlOptions {
    /** Database to connect to. Defaults to the initial database. */
    readonly database?: string;
    /** libpq `sslmode`. Defaults to `verify-full` against the test CA. */
    readonly sslmode?: "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";
}

/** A running server; `stop` kills it by PID and deletes its data. */
export interface PostgresServer {
    /** Host name the certificate is valid for; connections go to 127.0.0.1. */
    readonly host: string;
    readonly port: number;
    /** PostgreSQL major version of the server binaries. */
    readonly version: number;
    /** The CA that signed the server certificate, for `sslmode=verify-full`. */
    readonly caFile: string;
    /** The server's log: every error with its statement and, unless `logStatements` is `none`, every statement. */
    readonly logFile: string;
    readonly databaseName: string;
    /** The RDS-like master login. */
    readonly master: Login;
    /** libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE, …) for a login over TCP. */
    env(login: Login, options?: PsqlOptions): NodeJS.ProcessEnv;
    /** Runs SQL (psql script syntax, from standard input) as a login over TCP; a failure is a result. */
    psql(login: Login, sql: string, options?: PsqlOptions): Promise<CommandResult>;
    /** Like {@link psql}, but a failure throws; returns unaligned, tuples-only output. */
    query(login: Login, sql: string, options?: PsqlOptions): Promise<string>;
    /** Runs SQL as the bootstrap superuser over the private socket, to inspect what a test did. */
    inspect(sql: string, database?: string): Promise<string>;
    /** The server log so far. */
    log(): string;
    stop(): Promise<void>;
}

/** The binaries of the newest PostgreSQL that Debian installed, `/usr/lib/postgresql/<major>/bin`. */
export function postgresBinaries(): { readonly dir: string; readonly version: number } {
    const root = "/usr/lib/postgresql";
    const versions = fs.existsSync(root) ? fs.readdirSync(root).map(Number).filter((v) => Number.isInteger(v) && fs.existsSync(path.join(root, String(v), "bin", "postgres"))) : [];
    if (versions.length === 0) {
        throw new Error(`no PostgreSQL server under ${root}: install Debian's postgresql package`);
    }
    const version = Math.max(...versions);
    return { dir: path.join(root, String(version), "bin"), version };
}

/** Roles RDS creates besides the master user; the application must never be able to alter them. */
export const RDS_ROLES = ["rds_superuser", "rds_iam", "rds_replication", "rds_password"] as const;

/** Starts a server; the caller stops it (the process registry kills it if the caller cannot). */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
    const databaseName = options.databaseName ?? "platform";
    const master: Login = { user: options.masterUsername ?? "platform_admin", password: randomPassword() };
    const bin = postgresBinaries();
    const owner = await systemUser("postgres");
    const scratch = scratchDir("integration-postgres", owner);
    const data = path.join(scratch.path, "data");
    const socketDir = path.join(scratch.path, "socket");
    fs.mkdirSync(socketDir);
    fs.chownSync(socketDir, owner.uid, owner.gid);
    const tlsDir = path.join(scratch.path, "tls");
    fs.mkdirSync(tlsDir);
    const port = await freePort();
    const logFile = path.join(scratch.path, "postgres.log");
    const pg = (name: string) => path.join(bin.dir, name);

    try {
        const certificates = await makeCertificates(tlsDir, owner);
        await mustRun(pg("initdb"), ["-D", data, "-U", "rdsadmin", "--auth-local=peer", "--auth-host=reject", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], { user: owner });
        fs.writeFileSync(
            path.join(data, "pg_hba.conf"),
            [
                "# The bootstrap superuser only through the harness's private socket, as the postgres OS user.",
                "local   all  rdsadmin                 peer map=harness",
                "hostssl all  rdsadmin  127.0.0.1/32   reject",
                "# Everyone else: TLS and a SCRAM password, nothing in clear (RDS with rds.force_ssl=1).",
                "hostnossl all all      0.0.0.0/0      reject",
                "hostssl all  all       127.0.0.1/32   scram-sha-256",
                "",
            ].join("\n"),
        );
        fs.writeFileSync(path.join(data, "pg_ident.conf"), `harness ${owner.name} rdsadmin\n`);
        const settings: Record<string, string> = {
            listen_addresses: "127.0.0.1",
            port: String(port),
            unix_socket_directories: socketDir,
            ssl: "on",
            ssl_cert_file: certificates.certFile,
            ssl_key_file: certificates.keyFile,
            password_encryption: "scram-sha-256",
            // A failed statement always reaches the log with its text (PostgreSQL's default); by default every
            // statement does, so that a password sent in clear shows up even when nothing fails.
            log_statement: options.logStatements ?? "all",
            log_min_error_statement: "error",
            log_connections: "on",
            log_line_prefix: "%m [%p] %q%u@%d ",
            // Throwaway data: durability only costs time.
            fsync: "off",
            synchronous_commit: "off",
            full_page_writes: "off",
            max_connections: "40",
        };
        const args = ["-D", data, ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])];
        const daemon = startDaemon(pg("postgres"), args, logFile, { user: owner, cwd: scratch.path });
        const socketRun = (sql: string, database: string) =>
            mustRun(pg("psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDir, "-p", String(port), "-U", "rdsadmin", "-d", database, "-f", "-"], {
                user: owner,
                input: sql,
                env: { PATH: process.env.PATH, LC_ALL: "C.UTF-8" },
            });
        const server: PostgresServer = {
            host: "localhost",
            port,
            version: bin.version,
            caFile: certificates.caFile,
            logFile,
            databaseName,
            master,
            env: (login, psqlOptions = {}) => libpqEnv(bin.dir, port, certificates.caFile, login, psqlOptions.database ?? databaseName, psqlOptions.sslmode ?? "verify-full"),
            psql: (login, sql, psqlOptions = {}) =>
                runCommand(pg("psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f", "-"], { env: server.env(login, psqlOptions), input: sql }),
            query: async (login, sql, psqlOptions = {}) => {
                const result = await server.psql(login, sql, psqlOptions);
                if (result.code !== 0) {
                    throw new Error(`psql as ${login.user} failed (${result.code}): ${result.stderr}`);
                }
                return result.stdout.trim();
            },
            inspect: async (sql, database = databaseName) => (await socketRun(sql, database)).trim(),
            log: () => fs.readFileSync(logFile, "utf8"),
            stop: async () => {
                // SIGINT is PostgreSQL's fast shutdown.
                await daemon.stop("SIGINT", 10_000);
                scratch.remove();
            },
        };
        try {
            await waitUntilReady("postgres", daemon, async () => (await runCommand(pg("pg_isready"), ["-q", "-h", socketDir, "-p", String(port)])).code === 0);
            await socketRun(rdsLikeSetup(master, databaseName), "postgres");
        } catch (error) {
            await server.stop();
            throw error;
        }
        return server;
    } catch (error) {
        scratch.remove();
        throw error;
    }
}

function libpqEnv(binDir: string, port: number, caFile: string, login: Login, database: string, sslmode: string): NodeJS.ProcessEnv {
    return {
        PATH: `${binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        LC_ALL: "C.UTF-8",
        PGHOST: "localhost",
        PGHOSTADDR: "127.0.0.1",
        PGPORT: String(port),
        PGUSER: login.user,
        PGPASSWORD: login.password,
        PGDATABASE: database,
        PGSSLMODE: sslmode,
        // With a root certificate at hand libpq verifies even under `require`; a client like the Job,
        // which has none, must not get one here.
        ...(sslmode.startsWith("verify-") ? { PGSSLROOTCERT: caFile } : {}),
        PGCONNECT_TIMEOUT: "10",
        PGAPPNAME: "integration-test",
    };
}

/** What RDS sets up before the master user first logs in. */
function rdsLikeSetup(master: Login, databaseName: string): string {
    return [
        // The harness's own passwords stay out of the log the tests search.
        "SET log_statement = 'none';",
        ...RDS_ROLES.map((role) => `CREATE ROLE ${role} NOLOGIN;`),
        "GRANT pg_monitor, pg_signal_backend TO rds_superuser WITH ADMIN OPTION;",
        `CREATE ROLE ${master.user} LOGIN CREATEDB CREATEROLE PASSWORD '${master.password}';`,
        `GRANT rds_superuser TO ${master.user} WITH ADMIN OPTION;`,
        // RDS makes the master user the owner of postgres and template1 (template0 stays rdsadmin's), so it
        // can revoke PUBLIC's access to them (https://www.asheiduk.de/post/setup-pg-on-rds/ does so as the master).
        `ALTER DATABASE postgres OWNER TO ${master.user};`,
        `ALTER DATABASE template1 OWNER TO ${master.user};`,
        "CREATE DATABASE rdsadmin OWNER rdsadmin;",
        "REVOKE ALL ON DATABASE rdsadmin FROM PUBLIC;",
        `CREATE DATABASE ${databaseName} OWNER ${master.user};`,
    ].join("\n");
}

