'use client'
import * as TabsPrimitive from '@radix-ui/react-tabs'
import { cva } from 'class-variance-authority'
import type { ComponentProps } from 'react'

const trigger = cva('rounded-md px-2 py-1 text-xs text-muted transition hover:text-white data-[state=active]:bg-ink data-[state=active]:text-accent')

/** Tabs (Radix: arrow keys move between tabs, Home and End jump; each panel is labelled by its tab). */
export const Tabs = TabsPrimitive.Root

export function TabsList({ className, ...props }: ComponentProps<typeof TabsPrimitive.List>) {
  return <TabsPrimitive.List className={['flex gap-1', className].filter(Boolean).join(' ')} {...props} />
}

export function TabsTrigger({ className, ...props }: ComponentProps<typeof TabsPrimitive.Trigger>) {
  return <TabsPrimitive.Trigger className={trigger({ className })} {...props} />
}

export const TabsContent = TabsPrimitive.Content
