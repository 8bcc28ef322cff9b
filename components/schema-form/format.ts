import type { JsonValue } from '@/lib/schema'

const DEFAULT_SENTENCE = /\s*Default value: [\s\S]*$/

/** The schema's description without its trailing "Default value: …" sentence, which the form shows on its own. */
export function helpText(description: string | undefined): string | undefined {
  return description?.replace(DEFAULT_SENTENCE, '').trim() || undefined
}

export function formatValue(value: JsonValue | undefined, max = 72): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

const DATA_URI = /^data:([^;,]+)(;[^,]*)?,(.*)$/s

/** Replaces the bytes of data URIs with their size, so a payload stays readable. */
export function abbreviateDataUris(value: unknown): unknown {
  if (typeof value === 'string') {
    const match = DATA_URI.exec(value)
    if (!match) return value
    const bytes = Math.round(((match[3]?.length ?? 0) * 3) / 4)
    return `data:${match[1]}${match[2] ?? ''},… (${formatBytes(bytes)})`
  }
  if (Array.isArray(value)) return value.map(abbreviateDataUris)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, abbreviateDataUris(v)]))
  }
  return value
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
