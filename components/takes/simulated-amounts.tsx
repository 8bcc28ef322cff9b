'use client'
import clsx from 'clsx'
import { createContext, useContext, type ReactNode } from 'react'

const SimulatedContext = createContext(false)

/**
 * Tells every amount inside whether it is simulated: true in local mode (no FAL_KEY), where the
 * studio's own simulator runs takes and nothing is charged. Set once, where a page knows the backend.
 */
export function SimulatedAmounts({ simulated, children }: { simulated: boolean; children?: ReactNode }) {
  return <SimulatedContext value={simulated}>{children}</SimulatedContext>
}

export function useAmountsSimulated(): boolean {
  return useContext(SimulatedContext)
}

/** The one wording for an amount nobody was charged, everywhere amounts show. */
export const SIMULATED_LABEL = 'simulated'
export const SIMULATED_EXPLANATION = 'Local mode (no FAL_KEY): nothing was charged. This is what fal would bill at its published rates.'

/** "simulated", beside the amounts it labels; nothing outside local mode. */
export function SimulatedTag({ className }: { className?: string }) {
  if (!useAmountsSimulated()) return null
  return (
    <span data-testid="amount-simulated" title={SIMULATED_EXPLANATION} className={clsx('rounded border border-amber-500/40 px-1 font-sans text-[11px] leading-4 text-amber-300', className)}>
      {SIMULATED_LABEL}
    </span>
  )
}
