import { PolicyPack } from "@pulumi/policy";
import { defaultLevel, environmentFromProcess } from "./lib/enforcement";
import { packPolicies } from "./pack";

// Constructing the pack starts CrossGuard's gRPC server, so this module does nothing else: the rules
// live in ./rules, and tests and the offline plan import ./pack and ./offline instead.
const { environment } = environmentFromProcess(process.env);

new PolicyPack("platform-policies", {
    description: "Security and reliability controls of the platform: AWS FSBP, CIS Amazon EKS, Pod Security Standards (restricted) and workload hygiene.",
    enforcementLevel: defaultLevel(environment),
    policies: packPolicies(environment),
});
