import type { Environment } from "../../config/catalog";
import type { ProgramRun } from "../../offline/run";
import { levelFor } from "../../policies/lib/enforcement";
import type { Violation } from "../../policies/offline";
import type { Predictions } from "../predict";
import type { Connectivity } from "../predict/connectivity";
import type { GroupCapacity } from "../predict/capacity";
import { Style, table } from "./style";

/**
 * The predictions as the plan reports them: connectivity violations as results of a policy (enforced as
 * the pack enforces its own rules: mandatory in staging and prod), the JSON sections, and the report's
 * compact tables.
 */

export const CONNECTIVITY_POLICY = {
    name: "k8s-connectivity",
    summary: "Network policies allow each declared caller and data store, open no undeclared path, keep pods from the instance metadata service, and deny by default.",
} as const;

/** Connectivity violations as policy violations, each on its namespace (the stack when the program creates none). */
export function connectivityViolations(c: Connectivity, run: ProgramRun, environment: Environment): Violation[] {
    const level = levelFor(environment, CONNECTIVITY_POLICY.name);
    if (level !== "advisory" && level !== "mandatory") {
        return [];
    }
    const namespaceUrn = (ns: string) => run.resources.find((r) => r.type === "kubernetes:core/v1:Namespace" && (r.inputs.metadata as { name?: string } | undefined)?.name === ns)?.urn;
    return c.violations.map((v) => ({ policy: CONNECTIVITY_POLICY.name, level, resource: namespaceUrn(v.namespace), message: `${v.kind}: ${v.message}` }));
}

/** The JSON sections `connectivity`, `admission` and `capacity`. */
export function predictionsJson(p: Predictions): Record<string, unknown> {
    return {
        connectivity: p.connectivity,
        admission: p.admission,
        capacity: p.capacity,
    };
}

const mi = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)}Gi`;

function capacityRow(g: GroupCapacity, types: string, st: Style): string[] {
    const range = (a: number, b: number, f: (n: number) => string) => (a === b ? f(a) : `${f(a)}–${f(b)}`);
    const verdict = !g.atMinimum.fits || g.tooLarge.length > 0 ? st.red("minimum does not fit") : !g.atMaximum.fits ? st.yellow("maximum does not fit") : st.green("maximum fits");
    return [
        g.group,
        `${g.maxSize} × ${types}`,
        `CPU ${range(g.atMinimum.cpuMillis, g.atMaximum.cpuMillis, (n) => `${n}m`)} of ${g.capacity.cpuMillis}m`,
        `memory ${range(g.atMinimum.memoryBytes, g.atMaximum.memoryBytes, mi)} of ${mi(g.capacity.memoryBytes)}`,
        `pods ${range(g.atMinimum.pods, g.atMaximum.pods, String)} of ${g.capacity.pods}`,
        verdict,
    ];
}

/** What fails or warns among the predictions, for the report's "Needs attention". */
export function predictionAttention(p: Predictions, st: Style): string[] {
    return [
        ...p.admission.rejected.map((r) => st.red(`  ✗ Pod Security: namespace ${r.namespace} (${r.level}) rejects ${r.pod}: ${r.problems.join("; ")}`)),
        ...p.capacity.failures.map((f) => st.red(`  ✗ capacity: ${f}`)),
        ...p.capacity.warnings.map((w) => st.yellow(`  ! capacity: ${w}`)),
    ];
}

/** The report's sections: who reaches whom, what Pod Security admits, whether the pods fit. */
export function renderPredictions(p: Predictions, nodeTypes: ReadonlyMap<string, string>, st: Style): string[] {
    const c = p.connectivity;
    const declared = c.edges.filter((e) => e.declared);
    const undeclaredOpen = c.edges.filter((e) => !e.declared && e.verdict === "allowed" && !["internet", "imds"].includes(e.to));
    const out = [
        st.bold(`Connectivity:`) +
            ` ${c.services.length} services; ${declared.filter((e) => e.verdict === "allowed").length} of ${declared.length} declared edges allowed, ${undeclaredOpen.length} undeclared open, ${c.violations.length === 0 ? st.green("no violations") : st.red(`${c.violations.length} violation(s) (policy ${CONNECTIVITY_POLICY.name})`)}`,
    ];
    const listed = (items: { name: string; ports: number[] }[]) => items.map((x) => `${x.name}:${x.ports.join("/")}`).join(", ");
    out.push(
        ...table(
            c.services.map((s) => [
                s.name,
                `← ${listed(s.callers.map((x) => ({ name: x.from.replace(/^add-on \S+ /, ""), ports: x.ports }))) || "nobody"}`,
                `→ ${listed(s.reaches.map((x) => ({ name: x.to, ports: x.ports })))}`,
            ]),
        ),
    );
    const a = p.admission;
    const byLevel = (level: string) => a.namespaces.filter((n) => n.level === level).length;
    out.push(
        "",
        st.bold("Admission:") +
            ` ${a.pods.length} pods in ${a.namespaces.length} namespaces (${byLevel("restricted")} restricted, ${byLevel("baseline")} baseline, ${byLevel("privileged")} privileged): ${a.rejected.length === 0 ? st.green("all admitted") : st.red(`${a.rejected.length} rejected (above)`)}`,
    );
    out.push("", st.bold("Capacity:") + " pods at their minimum–maximum replicas against each node group at its maximum size (weakest listed type)");
    out.push(...table(p.capacity.groups.map((g) => capacityRow(g, nodeTypes.get(g.group) ?? "?", st))));
    return out;
}
