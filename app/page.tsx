import Link from 'next/link'
import { catalog } from '@/lib/endpoints'
import { priceLine } from '@/lib/pricing/rules'

export default function ModelsPage() {
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Models</h1>
      <p className="mt-1 text-muted">Pick an LTX-2 endpoint on fal to open its playground.</p>
      <ul className="mt-6 grid gap-4 md:grid-cols-2" aria-label="Endpoints">
        {catalog.endpoints.map((endpoint) => (
          <li key={endpoint.id}>
            <Link
              href={`/models/${endpoint.id}`}
              className="block h-full rounded-lg border border-line bg-panel p-5 transition hover:border-accent"
            >
              <div className="flex items-start justify-between gap-3">
                <h2 className="font-medium">{endpoint.title}</h2>
                <span className="shrink-0 rounded-full border border-line px-2 py-0.5 text-xs text-muted">
                  {endpoint.category}
                </span>
              </div>
              <p className="mt-1 font-mono text-xs text-muted">{endpoint.id}</p>
              <p className="mt-3 text-sm text-slate-300">{endpoint.description}</p>
              <p className="mt-3 text-sm" data-testid="price-line">
                {priceLine(endpoint.pricing)}
              </p>
            </Link>
          </li>
        ))}
      </ul>
    </>
  )
}
