export * from "./common";
export * from "./ingress";
export * from "./networkPolicies";
export * from "./observability";
export * from "./secrets";
export * from "./workload";
