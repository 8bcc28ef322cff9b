'use client'
import { createContext, useContext } from 'react'
import type { MediaFacts } from '@/lib/generation/output-shape'

/** Lets media widgets tell the page what they read of their file (for the live estimate). */
export type ReportMediaFacts = (path: string, facts: MediaFacts | null) => void

export const MediaFactsContext = createContext<ReportMediaFacts | null>(null)

export function useReportMediaFacts(): ReportMediaFacts | null {
  return useContext(MediaFactsContext)
}
