/** A DOM id for the control of the field at `path` (e.g. `loras.0.scale`). */
export function controlId(path: string): string {
  return `field-${path.replace(/[^a-zA-Z0-9_-]/g, '-')}`
}

export function describedBy(path: string, hasError: boolean, hasWarning = false): string {
  const id = controlId(path)
  return hasError ? `${id}-help ${id}-error` : hasWarning ? `${id}-help ${id}-warning` : `${id}-help`
}
