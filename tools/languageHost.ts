import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { fakeCall, fakeResource } from "../offline/fakes";
import { projectRoot, readStackConfig } from "../offline/stackConfig";

/**
 * Runs the program the way `pulumi preview` does, minus the engine: Pulumi's nodejs language host starts
 * `node <nodeargs> @pulumi/pulumi/cmd/run … <main>` with the stack's config in the environment, and the
 * program registers its resources over gRPC with a resource monitor. Here the monitor is an in-process
 * gRPC server that answers with the same fake outputs as the offline runs, and records when each
 * registration arrives. Everything about how the program is started comes from `Pulumi.yaml`
 * (`main`, `runtime.options.typescript`, `runtime.options.nodeargs`), so this measures the entry that
 * `pulumi up` would run.
 */

export interface HostedRun {
    /** Milliseconds from spawning node to the first registration of a resource the program declares. */
    readonly firstRegistrationMs: number;
    /**
     * CPU milliseconds (user and system, all threads) the program had used by then, read from /proc on
     * Linux (NaN elsewhere): close to what the wall time would be on an idle machine.
     */
    readonly firstRegistrationCpuMs: number;
    /** Milliseconds from spawning node to its exit. */
    readonly exitMs: number;
    /** Registrations as they arrived: the stack resource first, then the program's. */
    readonly registrations: { readonly type: string; readonly name: string }[];
    readonly exitCode: number | null;
    readonly stderr: string;
}

export interface HostOptions {
    readonly stack: string;
    /** Stack config file. Defaults to `Pulumi.<stack>.yaml` beside `Pulumi.yaml`. */
    readonly configFile?: string;
    /** Directory holding `Pulumi.yaml`. Defaults to this repository. */
    readonly root?: string;
    /** Node arguments added after `Pulumi.yaml`'s own (say, `--cpu-prof`). Defaults to none. */
    readonly extraNodeArgs?: string[];
}

/** The nodejs runtime options and entry point `Pulumi.yaml` declares. */
export interface ProjectRuntime {
    readonly name: string;
    /** Absolute path of the module the language host runs. */
    readonly entry: string;
    /** Whether the run harness loads ts-node first (Pulumi's default: true). */
    readonly typescript: boolean;
    readonly nodeargs: string[];
}

/** Reads `Pulumi.yaml` as the CLI and language host interpret it. */
export function projectRuntime(root: string): ProjectRuntime {
    const doc = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
        name: string;
        main?: string;
        runtime: string | { name: string; options?: { typescript?: boolean; nodeargs?: string } };
    };
    const options = typeof doc.runtime === "string" ? {} : (doc.runtime.options ?? {});
    const main = path.resolve(root, doc.main ?? ".");
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { main?: string };
    const entry = fs.statSync(main).isDirectory() ? path.resolve(main, pkg.main ?? "index.js") : main;
    return {
        name: doc.name,
        entry,
        typescript: options.typescript ?? true,
        nodeargs: (options.nodeargs ?? "").split(/\s+/).filter((a) => a !== ""),
    };
}

/** gRPC handlers of a resource monitor backed by Pulumi's own mock monitor and this project's fakes. */
function monitorService(project: string, stack: string, region: string, onRegister: (type: string, name: string) => void): Record<string, unknown> {
    const resproto = require("@pulumi/pulumi/proto/resource_pb");
    const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
    const mock = new MockMonitor({
        newResource: (args) => fakeResource({ region }, args.type, args.name, args.inputs),
        call: (args) => fakeCall({ region }, args.token),
    }) as unknown as Record<string, (req: unknown, cb: (err: unknown, resp?: unknown) => void) => void> & { newUrn: (parent: string, type: string, name: string) => string };
    // URNs as the engine forms them, for this stack (the mock's own would ask this process's SDK settings).
    mock.newUrn = (parent, type, name) => {
        const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
        return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
    };
    type Call = { request: { getType(): string; getName(): string; getId?(): string } };
    type Callback = (err: unknown, resp?: unknown) => void;
    const empty = (_call: Call, cb: Callback) => cb(null, new Empty());
    return {
        getDeploymentInfo: (call: Call, cb: Callback) => mock.getDeploymentInfo(call.request, cb),
        supportsFeature: (call: Call, cb: Callback) => {
            const resp = new resproto.SupportsFeatureResponse();
            resp.setHassupport(call.request.getId?.() !== "outputValues");
            cb(null, resp);
        },
        invoke: (call: Call, cb: Callback) => mock.invoke(call.request, cb),
        readResource: (call: Call, cb: Callback) => mock.readResource(call.request, cb),
        registerResource: (call: Call, cb: Callback) => {
            onRegister(call.request.getType(), call.request.getName());
            mock.registerResource(call.request, cb);
        },
        registerResourceOutputs: empty,
        registerPackage: (call: Call, cb: Callback) => mock.registerPackage(call.request, cb),
        signalAndWaitForShutdown: empty,
    };
}

/** CPU time a running process has used, from /proc/<pid>/stat (Linux; clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
    try {
        // Fields after the parenthesised command name: state is the 3rd field, utime the 14th, stime the 15th.
        const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
        return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
        return NaN;
    }
}

/** Starts the program as the language host would for a preview and waits for it to finish. */
export async function runAsLanguageHost(options: HostOptions): Promise<HostedRun> {
    const root = options.root ?? projectRoot();
    const runtime = projectRuntime(root);
    const stackConfig = readStackConfig(options.configFile ?? path.join(root, `Pulumi.${options.stack}.yaml`), path.join(root, "Pulumi.yaml"));

    const grpc = require("@grpc/grpc-js");
    const services = require("@pulumi/pulumi/proto/resource_grpc_pb");
    const registrations: { type: string; name: string }[] = [];
    let started = 0n;
    let firstRegistration = 0n;
    let firstRegistrationCpuMs = NaN;
    let childPid: number | undefined;
    const server = new grpc.Server();
    server.addService(
        services.ResourceMonitorService,
        monitorService(runtime.name, options.stack, stackConfig.config["aws:region"] ?? "us-east-1", (type, name) => {
            if (firstRegistration === 0n && type !== "pulumi:pulumi:Stack") {
                firstRegistration = process.hrtime.bigint();
                firstRegistrationCpuMs = cpuMsOf(childPid);
            }
            registrations.push({ type, name });
        }),
    );
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err: Error | null, p: number) => (err ? reject(err) : resolve(p))),
    );
    try {
        const programDir = path.dirname(runtime.entry);
        const args = [
            ...runtime.nodeargs,
            ...(options.extraNodeArgs ?? []),
            require.resolve("@pulumi/pulumi/cmd/run"),
            "--monitor",
            `127.0.0.1:${port}`,
            "--project",
            runtime.name,
            "--stack",
            options.stack,
            "--pwd",
            programDir,
            "--root-directory",
            root,
            "--dry-run",
            "--parallel",
            "48",
            path.basename(runtime.entry),
        ];
        const env = {
            ...process.env,
            PULUMI_CONFIG: JSON.stringify(stackConfig.config),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(stackConfig.secretKeys),
            PULUMI_NODEJS_TYPESCRIPT: runtime.typescript ? "true" : undefined,
        };
        started = process.hrtime.bigint();
        const child = spawn(process.execPath, args, { cwd: programDir, env, stdio: ["ignore", "ignore", "pipe"] });
        childPid = child.pid;
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += String(d)));
        const exitCode = await new Promise<number | null>((resolve, reject) => {
            child.once("error", reject);
            child.once("exit", (code) => resolve(code));
        });
        const exited = process.hrtime.bigint();
        const ms = (t: bigint) => (t === 0n ? NaN : Number(t - started) / 1e6);
        return { firstRegistrationMs: ms(firstRegistration), firstRegistrationCpuMs, exitMs: ms(exited), registrations, exitCode, stderr };
    } finally {
        server.forceShutdown();
    }
}
