/**
 * The one place the integration tests import the program's provisioning code from: when the source
 * moves, only these lines change.
 */
export { databaseIdentifier, PROVISION_SQL, provisionCommand, SERVICE_ROLE_MARKER, SYSTEM_DATABASES } from "../../../lib/sql";
export { DATABASE_CA_PATH, MASTER_SECRET, provisionJob, serviceCredentials } from "../../../components/data/provisionerManifests";
export { checkServiceStoreNames } from "../../../config/serviceRules";
