'use client'
import * as SwitchPrimitive from '@radix-ui/react-switch'
import { cva } from 'class-variance-authority'
import type { ComponentProps } from 'react'

const track = cva(
  'relative inline-flex h-5 w-9 shrink-0 cursor-pointer items-center rounded-full border border-line bg-line transition data-[state=checked]:bg-accent aria-[invalid=true]:border-danger disabled:cursor-not-allowed disabled:opacity-50',
)
const thumb = cva('block h-3.5 w-3.5 translate-x-0.5 rounded-full bg-white transition data-[state=checked]:translate-x-4')

/** An on/off control (Radix Switch: a `role="switch"` button that Space and Enter toggle). */
export function Switch({ className, ...props }: ComponentProps<typeof SwitchPrimitive.Root>) {
  return (
    <SwitchPrimitive.Root className={track({ className })} {...props}>
      <SwitchPrimitive.Thumb className={thumb()} />
    </SwitchPrimitive.Root>
  )
}
