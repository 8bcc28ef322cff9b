import type { JsonValue, Payload } from '@/lib/schema'
import { abbreviateDataUris } from '@/components/schema-form/format'

const WEB_URL = /^https?:\/\//i

/** One input value, as text: web URLs as links, data: URIs shortened, objects and lists as JSON. */
function ParameterValue({ value }: { value: JsonValue }) {
  if (typeof value === 'string') {
    if (WEB_URL.test(value)) {
      return (
        <a href={value} target="_blank" rel="noopener noreferrer nofollow" className="break-all text-accent underline">
          {value}
        </a>
      )
    }
    return <span className="break-words whitespace-pre-wrap">{String(abbreviateDataUris(value))}</span>
  }
  if (value !== null && typeof value === 'object') {
    return <pre className="overflow-x-auto rounded bg-ink p-2 font-mono text-xs">{JSON.stringify(abbreviateDataUris(value), null, 2)}</pre>
  }
  return <span className="font-mono">{JSON.stringify(value)}</span>
}

/** Every field of the take's input (what was sent; fields left out took the endpoint's defaults). */
export function TakeParameters({ input }: { input: Payload }) {
  // The prompt first, as everywhere a take is shown (the stored input keeps no order of its own).
  const entries = Object.entries(input).sort(([a], [b]) => Number(b === 'prompt') - Number(a === 'prompt'))
  return (
    <section aria-labelledby="take-parameters-title" className="rounded-lg border border-line bg-panel p-4">
      <h2 id="take-parameters-title" className="text-sm font-medium">
        Parameters
      </h2>
      {entries.length === 0 ? (
        <p className="mt-2 text-sm text-muted">The endpoint’s defaults.</p>
      ) : (
        <dl data-testid="take-parameters" className="mt-3 space-y-2 text-sm">
          {entries.map(([name, value]) => (
            <div key={name} className="grid gap-x-3 sm:grid-cols-[minmax(8rem,auto)_1fr]">
              <dt className="font-mono text-xs leading-5 text-muted">{name}</dt>
              <dd className="min-w-0">
                <ParameterValue value={value} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      <p className="mt-3 text-xs text-muted">Fields not listed took the endpoint’s defaults.</p>
    </section>
  )
}
