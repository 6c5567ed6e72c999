/**
 * Auto Mode's `eks.amazonaws.com/v1` objects have no published schema package. IngressClassParams is checked
 * against the fields the EKS user guide documents for it ("IngressClassParams Reference" in auto-configure-alb:
 * scheme, namespaceSelector, group.name, ipAddressType, subnets, certificateARNs, tags, loadBalancerAttributes),
 * so that a misspelt or misplaced field fails the plan as a schema error would.
 */

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

const SPEC_FIELDS = ["scheme", "namespaceSelector", "group", "ipAddressType", "subnets", "certificateARNs", "tags", "loadBalancerAttributes"];
const SCHEMES = ["internet-facing", "internal"];
const IP_ADDRESS_TYPES = ["ipv4", "dualstack"];

/** Problems of an IngressClassParams object, in the shape schema validation reports them. */
export function ingressClassParamsProblems(object: Record<string, unknown>): string[] {
    const problems: string[] = [];
    const spec = object.spec;
    if (spec === undefined) {
        return problems;
    }
    if (!isRecord(spec)) {
        return ["spec must be object"];
    }
    for (const key of Object.keys(spec).filter((k) => !SPEC_FIELDS.includes(k))) {
        problems.push(`spec must NOT have additional properties (${key})`);
    }
    if (spec.scheme !== undefined && !SCHEMES.includes(String(spec.scheme))) {
        problems.push(`spec/scheme must be equal to one of the allowed values (${SCHEMES.join(", ")})`);
    }
    if (spec.ipAddressType !== undefined && !IP_ADDRESS_TYPES.includes(String(spec.ipAddressType))) {
        problems.push(`spec/ipAddressType must be equal to one of the allowed values (${IP_ADDRESS_TYPES.join(", ")})`);
    }
    if (spec.group !== undefined && (!isRecord(spec.group) || typeof spec.group.name !== "string" || Object.keys(spec.group).some((k) => k !== "name"))) {
        problems.push("spec/group must be an object with a string name only");
    }
    if (spec.certificateARNs !== undefined && (!Array.isArray(spec.certificateARNs) || spec.certificateARNs.some((a) => typeof a !== "string"))) {
        problems.push("spec/certificateARNs must be an array of strings");
    }
    return problems;
}

/** Validators of the kinds above by `apiVersion kind`. */
export const LOCAL_SCHEMAS: Readonly<Record<string, (object: Record<string, unknown>) => string[]>> = {
    "eks.amazonaws.com/v1 IngressClassParams": ingressClassParamsProblems,
};
