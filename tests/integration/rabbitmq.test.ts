import { strict as assert } from "assert";
import type { ChannelModel } from "amqplib";
import { ACCESS_REFUSED, connectAmqp, onChannel, Outcome, publishConfirmed } from "./support/amqp";
import { RabbitServer, startRabbit } from "./support/rabbitmq";

function assertRefused(outcome: Outcome, what: RegExp): void {
    assert.equal(outcome.ok, false, "expected ACCESS_REFUSED, got success");
    if (!outcome.ok) {
        assert.equal(outcome.code, ACCESS_REFUSED, outcome.message);
        assert.match(outcome.message, what);
    }
}

// What the broker tests rely on: permissions set through the management API are what AMQP enforces.
describe("integration: the RabbitMQ node with the management API", function () {
    let server: RabbitServer;
    let connection: ChannelModel;
    const vhost = "apps";
    const service = { user: "svc-a", password: "p@ss word/with:odd%chars" };

    before(async function () {
        server = await startRabbit();
        await server.management.putVhost(vhost);
        await server.management.putUser(service);
        await server.management.setPermissions(vhost, service.user, { configure: "^a\\.", write: "^a\\.", read: "^a\\." });
        await server.management.setPermissions(vhost, server.admin.user, { configure: ".*", write: ".*", read: ".*" });
        const admin = await connectAmqp(server.amqpUrl(server.admin, vhost));
        assert.ok(admin.connection, admin.outcome.ok ? "" : admin.outcome.message);
        assert.ok((await onChannel(admin.connection, (channel) => channel.assertQueue("b.queue"))).ok);
        await admin.connection.close();
        const opened = await connectAmqp(server.amqpUrl(service, vhost));
        assert.ok(opened.connection, opened.outcome.ok ? "" : opened.outcome.message);
        connection = opened.connection;
    });

    after(async function () {
        await connection?.close().catch(() => undefined);
        await server?.stop();
    });

    it("has no guest user, and the admin uses the management API", async function () {
        assert.equal((await server.management.request("GET", "/api/whoami")).status, 200);
        assert.equal((await server.management.request("GET", "/api/whoami", undefined, { user: "guest", password: "guest" })).status, 401);
    });

    it("lets a user with ^a\\. permissions declare, publish to and consume from its own queue and exchange", async function () {
        const outcome = await onChannel(connection, async (channel) => {
            await channel.assertExchange("a.events", "topic", { durable: false });
            await channel.assertQueue("a.work", { durable: false });
            await channel.bindQueue("a.work", "a.events", "#");
            await publishConfirmed(channel, "a.events", "created", "hello");
            const message = await channel.get("a.work", { noAck: true });
            assert.ok(message && message.content.toString() === "hello", "the message came back");
        });
        assert.deepEqual(outcome, { ok: true });
    });

    it("refuses another queue: declaring it, and reading one that exists", async function () {
        assertRefused(await onChannel(connection, (channel) => channel.assertQueue("b.other")), /access to queue 'b\.other'/);
        assertRefused(await onChannel(connection, (channel) => channel.get("b.queue")), /access to queue 'b\.queue'/);
    });

    it("refuses publishing to the default exchange and to amq.topic", async function () {
        assertRefused(await onChannel(connection, (channel) => publishConfirmed(channel, "", "a.work")), /access to exchange 'amq\.default'/);
        assertRefused(await onChannel(connection, (channel) => publishConfirmed(channel, "amq.topic", "a.key")), /access to exchange 'amq\.topic'/);
    });

    it("refuses a vhost the user has no permissions on, and a wrong password", async function () {
        const otherVhost = await connectAmqp(server.amqpUrl(service, "/"));
        assert.equal(otherVhost.outcome.ok, false);
        const adminThere = await connectAmqp(server.amqpUrl(server.admin, "/"));
        assert.deepEqual(adminThere.outcome, { ok: true }, "the vhost exists and takes a permitted user");
        await adminThere.connection?.close();
        const wrongPassword = await connectAmqp(server.amqpUrl({ user: service.user, password: "wrong" }, vhost));
        assert.ok(!wrongPassword.outcome.ok && /ACCESS_REFUSED - Login was refused/.test(wrongPassword.outcome.message));
    });

    it("keeps a user without tags out of the management API", async function () {
        assert.equal((await server.management.request("GET", "/api/whoami", undefined, service)).status, 401);
        assert.equal((await server.management.request("GET", "/api/users", undefined, service)).status, 401);
    });
});
