'use client'
import * as PopoverPrimitive from '@radix-ui/react-popover'
import type { ReactNode } from 'react'
import { surfaceClass } from './surface'

/**
 * A panel that opens beside its trigger on a click or a tap (Radix Popover: Escape or a click
 * outside closes it, and the focus goes back to the trigger). The trigger must be a button.
 */
export function Popover({ trigger, label, children }: { trigger: ReactNode; label: string; children: ReactNode }) {
  return (
    <PopoverPrimitive.Root>
      <PopoverPrimitive.Trigger asChild>{trigger}</PopoverPrimitive.Trigger>
      <PopoverPrimitive.Portal>
        <PopoverPrimitive.Content aria-label={label} sideOffset={6} collisionPadding={8} className={surfaceClass({ size: 'popover' })} data-testid="popover">
          {children}
        </PopoverPrimitive.Content>
      </PopoverPrimitive.Portal>
    </PopoverPrimitive.Root>
  )
}
