import * as amqp from "amqplib";

/**
 * AMQP 0-9-1 as a service would use it, reporting what the broker refused instead of throwing: a
 * refusal closes the channel (403 ACCESS_REFUSED) or, for a login, the connection.
 */

/** What became of an operation: done, or refused/failed with the broker's reply code and text. */
export type Outcome = { readonly ok: true } | { readonly ok: false; readonly code: number | undefined; readonly message: string };

function failed(error: unknown): Outcome {
    const e = error as { code?: unknown; message?: string };
    return { ok: false, code: typeof e.code === "number" ? e.code : undefined, message: e.message ?? String(error) };
}

/** Connects, or reports the refusal (a wrong password or a vhost the user may not use). */
export async function connectAmqp(url: string): Promise<{ readonly connection?: amqp.ChannelModel; readonly outcome: Outcome }> {
    try {
        const connection = await amqp.connect(url);
        connection.on("error", () => undefined);
        return { connection, outcome: { ok: true } };
    } catch (error) {
        return { outcome: failed(error) };
    }
}

/**
 * Runs `action` on a fresh confirm channel, so that a publish is only done once the broker confirmed
 * it; the channel is closed afterwards whatever happened.
 */
export async function onChannel(connection: amqp.ChannelModel, action: (channel: amqp.ConfirmChannel) => Promise<unknown>): Promise<Outcome> {
    const channel = await connection.createConfirmChannel();
    let closedWith: unknown;
    channel.on("error", (error) => {
        closedWith = error;
    });
    try {
        await action(channel);
        await channel.close();
        return { ok: true };
    } catch (error) {
        return failed(closedWith ?? error);
    }
}

/** Publishes one message and waits for the broker's confirmation. */
export async function publishConfirmed(channel: amqp.ConfirmChannel, exchange: string, routingKey: string, body = "test"): Promise<void> {
    channel.publish(exchange, routingKey, Buffer.from(body));
    await channel.waitForConfirms();
}

/** The AMQP reply code of ACCESS_REFUSED. */
export const ACCESS_REFUSED = 403;
