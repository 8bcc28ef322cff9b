import 'server-only'
import { watchChanges, type Change } from './change-feed'

/** A comment line this often keeps idle connections (and proxies between) from timing out. */
const KEEP_ALIVE_MS = 15_000
/** How soon a browser reconnects a dropped stream. */
const RETRY_MS = 1000

const encoder = new TextEncoder()

export interface SseChannel {
  send(event: string, data: unknown): void
  /** Sends `end` (the browser stops listening) and closes. */
  end(): void
  /** Closes without `end`: the browser reconnects and reads the current state again. */
  close(): void
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store, no-transform',
  // Proxies such as nginx buffer responses unless told not to.
  'x-accel-buffering': 'no',
}

/**
 * A server-sent event stream: `start` runs once the stream opens and returns its clean-up, which
 * runs when the browser goes away or the stream ends.
 */
export function sseResponse(signal: AbortSignal, start: (channel: SseChannel) => Promise<() => void>): Response {
  let cleanup: (() => void) | undefined
  let closed = false
  let keepAlive: ReturnType<typeof setInterval> | undefined
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        if (closed) return
        closed = true
        clearInterval(keepAlive)
        cleanup?.()
        signal.removeEventListener('abort', close)
        try {
          controller.close()
        } catch {
          // already closed by the browser going away
        }
      }
      const write = (text: string) => {
        if (closed) return
        try {
          controller.enqueue(encoder.encode(text))
        } catch {
          close()
        }
      }
      const channel: SseChannel = {
        send: (event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
        end: () => {
          write('event: end\ndata: {}\n\n')
          close()
        },
        close,
      }
      signal.addEventListener('abort', close, { once: true })
      write(`retry: ${RETRY_MS}\n\n`)
      keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS)
      start(channel).then(
        (stop) => (closed ? stop() : (cleanup = stop)),
        (error: unknown) => {
          console.error('[takes] an event stream failed to start:', error instanceof Error ? error.message : error)
          close()
        },
      )
    },
    cancel() {
      closed = true
      clearInterval(keepAlive)
      cleanup?.()
    },
  })
  return new Response(stream, { headers: SSE_HEADERS })
}

export interface ViewWatch<V> {
  /** The view as it stands now; null when it no longer exists (or may no longer be seen). */
  read(): Promise<V | null>
  /** Whether a change may alter this view. */
  concerns(change: Change): boolean
  /** A view that will not change again: sent, then the stream ends. */
  isFinal?(view: V): boolean
}

/**
 * Streams a view: as it stands when the stream opens (so a reconnect resumes from the current
 * state, never missing a final one), then each time a change concerning it makes it differ.
 * Reads are coalesced: changes that arrive during a read cause one read after it.
 */
export function viewStreamResponse<V>(signal: AbortSignal, watch: ViewWatch<V>, event = 'view'): Response {
  return sseResponse(signal, async (channel) => {
    let last = ''
    let reading = false
    let again = false
    let done = false
    const refresh = async () => {
      if (reading) return void (again = true)
      reading = true
      try {
        do {
          again = false
          const view = await watch.read()
          if (view === null) {
            channel.send('gone', {})
            return void (done = true, channel.end())
          }
          const text = JSON.stringify(view)
          if (text !== last) {
            last = text
            channel.send(event, view)
          }
          if (watch.isFinal?.(view)) return void (done = true, channel.end())
        } while (again && !done && !signal.aborted)
      } catch (error) {
        console.error('[takes] an event stream could not read its view:', error instanceof Error ? error.message : error)
        // The browser reconnects and reads again.
        channel.close()
      } finally {
        reading = false
      }
    }
    // Listening before the first read: a change during it is not missed.
    const stop = await watchChanges((change) => {
      if (!done && (change.resync || watch.concerns(change))) void refresh()
    })
    await refresh()
    return stop
  })
}
