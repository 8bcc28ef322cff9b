/** The largest file the studio uploads: the browser refuses bigger ones, the local backend stores no bigger. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024
