import { strict as assert } from "assert";
import { X509Certificate } from "crypto";
import { rdsCaBundle } from "../../../components/data/rdsCa";

const certificates = (pem: string) => (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p));

describe("RDS certificate authorities", () => {
    it("gives a region its own three self-signed roots, valid for decades", () => {
        for (const region of ["us-east-1", "eu-west-1", "ap-southeast-2"]) {
            const roots = certificates(rdsCaBundle(region) ?? "");
            assert.deepEqual(
                roots.map((c) => c.subject.match(/CN=(.*)/)?.[1]).sort(),
                ["ECC384", "RSA2048", "RSA4096"].map((kind) => `Amazon RDS ${region} Root CA ${kind} G1`),
            );
            for (const root of roots) {
                assert.ok(root.ca && root.verify(root.publicKey), `${root.subject} is a self-signed CA`);
                assert.ok(new Date(root.validTo) > new Date("2060-01-01"), root.validTo);
            }
        }
    });

    it("has nothing for a region it does not know, rather than another region's roots", () => {
        assert.equal(rdsCaBundle("us-east-9"), undefined);
        assert.equal(rdsCaBundle("us-east"), undefined);
    });
});
