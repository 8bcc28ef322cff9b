import clsx from 'clsx'
import { connection } from 'next/server'
import { backendMode } from '@/lib/fal/backend'

/** Says which backend answers: read at request time, as the key may be set after the build. */
export async function BackendBadge() {
  await connection()
  const local = backendMode() === 'local'
  const text = local ? 'Local simulator — set FAL_KEY to generate with LTX-2' : 'fal — generating with LTX-2 on your fal key'
  // One line on any screen: on a phone it is cut short, its whole text in its title.
  return (
    <p
      data-testid="backend-badge"
      title={text}
      className={clsx(
        'max-w-[11rem] truncate whitespace-nowrap rounded-full border px-3 py-1 text-xs sm:max-w-none',
        local ? 'border-amber-500/40 text-amber-300' : 'border-emerald-500/40 text-emerald-300',
      )}
    >
      {text}
    </p>
  )
}
