import * as fs from "fs";
import * as path from "path";
import { mustRun, SystemUser } from "./processes";

/** A throwaway certificate authority and a server certificate it signed, as PEM files. */
export interface Certificates {
    /** The CA certificate a client trusts (what `sslrootcert` or `--cacert` names). */
    readonly caFile: string;
    readonly certFile: string;
    /** The server's private key, readable only by the server's system user. */
    readonly keyFile: string;
}

/** The names the server certificate is valid for: clients verify `localhost` or `127.0.0.1`. */
export const SERVER_NAMES = ["DNS:localhost", "IP:127.0.0.1"] as const;

/**
 * Makes a CA and a server certificate for {@link SERVER_NAMES} with openssl, in `dir`. Both expire in two
 * days: they live as long as one test run.
 */
export async function makeCertificates(dir: string, keyOwner?: SystemUser): Promise<Certificates> {
    const caKey = path.join(dir, "ca.key");
    const caFile = path.join(dir, "ca.crt");
    const keyFile = path.join(dir, "server.key");
    const certFile = path.join(dir, "server.crt");
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"];
    await mustRun("openssl", [
        "req", "-x509", ...ec, "-keyout", caKey, "-out", caFile, "-subj", "/CN=integration test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    await mustRun("openssl", [
        "req", "-x509", ...ec, "-CA", caFile, "-CAkey", caKey, "-keyout", keyFile, "-out", certFile, "-subj", "/CN=localhost",
        "-addext", `subjectAltName=${SERVER_NAMES.join(",")}`, "-addext", "basicConstraints=critical,CA:FALSE",
        "-addext", "extendedKeyUsage=serverAuth",
    ]);
    fs.rmSync(caKey);
    fs.chmodSync(keyFile, 0o600);
    if (keyOwner) {
        fs.chownSync(keyFile, keyOwner.uid, keyOwner.gid);
        fs.chownSync(certFile, keyOwner.uid, keyOwner.gid);
    }
    return { caFile, certFile, keyFile };
}
