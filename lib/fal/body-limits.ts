/**
 * The largest submit body the studio takes (the proxy) and the simulator reads: inputs may carry
 * media inline as data URIs. Read capped while streaming (lib/http/read-body), with or without
 * Content-Length.
 */
export const SUBMIT_BODY_MAX_BYTES = 64 * 1024 * 1024

/** Small JSON bodies: the upload handshake, the simulator's test control route. */
export const SMALL_JSON_MAX_BYTES = 64 * 1024
