import type { Connectivity } from "./connectivity";

/**
 * The service graph a reviewer can look at: catalog services, the data stores and the load balancer, with
 * an arrow for every connection the network policies allow between them (labelled with the ports), drawn
 * red and dashed when no declaration asked for it. Graphviz DOT or Mermaid, chosen by the file's extension.
 */

export type GraphFormat = "dot" | "mermaid";

/** The format a file name asks for: `.dot`/`.gv` for Graphviz, `.mmd`/`.mermaid` for Mermaid. */
export function graphFormat(file: string): GraphFormat | undefined {
    const ext = /\.([a-z]+)$/.exec(file.toLowerCase())?.[1];
    return ext === "dot" || ext === "gv" ? "dot" : ext === "mmd" || ext === "mermaid" ? "mermaid" : undefined;
}

interface Arrow {
    readonly from: string;
    readonly to: string;
    readonly ports: number[];
    readonly declared: boolean;
}

/** The arrows between services, stores and the load balancer, one per pair, with their ports. */
export function graphArrows(c: Connectivity): Arrow[] {
    const stores = c.stores;
    const services = new Set(c.services.map((s) => s.name));
    const arrows = new Map<string, Arrow>();
    for (const e of c.edges) {
        if (e.verdict !== "allowed" || !services.has(e.from) || !(services.has(e.to) || stores.includes(e.to))) {
            continue;
        }
        const key = `${e.from}→${e.to}`;
        const a = arrows.get(key);
        arrows.set(key, { from: e.from, to: e.to, ports: [...(a?.ports ?? []), e.port], declared: (a?.declared ?? true) && e.declared });
    }
    for (const s of c.services) {
        const lb = s.callers.find((x) => x.from === "load balancer");
        if (lb !== undefined) {
            arrows.set(`lb→${s.name}`, { from: "load balancer", to: s.name, ports: lb.ports, declared: true });
        }
    }
    return [...arrows.values()];
}

const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, "_");

/** The graph as text in the format asked for. */
export function renderGraph(c: Connectivity, format: GraphFormat): string {
    const stores = c.stores;
    const arrows = graphArrows(c);
    const used = new Set(arrows.flatMap((a) => [a.from, a.to]));
    const nodes = [...c.services.map((s) => s.name), ...stores.filter((s) => used.has(s)), ...(used.has("load balancer") ? ["load balancer"] : [])];
    const shape = (n: string) => (stores.includes(n) ? "store" : n === "load balancer" ? "edge" : "service");
    if (format === "dot") {
        const attrs: Record<string, string> = { store: "shape=cylinder", edge: "shape=trapezium", service: "shape=box" };
        return [
            "digraph services {",
            "  rankdir=LR;",
            ...nodes.map((n) => `  ${id(n)} [label="${n}", ${attrs[shape(n)]}];`),
            ...arrows.map((a) => `  ${id(a.from)} -> ${id(a.to)} [label="${a.ports.join(",")}"${a.declared ? "" : ', color=red, style=dashed, fontcolor=red'}];`),
            "}",
            "",
        ].join("\n");
    }
    const box: Record<string, (n: string) => string> = { store: (n) => `[("${n}")]`, edge: (n) => `[/"${n}"\\]`, service: (n) => `["${n}"]` };
    const undeclared = arrows.map((a, i) => (a.declared ? -1 : i)).filter((i) => i >= 0);
    return [
        "flowchart LR",
        ...nodes.map((n) => `  ${id(n)}${box[shape(n)](n)}`),
        ...arrows.map((a) => `  ${id(a.from)} ${a.declared ? "-->" : "-.->"}|${a.ports.join(",")}| ${id(a.to)}`),
        ...(undeclared.length > 0 ? [`  linkStyle ${undeclared.join(",")} stroke:red`] : []),
        "",
    ].join("\n");
}
