/** Makes (once per directory) ca.pem, key.pem and cert.pem in `dir`; their paths. */
export function makeCertificates(dir: string): { ca: string; key: string; cert: string }
