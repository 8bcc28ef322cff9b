import { connection } from 'next/server'
import { backendMode } from '@/lib/fal/backend'

/** Says which backend answers: read at request time, as the key may be set after the build. */
export async function BackendBadge() {
  await connection()
  const local = backendMode() === 'local'
  return (
    <p
      data-testid="backend-badge"
      className={local ? 'rounded-full border border-amber-500/40 px-3 py-1 text-xs text-amber-300' : 'rounded-full border border-emerald-500/40 px-3 py-1 text-xs text-emerald-300'}
    >
      {local ? 'Local simulator — set FAL_KEY to generate with LTX-2' : 'fal — generating with LTX-2 on your fal key'}
    </p>
  )
}
