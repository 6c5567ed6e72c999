import { strict as assert } from "assert";
import { ADDONS } from "../../../components/addons";
import { DASHBOARD_LABEL } from "../../../components/observability/dashboards";
import { deepMerge } from "../../../lib/merge";
import { addonFacts } from "./addonFacts";
import { ofType, one, stackRun } from "../../harness";

type AnyObj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The defaults that decide Grafana's RBAC: the grafana chart 12.7.2's values.yaml (`rbac`, `serviceAccount`,
 * each sidecar's `enabled`, `searchNamespace: null`, `resource: both`, `extraObjects: []`), under
 * kube-prometheus-stack 87.12.1's `grafana:` values (dashboards and datasources sidecars on, the dashboards
 * one with `searchNamespace: ALL` and `labelValue: "1"`).
 */
const sidecar = (enabled: boolean) => ({ enabled, searchNamespace: null, resource: "both" });
const GRAFANA_DEFAULTS = {
    namespaceOverride: "",
    rbac: { create: true, namespaced: false, namespaces: [], extraRoleRules: [], extraClusterRoleRules: [] },
    serviceAccount: { create: true, name: "" },
    sidecar: { alerts: sidecar(false), dashboards: { ...sidecar(false), label: "grafana_dashboard", labelValue: "" }, datasources: sidecar(false), plugins: sidecar(false) },
    extraObjects: [],
};
const KPS_GRAFANA_DEFAULTS = { sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" }, datasources: { enabled: true } } };

interface Rule {
    readonly apiGroups: string[];
    readonly resources: string[];
    readonly verbs: string[];
}
/** What one binding gives Grafana's service account: rules, cluster-wide or in one namespace. */
interface Grant {
    readonly scope: "cluster" | { namespace: string };
    readonly rules: Rule[] | "unknown role";
}

/**
 * The grants Grafana's service account receives from the grafana chart's RBAC templates and extraObjects,
 * modelled on grafana-community/helm-charts `charts/grafana/templates/` (role.yaml and clusterrole.yaml
 * keep these conditions in every stored version: role.yaml at c7484ff49887 and 79c60b46d3ed,
 * clusterrole.yaml at b85d8fc97784, rolebinding.yaml at b11cd8618705; clusterrolebinding.yaml as in
 * grafana/helm-charts at 8a6426b41580):
 * - clusterrole.yaml renders when rbac.create and (not rbac.namespaced or extraClusterRoleRules) and no
 *   rbac.useExistingClusterRole; with any sidecar on, its first rule is get/watch/list on configmaps AND
 *   secrets; clusterrolebinding.yaml binds it (or useExistingClusterRole) under the same first two conditions.
 * - role.yaml renders, in the release namespace and each of rbac.namespaces, when rbac.create and
 *   rbac.namespaced and no rbac.useExistingRole, with the same configmaps-and-secrets rule when the
 *   dashboards, datasources or plugins sidecar is on; rolebinding.yaml binds it there whenever rbac.create.
 * - extraObjects render as given; their bindings count when a subject is Grafana's service account.
 */
function grafanaGrants(values: AnyObj, release: string, releaseNamespace: string): Grant[] {
    const rbac = values.rbac;
    const sidecars = values.sidecar;
    const namespace = values.namespaceOverride || releaseNamespace;
    // _helpers.tpl: grafana.fullname is the release name when it contains the chart name, else "<release>-grafana".
    const fullname = release.includes("grafana") ? release : `${release}-grafana`;
    const serviceAccount = values.serviceAccount.create ? values.serviceAccount.name || fullname : values.serviceAccount.name || "default";
    const sidecarRule: Rule = { apiGroups: [""], resources: ["configmaps", "secrets"], verbs: ["get", "watch", "list"] };
    const roles = new Map<string, Rule[]>();
    const bindings: { scope: Grant["scope"]; role: string }[] = [];
    const clusterRules = rbac.extraClusterRoleRules.length > 0;
    if (rbac.create && (!rbac.namespaced || clusterRules)) {
        if (!rbac.useExistingClusterRole) {
            const anySidecar = ["dashboards", "datasources", "plugins", "alerts"].some((s) => sidecars[s]?.enabled);
            roles.set(`ClusterRole/${fullname}-clusterrole`, [...(anySidecar ? [sidecarRule] : []), ...rbac.extraClusterRoleRules]);
        }
        bindings.push({ scope: "cluster", role: `ClusterRole/${rbac.useExistingClusterRole ?? `${fullname}-clusterrole`}` });
    }
    const roleNamespaces = [...rbac.namespaces, namespace];
    if (rbac.create) {
        for (const ns of roleNamespaces) {
            if (rbac.namespaced && !rbac.useExistingRole) {
                const anySidecar = ["dashboards", "datasources", "plugins"].some((s) => sidecars[s]?.enabled);
                roles.set(`Role/${ns}/${fullname}`, [...(anySidecar ? [sidecarRule] : []), ...rbac.extraRoleRules]);
            }
            bindings.push({ scope: { namespace: ns }, role: `Role/${ns}/${rbac.useExistingRole ?? fullname}` });
        }
    }
    for (const o of values.extraObjects as AnyObj[]) {
        if (o.kind === "ClusterRole") {
            roles.set(`ClusterRole/${o.metadata.name}`, o.rules);
        } else if (o.kind === "Role") {
            roles.set(`Role/${o.metadata.namespace ?? namespace}/${o.metadata.name}`, o.rules);
        }
    }
    for (const o of values.extraObjects as AnyObj[]) {
        const bound = (o.subjects ?? []).some((s: AnyObj) => s.kind === "ServiceAccount" && s.name === serviceAccount && s.namespace === namespace);
        if (o.kind === "ClusterRoleBinding" && bound) {
            bindings.push({ scope: "cluster", role: `ClusterRole/${o.roleRef.name}` });
        } else if (o.kind === "RoleBinding" && bound) {
            const ns = o.metadata.namespace ?? namespace;
            bindings.push({ scope: { namespace: ns }, role: `${o.roleRef.kind === "ClusterRole" ? "ClusterRole" : `Role/${ns}`}/${o.roleRef.name}` });
        }
    }
    return bindings.map((b) => ({ scope: b.scope, rules: roles.get(b.role) ?? "unknown role" }));
}

const covers = (list: string[], item: string) => list.includes(item) || list.includes("*");

/** Whether the grants let the service account use `verb` on core-group `resource` in `namespace` ("*" for every namespace at once). */
function permits(grants: Grant[], verb: string, resource: string, namespace: string): boolean {
    return grants.some(
        (g) =>
            (g.scope === "cluster" || (namespace !== "*" && g.scope.namespace === namespace)) &&
            g.rules !== "unknown role" &&
            g.rules.some((r) => covers(r.apiGroups, "") && covers(r.resources, resource) && covers(r.verbs, verb)),
    );
}

/** Where each enabled sidecar lists and watches, and what: `searchNamespace` ALL is every namespace at once, none is Grafana's own. */
function sidecarNeeds(values: AnyObj, namespace: string): { sidecar: string; resource: string; namespace: string }[] {
    const kinds: Record<string, string[]> = { both: ["configmaps", "secrets"], configmap: ["configmaps"], secret: ["secrets"] };
    return Object.entries(values.sidecar as Record<string, AnyObj>)
        .filter(([, s]) => s.enabled)
        .flatMap(([name, s]) => {
            const search = s.searchNamespace;
            const namespaces = search === "ALL" ? ["*"] : search ? [search].flat().flatMap((n: string) => n.split(",")) : [namespace];
            return kinds[s.resource].flatMap((resource) => namespaces.map((ns) => ({ sidecar: name, resource, namespace: ns })));
        });
}

const kps = ADDONS.kubePrometheusStack;
const grafanaValues = (own: AnyObj) => deepMerge(deepMerge(GRAFANA_DEFAULTS, KPS_GRAFANA_DEFAULTS), own) as AnyObj;
const SECRET_VERBS = ["get", "list", "watch"];

describe("Grafana's access to the Kubernetes API", () => {
    it("the model reproduces the chart's defaults: Secrets readable cluster-wide", () => {
        const grants = grafanaGrants(grafanaValues({}), kps.name, kps.namespace);
        assert.ok(SECRET_VERBS.every((v) => permits(grants, v, "secrets", "*")));
        const namespacedOnly = grafanaGrants(grafanaValues({ rbac: { namespaced: true } }), kps.name, kps.namespace);
        assert.ok(!permits(namespacedOnly, "list", "configmaps", "*"), "namespaced RBAC alone cannot serve a sidecar searching ALL");
        assert.ok(permits(namespacedOnly, "list", "secrets", "monitoring"), "and still reads the Secrets of its own namespace");
    });

    it("can read no Secret, in any namespace", () => {
        const values = grafanaValues((kps.values(addonFacts()) as AnyObj).grafana);
        const grants = grafanaGrants(values, kps.name, kps.namespace);
        assert.ok(grants.length > 0);
        for (const namespace of ["*", "monitoring", "kube-system", "api"]) {
            for (const verb of SECRET_VERBS) {
                assert.ok(!permits(grants, verb, "secrets", namespace), `${verb} secrets in ${namespace}`);
            }
        }
        // A binding to a role that does not exist grants nothing today, and whatever is created later under that name.
        assert.deepEqual(grants.filter((g) => g.rules === "unknown role"), [], "every binding refers to a role the release creates");
    });

    it("still lets every sidecar list and watch what it searches for", () => {
        const values = grafanaValues((kps.values(addonFacts()) as AnyObj).grafana);
        const grants = grafanaGrants(values, kps.name, kps.namespace);
        const needs = sidecarNeeds(values, kps.namespace);
        assert.deepEqual([...new Set(needs.map((n) => n.sidecar))].sort(), ["dashboards", "datasources"]);
        for (const need of needs) {
            assert.ok(["list", "watch"].every((v) => permits(grants, v, need.resource, need.namespace)), JSON.stringify(need));
        }
    });

    it("finds each service's dashboard, which lives in the service's own namespace", async () => {
        const run = await stackRun("dev");
        const values = grafanaValues((one(run, "kubernetes:helm.sh/v3:Release", "addons-kube-prometheus-stack-release").inputs.values as AnyObj).grafana);
        const [[label, labelValue]] = Object.entries(DASHBOARD_LABEL);
        assert.deepEqual([values.sidecar.dashboards.label, values.sidecar.dashboards.labelValue], [label, labelValue]);
        const dashboards = ofType(run, "kubernetes:core/v1:ConfigMap").filter((c) => (c.inputs.metadata as AnyObj)?.labels?.[label] === labelValue);
        assert.ok(dashboards.length > 0);
        const needs = sidecarNeeds(values, kps.namespace).filter((n) => n.sidecar === "dashboards" && n.resource === "configmaps");
        const grants = grafanaGrants(values, kps.name, kps.namespace);
        for (const cm of dashboards) {
            const ns = (cm.inputs.metadata as AnyObj).namespace as string;
            assert.ok(needs.some((n) => n.namespace === "*" || n.namespace === ns), `the sidecar searches ${ns}`);
            assert.ok(permits(grants, "list", "configmaps", ns), `and may list ConfigMaps there (${ns})`);
        }
    });
});
