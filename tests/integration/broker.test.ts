import { strict as assert } from "assert";
import type { ChannelModel } from "amqplib";
import { ACCESS_REFUSED, connectAmqp, onChannel, Outcome, publishConfirmed } from "./support/amqp";
import { runBrokerJob } from "./support/brokerJob";
import { Login, randomPassword, scratchDir } from "./support/processes";
import { amqpUrl, APPLICATION_VHOST, QueueUse, serviceQueues } from "./support/program";
import { RabbitServer, startRabbit } from "./support/rabbitmq";

function assertRefused(outcome: Outcome, what: RegExp): void {
    assert.equal(outcome.ok, false, `expected ACCESS_REFUSED for ${what}, got success`);
    if (!outcome.ok) {
        assert.equal(outcome.code, ACCESS_REFUSED, outcome.message);
        assert.match(outcome.message, what);
    }
}

// The broker provisioning container's script, run as its Job runs it, against a real RabbitMQ node.
describe("integration: broker provisioning against RabbitMQ with the management API", function () {
    let server: RabbitServer;
    const tmp = scratchDir("integration-broker-job");
    // The catalog of the shipped stacks, in short: the API publishes orders, the worker consumes them (and
    // scales on them), the report consumes its own queue. One password carries every character a URL,
    // JSON or curl's config file treats specially.
    const catalog: Record<string, { queues: QueueUse; login: Login }> = {
        api: { queues: serviceQueues({ queues: { publishes: ["orders"] } }), login: { user: "api", password: `p@ss word/with:odd%chars"\\#?` } },
        worker: { queues: serviceQueues({ queue: { name: "orders" } }), login: { user: "worker", password: randomPassword() } },
        report: { queues: serviceQueues({ queues: { consumes: ["reports.daily"] } }), login: { user: "report", password: randomPassword() } },
    };
    const connections: Record<string, ChannelModel> = {};
    // The URL the program puts in each service's secret, for the broker on loopback.
    const urlOf = (service: string) => amqpUrl(`amqp://127.0.0.1:${server.amqpPort}`, catalog[service].login.user, catalog[service].login.password, APPLICATION_VHOST);

    before(async function () {
        server = await startRabbit();
        for (const [service, { queues, login }] of Object.entries(catalog)) {
            const run = await runBrokerJob(server, service, login, queues, tmp.path);
            assert.equal(run.code, 0, `${service}: ${run.stdout}${run.stderr}`);
        }
        for (const service of Object.keys(catalog)) {
            const opened = await connectAmqp(urlOf(service));
            assert.ok(opened.connection, opened.outcome.ok ? "" : `${service}: ${opened.outcome.message}`);
            connections[service] = opened.connection;
        }
    });

    after(async function () {
        for (const connection of Object.values(connections)) {
            await connection.close().catch(() => undefined);
        }
        tmp.remove();
        await server?.stop();
    });

    it("lets a publisher publish to its queue's exchange and the consumer read it from the queue", async function () {
        assert.deepEqual(await onChannel(connections.api, (channel) => publishConfirmed(channel, "orders", "", "order 1")), { ok: true });
        let body = "";
        const read = await onChannel(connections.worker, async (channel) => {
            for (let i = 0; i < 50 && body === ""; i++) {
                const message = await channel.get("orders", { noAck: true });
                body = message ? message.content.toString() : "";
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
        });
        assert.deepEqual(read, { ok: true });
        assert.equal(body, "order 1");
    });

    it("lets a consumer check its queue passively, as KEDA does to read its length", async function () {
        assert.deepEqual(await onChannel(connections.worker, (channel) => channel.checkQueue("orders")), { ok: true });
    });

    it("refuses everything else: reading what it publishes, publishing what it reads, other queues, the default exchange, declaring", async function () {
        assertRefused(await onChannel(connections.api, (channel) => channel.get("orders")), /access to queue 'orders'/);
        assertRefused(await onChannel(connections.worker, (channel) => publishConfirmed(channel, "orders", "")), /access to exchange 'orders'/);
        assertRefused(await onChannel(connections.worker, (channel) => channel.get("reports.daily")), /access to queue 'reports\.daily'/);
        assertRefused(await onChannel(connections.report, (channel) => channel.get("orders")), /access to queue 'orders'/);
        for (const service of Object.keys(catalog)) {
            assertRefused(await onChannel(connections[service], (channel) => publishConfirmed(channel, "", "orders")), /access to exchange 'amq\.default'/);
            assertRefused(await onChannel(connections[service], (channel) => channel.assertQueue("mine")), /access to queue 'mine'/);
            assertRefused(await onChannel(connections[service], (channel) => channel.deleteQueue("orders")), /access to queue 'orders'/);
        }
    });

    it("keeps service users on their vhost and out of the management API", async function () {
        const elsewhere = await connectAmqp(amqpUrl(`amqp://127.0.0.1:${server.amqpPort}`, catalog.worker.login.user, catalog.worker.login.password, "/"));
        assert.equal(elsewhere.outcome.ok, false);
        for (const { login } of Object.values(catalog)) {
            assert.equal((await server.management.request("GET", "/api/whoami", undefined, login)).status, 401);
        }
    });

    it("changes nothing when run a second time, and takes a new password when rotated", async function () {
        const state = async () => JSON.stringify([(await server.management.request("GET", "/api/permissions")).body, (await server.management.request("GET", `/api/bindings/${APPLICATION_VHOST}`)).body]);
        const before = await state();
        for (const [service, { queues, login }] of Object.entries(catalog)) {
            assert.equal((await runBrokerJob(server, service, login, queues, tmp.path)).code, 0);
        }
        assert.equal(await state(), before);
        const old = urlOf("report");
        catalog.report.login = { user: "report", password: randomPassword() };
        assert.equal((await runBrokerJob(server, "report", catalog.report.login, catalog.report.queues, tmp.path)).code, 0);
        const fresh = await connectAmqp(urlOf("report"));
        assert.deepEqual(fresh.outcome, { ok: true });
        await fresh.connection?.close();
        const stale = await connectAmqp(old);
        assert.ok(!stale.outcome.ok && /ACCESS_REFUSED - Login was refused/.test(stale.outcome.message));
    });
});
