import { strict as assert } from "assert";
import type { Connectivity } from "../../../tools/predict/connectivity";
import { graphArrows, graphFormat, renderGraph } from "../../../tools/predict/serviceGraph";

const edge = (from: string, to: string, port: number, declared: boolean, verdict: "allowed" | "blocked" = "allowed") => ({ from, to, port, protocol: "TCP", declared, verdict });
const c: Connectivity = {
    services: [
        { name: "web", callers: [{ from: "load balancer", ports: [8080] }], reaches: [] },
        { name: "api", callers: [{ from: "web", ports: [8081] }], reaches: [] },
    ],
    stores: ["database"],
    edges: [edge("web", "api", 8081, true), edge("web", "api", 9999, false, "blocked"), edge("api", "database", 5432, true), edge("api", "web", 8080, false), edge("web", "dns", 53, true)],
    violations: [],
};

describe("predict/serviceGraph", () => {
    it("chooses the format by the file's extension", () => {
        assert.deepEqual(["a.dot", "a.GV", "a.mmd", "a.mermaid", "a.png", "dot"].map(graphFormat), ["dot", "dot", "mermaid", "mermaid", undefined, undefined]);
    });

    it("draws one arrow per allowed pair between services, stores and the load balancer, undeclared ones apart", () => {
        assert.deepEqual(graphArrows(c), [
            { from: "web", to: "api", ports: [8081], declared: true },
            { from: "api", to: "database", ports: [5432], declared: true },
            { from: "api", to: "web", ports: [8080], declared: false },
            { from: "load balancer", to: "web", ports: [8080], declared: true },
        ]);
    });

    it("writes Graphviz DOT and Mermaid", () => {
        const dot = renderGraph(c, "dot");
        assert.match(dot, /^digraph services \{\n {2}rankdir=LR;/);
        assert.match(dot, /database \[label="database", shape=cylinder\];/);
        assert.match(dot, /web -> api \[label="8081"\];/);
        assert.match(dot, /api -> web \[label="8080", color=red, style=dashed, fontcolor=red\];/);
        assert.match(dot, /load_balancer -> web \[label="8080"\];/);
        const mermaid = renderGraph(c, "mermaid");
        assert.match(mermaid, /^flowchart LR\n/);
        assert.match(mermaid, /database\[\("database"\)\]/);
        assert.match(mermaid, /api -\.->\|8080\| web/);
        assert.match(mermaid, / {2}linkStyle 2 stroke:red\n/);
        assert.doesNotMatch(mermaid, /dns/);
    });
});
