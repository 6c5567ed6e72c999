import { databaseIdentifier } from "../../lib/sql";

/**
 * What each service may do in each store, whatever backend runs it: its user name there and its access
 * rule. The AWS stores (RDS, ElastiCache RBAC, Amazon MQ) and the integration tests read these; an
 * in-cluster backend applies the same rules. Pure.
 */

/** The service's role and database in PostgreSQL: `nightly-report` → `nightly_report`. */
export const databaseUser = (service: string): string => databaseIdentifier(service);

/** The key prefix a service's cache user may touch (and the pub/sub channels it may use): `orders:`. */
export const cacheKeyPrefix = (service: string): string => `${service}:`;

/** The service's cache user name. */
export const cacheUser = (service: string): string => service;

/**
 * The ACL access string of a service's cache user: on, its own keys and channels only, every command but
 * the dangerous ones (FLUSHALL, KEYS, CONFIG, ACL, …). Passwords are set apart, as ElastiCache RBAC wants.
 */
export function cacheAccessString(service: string): string {
    const prefix = cacheKeyPrefix(service);
    return `on ~${prefix}* &${prefix}* +@all -@dangerous`;
}

/**
 * The `default` user every ElastiCache user group must hold: switched off and allowed nothing, so that an
 * unauthenticated connection can do nothing.
 */
export const DISABLED_DEFAULT_USER = { userName: "default", accessString: "off -@all" } as const;

/** The one vhost of every application: services that publish and consume a queue must share one. */
export const APPLICATION_VHOST = "apps";

/** The service's broker user name. */
export const brokerUser = (service: string): string => service;

/** Queues a service declares in the catalog: those it consumes (reads) and those it publishes to. */
export interface QueueUse {
    readonly consumes?: readonly string[];
    readonly publishes?: readonly string[];
}

/** The queues a catalog entry uses: those it declares, and the queue KEDA scales it on, which it consumes. */
export function serviceQueues(svc: { readonly queues?: QueueUse; readonly queue?: { readonly name: string } }): QueueUse {
    return { consumes: [...new Set([...(svc.queues?.consumes ?? []), ...(svc.queue ? [svc.queue.name] : [])])], publishes: svc.queues?.publishes ?? [] };
}

/** RabbitMQ permissions: regular expressions over the names of queues and exchanges. */
export interface BrokerPermissions {
    readonly configure: string;
    readonly write: string;
    readonly read: string;
}

/** A regular expression matching exactly these names (nothing when there are none). */
function exactly(names: readonly string[]): string {
    if (names.length === 0) {
        return "^$";
    }
    return `^(${[...new Set(names)].sort().map((n) => n.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")).join("|")})$`;
}

/**
 * The permissions of a service's broker user. Every queue `q` has an exchange of the same name bound to it,
 * both declared by the provisioner: a publisher writes to exchange `q`, a consumer reads queue `q`, and no
 * service may configure (declare, delete) anything; passive declares, which KEDA and well-behaved clients
 * use to check a queue, need no permission. Nothing matches `amq.default`, so no service can publish into
 * any queue through the default exchange.
 */
export function brokerPermissions(queues: QueueUse): BrokerPermissions {
    return { configure: "^$", write: exactly(queues.publishes ?? []), read: exactly(queues.consumes ?? []) };
}

/** Every queue the catalog names, each once, in order: the provisioner declares them with their exchanges. */
export function declaredQueues(uses: readonly QueueUse[]): string[] {
    return [...new Set(uses.flatMap((q) => [...(q.consumes ?? []), ...(q.publishes ?? [])]))].sort();
}

/** `amqps://user:pass@host:5671/vhost`, every part percent-encoded. */
export function amqpUrl(endpoint: string, user: string, password: string, vhost: string): string {
    const url = new URL(endpoint);
    return `${url.protocol}//${encodeURIComponent(user)}:${encodeURIComponent(password)}@${url.host}/${encodeURIComponent(vhost)}`;
}
