'use client'
import { useLayoutEffect, useRef } from 'react'
import type { TakeLog } from '@/lib/takes/take-progress'
import { CopyButton } from '@/components/ui/copy-button'
import { formatLogTime } from './format'

/** The take's logs as they stream; follows the newest line unless the reader has scrolled up. */
export function TakeLogs({ logs }: { logs: TakeLog[] }) {
  const box = useRef<HTMLOListElement>(null)
  const pinned = useRef(true)

  useLayoutEffect(() => {
    const element = box.current
    if (element && pinned.current) element.scrollTop = element.scrollHeight
  }, [logs.length])

  return (
    <section aria-label="Logs" className="rounded-lg border border-line bg-panel p-4">
      <div className="flex items-center justify-between">
        <h2 className="text-sm font-medium">Logs</h2>
        <CopyButton label="Copy logs" text={() => logs.map((log) => `${log.timestamp} ${log.level} ${log.message}`).join('\n')} />
      </div>
      <ol
        ref={box}
        tabIndex={0}
        aria-label="Log lines"
        data-testid="take-logs"
        onScroll={(event) => {
          const element = event.currentTarget
          pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24
        }}
        className="mt-2 max-h-48 overflow-auto rounded bg-ink p-2 font-mono text-xs leading-5"
      >
        {logs.length === 0 ? (
          <li className="text-muted">No logs yet.</li>
        ) : (
          logs.map((log, index) => (
            <li key={index} className={log.level === 'ERROR' ? 'text-danger' : undefined}>
              <span className="text-muted">{formatLogTime(log.timestamp)}</span> {log.message}
            </li>
          ))
        )}
      </ol>
    </section>
  )
}
