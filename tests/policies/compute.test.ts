import { PlatformPolicy } from "../../policies/lib/rule";
import { UNKNOWN } from "../../policies/lib/values";
import { COMPUTE_POLICIES } from "../../policies/rules/compute";
import { RuleCase, resource } from "../../policies/testing";
import { describeRuleCases } from "./ruleCases";

const POOL = "kubernetes:karpenter.sh/v1:NodePool";

/** A NodePool as the platform writes it, with its spec's parts replaced per case. */
const pool = (spec: Record<string, unknown> = {}, capacity: string[] = ["on-demand"]) =>
    resource(POOL, {
        metadata: { name: "apps" },
        spec: {
            template: { spec: { requirements: [{ key: "karpenter.sh/capacity-type", operator: "In", values: capacity }] } },
            disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", budgets: [{ nodes: "10%" }] },
            limits: { cpu: "24", memory: "96Gi" },
            ...spec,
        },
    });
const group = (capacityType: string) => resource("aws:eks/nodeGroup:NodeGroup", { capacityType, instanceTypes: ["m7g.large"] });

const CASES: Record<string, RuleCase[]> = {
    "compute-on-demand": [
        { title: "an on-demand node group", resources: [group("ON_DEMAND")] },
        { title: "an on-demand NodePool", resources: [pool()] },
        { title: "a NodePool without a capacity-type requirement (on-demand only)", resources: [pool({ template: { spec: { requirements: [] } } })] },
        { title: "a spot node group", resources: [group("SPOT")], violation: /capacityType is SPOT/ },
        { title: "a NodePool that allows spot", resources: [pool({}, ["spot", "on-demand"])], violation: /allows spot/ },
    ],
    "nodepool-disruption-budget": [
        { title: "a tenth of the nodes at a time", resources: [pool()] },
        { title: "budgets not known yet", resources: [pool({ disruption: { budgets: UNKNOWN } })] },
        { title: "no budget", resources: [pool({ disruption: { consolidationPolicy: "WhenEmpty" } })], violation: /has no spec.disruption.budgets/ },
        { title: "a budget of every node", resources: [pool({ disruption: { budgets: [{ nodes: "100%" }] } })], violation: /lets every node go at once/ },
    ],
    "nodepool-limits": [
        { title: "CPU and memory limits", resources: [pool()] },
        { title: "no limits", resources: [pool({ limits: undefined })], violation: /lacks cpu and memory/ },
        { title: "a CPU limit only", resources: [pool({ limits: { cpu: "8" } })], violation: /lacks memory/ },
    ],
};

const POLICIES: readonly PlatformPolicy[] = COMPUTE_POLICIES;

describeRuleCases("policies: EKS compute rules", POLICIES, CASES);
