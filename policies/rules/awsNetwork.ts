import { PlatformPolicy, Stack, StackResource, Target, ofTypes, resourceRule, stackRule } from "../lib/rule";
import { Props, field, isRecord, isUnknown, list, num, str, strings } from "../lib/values";

/** VPC-level controls: default security group, flow logs, open ingress, instance metadata. */

const VPC = "aws:ec2/vpc:Vpc";
const AWSX_VPC = "awsx:ec2:Vpc";
const DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const LOAD_BALANCERS = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer", "aws:elb/loadBalancer:LoadBalancer"];

interface VpcTarget {
    readonly resource: StackResource;
    readonly target: Target;
}

/**
 * The VPCs of a stack: `aws:ec2/vpc:Vpc` resources (with the awsx component wrapping each, since
 * consumers depend on the component's outputs), and awsx components that show no VPC below them (offline).
 */
function vpcs(stack: Stack): VpcTarget[] {
    const raw = stack.ofType(VPC).map((v) => {
        const parent = stack.get(v.parent);
        const urns = parent?.type === AWSX_VPC ? [v.urn, parent.urn] : [v.urn];
        return { resource: v, target: { urns, values: strings([v.props.id, v.props.arn]) } };
    });
    const components = stack
        .ofType(AWSX_VPC)
        .filter((c) => !stack.hasDescendant(c, VPC))
        .map((c) => ({ resource: c, target: { urns: [c.urn], values: strings(c.props.vpcId) } }));
    return [...raw, ...components];
}

/** FSBP EC2.2: the default security group of every VPC is managed and allows nothing. */
export const defaultSecurityGroupClosed = stackRule({
    name: "ec2-default-security-group-closed",
    summary: "Every VPC's default security group is managed by the stack and has no ingress or egress rules.",
    controls: ["FSBP EC2.2"],
    severity: "medium",
    validate: (stack, report) => {
        const managed = stack.ofType(DEFAULT_SG);
        for (const sg of managed) {
            for (const direction of ["ingress", "egress"]) {
                const rules = list(sg.props[direction]);
                if (rules.length > 0) {
                    report(`${sg.name}: ${direction} has ${rules.length} rule(s); set ${direction}: [] so that nothing can rely on the default security group`, sg.urn);
                }
            }
        }
        for (const vpc of vpcs(stack)) {
            if (!managed.some((sg) => stack.references(sg, "vpcId", vpc.target) !== false)) {
                report(
                    `VPC ${vpc.resource.name} leaves its default security group unmanaged, so it keeps AWS's allow-all rules; add an aws.ec2.DefaultSecurityGroup for this vpcId with no ingress and no egress`,
                    vpc.resource.urn,
                );
            }
        }
    },
});

/** FSBP EC2.6: every VPC records its traffic (at least rejected traffic) in flow logs. */
export const vpcFlowLogs = stackRule({
    name: "ec2-vpc-flow-logs",
    summary: "Every VPC has a flow log recording all (or at least rejected) traffic.",
    controls: ["FSBP EC2.6"],
    severity: "medium",
    validate: (stack, report) => {
        const flowLogs = stack.ofType(FLOW_LOG);
        for (const vpc of vpcs(stack)) {
            const own = flowLogs.filter((f) => stack.references(f, "vpcId", vpc.target) !== false);
            if (own.length === 0) {
                report(`VPC ${vpc.resource.name} has no flow log; add an aws.ec2.FlowLog with this vpcId and trafficType "ALL"`, vpc.resource.urn);
            } else if (own.every((f) => f.props.trafficType === "ACCEPT")) {
                report(`VPC ${vpc.resource.name} logs accepted traffic only; set trafficType "ALL" (or "REJECT")`, vpc.resource.urn);
            }
        }
    },
});

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];
const LOAD_BALANCER_PORTS = [80, 443];

/** One ingress permission, whatever resource shape declared it. */
interface Ingress {
    readonly cidrs: string[];
    readonly protocol: string;
    readonly fromPort?: number;
    readonly toPort?: number;
}

function ingressOf(rule: Props, cidrKeys: string[], protocolKey: string): Ingress {
    return {
        cidrs: cidrKeys.flatMap((k) => strings(rule[k])),
        protocol: String(rule[protocolKey] ?? "tcp").toLowerCase(),
        fromPort: num(rule.fromPort),
        toPort: num(rule.toPort),
    };
}

/**
 * How far an ingress permission opens: not to the internet (`closed`), to the internet on HTTP or HTTPS
 * (acceptable on a load balancer only), or wider (`wide`, with a description of what it opens).
 */
type Exposure = { readonly kind: "closed" } | { readonly kind: "web"; readonly port: number } | { readonly kind: "wide"; readonly what: string };

function exposureOf(ingress: Ingress): Exposure {
    const open = ingress.cidrs.filter((c) => OPEN_CIDRS.includes(c));
    if (open.length === 0) {
        return { kind: "closed" };
    }
    const allPorts = ["-1", "all"].includes(ingress.protocol) || ingress.fromPort === undefined;
    const port = ingress.fromPort as number;
    if (!allPorts && ["tcp", "6"].includes(ingress.protocol) && ingress.toPort === port && LOAD_BALANCER_PORTS.includes(port)) {
        return { kind: "web", port };
    }
    const ports = allPorts ? "every port" : ingress.fromPort === ingress.toPort ? `port ${port}` : `ports ${port}-${ingress.toPort}`;
    return { kind: "wide", what: `${ports} from ${open.join(" and ")}` };
}

/** FSBP EC2.18/EC2.19: nothing is reachable from the internet except HTTP(S) on a load balancer. */
export const noUnrestrictedIngress = stackRule({
    name: "ec2-no-unrestricted-ingress",
    summary: "No security group admits 0.0.0.0/0 or ::/0, except TCP 80 and 443 on a load balancer's security group.",
    controls: ["FSBP EC2.18", "FSBP EC2.19"],
    severity: "high",
    validate: (stack, report) => {
        const groups = stack.ofType(SECURITY_GROUP);
        const loadBalancers = stack.ofType(...LOAD_BALANCERS);
        const targetOf = (sg: StackResource): Target => ({ urns: [sg.urn], values: strings([sg.props.id, sg.props.arn]) });
        const onLoadBalancer = (sg: StackResource) => loadBalancers.some((lb) => stack.references(lb, "securityGroups", targetOf(sg)) === true);
        const judge = (where: StackResource, ingress: Ingress, owners: StackResource[]) => {
            const exposure = exposureOf(ingress);
            if (exposure.kind === "wide") {
                report(`${where.name}: allows ${exposure.what}; restrict the source to known networks or security groups`, where.urn);
            } else if (exposure.kind === "web" && !owners.some(onLoadBalancer)) {
                report(
                    `${where.name}: admits port ${exposure.port} from the internet, but its security group is not attached to a load balancer; only load balancers may take 80/443 from 0.0.0.0/0 or ::/0`,
                    where.urn,
                );
            }
        };
        for (const sg of groups) {
            for (const rule of list(sg.props.ingress).filter(isRecord)) {
                judge(sg, ingressOf(rule, ["cidrBlocks", "ipv6CidrBlocks"], "protocol"), [sg]);
            }
        }
        const ownersOf = (rule: StackResource) => groups.filter((sg) => stack.references(rule, "securityGroupId", targetOf(sg)) === true);
        for (const rule of stack.ofType(SG_RULE).filter((r) => r.props.type === "ingress")) {
            judge(rule, ingressOf(rule.props, ["cidrBlocks", "ipv6CidrBlocks"], "protocol"), ownersOf(rule));
        }
        for (const rule of stack.ofType(SG_INGRESS_RULE)) {
            judge(rule, ingressOf(rule.props, ["cidrIpv4", "cidrIpv6"], "ipProtocol"), ownersOf(rule));
        }
    },
});

/** FSBP EC2.8: instances answer metadata requests only with IMDSv2 session tokens, one hop away. */
export const imdsv2Required = resourceRule<{ maxHopLimit: number }>({
    name: "ec2-imdsv2-required",
    summary: "Launch templates and instances require IMDSv2 tokens and keep the metadata hop limit at 1, so pods cannot reach node credentials.",
    controls: ["FSBP EC2.8"],
    severity: "high",
    configSchema: {
        properties: {
            maxHopLimit: { type: "integer", minimum: 1, default: 1, description: "Largest httpPutResponseHopLimit allowed; 2 lets pods reach IMDS." },
        },
    },
    appliesTo: ofTypes("aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance"),
    validate: (resource, report, config) => {
        const options = resource.props.metadataOptions;
        if (isUnknown(options) || str(field(options, "httpEndpoint")) === "disabled") {
            return;
        }
        const tokens = field(options, "httpTokens");
        if (!isUnknown(tokens) && tokens !== "required") {
            report(`metadataOptions.httpTokens is ${tokens === undefined ? "unset (IMDSv1 allowed)" : `"${String(tokens)}"`}; set it to "required"`);
        }
        const hops = num(field(options, "httpPutResponseHopLimit"));
        if (hops !== undefined && hops > config.maxHopLimit) {
            report(`metadataOptions.httpPutResponseHopLimit is ${hops}; keep it at ${config.maxHopLimit} so that pods use IRSA rather than the node's role`);
        }
    },
});

/** The network rules, in the order the README lists them. */
export const AWS_NETWORK_POLICIES: readonly PlatformPolicy[] = [defaultSecurityGroupClosed, vpcFlowLogs, noUnrestrictedIngress, imdsv2Required];
