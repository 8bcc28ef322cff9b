'use client'
import { createContext, useContext } from 'react'
import { usePathname } from 'next/navigation'

/** The endpoint a form is for; the playground provides it (the LoRA list asks the library for its model base). */
export const EndpointIdContext = createContext<string | null>(null)

/** The form's endpoint: the provided one, else the playground route's (`/models/<endpoint id>`), else null. */
export function useEndpointId(): string | null {
  const provided = useContext(EndpointIdContext)
  const pathname = usePathname()
  if (provided) return provided
  const match = /^\/models\/(.+)$/.exec(pathname ?? '')
  return match?.[1] ? match[1].split('/').map(decodeURIComponent).join('/') : null
}
