import * as fs from "fs";
import * as path from "path";
import { freePort, Login, mustRun, randomPassword, scratchDir, startDaemon, waitUntilReady } from "./processes";
import { RedisConnection } from "./resp";

/**
 * A throwaway Redis 7 server on loopback, with users applied the way ElastiCache RBAC applies them: each
 * user is a name, a password set apart from its access string, and an access string in ACL syntax; the
 * `default` user is replaced by a disabled one. Only the harness's own `harness` user can change ACLs
 * (ElastiCache does that through its API, never through a client).
 */

/** An ElastiCache user: `accessString` as in `CreateUser`, e.g. `on ~svc:* &svc:* +@all -@dangerous`. */
export interface CacheUser extends Login {
    readonly accessString: string;
}

/** A running server; `stop` kills it by PID and deletes its directory. */
export interface RedisServer {
    readonly port: number;
    readonly version: string;
    /** The harness's own user, allowed everything (ACL changes, inspection). */
    readonly admin: Login;
    /** Creates or replaces users, as an ElastiCache user group holding them would. */
    applyUsers(users: readonly CacheUser[]): Promise<void>;
    /** An authenticated connection (anonymous, i.e. as `default`, without a login); the caller closes it. */
    connect(login?: Login): Promise<RedisConnection>;
    stop(): Promise<void>;
}

/** ElastiCache rejects these in an access string: passwords are set by the API, and `reset` would drop them. */
const NOT_IN_ACCESS_STRINGS = /^(>|<|#|!|nopass$|resetpass$|reset$)/;

/**
 * The ACL SETUSER arguments for an ElastiCache user. A string that says neither `on` nor `off` leaves
 * the user off, as ElastiCache does.
 */
export function aclRules(user: CacheUser): string[] {
    const tokens = user.accessString.trim().split(/\s+/).filter((t) => t.length > 0);
    const bad = tokens.filter((t) => NOT_IN_ACCESS_STRINGS.test(t));
    if (bad.length > 0) {
        throw new Error(`access string of ${user.user} has ${bad.join(", ")}: ElastiCache takes passwords apart and allows no reset`);
    }
    const state = tokens.includes("on") || tokens.includes("off") ? [] : ["off"];
    return ["reset", `>${user.password}`, ...state, ...tokens];
}

/** The `default` user every RBAC user group must hold, here switched off and allowed nothing. */
export const DISABLED_DEFAULT_USER = "off -@all";

/** Starts a server with the default user disabled; the caller stops it. */
export async function startRedis(): Promise<RedisServer> {
    const scratch = scratchDir("integration-redis");
    const port = await freePort();
    const admin: Login = { user: "harness", password: randomPassword() };
    const aclFile = path.join(scratch.path, "users.acl");
    const logFile = path.join(scratch.path, "redis.log");
    fs.writeFileSync(aclFile, [`user ${admin.user} on >${admin.password} ~* &* +@all`, `user default ${DISABLED_DEFAULT_USER} >${randomPassword()}`, ""].join("\n"), { mode: 0o600 });
    fs.writeFileSync(
        path.join(scratch.path, "redis.conf"),
        [
            "bind 127.0.0.1",
            `port ${port}`,
            "protected-mode yes",
            "daemonize no",
            'logfile ""',
            `dir ${scratch.path}`,
            // A cache: nothing on disk.
            'save ""',
            "appendonly no",
            `aclfile ${aclFile}`,
            "",
        ].join("\n"),
    );
    const version = (await mustRun("redis-server", ["--version"])).match(/v=(\S+)/)?.[1] ?? "unknown";
    const daemon = startDaemon("redis-server", [path.join(scratch.path, "redis.conf")], logFile);
    const server: RedisServer = {
        port,
        version,
        admin,
        applyUsers: async (users) => {
            const connection = await RedisConnection.open(port, admin);
            try {
                for (const user of users) {
                    await connection.call("ACL", "SETUSER", user.user, ...aclRules(user));
                }
            } finally {
                connection.close();
            }
        },
        connect: (login) => RedisConnection.open(port, login),
        stop: async () => {
            await daemon.stop("SIGTERM", 10_000);
            scratch.remove();
        },
    };
    try {
        await waitUntilReady("redis-server", daemon, async () => {
            const connection = await RedisConnection.open(port, admin);
            connection.close();
            return true;
        });
    } catch (error) {
        await server.stop();
        throw error;
    }
    return server;
}
