import { strict as assert } from "assert";
import type * as pulumi from "@pulumi/pulumi";
import { DEPLOYER_ENTRY, accessEntries, withoutCreatorAdmin } from "../../../components/cluster/access";
import { eksClusterChild } from "../../../offline/fakes";

const policy = (name: string) => `arn:aws:eks::aws:cluster-access-policy/${name}`;
const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

describe("cluster access: who may use the cluster", () => {
    it("gives the deploying role, each admin role and each team an entry of its own", () => {
        const entries = accessEntries(
            {
                deployRoleArn: role("deploy"),
                adminRoleArns: [role("ops/admins")],
                readOnlyRoleArns: [role("platform-preview")],
                teams: [{ name: "checkout", roleArn: role("checkout-devs"), access: "edit", namespaces: ["api"] }],
            },
            policy,
        );
        assert.deepEqual(Object.keys(entries), [DEPLOYER_ENTRY, "admin-admins", "reader-platform-preview", "team-checkout"]);
        const admin = { clusterAdmin: { policyArn: policy("AmazonEKSClusterAdminPolicy"), accessScope: { type: "cluster" } } };
        assert.deepEqual(entries[DEPLOYER_ENTRY], { principalArn: role("deploy"), type: "STANDARD", accessPolicies: admin });
        assert.deepEqual(entries["admin-admins"].accessPolicies, admin);
        assert.deepEqual(entries["reader-platform-preview"], {
            principalArn: role("platform-preview"),
            type: "STANDARD",
            accessPolicies: { adminView: { policyArn: policy("AmazonEKSAdminViewPolicy"), accessScope: { type: "cluster" } } },
        });
        assert.deepEqual(entries["team-checkout"].accessPolicies, {
            edit: { policyArn: policy("AmazonEKSEditPolicy"), accessScope: { type: "namespace", namespaces: ["api"] } },
        });
    });

    const transform = async (type: string, props: pulumi.Inputs, opts: pulumi.ResourceOptions = {}) =>
        withoutCreatorAdmin({ type, name: "cluster-eks-eksCluster", custom: true, props, opts });

    it("turns the creator's bootstrap admin off on the cluster pulumi-eks creates, keeping its other settings and options", async () => {
        const child = eksClusterChild("cluster-eks", { name: "platform-dev", version: "1.35", authenticationMode: "API", bootstrapSelfManagedAddons: false });
        assert.equal((child.inputs.accessConfig as Record<string, unknown>).bootstrapClusterCreatorAdminPermissions, true, "what pulumi-eks sets on its own");
        const result = await transform(child.type, child.inputs, { ignoreChanges: child.ignoreChanges });
        assert.ok(result !== undefined);
        assert.deepEqual(result.props.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
        assert.equal(result.props.version, "1.35");
        assert.deepEqual(result.opts.ignoreChanges, child.ignoreChanges);
    });

    it("leaves every other resource of the component alone", async () => {
        for (const type of ["eks:index:Cluster", "aws:eks/accessEntry:AccessEntry", "aws:iam/role:Role"]) {
            assert.equal(await transform(type, { accessConfig: { bootstrapClusterCreatorAdminPermissions: true } }), undefined, type);
        }
    });
});
