import { deleteOwnLora } from '@/lib/db/lora-queries'
import { ApiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'

export const dynamic = 'force-dynamic'

/** DELETE: 204 for one of the user's own LoRAs; 403 for an official one (kept); 404 when there is none. */
export const DELETE = route<{ id: string }>({}, async (_request, { params: { id } }) => {
  const outcome = await deleteOwnLora(id)
  if (outcome === 'missing') throw new ApiError(404, 'No such LoRA')
  if (outcome === 'official') throw new ApiError(403, 'Official LoRAs cannot be deleted.', { errorType: 'official_lora' })
  return new Response(null, { status: 204 })
})
