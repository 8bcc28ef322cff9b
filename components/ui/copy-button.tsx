'use client'
import { useEffect, useState } from 'react'
import { Button } from './button'
import { notify } from './notify'

type CopyState = 'idle' | 'copied' | 'unavailable' | 'failed'

const MESSAGES: Record<Exclude<CopyState, 'idle' | 'copied'>, string> = {
  // navigator.clipboard is missing outside secure contexts (e.g. the studio opened over plain http on a LAN address).
  unavailable: 'The clipboard is not available here; select the text and copy it by hand.',
  failed: 'Copying failed; select the text and copy it by hand.',
}

const COPIED_MS = 1500

/** Copies `text()` to the clipboard and says so for a moment, or says why it could not. */
export function CopyButton({ text, label = 'Copy' }: { text: () => string; label?: string }) {
  const [state, setState] = useState<CopyState>('idle')
  useEffect(() => {
    if (state !== 'copied') return
    const timer = setTimeout(() => setState('idle'), COPIED_MS)
    return () => clearTimeout(timer)
  }, [state])

  async function copy() {
    if (typeof navigator === 'undefined' || !navigator.clipboard?.writeText) {
      setState('unavailable')
      notify('Not copied', { description: MESSAGES.unavailable, tone: 'problem' })
      return
    }
    try {
      await navigator.clipboard.writeText(text())
      setState('copied')
      notify('Copied to the clipboard')
    } catch {
      setState('failed')
      notify('Not copied', { description: MESSAGES.failed, tone: 'problem' })
    }
  }

  return (
    <Button size="sm" onClick={() => void copy()}>
      {state === 'copied' ? 'Copied' : label}
    </Button>
  )
}
