/** Shared look of text-like controls. */
export const controlClass =
  'rounded-md border border-line bg-ink px-2.5 py-1.5 text-sm placeholder:text-muted/70 focus:border-accent focus:outline-none aria-[invalid=true]:border-danger'
