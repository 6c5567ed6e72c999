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

/**
 * A start or finish event of a step; the schedule is a longest-path problem over these. Step `i` (in the
 * order given) starts at event `2i` and finishes at event `2i + 1`: numbers, not strings, because a large
 * plan has thousands of steps and every edge is looked up while scheduling.
 */
type Event = number;
const startOf = (step: number): Event => 2 * step;
const finishOf = (step: number): Event => 2 * step + 1;
const stepOf = (event: Event): number => event >> 1;
const isFinish = (event: Event): boolean => (event & 1) === 1;

interface EventGraph {
    /** For each event, the events that wait for it and by how many seconds. */
    readonly to: number[][];
    readonly seconds: number[][];
    readonly unknownIds: string[];
}

/**
 * Four kinds of edge: a dependency's finish precedes a start; a parent's start precedes its children's
 * starts; a step's start precedes its finish by its duration; a child's finish precedes its parent's finish.
 */
function buildEvents(steps: readonly Step[]): EventGraph {
    const index = new Map<string, number>();
    steps.forEach((t, i) => index.set(t.id, i));
    const to: number[][] = Array.from({ length: 2 * steps.length }, () => []);
    const seconds: number[][] = Array.from({ length: 2 * steps.length }, () => []);
    const unknown = new Set<string>();
    const add = (from: Event, next: Event, s: number) => {
        to[from].push(next);
        seconds[from].push(s);
    };
    steps.forEach((t, i) => {
        add(startOf(i), finishOf(i), t.seconds);
        for (const dep of new Set(t.after)) {
            const d = index.get(dep);
            if (d !== undefined) {
                add(finishOf(d), startOf(i), 0);
            } else {
                unknown.add(dep);
            }
        }
        if (t.parent !== undefined) {
            const p = index.get(t.parent);
            if (p !== undefined) {
                add(startOf(p), startOf(i), 0);
                add(finishOf(i), finishOf(p), 0);
            } else {
                unknown.add(t.parent);
            }
        }
    });
    return { to, seconds, unknownIds: [...unknown] };
}

/** Events in an order where every edge points forward; throws naming the steps of a cycle if there is one. */
function topologicalOrder(graph: EventGraph, steps: readonly Step[]): Event[] {
    const indegree = new Array<number>(graph.to.length).fill(0);
    for (const edges of graph.to) {
        for (const e of edges) {
            indegree[e]++;
        }
    }
    // The order doubles as the queue (first in, first out): an event joins it once all its predecessors
    // are in it, and is read in turn.
    const order: Event[] = [];
    indegree.forEach((n, e) => {
        if (n === 0) {
            order.push(e);
        }
    });
    for (let i = 0; i < order.length; i++) {
        for (const e of graph.to[order[i]]) {
            if (--indegree[e] === 0) {
                order.push(e);
            }
        }
    }
    if (order.length < graph.to.length) {
        const stuck = [...new Set(indegree.flatMap((n, e) => (n > 0 ? [steps[stepOf(e)].id] : [])))];
        throw new Error(`deployment graph has a cycle through: ${stuck.slice(0, 8).join(", ")}${stuck.length > 8 ? ", …" : ""}`);
    }
    return order;
}

/** Earliest start and finish of every step, and the chain of work that decides the total. */
export function schedule(steps: readonly Step[]): Schedule {
    const graph = buildEvents(steps);
    const time = new Array<number>(graph.to.length).fill(0);
    const via = new Array<Event>(graph.to.length).fill(-1);
    for (const from of topologicalOrder(graph, steps)) {
        const edges = graph.to[from];
        for (let k = 0; k < edges.length; k++) {
            const t = time[from] + graph.seconds[from][k];
            if (t > time[edges[k]]) {
                time[edges[k]] = t;
                via[edges[k]] = from;
            }
        }
    }
    const times = new Map<string, StepTimes>(steps.map((t, i) => [t.id, { startSeconds: time[startOf(i)], finishSeconds: time[finishOf(i)] }]));
    let last: Event | undefined;
    steps.forEach((_, i) => {
        if (last === undefined || time[finishOf(i)] > time[last]) {
            last = finishOf(i);
        }
    });
    return { times, totalSeconds: last === undefined ? 0 : time[last], criticalPath: backtrack(last, via, steps), unknownIds: graph.unknownIds };
}

/** Walks the binding predecessors back from the last finish, keeping steps whose own work lies on the path. */
function backtrack(last: Event | undefined, via: readonly Event[], steps: readonly Step[]): string[] {
    const path: string[] = [];
    for (let e = last ?? -1; e >= 0; e = via[e]) {
        const before = via[e];
        if (before >= 0 && isFinish(e) && before === startOf(stepOf(e)) && steps[stepOf(e)].seconds > 0) {
            path.push(steps[stepOf(e)].id);
        }
    }
    return path.reverse();
}

/**
 * The chain by which `later` cannot start until `earlier` has finished, as step IDs from `earlier` to
 * `later`; undefined when `later` does not wait for `earlier` at all.
 */
export function waitChain(steps: readonly Step[], later: string, earlier: string): string[] | undefined {
    const first = steps.findIndex((t) => t.id === earlier);
    const last = steps.findIndex((t) => t.id === later);
    if (first < 0 || last < 0) {
        return undefined;
    }
    const graph = buildEvents(steps);
    const from = finishOf(first);
    const goal = startOf(last);
    const cameFrom = new Map<Event, Event | undefined>([[from, undefined]]);
    const queue: Event[] = [from];
    for (let i = 0; i < queue.length; i++) {
        const next = queue[i];
        if (next === goal) {
            const chain: string[] = [];
            for (let e: Event | undefined = next; e !== undefined; e = cameFrom.get(e)) {
                if (chain[chain.length - 1] !== steps[stepOf(e)].id) {
                    chain.push(steps[stepOf(e)].id);
                }
            }
            return chain.reverse();
        }
        for (const e of graph.to[next]) {
            if (!cameFrom.has(e)) {
                cameFrom.set(e, next);
                queue.push(e);
            }
        }
    }
    return undefined;
}
