import { AddonDefinition, controllerResources, irsaServiceAccount } from "./types";

/**
 * Fluent Bit (AWS distribution) as a DaemonSet shipping every container's logs to one CloudWatch Logs
 * group that the platform creates with its retention and KMS key, so the chart never creates groups.
 */
export const fluentBit: AddonDefinition = {
    name: "aws-for-fluent-bit",
    chart: "aws-for-fluent-bit",
    repository: "https://aws.github.io/eks-charts",
    version: "0.2.0",
    namespace: "logging",
    // The chart's `volumes`: it reads the node's log files through hostPath volumes, which only the
    // privileged level allows; `podSecurityContext` and `containerSecurityContext` are empty (runs as root).
    pods: () => ({
        daemonset: {
            spec: {
                securityContext: {},
                containers: [{ name: "aws-for-fluent-bit", securityContext: {} }],
                volumes: [
                    { name: "varlog", hostPath: { path: "/var/log" } },
                    { name: "varlibdockercontainers", hostPath: { path: "/var/lib/docker/containers" } },
                ],
            },
        },
    }),
    serviceAccount: "aws-for-fluent-bit",
    policy: (f) => {
        const group = `arn:${f.partition}:logs:${f.region}:${f.accountId}:log-group:${f.containerLogGroup}`;
        return [
            { Sid: "WriteContainerLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [group, `${group}:log-stream:*`] },
            { Sid: "FindLogGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: `arn:${f.partition}:logs:${f.region}:${f.accountId}:log-group:*` },
        ];
    },
    values: (f) => ({
        serviceAccount: irsaServiceAccount(f),
        cloudWatchLogs: {
            enabled: true,
            region: f.region,
            logGroupName: f.containerLogGroup,
            logStreamPrefix: "container-",
            // The platform creates the group, with its retention and KMS key. The chart's `logRetentionDays`
            // (the plugin's `log_retention_days`) only sets the retention of a group the plugin creates itself
            // (docs.fluentbit.io, outputs/cloudwatch), so it is left out rather than set to no effect.
            autoCreateGroup: false,
        },
        firehose: { enabled: false },
        kinesis: { enabled: false },
        elasticsearch: { enabled: false },
        // A DaemonSet: it runs on every node, system and apps alike.
        tolerations: [{ operator: "Exists" }],
        resources: controllerResources("50m", "64Mi", "200m", "256Mi"),
        priorityClassName: "system-node-critical",
    }),
};
