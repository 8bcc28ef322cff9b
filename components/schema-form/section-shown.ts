import { createContext, useContext } from 'react'

/**
 * Whether the section a field sits in has been shown yet (the collapsed "Additional settings" has
 * not, until it is first opened). A widget whose control is heavy (the Radix switch) draws a
 * stand-in until then, so the playground's first load does not carry what no one can see.
 */
export const SectionShownContext = createContext(true)

export const useSectionShown = () => useContext(SectionShownContext)
