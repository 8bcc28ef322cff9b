import { NextResponse } from 'next/server'
import { getTake } from '@/lib/db/queries'
import { ApiError } from '@/lib/http/api-error'
import { publicOriginOf } from '@/lib/http/public-origin'
import { route } from '@/lib/http/route'
import { catalogContinueChoices, findContinueChoice } from '@/lib/chains/catalog-choices'
import { ContinueRefusal, prepareContinuation } from '@/lib/chains/prepare-continuation'

export const dynamic = 'force-dynamic'

const NO_STORE = { 'cache-control': 'no-store' }

/** The endpoints and fields this take can continue into (any, once it has completed). */
export const GET = route<{ id: string }>({}, async (_request, { params: { id } }) => {
  const take = await getTake(id)
  if (!take) throw new ApiError(404, 'No such take')
  return NextResponse.json({ takeId: take.id, completed: take.status === 'COMPLETED', choices: catalogContinueChoices() }, { headers: NO_STORE })
})

function fieldOf(body: unknown, name: 'endpointId' | 'field'): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
  if (typeof value !== 'string' || value === '') throw new ApiError(400, `${name} is required`, { field: name })
  return value
}

/**
 * Makes the input that continues this take in `{ endpointId, field }`: its output video, or its last
 * (an image input) or first (an end image) frame, extracted from the studio's kept copy and uploaded
 * where the model reads it. Answers `{ parentTakeId, endpointId, field, source, url }`.
 */
export const POST = route<{ id: string }, { json: number }>({ rateLimit: 'upload', body: { json: 4096 } }, async (request, { params: { id }, body }) => {
  const choice = findContinueChoice(fieldOf(body, 'endpointId'), fieldOf(body, 'field'))
  if (!choice) throw new ApiError(400, 'That endpoint has no such field that can continue a take', { field: 'field' })
  try {
    const made = await prepareContinuation(id, choice, { publicOrigin: publicOriginOf(request.headers) })
    return NextResponse.json(made, { headers: NO_STORE })
  } catch (error) {
    if (error instanceof ContinueRefusal) throw new ApiError(error.status, error.message)
    throw error
  }
})
