/**
 * The Kubernetes provider's modules the program uses, each loaded on its own, for components to import
 * instead of `@pulumi/kubernetes`: the package root loads every API group and, through its Helm v3 and YAML
 * support, a file-globbing library, which the program does not use.
 *
 * A resource that a multi-language component (@pulumi/eks) returns arrives as a resource object only when
 * its group's module is loaded, otherwise as its ID; the program reads no such output. Add a group here
 * before using it.
 */
export * as apiextensions from "@pulumi/kubernetes/apiextensions";
export * as apps from "@pulumi/kubernetes/apps";
export * as autoscaling from "@pulumi/kubernetes/autoscaling";
export * as batch from "@pulumi/kubernetes/batch";
export * as core from "@pulumi/kubernetes/core";
export * as networking from "@pulumi/kubernetes/networking";
export * as policy from "@pulumi/kubernetes/policy";
export * as storage from "@pulumi/kubernetes/storage";
export * as types from "@pulumi/kubernetes/types";
export { Provider } from "@pulumi/kubernetes/provider";
/** A Helm v3 release (`helm.v3.Release` of the package root, whose Helm index also loads the YAML support). */
export { Release as HelmRelease } from "@pulumi/kubernetes/helm/v3/release";
/** A set of objects from a YAML file (`yaml.v2.ConfigFile` of the package root): the local stack's operator release manifests. */
export { ConfigFile as YamlConfigFile } from "@pulumi/kubernetes/yaml/v2/configFile";
