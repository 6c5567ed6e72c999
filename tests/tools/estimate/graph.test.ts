import { strict as assert } from "assert";
import { Step, schedule, waitChain } from "../../../tools/estimate/graph";

const step = (id: string, seconds: number, after: string[] = [], parent?: string): Step => ({ id, seconds, after, parent });

/** Start and finish of each step, as [start, finish] pairs by ID. */
function times(steps: Step[]): Record<string, [number, number]> {
    const s = schedule(steps);
    return Object.fromEntries([...s.times].map(([id, t]) => [id, [t.startSeconds, t.finishSeconds]]));
}

describe("estimate: deployment graph", () => {
    it("runs a chain one after another", () => {
        const steps = [step("a", 10), step("b", 20, ["a"]), step("c", 5, ["b"])];
        const s = schedule(steps);
        assert.equal(s.totalSeconds, 35);
        assert.deepEqual(s.criticalPath, ["a", "b", "c"]);
        assert.deepEqual(times(steps).c, [30, 35]);
    });

    it("runs independent steps in parallel and takes the longer branch of a diamond", () => {
        const steps = [step("top", 5), step("slow", 60, ["top"]), step("fast", 10, ["top"]), step("join", 1, ["slow", "fast"])];
        const s = schedule(steps);
        assert.equal(s.totalSeconds, 66);
        assert.deepEqual(s.criticalPath, ["top", "slow", "join"]);
        assert.deepEqual(times(steps).fast, [5, 15]);
    });

    it("finishes a component with its last child, and starts children no earlier than the component", () => {
        const steps = [
            step("key", 30),
            step("db", 0, ["key"]), // a component that waits for the key before it registers
            step("db-sg", 3, [], "db"),
            step("db-instance", 450, ["db-sg"], "db"),
        ];
        const t = times(steps);
        assert.deepEqual(t["db-sg"], [30, 33]);
        assert.deepEqual(t.db, [30, 483]);
        const s = schedule(steps);
        assert.equal(s.totalSeconds, 483);
        assert.deepEqual(s.criticalPath, ["key", "db-sg", "db-instance"]);
    });

    it("makes a step that depends on a component wait for all of the component's children", () => {
        const steps = [step("net", 0), step("vpc", 5, [], "net"), step("nat", 105, ["vpc"], "net"), step("sg", 3, ["net"])];
        const t = times(steps);
        assert.deepEqual(t.sg, [110, 113]);
        assert.deepEqual(schedule(steps).criticalPath, ["vpc", "nat", "sg"]);
    });

    it("lets a child start while its parent's other children are still running", () => {
        const steps = [step("c", 0), step("slow", 600, [], "c"), step("quick", 2, [], "c")];
        assert.deepEqual(times(steps).quick, [0, 2]);
    });

    it("reports dependencies on unknown steps and ignores them", () => {
        const s = schedule([step("a", 1, ["elsewhere"])]);
        assert.deepEqual(s.unknownIds, ["elsewhere"]);
        assert.equal(s.totalSeconds, 1);
    });

    it("names the steps of a cycle", () => {
        assert.throws(() => schedule([step("a", 1, ["b"]), step("b", 1, ["a"]), step("c", 1)]), /cycle through: a, b/);
    });

    it("explains why one step waits for another, through components too", () => {
        const steps = [step("net", 0), step("vpc", 5, [], "net"), step("sg", 3, ["net"]), step("db", 450, ["sg"]), step("cluster", 600, ["vpc"])];
        assert.deepEqual(waitChain(steps, "db", "vpc"), ["vpc", "net", "sg", "db"]);
        assert.equal(waitChain(steps, "db", "cluster"), undefined);
        assert.equal(waitChain(steps, "vpc", "db"), undefined);
    });

    it("returns an empty schedule for no steps", () => {
        const s = schedule([]);
        assert.equal(s.totalSeconds, 0);
        assert.deepEqual(s.criticalPath, []);
    });
});
