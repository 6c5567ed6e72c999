import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CommandResult, Login, runCommand } from "./processes";
import { RabbitServer } from "./rabbitmq";
import { APPLICATION_VHOST, BROKER_ADMIN_SECRET, brokerCredentials, brokerPermissions, brokerProvisionJob, declaredQueues, QueueUse } from "./program";

function known<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

/**
 * Runs a service's broker provisioning container as its Job runs it, from the program's own manifest
 * (`brokerProvisionJob`): its command, and its environment with the admin's and the service's logins
 * resolved as External Secrets would materialise them. The management API is plain HTTP on loopback here,
 * HTTPS on 443 inside the VPC. `/tmp` is a fresh directory, as the pod's memory-backed emptyDir.
 */
export async function runBrokerJob(server: RabbitServer, service: string, login: Login, queues: QueueUse, tmp: string): Promise<CommandResult> {
    const job = brokerProvisionJob({
        service,
        managementUrl: `http://127.0.0.1:${server.managementPort}`,
        vhost: APPLICATION_VHOST,
        queues: declaredQueues([queues]),
        permissions: brokerPermissions(queues),
        credentialsVersion: "integration",
    });
    const spec = (await known(job.spec)) as { template: { spec: { containers: k8s.types.input.core.v1.Container[] } } };
    const container = spec.template.spec.containers[0];
    const secrets: Record<string, Record<string, string>> = {
        [BROKER_ADMIN_SECRET]: { ADMIN_USERNAME: server.admin.user, ADMIN_PASSWORD: server.admin.password },
        [brokerCredentials(service, "integration")]: { SERVICE_USERNAME: login.user, SERVICE_PASSWORD: login.password },
    };
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    for (const variable of (await known(container.env ?? [])) as k8s.types.input.core.v1.EnvVar[]) {
        const ref = (await known(variable.valueFrom))?.secretKeyRef as { name: string; key: string } | undefined;
        env[variable.name as string] = ref !== undefined ? secrets[ref.name][ref.key] : ((await known(variable.value)) as string);
    }
    const [command, ...args] = (await known(container.command)) as string[];
    // The script writes to /tmp; point it at the test's own directory.
    const script = args[args.length - 1].replace(/\/tmp\//g, `${tmp}/`);
    return runCommand("setsid", ["--wait", command, ...args.slice(0, -1), script], { env });
}
