import type { KeyboardEvent } from 'react'

/** Enter in an input would submit the playground's form (a Run): in a panel it does nothing. */
export function keepEnter(event: KeyboardEvent<HTMLElement>) {
  if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey && event.target instanceof HTMLInputElement) event.preventDefault()
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong.')
