/**
 * The cluster's root CA for tests: kube-apiserver, started without a serving certificate, generates a CA and a
 * certificate signed by it (for 127.0.0.1, `kubernetes.default.svc` …) and writes both to `<cert-dir>/apiserver.crt`.
 * The CA alone is what a cluster hands out as its root CA (`ca.crt` of ServiceAccount token Secrets, the
 * controller-manager's `--root-ca-file`), so a client in a pod can verify the API server.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Extracts the CA from the API server's generated certificate bundle in `certDir` into `caPath`. */
export function writeClusterCa(certDir: string, caPath: string): void {
  const bundlePath = join(certDir, 'apiserver.crt');
  const bundle = readFileSync(bundlePath, 'utf8');
  const pems = bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  const ca = pems.find((pem) => new X509Certificate(pem).ca);
  if (ca === undefined) throw new Error(`${bundlePath}: no CA certificate in the API server's bundle`);
  writeFileSync(caPath, `${ca}\n`);
}
