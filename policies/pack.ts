import type { EnforcementLevel } from "@pulumi/policy";
import type { Environment } from "../config/catalog";
import { levelFor } from "./lib/enforcement";
import { PlatformPolicy } from "./lib/rule";
import { AWS_DATA_POLICIES } from "./rules/awsData";
import { AWS_NETWORK_POLICIES } from "./rules/awsNetwork";
import { AWS_SECURITY_POLICIES } from "./rules/awsSecurity";
import { CI_POLICIES } from "./rules/ci";
import { COMPUTE_POLICIES } from "./rules/compute";
import { EKS_POLICIES } from "./rules/eks";
import { HYGIENE_POLICIES } from "./rules/hygiene";
import { KUBERNETES_POLICIES } from "./rules/kubernetes";
import { POD_SECURITY_POLICIES } from "./rules/podSecurity";
import { STACK_POLICIES } from "./rules/stack";

/** The rule modules, in the order the README's table lists them. */
export const POLICY_GROUPS: readonly { readonly title: string; readonly policies: readonly PlatformPolicy[] }[] = [
    { title: "AWS network", policies: AWS_NETWORK_POLICIES },
    { title: "EKS control plane", policies: EKS_POLICIES },
    { title: "EKS compute", policies: COMPUTE_POLICIES },
    { title: "AWS data stores", policies: AWS_DATA_POLICIES },
    { title: "AWS keys, secrets and IAM", policies: AWS_SECURITY_POLICIES },
    { title: "CI runner", policies: CI_POLICIES },
    { title: "Kubernetes (CIS EKS)", policies: KUBERNETES_POLICIES },
    { title: "Pod Security Standards", policies: POD_SECURITY_POLICIES },
    { title: "Workload hygiene", policies: HYGIENE_POLICIES },
    { title: "Stack", policies: STACK_POLICIES },
];

/** Every policy of the pack. */
export const POLICIES: readonly PlatformPolicy[] = POLICY_GROUPS.flatMap((g) => g.policies);

/** The pack's policies with the environment's default level declared on each (config overrides it). */
export function packPolicies(environment: Environment): PlatformPolicy[] {
    return POLICIES.map((p) => ({ ...p, enforcementLevel: levelFor(environment, p.name) as EnforcementLevel }));
}

/** One row of the README's table of rules. */
export interface PolicySummary {
    readonly group: string;
    readonly name: string;
    readonly kind: "resource" | "stack";
    readonly controls: readonly string[];
    readonly summary: string;
    readonly severity: string;
}

/** What each policy guards and which controls it implements. */
export function policyTable(): PolicySummary[] {
    return POLICY_GROUPS.flatMap((g) =>
        g.policies.map((p) => ({
            group: g.title,
            name: p.name,
            kind: "validateStack" in p ? ("stack" as const) : ("resource" as const),
            controls: p.controls,
            summary: p.summary,
            severity: p.severity ?? "medium",
        })),
    );
}

/** The README's table of rules, generated so that it cannot drift from the code. */
export function policyTableMarkdown(): string {
    const rows = policyTable().map((r) => `| ${r.group} | \`${r.name}\` | ${r.kind} | ${r.controls.join(", ")} | ${r.summary.replace(/\|/g, "\\|")} |`);
    return ["| group | policy | kind | controls | what it checks |", "|---|---|---|---|---|", ...rows].join("\n");
}
