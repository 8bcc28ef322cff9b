import type { Payload } from '@/lib/schema'
import { catalog } from '@/lib/endpoints'

/** The take's prompt, or null when its input has none. */
export function promptOf(input: Payload): string | null {
  const prompt = input.prompt
  return typeof prompt === 'string' && prompt.trim() !== '' ? prompt : null
}

/** The endpoint's title, or its id for an endpoint no longer in the catalog. */
export function endpointTitleOf(endpointId: string): string {
  return catalog.find(endpointId)?.title ?? endpointId
}

/** `text` cut to at most `max` characters, on a word boundary where one is near. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const cut = flat.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`
}
