import { strict as assert } from "assert";
import { randomPassword } from "./support/processes";
import { registeredCacheUsers, RegisteredCacheUser } from "./support/program";
import { RedisServer, startRedis } from "./support/redis";
import { RedisConnection, replyError } from "./support/resp";

// The ElastiCache users the program registers for a stack with six cache-using services, applied to Redis 7
// as ElastiCache RBAC applies them (password set apart, the group's default user among them).
describe("integration: the program's cache users against Redis", function () {
    let server: RedisServer;
    let users: RegisteredCacheUser[];
    let services: RegisteredCacheUser[];
    const passwords = new Map<string, string>();
    const connections = new Map<string, RedisConnection>();

    before(async function () {
        users = await registeredCacheUsers("examples/media-pipeline/Pulumi.prod.yaml", "prod");
        services = users.filter((u) => u.userName !== "default");
        server = await startRedis();
        for (const u of users) {
            passwords.set(u.userName, randomPassword());
        }
        await server.applyUsers(users.map((u) => ({ user: u.userName, password: passwords.get(u.userName) as string, accessString: u.accessString })));
        for (const u of services) {
            connections.set(u.userName, await server.connect({ user: u.userName, password: passwords.get(u.userName) as string }));
        }
    });

    after(async function () {
        for (const connection of connections.values()) {
            connection.close();
        }
        await server?.stop();
    });

    it("registers one user per cache-using service, each told its key prefix, and a default user", function () {
        assert.deepEqual(services.map((u) => u.userName).sort(), ["assets", "interface", "metadata", "quality", "search", "workflow"]);
        assert.ok(services.every((u) => u.keyPrefix === `${u.service}:`), JSON.stringify(services));
        assert.equal(users.filter((u) => u.userName === "default").length, 1);
    });

    it("lets each service read and write the keys under its CACHE_KEY_PREFIX, and publish on its channels", async function () {
        for (const u of services) {
            const own = connections.get(u.userName) as RedisConnection;
            assert.equal(await own.call("SET", `${u.keyPrefix}session:1`, u.service), "OK");
            assert.equal(await own.call("GET", `${u.keyPrefix}session:1`), u.service);
            assert.equal(await own.call("PUBLISH", `${u.keyPrefix}events`, "x"), 0);
        }
    });

    it("answers NOPERM for every other service's keys and channels, unprefixed keys and dangerous commands", async function () {
        for (const u of services) {
            const own = connections.get(u.userName) as RedisConnection;
            for (const other of services.filter((o) => o !== u)) {
                assert.equal(await replyError(own.call("GET", `${other.keyPrefix}session:1`)), "NOPERM", `${u.service} reading ${other.service}`);
                assert.equal(await replyError(own.call("SET", `${other.keyPrefix}session:1`, "taken")), "NOPERM");
                assert.equal(await replyError(own.call("PUBLISH", `${other.keyPrefix}events`, "x")), "NOPERM");
            }
            assert.equal(await replyError(own.call("GET", "session:1")), "NOPERM");
            for (const command of [["FLUSHALL"], ["KEYS", "*"], ["CONFIG", "GET", "*"], ["ACL", "LIST"], ["FLUSHDB"], ["CLIENT", "LIST"]]) {
                assert.equal(await replyError(own.call(...command)), "NOPERM", `${u.service}: ${command.join(" ")}`);
            }
        }
    });

    it("admits no anonymous client and no login as the default user", async function () {
        const anonymous = await server.connect();
        try {
            assert.equal(await replyError(anonymous.call("GET", "assets:session:1")), "NOAUTH");
        } finally {
            anonymous.close();
        }
        assert.equal(await replyError(server.connect({ user: "default", password: passwords.get("default") as string })), "WRONGPASS");
    });
});
