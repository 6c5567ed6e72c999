import * as fs from "fs";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CommandResult, runCommand } from "./processes";
import { Login, PostgresServer } from "./postgres";
import { DATABASE_CA_PATH, databaseIdentifier, MASTER_SECRET, provisionJob, serviceCredentials } from "./program";

/** Options of {@link runProvisionJob}. */
export interface ProvisionJobOptions {
    /** Role name written in the service's secret. Defaults to the program's identifier for the service. */
    readonly username?: string;
}

/** A plain value of a manifest (the builders lift some into Outputs; here every input is known). */
function known<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

/**
 * Runs the database provisioning container as its Job runs it, from the program's own manifest
 * (`provisionJob`): its command, and its environment with each `secretKeyRef` resolved from the Secrets
 * External Secrets would materialise (the master login, the service's login) and the CA bundle's mount
 * path pointing at the file the ConfigMap would hold. It runs without a controlling terminal, as in a pod.
 */
export async function runProvisionJob(server: PostgresServer, service: string, password: string, options: ProvisionJobOptions = {}): Promise<CommandResult> {
    const caBundle = fs.readFileSync(server.caFile, "utf8");
    const job = provisionJob(service, { host: server.host, port: server.port, adminDatabase: server.databaseName, caBundle }, "integration");
    const spec = (await known(job.spec)) as { template: { spec: { containers: k8s.types.input.core.v1.Container[] } } };
    const container = spec.template.spec.containers[0];
    const secrets: Record<string, Record<string, string>> = {
        [MASTER_SECRET]: { PGUSER: server.master.user, PGPASSWORD: server.master.password },
        [serviceCredentials(service, "integration")]: { SERVICE_USERNAME: options.username ?? databaseIdentifier(service), SERVICE_PASSWORD: password },
    };
    const env: NodeJS.ProcessEnv = { ...server.env(server.master), PGUSER: undefined, PGPASSWORD: undefined, PGDATABASE: undefined, PGSSLMODE: undefined, PGSSLROOTCERT: undefined };
    for (const variable of (await known(container.env ?? [])) as k8s.types.input.core.v1.EnvVar[]) {
        const ref = (await known(variable.valueFrom))?.secretKeyRef as { name: string; key: string } | undefined;
        const value = ref !== undefined ? secrets[ref.name]?.[ref.key] : await known(variable.value);
        if (value === undefined) {
            throw new Error(`the job's ${variable.name} comes from nothing the test provides`);
        }
        env[variable.name as string] = value === DATABASE_CA_PATH ? server.caFile : (value as string);
    }
    const [command, ...args] = (await known(container.command)) as string[];
    // setsid: no controlling terminal, as in a pod, so psql's prompt reads standard input.
    return runCommand("setsid", ["--wait", command, ...args], { env });
}

/** The login a service gets from its secret. */
export function serviceLogin(service: string, password: string): Login {
    return { user: databaseIdentifier(service), password };
}
