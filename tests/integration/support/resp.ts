import * as net from "net";
import type { Login } from "./processes";

/**
 * A minimal Redis client speaking RESP2 over one TCP connection: enough to authenticate as an ACL user
 * and send commands, with error replies (NOPERM, WRONGPASS) surfaced as {@link RedisReplyError}.
 */

/** A reply: simple/bulk string, integer, nil, or an array of replies (where an error is an element). */
export type RedisReply = string | number | null | RedisReplyError | RedisReply[];

/** An error reply from the server; `code` is its first word (`NOPERM`, `WRONGPASS`, `ERR`). */
export class RedisReplyError extends Error {
    readonly code: string;
    constructor(message: string) {
        super(message);
        this.code = message.split(" ")[0];
    }
}

function encode(args: readonly string[]): Buffer {
    const parts = [`*${args.length}\r\n`, ...args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`)];
    return Buffer.from(parts.join(""));
}

/** Parses one reply at `offset`; returns undefined when the buffer does not yet hold all of it. */
function parse(buffer: Buffer, offset: number): { reply: RedisReply | RedisReplyError; end: number } | undefined {
    const lineEnd = buffer.indexOf("\r\n", offset);
    if (lineEnd < 0) {
        return undefined;
    }
    const type = String.fromCharCode(buffer[offset]);
    const line = buffer.toString("utf8", offset + 1, lineEnd);
    const next = lineEnd + 2;
    switch (type) {
        case "+":
            return { reply: line, end: next };
        case "-":
            return { reply: new RedisReplyError(line), end: next };
        case ":":
            return { reply: Number(line), end: next };
        case "$": {
            const length = Number(line);
            if (length < 0) {
                return { reply: null, end: next };
            }
            return buffer.length < next + length + 2 ? undefined : { reply: buffer.toString("utf8", next, next + length), end: next + length + 2 };
        }
        case "*": {
            const count = Number(line);
            if (count < 0) {
                return { reply: null, end: next };
            }
            const items: RedisReply[] = [];
            let at = next;
            for (let i = 0; i < count; i++) {
                const item = parse(buffer, at);
                if (!item) {
                    return undefined;
                }
                items.push(item.reply);
                at = item.end;
            }
            return { reply: items, end: at };
        }
        default:
            throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
    }
}

/** One authenticated connection; commands run one at a time, in order. */
export class RedisConnection {
    private buffer = Buffer.alloc(0);
    private readonly waiting: { resolve: (r: RedisReply) => void; reject: (e: Error) => void }[] = [];
    private failure: Error | undefined;

    private constructor(private readonly socket: net.Socket) {
        socket.on("data", (chunk) => this.receive(chunk));
        socket.on("error", (error) => this.fail(error));
        socket.on("close", () => this.fail(new Error("connection closed")));
    }

    /** Connects to 127.0.0.1:`port` and, given a login, sends `AUTH user password` (rejecting on WRONGPASS). */
    static async open(port: number, login?: Login): Promise<RedisConnection> {
        const socket = net.connect(port, "127.0.0.1");
        await new Promise<void>((resolve, reject) => {
            socket.once("connect", resolve);
            socket.once("error", reject);
        });
        const connection = new RedisConnection(socket);
        if (login) {
            try {
                await connection.call("AUTH", login.user, login.password);
            } catch (error) {
                connection.close();
                throw error;
            }
        }
        return connection;
    }

    /** Sends one command; an error reply rejects with {@link RedisReplyError}. */
    call(...args: string[]): Promise<RedisReply> {
        if (this.failure) {
            return Promise.reject(this.failure);
        }
        return new Promise((resolve, reject) => {
            this.waiting.push({ resolve, reject });
            this.socket.write(encode(args));
        });
    }

    close(): void {
        this.socket.destroy();
    }

    private receive(chunk: Buffer): void {
        this.buffer = Buffer.concat([this.buffer, chunk]);
        for (;;) {
            let parsed: ReturnType<typeof parse>;
            try {
                parsed = this.buffer.length > 0 ? parse(this.buffer, 0) : undefined;
            } catch (error) {
                this.fail(error as Error);
                this.socket.destroy();
                return;
            }
            if (!parsed) {
                return;
            }
            this.buffer = this.buffer.subarray(parsed.end);
            const waiter = this.waiting.shift();
            if (parsed.reply instanceof RedisReplyError) {
                waiter?.reject(parsed.reply);
            } else {
                waiter?.resolve(parsed.reply);
            }
        }
    }

    private fail(error: Error): void {
        this.failure = this.failure ?? error;
        for (const waiter of this.waiting.splice(0)) {
            waiter.reject(error);
        }
    }
}

/** The error code (`NOPERM`, `NOAUTH`, …) a call is answered with, or "no error". */
export async function replyError(call: Promise<unknown>): Promise<string> {
    try {
        await call;
    } catch (error) {
        if (error instanceof RedisReplyError) {
            return error.code;
        }
        throw error;
    }
    return "no error";
}
