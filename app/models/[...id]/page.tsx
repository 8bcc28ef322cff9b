import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { catalog } from '@/lib/endpoints'
import { describeForm } from '@/lib/schema/form'
import { possibleRetirement } from '@/lib/endpoints/lifecycle'
import { priceLine } from '@/lib/pricing/rules'
import { Playground } from '@/components/playground/playground'
import { RetiredNotice } from '@/components/playground/retired-notice'

interface PageProps {
  params: Promise<{ id: string[] }>
}

function endpointOf(segments: string[]) {
  return catalog.find(segments.map(decodeURIComponent).join('/'))
}

export function generateStaticParams() {
  return catalog.endpoints.map((endpoint) => ({ id: endpoint.id.split('/') }))
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const endpoint = endpointOf((await params).id)
  return endpoint ? { title: endpoint.title, description: endpoint.description } : {}
}

export default async function PlaygroundPage({ params }: PageProps) {
  const endpoint = endpointOf((await params).id)
  if (!endpoint) notFound()
  const retirement = possibleRetirement(endpoint.id)
  return (
    <>
      <header className="mb-8">
        <p className="text-xs uppercase tracking-wide text-muted">{endpoint.category}</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">{endpoint.title}</h1>
        <p className="mt-1 font-mono text-sm text-muted">{endpoint.id}</p>
        <p className="mt-2 text-sm text-slate-300">{endpoint.description}</p>
        <p className="mt-1 text-sm" data-testid="price-line">
          {priceLine(endpoint.pricing)}
        </p>
        {retirement && <RetiredNotice note={retirement} />}
      </header>
      <Playground
        endpoint={{
          id: endpoint.id,
          input: endpoint.input,
          form: describeForm(endpoint.input),
          example: endpoint.example,
          pricing: endpoint.pricing,
          outputRule: endpoint.outputRule,
        }}
      />
    </>
  )
}
