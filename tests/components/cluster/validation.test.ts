import { strict as assert } from "assert";
import { endpointAccessProblems } from "../../../components/cluster/validation";

describe("cluster argument rules", () => {
    it("accept a private endpoint, and a public one with an allowlist", () => {
        assert.deepEqual(endpointAccessProblems({ endpointPublicAccess: false, publicAccessCidrs: [] }), []);
        assert.deepEqual(endpointAccessProblems({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }), []);
    });

    it("reject a public endpoint without an allowlist, which EKS would open to everyone", () => {
        assert.deepEqual(endpointAccessProblems({ endpointPublicAccess: true, publicAccessCidrs: [] }), [
            { key: "publicAccessCidrs", value: [], message: "is empty while endpointPublicAccess is true, which EKS treats as 0.0.0.0/0; list the networks allowed" },
        ]);
    });
});
