/**
 * The idempotent script that gives a service its own role and database on the shared PostgreSQL
 * instance, run by the provisioning Job as the RDS master user.
 *
 * - It touches only roles it created: it marks each with the comment {@link SERVICE_ROLE_MARKER} (which only
 *   a role with CREATEROLE, or on PostgreSQL 16+ ADMIN OPTION on the role, can set; a service cannot), and a
 *   role of the service's name without that comment (the master user, an RDS role, anyone's) stops the
 *   script before any ALTER. A database of the service's name owned by anyone but that role stops it too.
 * - The password never appears in SQL text: psql's `\password` computes the SCRAM-SHA-256 verifier in the
 *   Job (libpq's `PQencryptPasswordConn`) and sends only that, so even a failing statement logs no
 *   password. psql reads the password from its standard input, never from its command line.
 * - PUBLIC loses CONNECT and TEMPORARY on the service's database and on the databases every instance has
 *   (`postgres`, `template1`, the initial one), which the master user owns on RDS.
 *
 * Names come from psql variables (never interpolated into SQL text by the shell).
 */

/** The comment the provisioner puts on every role it creates, and looks for before it alters one. */
export const SERVICE_ROLE_MARKER = "service role created by the platform database provisioner";

/** Databases every RDS instance has that PUBLIC may connect to, besides the initial one. */
export const SYSTEM_DATABASES = ["postgres", "template1"] as const;

/** A psql line that stops the script with `message` (a SQL expression) when `condition` holds. */
function refuseWhen(condition: string, message: string): string {
    return `SELECT format('DO $refuse$ BEGIN RAISE EXCEPTION %L; END $refuse$', ${message}) WHERE ${condition}\\gexec`;
}

const roleExists = `EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')`;
const isMarked = `EXISTS (SELECT FROM pg_roles WHERE rolname = :'role' AND shobj_description(oid, 'pg_authid') = :'marker')`;

export const PROVISION_SQL = [
    // `\password` asks the server which algorithm to hash with; make it SCRAM whatever the server default.
    "SET password_encryption = 'scram-sha-256';",
    refuseWhen(
        `${roleExists} AND NOT ${isMarked}`,
        `format('role %s exists and was not created by the provisioner (it lacks its comment); refusing to alter it', :'role')`,
    ),
    refuseWhen(
        `EXISTS (SELECT FROM pg_database WHERE datname = :'db' AND pg_get_userbyid(datdba) <> :'role')`,
        `format('database %s exists and is owned by another role; refusing to adopt it', :'db')`,
    ),
    // Both statements or none: only a role created here gets the marker.
    `SELECT format('CREATE ROLE %I LOGIN', :'role'), format('COMMENT ON ROLE %I IS %L', :'role', :'marker') WHERE NOT ${roleExists}\\gexec`,
    `\\password :"role"`,
    // The master user must be able to SET ROLE to the role to create a database owned by it.
    `GRANT :"role" TO CURRENT_USER;`,
    `SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\\gexec`,
    `REVOKE ALL ON DATABASE :"db" FROM PUBLIC;`,
    `GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";`,
    ...[":\"admin_db\"", ...SYSTEM_DATABASES].map((db) => `REVOKE CONNECT, TEMPORARY ON DATABASE ${db} FROM PUBLIC;`),
].join("\n");

/**
 * Shell command that runs {@link PROVISION_SQL} with psql: the script comes in on file descriptor 3,
 * the password twice on standard input (for `\password`'s prompt and its confirmation), written by the
 * shell's `printf` builtin so that it shows in no process's command line.
 */
export function provisionCommand(): string[] {
    return [
        "/bin/sh",
        "-ec",
        'printf \'%s\\n%s\\n\' "$SERVICE_PASSWORD" "$SERVICE_PASSWORD" | ' +
            'psql --no-psqlrc -v ON_ERROR_STOP=1 -v db="$SERVICE_DATABASE" -v role="$SERVICE_USERNAME" -v admin_db="$PGDATABASE" ' +
            `-v marker="${SERVICE_ROLE_MARKER}" -f /dev/fd/3 3<<'SQL'\n` +
            PROVISION_SQL +
            "\nSQL",
    ];
}

/** PostgreSQL identifier for a service: `nightly-report` → `nightly_report`. */
export function databaseIdentifier(service: string): string {
    return service.replace(/-/g, "_");
}
