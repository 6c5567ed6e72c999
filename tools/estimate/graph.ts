/**
 * Earliest-finish scheduling over a deployment graph: every step starts as soon as what it waits for has
 * finished, with unlimited parallelism (as the engine runs independent steps). Components are steps with
 * children: a child starts no earlier than its parent starts (components register at once), and a parent
 * finishes when its own work and all its children have finished.
 */

/** One unit of work: a resource. */
export interface Step {
    readonly id: string;
    /** The component this step belongs to, if any. */
    readonly parent?: string;
    /** Steps that must finish before this one starts. Unknown IDs are ignored and reported. */
    readonly after: readonly string[];
    /** The step's own work; a component's is usually zero. */
    readonly seconds: number;
}

export interface StepTimes {
    readonly startSeconds: number;
    readonly finishSeconds: number;
}

export interface Schedule {
    readonly times: ReadonlyMap<string, StepTimes>;
    /** Finish of the last step: the critical path's length. */
    readonly totalSeconds: number;
    /** Steps whose own work makes up the critical path, first to last; components appear only with work. */
    readonly criticalPath: readonly string[];
    /** IDs named in `after` or `parent` that no step has. */
    readonly unknownIds: readonly string[];
}

/** A start or finish event of a step; the schedule is a longest-path problem over these. */
type EventKey = string;
const startOf = (id: string): EventKey => `S ${id}`;
const finishOf = (id: string): EventKey => `F ${id}`;
const stepOf = (key: EventKey): string => key.slice(2);

interface Edge {
    readonly to: EventKey;
    readonly seconds: number;
}

interface EventGraph {
    readonly events: EventKey[];
    readonly out: Map<EventKey, Edge[]>;
    readonly unknownIds: string[];
}

/**
 * Four kinds of edge: a dependency's finish precedes a start; a parent's start precedes its children's
 * starts; a step's start precedes its finish by its duration; a child's finish precedes its parent's finish.
 */
function buildEvents(steps: readonly Step[]): EventGraph {
    const ids = new Set(steps.map((t) => t.id));
    const out = new Map<EventKey, Edge[]>();
    const unknown = new Set<string>();
    const add = (from: EventKey, to: EventKey, seconds: number) => out.get(from)?.push({ to, seconds });
    const events: EventKey[] = [];
    for (const t of steps) {
        events.push(startOf(t.id), finishOf(t.id));
        out.set(startOf(t.id), []);
        out.set(finishOf(t.id), []);
    }
    for (const t of steps) {
        add(startOf(t.id), finishOf(t.id), t.seconds);
        for (const dep of new Set(t.after)) {
            if (ids.has(dep)) {
                add(finishOf(dep), startOf(t.id), 0);
            } else {
                unknown.add(dep);
            }
        }
        if (t.parent !== undefined) {
            if (ids.has(t.parent)) {
                add(startOf(t.parent), startOf(t.id), 0);
                add(finishOf(t.id), finishOf(t.parent), 0);
            } else {
                unknown.add(t.parent);
            }
        }
    }
    return { events, out, unknownIds: [...unknown] };
}

/** Events in an order where every edge points forward; throws naming the steps of a cycle if there is one. */
function topologicalOrder(graph: EventGraph): EventKey[] {
    const indegree = new Map<EventKey, number>(graph.events.map((e) => [e, 0]));
    for (const edges of graph.out.values()) {
        for (const e of edges) {
            indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
        }
    }
    // The order doubles as the queue (first in, first out): an event joins it once all its predecessors
    // are in it, and is read in turn. (Array.shift would make this quadratic in large plans.)
    const order = graph.events.filter((e) => indegree.get(e) === 0);
    for (let i = 0; i < order.length; i++) {
        for (const e of graph.out.get(order[i]) ?? []) {
            const left = (indegree.get(e.to) as number) - 1;
            indegree.set(e.to, left);
            if (left === 0) {
                order.push(e.to);
            }
        }
    }
    if (order.length < graph.events.length) {
        const stuck = [...new Set(graph.events.filter((e) => (indegree.get(e) as number) > 0).map(stepOf))];
        throw new Error(`deployment graph has a cycle through: ${stuck.slice(0, 8).join(", ")}${stuck.length > 8 ? ", …" : ""}`);
    }
    return order;
}

/** Earliest start and finish of every step, and the chain of work that decides the total. */
export function schedule(steps: readonly Step[]): Schedule {
    const graph = buildEvents(steps);
    const time = new Map<EventKey, number>(graph.events.map((e) => [e, 0]));
    const via = new Map<EventKey, EventKey>();
    for (const from of topologicalOrder(graph)) {
        const t = time.get(from) as number;
        for (const e of graph.out.get(from) ?? []) {
            if (t + e.seconds > (time.get(e.to) as number)) {
                time.set(e.to, t + e.seconds);
                via.set(e.to, from);
            }
        }
    }
    const times = new Map<string, StepTimes>(
        steps.map((t) => [t.id, { startSeconds: time.get(startOf(t.id)) as number, finishSeconds: time.get(finishOf(t.id)) as number }]),
    );
    let last: EventKey | undefined;
    for (const t of steps) {
        if (last === undefined || (time.get(finishOf(t.id)) as number) > (time.get(last) as number)) {
            last = finishOf(t.id);
        }
    }
    return { times, totalSeconds: last === undefined ? 0 : (time.get(last) as number), criticalPath: backtrack(last, via, steps), unknownIds: graph.unknownIds };
}

/** Walks the binding predecessors back from the last finish, keeping steps whose own work lies on the path. */
function backtrack(last: EventKey | undefined, via: ReadonlyMap<EventKey, EventKey>, steps: readonly Step[]): string[] {
    const seconds = new Map(steps.map((t) => [t.id, t.seconds]));
    const path: string[] = [];
    for (let e = last; e !== undefined; e = via.get(e)) {
        const before = via.get(e);
        if (before !== undefined && e.startsWith("F ") && before === startOf(stepOf(e)) && (seconds.get(stepOf(e)) as number) > 0) {
            path.push(stepOf(e));
        }
    }
    return path.reverse();
}

/**
 * The chain by which `later` cannot start until `earlier` has finished, as step IDs from `earlier` to
 * `later`; undefined when `later` does not wait for `earlier` at all.
 */
export function waitChain(steps: readonly Step[], later: string, earlier: string): string[] | undefined {
    const graph = buildEvents(steps);
    const from = finishOf(earlier);
    const goal = startOf(later);
    const cameFrom = new Map<EventKey, EventKey | undefined>([[from, undefined]]);
    const queue: EventKey[] = [from];
    while (queue.length > 0) {
        const next = queue.shift() as EventKey;
        if (next === goal) {
            const chain: string[] = [];
            for (let e: EventKey | undefined = next; e !== undefined; e = cameFrom.get(e)) {
                if (chain[chain.length - 1] !== stepOf(e)) {
                    chain.push(stepOf(e));
                }
            }
            return chain.reverse();
        }
        for (const e of graph.out.get(next) ?? []) {
            if (!cameFrom.has(e.to)) {
                cameFrom.set(e.to, next);
                queue.push(e.to);
            }
        }
    }
    return undefined;
}
