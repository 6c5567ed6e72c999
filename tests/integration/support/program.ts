/**
 * The one place the integration tests import the program's provisioning code from: when the source
 * moves, only these lines change.
 */
export { databaseIdentifier, PROVISION_SQL, provisionCommand } from "../../../lib/sql";
