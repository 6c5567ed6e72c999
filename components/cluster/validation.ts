import { ArgProblem, KeyName, argumentName } from "../../lib/validation";

/** A public API endpoint needs an allowlist: with none, EKS opens it to 0.0.0.0/0. */
export function endpointAccessProblems(
    a: { readonly endpointPublicAccess: boolean; readonly publicAccessCidrs: readonly string[] },
    name: KeyName = argumentName,
): ArgProblem[] {
    return a.endpointPublicAccess && a.publicAccessCidrs.length === 0
        ? [
              {
                  key: "publicAccessCidrs",
                  value: a.publicAccessCidrs,
                  message: `is empty while ${name("endpointPublicAccess")} is true, which EKS treats as 0.0.0.0/0; list the networks allowed`,
              },
          ]
        : [];
}
