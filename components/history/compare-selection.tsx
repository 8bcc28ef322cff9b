'use client'
import Link from 'next/link'
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react'
import { comparePath, MAX_COMPARED, MIN_COMPARED } from '@/lib/takes/compare'
import { Button } from '@/components/ui/button'

interface Selection {
  selected: string[]
  toggle: (id: string, on: boolean) => void
  clear: () => void
}

const SelectionContext = createContext<Selection | null>(null)

/**
 * Holds the takes picked for comparison (in the order picked) and shows the bar that compares them.
 * The bar floats at the bottom of the window; the page keeps its height free at its end, so the last
 * card can always be scrolled clear of it, and scrolls a focused card clear of it too.
 */
export function CompareSelection({ children }: { children: ReactNode }) {
  const [selected, setSelected] = useState<string[]>([])
  const toggle = useCallback((id: string, on: boolean) => setSelected((ids) => (on ? [...ids.filter((other) => other !== id), id] : ids.filter((other) => other !== id))), [])
  const clear = useCallback(() => setSelected([]), [])
  const selection = useMemo(() => ({ selected, toggle, clear }), [selected, toggle, clear])
  return (
    <SelectionContext.Provider value={selection}>
      {children}
      {selected.length > 0 && <CompareBar />}
    </SelectionContext.Provider>
  )
}

/** A card's "Compare" checkbox. */
export function CompareCheckbox({ id }: { id: string }) {
  const selection = useContext(SelectionContext)
  if (!selection) return null
  return (
    <label className="inline-flex cursor-pointer items-center gap-1.5 text-xs text-muted hover:text-white">
      <input
        type="checkbox"
        data-testid="compare-checkbox"
        checked={selection.selected.includes(id)}
        onChange={(event) => {
          selection.toggle(id, event.target.checked)
          // The bar may have just appeared over this card: bring it clear (the page's scroll padding is the bar's).
          const card = event.target.closest('article')
          requestAnimationFrame(() => card?.scrollIntoView({ block: 'nearest' }))
        }}
        className="accent-accent"
      />
      Compare
    </label>
  )
}

/** Why the picked takes cannot be compared yet, or null when they can. */
function blockedReason(count: number): string | null {
  if (count < MIN_COMPARED) return `Pick at least ${MIN_COMPARED} takes to compare.`
  if (count > MAX_COMPARED) return `At most ${MAX_COMPARED} takes can be compared: unpick ${count - MAX_COMPARED}.`
  return null
}

/**
 * Keeps the bar's height (and the gap below it) free at the end of the page and as the page's bottom
 * scroll padding, while the bar shows.
 */
function useReservedSpace(bar: RefObject<HTMLDivElement | null>): void {
  useEffect(() => {
    const element = bar.current
    if (!element) return
    const root = document.documentElement
    const measure = () => {
      // The bar's own height and the gap below it.
      const reserved = Math.ceil(window.innerHeight - element.getBoundingClientRect().top) + BAR_GAP_PX
      document.body.style.paddingBottom = `${reserved}px`
      root.style.scrollPaddingBottom = `${reserved}px`
    }
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(element)
    window.addEventListener('resize', measure)
    return () => {
      observer.disconnect()
      window.removeEventListener('resize', measure)
      root.style.scrollPaddingBottom = ''
      document.body.style.paddingBottom = ''
    }
  }, [bar])
}

/** Space between the bar and the content above it. */
const BAR_GAP_PX = 16

function CompareBar() {
  const { selected, clear } = useContext(SelectionContext)!
  const bar = useRef<HTMLDivElement>(null)
  useReservedSpace(bar)
  const label = `Compare ${selected.length} take${selected.length === 1 ? '' : 's'}`
  const reason = blockedReason(selected.length)
  return (
    <div ref={bar} role="region" aria-label="Compare selection" data-testid="compare-bar" className="fixed inset-x-4 bottom-4 z-10 mx-auto flex max-w-[77rem] flex-wrap sm:inset-x-6 items-center gap-3 rounded-lg border border-line bg-panel/95 p-3 shadow-lg backdrop-blur">
      {reason ? (
        <>
          <Button variant="primary" disabled aria-describedby="compare-bar-reason">
            {label}
          </Button>
          <p id="compare-bar-reason" className="text-sm text-muted">
            {reason}
          </p>
        </>
      ) : (
        <Link href={comparePath(selected)} className="inline-flex items-center rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-ink hover:brightness-110">
          {label}
        </Link>
      )}
      <Button variant="ghost" className="ml-auto" onClick={clear}>
        Clear
      </Button>
    </div>
  )
}
