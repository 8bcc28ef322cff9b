/** See server-only-modules.mjs. */
export function serverOnlyModules(root: string, dir?: string): string[]
