import { FINAL_SNAPSHOT_SUFFIX_DIGITS, secretPrefix, stackPrefix } from "../lib/naming";
import { databaseIdentifier } from "../lib/sql";
import type { ConfigIssue } from "./errors";
import type { Settings } from "./schema";

/**
 * The physical-name budget: every name the program derives from the stack name or a service name, with
 * the limit AWS or Kubernetes puts on it. Validation computes the names once here and refuses a stack or
 * service name that would overflow one, instead of letting a component or the cloud API fail later.
 */

/** Characters Pulumi appends when it names a resource itself: "-" and 7 random hex digits (tfbridge `AutoName`, Randlen 7). */
export const PULUMI_SUFFIX = 8;

/** `platform-dev-ci`: the in-VPC runner's CodeBuild project, the name `CI_RUNNER_PROJECTS` gives for the stack. */
export function ciProjectName(prefix: string): string {
    return `${prefix}-ci`;
}

/** RDS instance and ElastiCache group identifiers: a letter first, then letters, digits and single hyphens, no hyphen last. */
const AWS_IDENTIFIER = /^[a-zA-Z](?:-?[a-zA-Z0-9])*$/;

export interface DerivedName {
    /** What carries the name, as a person knows it. */
    readonly what: string;
    /** The name (with `-xxxxxxx` standing for Pulumi's random suffix). */
    readonly name: string;
    readonly limit: number;
    /** Where the limit comes from. */
    readonly source: string;
    /** Characters the name may use, when the service restricts them beyond its length. */
    readonly pattern?: RegExp;
}

/** Names derived from the project and stack, for the resources the settings enable. */
export function stackNames(project: string, stack: string, s: Pick<Settings, "database" | "cache" | "broker" | "ci">): DerivedName[] {
    const prefix = stackPrefix(project, stack);
    const names: DerivedName[] = [
        { what: "EKS cluster name", name: prefix, limit: 100, source: "EKS CreateCluster: 1-100 characters" },
        { what: "KMS alias", name: `alias/${prefix}-secrets`, limit: 256, source: "KMS CreateAlias: AliasName 1-256 characters" },
        { what: "log group", name: `/aws/eks/${prefix}/containers`, limit: 512, source: "CloudWatch Logs CreateLogGroup: 1-512 characters" },
    ];
    if (s.database.enabled) {
        const replica = s.database.readReplicas > 0 ? `-replica-${s.database.readReplicas}` : "";
        names.push({ what: "RDS instance identifier", name: `${prefix}-postgres${replica}`, limit: 63, source: "RDS CreateDBInstance: DBInstanceIdentifier 1-63 characters", pattern: AWS_IDENTIFIER });
        names.push({
            what: "RDS final snapshot identifier",
            name: `${prefix}-postgres-final-${"x".repeat(FINAL_SNAPSHOT_SUFFIX_DIGITS)}`,
            limit: 255,
            source: "RDS DeleteDBInstance: FinalDBSnapshotIdentifier 1-255 letters, digits or hyphens",
            pattern: AWS_IDENTIFIER,
        });
    }
    if (s.cache.enabled) {
        names.push({ what: "ElastiCache replication group ID", name: `${prefix}-cache`, limit: 40, source: "ElastiCache CreateReplicationGroup: ReplicationGroupId 1-40 characters", pattern: AWS_IDENTIFIER });
    }
    if (s.broker.enabled) {
        names.push({ what: "Amazon MQ broker name", name: `${prefix}-rabbitmq`, limit: 50, source: "Amazon MQ CreateBroker: BrokerName 1-50 characters" });
    }
    if (s.ci.enabled) {
        // Workflows name the project in `runs-on: codebuild-<project>-…`, and CI_RUNNER_PROJECTS documents it.
        const project = ciProjectName(prefix);
        names.push({ what: "CodeBuild project name", name: project, limit: 255, source: "CodeBuild CreateProject: name 2-255 characters" });
        names.push({ what: "log group", name: `/aws/codebuild/${project}`, limit: 512, source: "CloudWatch Logs CreateLogGroup: 1-512 characters" });
    }
    names.push({ what: "Secrets Manager secret name", name: `${secretPrefix(project, stack)}/broker/admin`, limit: 512, source: "Secrets Manager CreateSecret: Name 1-512 characters" });
    return names;
}

/** Names derived from a service name. */
export function serviceNames(service: string, stackSecretPrefix = "platform/dev"): DerivedName[] {
    return [
        { what: "IAM role name", name: `service-${service}-irsa-role-xxxxxxx`, limit: 64, source: "IAM quotas: role names up to 64 characters" },
        { what: "PostgreSQL role and database name", name: databaseIdentifier(service), limit: 63, source: "PostgreSQL identifiers: NAMEDATALEN - 1 = 63 bytes" },
        { what: "database provisioning Job name", name: `provision-${service}-xxxxxxxx`, limit: 63, source: "Kubernetes Jobs: names up to 63 characters (8 hex digits of the credentials' version follow the service)" },
        { what: "exporter Service name", name: `pg-exporter-${service}`, limit: 63, source: "Kubernetes Services: DNS-1035 labels, up to 63 characters" },
        { what: "CronJob name", name: service, limit: 52, source: "Kubernetes CronJobs: names up to 52 characters (the controller appends 11)" },
        { what: "Secrets Manager secret name", name: `${stackSecretPrefix}/services/${service}/database`, limit: 512, source: "Secrets Manager CreateSecret: Name 1-512 characters" },
    ];
}

/** The longest service name every derived name has room for, computed from the limits above. */
export const SERVICE_NAME_MAX = Math.min(...serviceNames("").map((n) => n.limit - n.name.length));

function overflow(n: DerivedName): string | undefined {
    if (n.name.length > n.limit) {
        return `makes the ${n.what} "${n.name}" ${n.name.length} characters; ${n.source}`;
    }
    if (n.pattern !== undefined && !n.pattern.test(n.name)) {
        return `makes the ${n.what} "${n.name}", which AWS refuses: a letter first, then letters, digits and single hyphens, not ending in a hyphen`;
    }
    return undefined;
}

/** Refuses a stack name whose derived physical names would not fit. */
export function checkStackName(s: Settings, project: string, stack: string): ConfigIssue[] {
    const names = stackNames(project, stack, s);
    const problem = names.map(overflow).find((p) => p !== undefined);
    if (problem === undefined) {
        return [];
    }
    const tooLong = names.some((n) => n.name.length > n.limit);
    const fixed = stackNames(project, "", s).map((n) => n.limit - n.name.length);
    const advice = tooLong ? `use a stack name of at most ${Math.min(...fixed)} characters` : "use letters, digits and single hyphens in the stack name";
    return [{ key: "stack", path: [], value: stack, message: `(${stack.length} characters) ${problem}; ${advice}` }];
}

/** Refuses service names longer than the budget leaves room for. */
export function checkServiceNames(s: Settings, project: string, stack: string): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    s.services.forEach((svc, i) => {
        const problem = serviceNames(svc.name, secretPrefix(project, stack)).map(overflow).find((p) => p !== undefined);
        if (problem !== undefined) {
            issues.push({ path: ["services", i, "name"], value: svc.name, message: `(${svc.name.length} characters) ${problem}; service names may have at most ${SERVICE_NAME_MAX} characters` });
        }
    });
    return issues;
}
