import * as fs from "fs";
import * as path from "path";
import { Worker, isMainThread, parentPort, workerData } from "worker_threads";
import { Manifest, manifestOf, schemaOf, validateManifests } from "../../offline/manifests";
import type { RecordedResource } from "../../offline/run";
import { projectRoot } from "../../offline/stackConfig";
import { CheckedManifests, toYaml } from "./manifests";

/** Marks the worker this module starts, so that importing it elsewhere off the main thread does nothing. */
const ROLE = "platform-manifest-worker";

/** The worker thread's entry, which loads this module (compiled) after installing a code cache. */
const WORKER_ENTRY = path.join(projectRoot(), "tools", "manifestWorker.cjs");

/** Objects per message to the worker, at most. */
const BATCH = 20;

/** A batch of objects as JSON text (cheaper to pass than structured clones of the objects), or the end. */
type ToWorker = { readonly manifests: string } | { readonly done: true };
type FromWorker = { readonly problems: { readonly index: number; readonly problems: string[] }[]; readonly documents: string[] } | { readonly error: string };

/**
 * Validates and renders the Kubernetes objects of a run while the program is still running: objects go
 * to a worker thread as they are registered, and the worker loads each kind's schema the first time it
 * meets one. Loading schemas and writing YAML are most of the manifests' cost, and on a machine with a
 * second core they then overlap the program instead of following it. Running from the TypeScript sources
 * (the tests), where a worker could not load this module, the work happens on this thread at the end.
 */
export class ManifestWorker {
    /** The objects added so far, in registration order. */
    readonly manifests: Manifest[] = [];
    /** How many of them went to the worker so far. */
    handedOver = 0;
    private readonly worker?: Worker;
    private readonly result?: Promise<FromWorker>;
    private queued: Manifest[] = [];

    constructor() {
        if (__filename.endsWith(".js")) {
            // No inherited preloads: the worker needs nothing but this module, the schemas and yaml, which
            // its entry compiles with the worker's own code cache.
            const worker = new Worker(WORKER_ENTRY, { workerData: { role: ROLE }, execArgv: [] });
            this.worker = worker;
            this.result = new Promise<FromWorker>((resolve, reject) => {
                worker.once("message", resolve);
                worker.once("error", reject);
                worker.once("exit", (code) => reject(new Error(`the manifest worker stopped (exit ${code})`)));
            });
            // Until finish() awaits it, a failed worker must not take the process down as an unhandled rejection.
            this.result.catch(() => undefined);
        }
    }

    /** Queues a registration when it is a Kubernetes object; objects go to the worker in batches. */
    add(resource: RecordedResource): void {
        const manifest = manifestOf(resource);
        if (manifest === undefined) {
            return;
        }
        this.manifests.push(manifest);
        if (this.worker === undefined) {
            return;
        }
        // A full batch goes at once: while the program registers, its promise callbacks can keep this
        // thread from reaching a setImmediate until the program is done, and the worker would idle till then.
        const queued = this.queued.push(manifest);
        if (queued >= BATCH) {
            this.flush();
        } else if (queued === 1) {
            setImmediate(() => this.flush());
        }
    }

    private flush(): void {
        if (this.queued.length > 0) {
            this.worker?.postMessage({ manifests: JSON.stringify(this.queued) } satisfies ToWorker);
            this.handedOver += this.queued.length;
            this.queued = [];
        }
    }

    /** Every added object's problems and YAML document, once all are done. */
    async finish(): Promise<CheckedManifests> {
        if (this.worker === undefined || this.result === undefined) {
            return { problems: await validateManifests(this.manifests), documents: this.manifests.map(toYaml) };
        }
        this.flush();
        this.worker.postMessage({ done: true } satisfies ToWorker);
        const exited = new Promise((resolve) => this.worker?.once("exit", resolve));
        const result = await this.result;
        // Having answered, the worker ends by itself, first saving the code it compiled that its cache lacked.
        await exited;
        if ("error" in result) {
            throw new Error(`the manifest worker failed: ${result.error}`);
        }
        return { problems: result.problems.map((p) => ({ manifest: this.manifests[p.index], problems: p.problems })), documents: result.documents };
    }
}

/**
 * Modules every kind's schema imports (the model base class, the validation runtime, ObjectMeta): loaded
 * while the program is still starting, before its first Kubernetes object is registered.
 */
const SHARED_SCHEMA_MODULES = ["@kubernetes-models/base", "@kubernetes-models/validate", "@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta"];

// kubernetes-models ships ES modules only; a native dynamic import keeps them loadable from CommonJS.
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

/**
 * The kinds the last plan validated (`apiVersion kind`), kept with the code cache: the program registers its
 * first Kubernetes object well after the worker has started, and the worker loads their schemas meanwhile.
 */
export const KINDS_FILE = path.join(projectRoot(), "bin", ".code-cache", "manifest-kinds.json");

function lastKinds(file: string): string[] {
    try {
        const kinds: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
        return Array.isArray(kinds) ? kinds.filter((k): k is string => typeof k === "string") : [];
    } catch {
        return [];
    }
}

function noteKinds(file: string, kinds: ReadonlySet<string>): void {
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify([...kinds].sort()));
    } catch {
        // The next run only loses its head start.
    }
}

/** The worker's side: validate and render each object as it arrives, answer once told it is done. */
function serve(): void {
    // Failures here only lose the head start: validating an object loads what it needs again.
    SHARED_SCHEMA_MODULES.forEach((m) => importModule(m).catch(() => undefined));
    for (const kind of lastKinds(KINDS_FILE)) {
        const [apiVersion, name] = kind.split(" ");
        schemaOf(apiVersion, name ?? "").catch(() => undefined);
    }
    const kinds = new Set<string>();
    const pending: Promise<{ index: number; problems: string[] }[]>[] = [];
    const documents: string[] = [];
    parentPort?.on("message", (message: ToWorker) => {
        if ("manifests" in message) {
            for (const manifest of JSON.parse(message.manifests) as Manifest[]) {
                const index = documents.length;
                kinds.add(`${manifest.apiVersion} ${manifest.kind}`);
                documents.push(toYaml(manifest));
                pending.push(validateManifests([manifest]).then((found) => found.map((f) => ({ index, problems: f.problems }))));
            }
            return;
        }
        noteKinds(KINDS_FILE, kinds);
        Promise.all(pending)
            .then(
                (found) => parentPort?.postMessage({ problems: found.flat(), documents } satisfies FromWorker),
                (e: unknown) => parentPort?.postMessage({ error: String((e as Error)?.stack ?? e) } satisfies FromWorker),
            )
            // Nothing more to do: let the thread end (and save its code cache at exit).
            .finally(() => parentPort?.close());
    });
}

if (!isMainThread && (workerData as { role?: string } | undefined)?.role === ROLE) {
    serve();
}
