/** The largest file the studio uploads: the browser refuses bigger ones, the local backend stores no bigger. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024

/** The most parts a multipart upload may have (fal's client sends 10 MB parts: about 100 for the largest file). */
export const MAX_UPLOAD_PARTS = 1000
