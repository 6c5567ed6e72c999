import { ChildProcess, execFile, spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

/**
 * Process plumbing shared by the throwaway servers: free ports, scratch directories, daemons started as
 * a system user and stopped by PID, and a registry that kills and deletes whatever is still around when
 * the test process ends, fails or is interrupted.
 */

/** A login: user name and password. */
export interface Login {
    readonly user: string;
    readonly password: string;
}

/** Result of a command that ran to completion (a non-zero code is a result, not an exception). */
export interface CommandResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunOptions {
    /** Environment of the command. Defaults to this process's environment. */
    readonly env?: NodeJS.ProcessEnv;
    /** Text written to the command's standard input. Defaults to none (stdin closed). */
    readonly input?: string;
    /** System user to run as (this process runs as root). Defaults to the current user. */
    readonly user?: SystemUser;
    /** Milliseconds before the command is killed. Defaults to 60 000. */
    readonly timeoutMs?: number;
}

/** Runs a command to completion, never through a shell, and collects its output. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
        const child = execFile(
            command,
            [...args],
            { env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024, uid: options.user?.uid, gid: options.user?.gid },
            (error, stdout, stderr) => {
                const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
                if (code === null) {
                    reject(new Error(`${command} ${args.join(" ")} did not run to completion: ${error?.message}\n${stderr}`));
                    return;
                }
                resolve({ code, stdout, stderr });
            },
        );
        // A command that exits without reading its input must not fail the run with EPIPE.
        child.stdin?.on("error", () => undefined);
        child.stdin?.end(options.input ?? "");
    });
}

/** Like {@link runCommand}, but a non-zero exit is an error that carries the command's output. */
export async function mustRun(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
    const result = await runCommand(command, args, options);
    if (result.code !== 0) {
        throw new Error(`${path.basename(command)} exited with ${result.code}\n${result.stdout}${result.stderr}`);
    }
    return result.stdout;
}

/** A system account, to run a server that refuses to run as root. */
export interface SystemUser {
    readonly name: string;
    readonly uid: number;
    readonly gid: number;
}

/** Looks up a system account created by the server's Debian package (`postgres`, `rabbitmq`). */
export async function systemUser(name: string): Promise<SystemUser> {
    const uid = Number((await mustRun("id", ["-u", name])).trim());
    const gid = Number((await mustRun("id", ["-g", name])).trim());
    return { name, uid, gid };
}

/** A TCP port on the loopback interface that nothing listens on right now. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address() as net.AddressInfo;
            server.close(() => resolve(address.port));
        });
    });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function portOpen(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
    });
}

/** Several distinct free loopback ports. */
export async function freePorts(count: number): Promise<number[]> {
    const ports = new Set<number>();
    while (ports.size < count) {
        ports.add(await freePort());
    }
    return [...ports];
}

interface Registered {
    readonly pid?: number;
    readonly dir?: string;
}

const registered = new Set<Registered>();

/** Kills every registered process group and deletes every registered directory, synchronously. */
function cleanUpNow(): void {
    for (const entry of registered) {
        if (entry.pid !== undefined) {
            killGroup(entry.pid, "SIGKILL");
        }
    }
    for (const entry of registered) {
        if (entry.dir !== undefined) {
            fs.rmSync(entry.dir, { recursive: true, force: true });
        }
    }
    registered.clear();
}

process.once("exit", cleanUpNow);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
        cleanUpNow();
        process.exit(128 + os.constants.signals[signal]);
    });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
    for (const target of [-pid, pid]) {
        try {
            process.kill(target, signal);
        } catch {
            // Already gone.
        }
    }
}

/**
 * A fresh directory under the system's temp directory, owned by `owner` when given, deleted when the
 * test process ends even if nothing else deletes it.
 */
export function scratchDir(prefix: string, owner?: SystemUser): { readonly path: string; readonly remove: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    if (owner) {
        fs.chownSync(dir, owner.uid, owner.gid);
    }
    const entry: Registered = { dir };
    registered.add(entry);
    return {
        path: dir,
        remove: () => {
            fs.rmSync(dir, { recursive: true, force: true });
            registered.delete(entry);
        },
    };
}

/** A long-running server process, in its own process group, writing its output to a log file. */
export interface Daemon {
    readonly pid: number;
    readonly logFile: string;
    /** Whether the process has exited (then `exitCode`/`signal` say how). */
    readonly exited: () => boolean;
    /** Sends `signal` to the PID, waits up to `graceMs` for the exit, then kills the group. */
    readonly stop: (signal?: NodeJS.Signals, graceMs?: number) => Promise<void>;
}

/** Options of {@link startDaemon}. */
export interface DaemonOptions {
    /** Environment of the server. Defaults to this process's environment. */
    readonly env?: NodeJS.ProcessEnv;
    /** System user to run as. Defaults to the current user. */
    readonly user?: SystemUser;
    /** Working directory. Defaults to the directory of the log file. */
    readonly cwd?: string;
}

/** Starts `command` detached (own process group) with stdout and stderr appended to `logFile`. */
export function startDaemon(command: string, args: readonly string[], logFile: string, options: DaemonOptions = {}): Daemon {
    const fd = fs.openSync(logFile, "a");
    let child: ChildProcess;
    try {
        child = spawn(command, [...args], {
            detached: true,
            stdio: ["ignore", fd, fd],
            env: options.env ?? process.env,
            cwd: options.cwd ?? path.dirname(logFile),
            uid: options.user?.uid,
            gid: options.user?.gid,
        });
    } finally {
        fs.closeSync(fd);
    }
    if (child.pid === undefined) {
        throw new Error(`could not start ${command}`);
    }
    const pid = child.pid;
    const entry: Registered = { pid };
    registered.add(entry);
    let done = false;
    const exit = new Promise<void>((resolve) => {
        child.once("exit", () => {
            done = true;
            resolve();
        });
        child.once("error", () => {
            done = true;
            resolve();
        });
    });
    return {
        pid,
        logFile,
        exited: () => done,
        stop: async (signal = "SIGTERM", graceMs = 20_000) => {
            if (!done) {
                killGroup(pid, signal);
                const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
                if ((await Promise.race([exit, timer])) === "timeout") {
                    killGroup(pid, "SIGKILL");
                    await exit;
                }
            }
            // Helpers of the server (Erlang's port programs, for one) may outlive it in its group.
            killGroup(pid, "SIGKILL");
            registered.delete(entry);
        },
    };
}

/** The last lines of a log file, to put in an error message. */
export function logTail(file: string, lines = 30): string {
    try {
        return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
        return "(no log)";
    }
}

/**
 * Polls `probe` until it returns true, failing early when the daemon dies and after `timeoutMs` with
 * the end of its log.
 */
export async function waitUntilReady(what: string, daemon: Daemon, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (daemon.exited()) {
            throw new Error(`${what} exited while starting:\n${logTail(daemon.logFile)}`);
        }
        if (await probe().catch(() => false)) {
            return;
        }
        if (Date.now() > deadline) {
            throw new Error(`${what} not ready after ${timeoutMs} ms:\n${logTail(daemon.logFile)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

/** A random password of URL- and shell-safe characters. */
export function randomPassword(bytes = 18): string {
    return randomBytes(bytes).toString("base64url");
}
