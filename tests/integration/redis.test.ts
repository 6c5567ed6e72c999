import { strict as assert } from "assert";
import { aclRules, RedisServer, startRedis } from "./support/redis";
import { RedisConnection, replyError } from "./support/resp";

// What the cache tests rely on: users and access strings behave as ElastiCache RBAC applies them.
describe("integration: the Redis server with ElastiCache-style users", function () {
    let server: RedisServer;
    let a: RedisConnection;
    const user = { user: "svc-a", password: "a-password-long-enough", accessString: "on ~a:* &a:* +@all -@dangerous" };

    before(async function () {
        server = await startRedis();
        await server.applyUsers([user, { user: "svc-off", password: "off-password-long-enough", accessString: "~c:* +@all" }]);
        a = await server.connect(user);
    });

    after(async function () {
        a?.close();
        await server?.stop();
    });

    it("runs Redis 7", function () {
        assert.match(server.version, /^7\./);
    });

    it("disables the default user: no anonymous commands, no login as default", async function () {
        const anonymous = await server.connect();
        try {
            assert.equal(await replyError(anonymous.call("GET", "a:1")), "NOAUTH");
        } finally {
            anonymous.close();
        }
        assert.equal(await replyError(server.connect({ user: "default", password: "" })), "WRONGPASS");
    });

    it("lets a user limited to ~a:* read and write its own keys", async function () {
        assert.equal(await a.call("SET", "a:1", "one"), "OK");
        assert.equal(await a.call("GET", "a:1"), "one");
    });

    it("answers NOPERM for another prefix, its channels and dangerous commands", async function () {
        assert.equal(await replyError(a.call("GET", "b:x")), "NOPERM");
        assert.equal(await replyError(a.call("SET", "b:x", "1")), "NOPERM");
        assert.equal(await replyError(a.call("PUBLISH", "b:events", "1")), "NOPERM");
        assert.equal(await a.call("PUBLISH", "a:events", "1"), 0);
        for (const command of [["FLUSHALL"], ["KEYS", "*"], ["ACL", "SETUSER", "svc-a", "~*"], ["CONFIG", "GET", "*"]]) {
            assert.equal(await replyError(a.call(...command)), "NOPERM", command.join(" "));
        }
    });

    it("leaves a user off when its access string says neither on nor off, as ElastiCache does", async function () {
        assert.equal(await replyError(server.connect({ user: "svc-off", password: "off-password-long-enough" })), "WRONGPASS");
    });

    it("refuses access strings with passwords or reset, which ElastiCache takes apart", function () {
        for (const accessString of ["on >secret ~a:* +@all", "on nopass ~a:* +@all", "reset on ~a:*", "on #abcd ~a:*"]) {
            assert.throws(() => aclRules({ user: "x", password: "p", accessString }), /ElastiCache takes passwords apart/, accessString);
        }
    });
});
