import { certManager } from "./certManager";
import { clusterAutoscaler } from "./clusterAutoscaler";
import { externalSecrets } from "./externalSecrets";
import { fluentBit } from "./fluentBit";
import { keda } from "./keda";
import { kubePrometheusStack } from "./kubePrometheusStack";
import { loadBalancerController } from "./loadBalancerController";
import { metricsServer } from "./metricsServer";
import { openTelemetryCollector } from "./openTelemetryCollector";
import type { AddonsSettings } from "../../config/schema";
import type { AddonDefinition } from "./types";

export * from "./types";

/** Every add-on the platform can install, by its key in `platform:addons`. */
export const ADDONS = {
    loadBalancerController,
    externalSecrets,
    metricsServer,
    clusterAutoscaler,
    kubePrometheusStack,
    fluentBit,
    certManager,
    keda,
    openTelemetryCollector,
} satisfies Record<keyof AddonsSettings, AddonDefinition>;

export type AddonKey = keyof typeof ADDONS;
