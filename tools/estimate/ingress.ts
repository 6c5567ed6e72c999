import type { ProgramRun, RecordedResource } from "../../offline/run";
import { inputAt, stringAt } from "./resources";

export const INGRESS_TYPE = "kubernetes:networking.k8s.io/v1:Ingress";
export const INGRESS_CLASS_TYPE = "kubernetes:networking.k8s.io/v1:IngressClass";
/** Controllers that build ALBs from Ingresses: the AWS Load Balancer Controller's and EKS Auto Mode's (EKS user guide, auto-configure-alb). */
const ALB_CONTROLLERS: readonly string[] = ["ingress.k8s.aws/alb", "eks.amazonaws.com/alb"];

/**
 * Ingress classes an ALB controller serves: `alb`, which the Load Balancer Controller's chart installs, and
 * any IngressClass the program declares for either controller.
 */
export function albIngressClasses(run: ProgramRun): Set<string> {
    const classes = new Set(["alb"]);
    for (const r of run.resources.filter((x) => x.type === INGRESS_CLASS_TYPE)) {
        const name = stringAt(r, "metadata.name");
        if (ALB_CONTROLLERS.includes(stringAt(r, "spec.controller") ?? "") && name !== undefined) {
            classes.add(name);
        }
    }
    return classes;
}

/** An annotation of a Kubernetes object; keys hold dots, so they cannot go through a dotted input path. */
export function annotationOf(r: RecordedResource, key: string): string | undefined {
    const annotations = inputAt(r, "metadata.annotations");
    const value = annotations !== null && typeof annotations === "object" ? (annotations as Record<string, unknown>)[key] : undefined;
    return typeof value === "string" ? value : undefined;
}

/** The class an Ingress names, by field or by the older annotation. */
export function ingressClassOf(r: RecordedResource): string | undefined {
    return stringAt(r, "spec.ingressClassName") ?? annotationOf(r, "kubernetes.io/ingress.class");
}

/** True when an ALB controller turns this Ingress into (a share of) an ALB. */
export function isAlbIngress(r: RecordedResource, albClasses: ReadonlySet<string>): boolean {
    const cls = ingressClassOf(r);
    return r.type === INGRESS_TYPE && cls !== undefined && albClasses.has(cls);
}

/** Ingresses that an ALB controller turns into an ALB. */
export function albIngresses(run: ProgramRun): RecordedResource[] {
    const classes = albIngressClasses(run);
    return run.resources.filter((r) => isAlbIngress(r, classes));
}
