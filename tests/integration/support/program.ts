/**
 * The one place the integration tests import the program's provisioning code from: when the source
 * moves, only these lines change.
 */
export { databaseIdentifier, PROVISION_SQL, provisionCommand, SERVICE_ROLE_MARKER, SYSTEM_DATABASES } from "../../../lib/sql";
export { DATABASE_CA_PATH, MASTER_SECRET, provisionJob, serviceCredentials } from "../../../components/data/provisionerManifests";
export { checkServiceStoreNames } from "../../../config/serviceRules";
export type { QueueUse } from "../../../components/data/access";
export { amqpUrl, APPLICATION_VHOST, brokerPermissions, cacheAccessString, cacheKeyPrefix, declaredQueues, DISABLED_DEFAULT_USER, serviceQueues } from "../../../components/data/access";
export { BROKER_ADMIN_SECRET, brokerCredentials, brokerProvisionJob } from "../../../components/data/brokerProvisioning";

import * as path from "path";
import { runProgram } from "../../../offline/run";
import { readStackConfig } from "../../../offline/stackConfig";

/** A store user as the program registers it with ElastiCache, and what its service is told. */
export interface RegisteredCacheUser {
    readonly service: string;
    readonly userName: string;
    readonly accessString: string;
    /** `CACHE_KEY_PREFIX` of the service's ConfigMap, when it has one. */
    readonly keyPrefix?: string;
}

/**
 * The ElastiCache users (the group's `default` one too) the program registers for a stack file, run
 * offline as `npm run plan` runs it, each with the key prefix its service's ConfigMap announces.
 */
export async function registeredCacheUsers(stackFile: string, stack: string): Promise<RegisteredCacheUser[]> {
    const run = await runProgram({ ...readStackConfig(path.resolve(__dirname, "../../..", stackFile)), stack });
    const prefixes = new Map<string, string>();
    for (const r of run.resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap")) {
        const { metadata, data } = r.inputs as { metadata?: { namespace?: string }; data?: Record<string, string> };
        if (metadata?.namespace !== undefined && data?.CACHE_KEY_PREFIX !== undefined) {
            prefixes.set(metadata.namespace, data.CACHE_KEY_PREFIX);
        }
    }
    return run.resources
        .filter((r) => r.type === "aws:elasticache/user:User")
        .map((r) => {
            const { userName, accessString } = r.inputs as { userName: string; accessString: string };
            return { service: userName, userName, accessString, keyPrefix: prefixes.get(userName) };
        });
}
