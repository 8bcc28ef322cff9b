'use client'
import { Button } from '@/components/ui/button'
import { useAmountsSimulated } from '@/components/takes/simulated-amounts'
import { exampleInput, type ExampleSource } from '@/lib/endpoints/examples'
import type { Payload } from '@/lib/schema'

/**
 * "Load example": the endpoint's example input for the backend the studio runs on (lib/endpoints/examples).
 * Amounts are simulated exactly when the local simulator answers, so that context says the mode.
 */
export function LoadExampleButton({ onLoad, ...source }: ExampleSource & { onLoad: (input: Payload) => void }) {
  const local = useAmountsSimulated()
  return <Button onClick={() => onLoad(exampleInput(source, local ? 'local' : 'fal', window.location.origin))}>Load example</Button>
}
