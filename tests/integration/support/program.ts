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
