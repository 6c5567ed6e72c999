import { CommandResult, runCommand } from "./processes";
import { Login, PostgresServer } from "./postgres";
import { databaseIdentifier, provisionCommand } from "./program";

/** Options of {@link runProvisionJob}. */
export interface ProvisionJobOptions {
    /** Role name written in the service's secret. Defaults to the program's identifier for the service. */
    readonly username?: string;
    /** libpq `sslmode` of the Job. Defaults to `require`, what the Job's manifest sets. */
    readonly sslmode?: "require" | "verify-full";
}

/**
 * Runs the database provisioning container's command (the program's own `provisionCommand()`) as the
 * Job runs it: libpq variables for the master user and the initial database, the service's database
 * name, and the service's username and password from its secret, all in the environment.
 */
export function runProvisionJob(server: PostgresServer, service: string, password: string, options: ProvisionJobOptions = {}): Promise<CommandResult> {
    const [command, ...args] = provisionCommand();
    const env = {
        ...server.env(server.master, { database: server.databaseName, sslmode: options.sslmode ?? "require" }),
        SERVICE_DATABASE: databaseIdentifier(service),
        SERVICE_USERNAME: options.username ?? databaseIdentifier(service),
        SERVICE_PASSWORD: password,
    };
    return runCommand(command, args, { env });
}

/** The login a service gets from its secret. */
export function serviceLogin(service: string, password: string): Login {
    return { user: databaseIdentifier(service), password };
}
