import { NextResponse } from 'next/server'
import { createLora, DuplicateLoraUrlError, listLoras } from '@/lib/db/lora-queries'
import { catalog } from '@/lib/endpoints'
import { ApiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { checkNewLora } from '@/lib/loras/lora-input'
import { loraViewOf, LORA_BODY_MAX_BYTES, type LoraLibrary } from '@/lib/loras/lora-view'

export const dynamic = 'force-dynamic'

/** GET /api/loras[?endpoint=<id>]: the library; with an endpoint, also the base model it runs. */
export const GET = route({}, async (request) => {
  const endpointId = request.nextUrl.searchParams.get('endpoint')
  const endpoint = endpointId === null ? undefined : catalog.find(endpointId)
  if (endpointId !== null && !endpoint) throw new ApiError(404, `No such endpoint: ${endpointId}`, { field: 'endpoint' })
  const library: LoraLibrary = { loras: (await listLoras()).map(loraViewOf) }
  if (endpoint) library.endpointBase = endpoint.modelBase ?? null
  return NextResponse.json(library, { headers: { 'cache-control': 'no-store' } })
})

/** POST /api/loras `{ name, url, base, kind, recommendedScale, triggerWords?, note? }`: 201 and the LoRA; 422 naming a bad field; 409 for a URL the library has. */
export const POST = route({ body: { json: LORA_BODY_MAX_BYTES } }, async (_request, { body }) => {
  const input = checkNewLora(body)
  if (!input.ok) throw new ApiError(input.status, input.problem.detail, { field: input.problem.field, ...(input.status === 422 ? { errorType: 'invalid_field' } : {}) })
  try {
    return NextResponse.json(loraViewOf(await createLora(input.value)), { status: 201 })
  } catch (error) {
    if (error instanceof DuplicateLoraUrlError) throw new ApiError(409, error.message, { field: 'url' })
    throw error
  }
})
