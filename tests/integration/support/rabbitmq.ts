import * as fs from "fs";
import * as path from "path";
import { Daemon, freePorts, Login, portOpen, randomPassword, scratchDir, startDaemon, systemUser, waitUntilReady } from "./processes";

/**
 * A throwaway RabbitMQ node on loopback with the management plugin, shaped like Amazon MQ: one
 * administrator (the broker's admin login) and no `guest`. Its own epmd, node name, ports and data
 * directories keep it apart from any other node on the machine.
 */

/** Permissions of a user on a vhost: regular expressions over queue and exchange names. */
export interface Permissions {
    readonly configure: string;
    readonly write: string;
    readonly read: string;
}

/** A management API response: status and parsed JSON body (undefined when empty). */
export interface ApiResponse {
    readonly status: number;
    readonly body: unknown;
}

/** The management HTTP API, called as the admin unless another login is given. */
export interface ManagementApi {
    request(method: string, apiPath: string, body?: unknown, login?: Login): Promise<ApiResponse>;
    putUser(login: Login, tags?: readonly string[]): Promise<void>;
    putVhost(vhost: string): Promise<void>;
    setPermissions(vhost: string, user: string, permissions: Permissions): Promise<void>;
}

/** A running node; `stop` stops it by PID and deletes its data. */
export interface RabbitServer {
    readonly amqpPort: number;
    readonly managementPort: number;
    /** The node's RabbitMQ version, as the management API reports it. */
    readonly version: string;
    /** The administrator, as Amazon MQ's broker user. */
    readonly admin: Login;
    readonly management: ManagementApi;
    /** `amqp://user:pass@127.0.0.1:port/vhost` with user, password and vhost percent-encoded. */
    amqpUrl(login: Login, vhost: string): string;
    stop(): Promise<void>;
}

const SERVER_SCRIPT = "/usr/lib/rabbitmq/bin/rabbitmq-server";

/** Starts a node (about 10 s); the caller stops it. */
export async function startRabbit(): Promise<RabbitServer> {
    if (!fs.existsSync(SERVER_SCRIPT)) {
        throw new Error(`no ${SERVER_SCRIPT}: install Debian's rabbitmq-server package`);
    }
    const owner = await systemUser("rabbitmq");
    const scratch = scratchDir("integration-rabbitmq", owner);
    const [amqpPort, managementPort, distPort, epmdPort] = await freePorts(4);
    const admin: Login = { user: "admin", password: randomPassword() };
    const file = (name: string) => path.join(scratch.path, name);
    fs.writeFileSync(
        file("rabbitmq.conf"),
        [
            `listeners.tcp.1 = 127.0.0.1:${amqpPort}`,
            "management.tcp.ip = 127.0.0.1",
            `management.tcp.port = ${managementPort}`,
            `default_user = ${admin.user}`,
            `default_pass = ${admin.password}`,
            "default_user_tags.administrator = true",
            "default_permissions.configure = .*",
            "default_permissions.read = .*",
            "default_permissions.write = .*",
            "log.console = true",
            "log.file = false",
            "",
        ].join("\n"),
        { mode: 0o600 },
    );
    fs.writeFileSync(file("enabled_plugins"), "[rabbitmq_management].\n");
    for (const name of ["rabbitmq.conf", "enabled_plugins"]) {
        fs.chownSync(file(name), owner.uid, owner.gid);
    }
    const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        LANG: "C.UTF-8",
        // The Erlang cookie lands in HOME: a fresh one per node.
        HOME: scratch.path,
        ERL_EPMD_PORT: String(epmdPort),
        ERL_EPMD_ADDRESS: "127.0.0.1",
        RABBITMQ_NODENAME: `integration-${amqpPort}@localhost`,
        RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
        RABBITMQ_NODE_PORT: String(amqpPort),
        RABBITMQ_DIST_PORT: String(distPort),
        RABBITMQ_CONFIG_FILE: file("rabbitmq.conf"),
        RABBITMQ_ENABLED_PLUGINS_FILE: file("enabled_plugins"),
        RABBITMQ_MNESIA_BASE: file("mnesia"),
        RABBITMQ_LOG_BASE: file("log"),
        RABBITMQ_PLUGINS_EXPAND_DIR: file("plugins-expand"),
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
    };
    const daemons: Daemon[] = [];
    const stop = async () => {
        // The start script traps SIGTERM and stops the node; then epmd, which the node registered with.
        for (const daemon of daemons.reverse()) {
            await daemon.stop("SIGTERM", 20_000);
        }
        scratch.remove();
    };
    try {
        daemons.push(startDaemon("epmd", ["-port", String(epmdPort), "-address", "127.0.0.1"], file("epmd.log"), { user: owner, env }));
        const node = startDaemon(SERVER_SCRIPT, [], file("rabbitmq.log"), { user: owner, env, cwd: scratch.path });
        daemons.push(node);
        const management = managementApi(managementPort, admin);
        let version = "";
        await waitUntilReady(
            "rabbitmq-server",
            node,
            async () => {
                const overview = await management.request("GET", "/api/overview");
                version = (overview.body as { rabbitmq_version?: string }).rabbitmq_version ?? "";
                // The AMQP listener starts after the management listener: wait for both.
                return overview.status === 200 && (await portOpen(amqpPort));
            },
            90_000,
        );
        await management.request("DELETE", "/api/users/guest");
        return {
            amqpPort,
            managementPort,
            version,
            admin,
            management,
            amqpUrl: (login, vhost) => `amqp://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@127.0.0.1:${amqpPort}/${encodeURIComponent(vhost)}`,
            stop,
        };
    } catch (error) {
        await stop();
        throw error;
    }
}

function managementApi(port: number, admin: Login): ManagementApi {
    const api: ManagementApi = {
        request: async (method, apiPath, body, login = admin) => {
            const response = await fetch(`http://127.0.0.1:${port}${apiPath}`, {
                method,
                headers: {
                    authorization: `Basic ${Buffer.from(`${login.user}:${login.password}`).toString("base64")}`,
                    "content-type": "application/json",
                },
                body: body === undefined ? undefined : JSON.stringify(body),
                signal: AbortSignal.timeout(10_000),
            });
            const text = await response.text();
            return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined };
        },
        putUser: async (login, tags = []) => expectOk(await api.request("PUT", `/api/users/${encodeURIComponent(login.user)}`, { password: login.password, tags: tags.join(",") }), `user ${login.user}`),
        putVhost: async (vhost) => expectOk(await api.request("PUT", `/api/vhosts/${encodeURIComponent(vhost)}`), `vhost ${vhost}`),
        setPermissions: async (vhost, user, permissions) =>
            expectOk(await api.request("PUT", `/api/permissions/${encodeURIComponent(vhost)}/${encodeURIComponent(user)}`, permissions), `permissions of ${user} on ${vhost}`),
    };
    return api;
}

function expectOk(response: ApiResponse, what: string): void {
    if (response.status < 200 || response.status >= 300) {
        throw new Error(`management API refused ${what}: ${response.status} ${JSON.stringify(response.body)}`);
    }
}
