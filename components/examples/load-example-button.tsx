'use client'
import { Button } from '@/components/ui/button'
import { useAmountsSimulated } from '@/components/takes/simulated-amounts'
import type { ExampleSource } from '@/lib/endpoints/examples'
import type { Payload } from '@/lib/schema'

/**
 * "Load example": the endpoint's example input for the backend the studio runs on (lib/endpoints/examples,
 * fetched on the first click: it is not in the playground's first load).
 * Amounts are simulated exactly when the local simulator answers, so that context says the mode.
 */
export function LoadExampleButton({ onLoad, ...source }: ExampleSource & { onLoad: (input: Payload) => void }) {
  const local = useAmountsSimulated()
  const load = async () => {
    const { exampleInput } = await import('@/lib/endpoints/examples')
    onLoad(exampleInput(source, local ? 'local' : 'fal', window.location.origin))
  }
  return <Button onClick={() => void load()}>Load example</Button>
}
