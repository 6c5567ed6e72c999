/**
 * The idempotent script that gives a service its own role and database on the shared PostgreSQL
 * instance. It takes every name and the password from psql variables (never interpolated into SQL text)
 * and can run any number of times: the role and database are created when missing, the password is set
 * to what Secrets Manager holds, and other roles lose access to the database.
 */
export const PROVISION_SQL = [
    `SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')\\gexec`,
    `ALTER ROLE :"role" WITH LOGIN PASSWORD :'password';`,
    // The master user must be a member of the role to create a database owned by it.
    `GRANT :"role" TO CURRENT_USER;`,
    `SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\\gexec`,
    `REVOKE ALL ON DATABASE :"db" FROM PUBLIC;`,
    `GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";`,
].join("\n");

/** Shell command that runs {@link PROVISION_SQL} with psql, reading names and secrets from the environment. */
export function provisionCommand(): string[] {
    return [
        "/bin/sh",
        "-ec",
        'psql --no-psqlrc -v ON_ERROR_STOP=1 -v db="$SERVICE_DATABASE" -v role="$SERVICE_USERNAME" -v password="$SERVICE_PASSWORD" <<\'SQL\'\n' +
            PROVISION_SQL +
            "\nSQL",
    ];
}

/** PostgreSQL identifier for a service: `nightly-report` → `nightly_report`. */
export function databaseIdentifier(service: string): string {
    return service.replace(/-/g, "_");
}
