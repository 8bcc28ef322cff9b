import type { FieldDescriptor, MediaKind } from '@/lib/schema/fields'

/**
 * What the browser found when it read a media URL's first bytes:
 * - `error`: it got an answer and it is no media of the field's kind (an HTTP error, a web page, text,
 *   an image for a video field). fal would fail on it too, so Run is blocked.
 * - `warning`: it could not tell (the host is not reachable from the page, or the format is unknown).
 *   fal fetches inputs from its own servers, so Run still sends it; the field says why the preview
 *   and the facts are missing.
 */
export type MediaCheck = { state: 'ok' } | { state: 'warning'; message: string } | { state: 'error'; message: string }

type CheckableKind = Exclude<MediaKind, 'file'>

/** Results that are not `ok` are read again after this long (a server may have come back). */
const RETRY_AFTER_MS = 30_000
/** How long Run waits for a check still under way before it lets the URL through unchecked. */
const RUN_WAIT_MS = 5_000

export function isCheckableUrl(value: unknown): value is string {
  return typeof value === 'string' && /^(https?:\/\/\S+|data:[^,]*;base64,)/i.test(value)
}

/**
 * The media checks of one form, shared by its widgets (which show them as soon as a URL is set) and
 * its resolver (which blocks Run on an `error`). Each URL is read once.
 */
export class MediaChecks {
  private readonly results = new Map<string, { at: number; result: Promise<MediaCheck> }>()

  constructor(
    private readonly check: (kind: CheckableKind, url: string) => Promise<MediaCheck> = (kind, url) =>
      import('./media-url-check').then(({ checkMediaUrl }) => checkMediaUrl(kind, url)),
  ) {}

  of(kind: CheckableKind, url: string): Promise<MediaCheck> {
    const key = `${kind} ${url}`
    const known = this.results.get(key)
    if (known && Date.now() - known.at < RETRY_AFTER_MS) return known.result
    const result = this.check(kind, url).catch(
      (reason: unknown): MediaCheck => ({ state: 'warning', message: `The browser could not check this ${kind}: ${reason instanceof Error ? reason.message : String(reason)}` }),
    )
    const entry = { at: Date.now(), result }
    this.results.set(key, entry)
    // A URL that reads well stays known; others are read again later.
    void result.then((check) => {
      if (check.state === 'ok') entry.at = Infinity
    })
    return result
  }

  /** Records `url` as read well (a file whose bytes were checked before it was uploaded). */
  trust(kind: CheckableKind, url: string): void {
    this.results.set(`${kind} ${url}`, { at: Infinity, result: Promise.resolve({ state: 'ok' }) })
  }

  /** The media fields whose URL is known not to be media, with why: Run waits briefly for checks under way. */
  async blocking(fields: readonly FieldDescriptor[], values: Record<string, unknown>): Promise<Record<string, string>> {
    const found = await Promise.all(
      fields.map(async (field): Promise<[string, string] | null> => {
        const value = values[field.name]
        if (field.kind !== 'media' || field.media === 'file' || !isCheckableUrl(value)) return null
        const unchecked = new Promise<MediaCheck>((resolve) => setTimeout(() => resolve({ state: 'ok' }), RUN_WAIT_MS))
        const check = await Promise.race([this.of(field.media, value), unchecked])
        return check.state === 'error' ? [field.name, check.message] : null
      }),
    )
    return Object.fromEntries(found.filter((entry) => entry !== null))
  }
}

const checksByForm = new WeakMap<object, MediaChecks>()

/** Makes `checks` the media checks of the form `control` belongs to. */
export function attachMediaChecks(control: object, checks: MediaChecks): void {
  if (checksByForm.get(control) !== checks) checksByForm.set(control, checks)
}

/** The media checks of the form `control` belongs to (one per form, made here for a form without). */
export function mediaChecksOf(control: object): MediaChecks {
  let checks = checksByForm.get(control)
  if (!checks) checksByForm.set(control, (checks = new MediaChecks()))
  return checks
}
