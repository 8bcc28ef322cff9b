'use client'
import clsx from 'clsx'
import { useEffect, useId, useRef, useState } from 'react'
import { useController, useFormContext } from 'react-hook-form'
import type { MediaField } from '@/lib/schema/fields'
import { Button } from '@/components/ui/button'
import { controlClass } from '@/components/ui/styles'
import { FieldFrame } from '../field-frame'
import { formatBytes } from '../format'
import { controlId, describedBy } from '../ids'
import type { WidgetProps } from './types'
import { useReportMediaFacts } from '../media-facts'
import { isCheckableUrl, mediaChecksOf, type MediaCheck } from '../media-checks'

interface LocalFile {
  file: File
  name: string
  size: number
  previewUrl: string
  /** The uploaded file's URL once stored, to notice when the value is replaced from elsewhere. */
  url?: string
  /** Upload progress, 0..1. */
  progress: number
}

const ACCEPT: Record<MediaField['media'], string> = {
  video: 'video/*',
  audio: 'audio/*',
  image: 'image/*',
  file: '*/*',
}

function previewable(value: unknown): value is string {
  return typeof value === 'string' && /^(https?:|data:)/.test(value)
}

/** A URL or data URI box, plus a drop zone / file picker, with a preview player. */
export function MediaWidget({ field, path, ariaLabel }: WidgetProps<MediaField>) {
  const { field: control, fieldState } = useController({ name: path })
  const { name, ref, value: current, onChange, onBlur } = control
  const [local, setLocal] = useState<LocalFile | null>(null)
  // A refused file's message, for as long as the field's value is the one it was refused over.
  const [refusal, setRefusal] = useState<{ message: string; over: unknown } | null>(null)
  const [urlCheck, setUrlCheck] = useState<{ url: string; check: MediaCheck } | null>(null)
  const [dragging, setDragging] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)
  const hintId = useId()
  const label = ariaLabel ?? field.label
  const value: unknown = current
  const fileError = refusal && refusal.over === value ? refusal.message : undefined
  const setFileError = (message: string | null) => setRefusal(message === null ? null : { message, over: value })
  const check = urlCheck && urlCheck.url === value ? urlCheck.check : undefined
  const error = fileError ?? fieldState.error?.message ?? (check?.state === 'error' ? check.message : undefined)
  const warning = check?.state === 'warning' ? check.message : undefined

  // A local file applies while it uploads, then while its URL is still the value (not typed over or reset).
  const chosen = local && (local.url === undefined || local.url === value) ? local : null
  const previewUrl = local?.previewUrl
  useEffect(() => () => {
    if (previewUrl) URL.revokeObjectURL(previewUrl)
  }, [previewUrl])

  // The estimate needs the media's size, duration and frame rate: read them from the local file
  // at once (before the upload ends), or from the URL.
  const report = useReportMediaFacts()
  const factsSource: Blob | string | undefined = chosen?.file ?? (previewable(value) ? value : undefined)
  const mediaKind = field.media
  useEffect(() => {
    if (!report || mediaKind === 'file') return
    if (!factsSource) {
      report(path, null)
      return
    }
    let current = true
    // A typed URL is read once typing pauses, not at every keystroke.
    const timer = setTimeout(
      () =>
        // Loaded once media is chosen: an empty form does not need it.
        void import('@/lib/media/read-media-facts').then(({ readMediaFacts }) => readMediaFacts(mediaKind, factsSource)).then((facts) => {
          if (current) report(path, facts)
        }),
      typeof factsSource === 'string' ? 400 : 0,
    )
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [report, mediaKind, factsSource, path])

  // A pasted URL is read in the browser (its first bytes) as soon as typing pauses: a page, a 404 or
  // a text file is named on the field before Run, and Run refuses it (see payload-resolver).
  const { control: formControl } = useFormContext()
  const checks = mediaChecksOf(formControl)
  const checkUrl = mediaKind !== 'file' && !chosen && isCheckableUrl(value) ? value : undefined
  useEffect(() => {
    if (!checkUrl || mediaKind === 'file') return
    let current = true
    const timer = setTimeout(
      () =>
        void checks.of(mediaKind, checkUrl).then((check) => {
          if (current) setUrlCheck({ url: checkUrl, check })
        }),
      400,
    )
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [checks, mediaKind, checkUrl])

  async function takeFile(file: File) {
    setFileError(null)
    if (field.media !== 'file') {
      // The type is read from the bytes, not the name: a text file called clip.mp4 is no video.
      try {
        const { sniffFile, notMediaReason } = await import('../media-bytes')
        const sniffed = await sniffFile(field.media, file)
        if (!sniffed.ok) return setFileError(`${file.name} was not uploaded: ${notMediaReason(field.media, sniffed)}`)
      } catch (reason) {
        return setFileError(`${file.name} could not be read: ${reason instanceof Error ? reason.message : String(reason)}`)
      }
    }
    const previewUrl = URL.createObjectURL(file)
    setLocal({ file, name: file.name, size: file.size, previewUrl, progress: 0 })
    try {
      // Loaded on demand: the fal client is only needed once a file is dropped.
      const { uploadFile } = await import('@/lib/fal/browser-upload')
      const url = await uploadFile(file, (progress) =>
        setLocal((current) => (current?.previewUrl === previewUrl ? { ...current, progress } : current)),
      )
      setLocal((current) => (current?.previewUrl === previewUrl ? { ...current, url, progress: 1 } : current))
      // Its bytes were read before the upload: Run need not read them again.
      if (field.media !== 'file') checks.trust(field.media, url)
      onChange(url)
    } catch (reason) {
      setLocal(null)
      setFileError(`Uploading ${file.name} failed: ${reason instanceof Error ? reason.message : String(reason)}`)
    }
  }

  const src = chosen?.previewUrl ?? (previewable(value) ? value : undefined)

  return (
    <FieldFrame field={field} path={path} error={error} warning={warning}>
      <div
        data-testid={`dropzone-${path}`}
        onDragOver={(event) => {
          event.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault()
          setDragging(false)
          const dropped = event.dataTransfer.files[0]
          if (dropped) void takeFile(dropped)
        }}
        className={clsx('space-y-2 rounded-md border border-dashed p-2', dragging ? 'border-accent' : 'border-line')}
      >
        {chosen ? (
          <div className="flex items-center justify-between gap-2 text-sm">
            <span className="truncate">
              Local file: <span className="font-mono">{chosen.name}</span> ({formatBytes(chosen.size)})
              {chosen.url ? ' — uploaded' : ''}
            </span>
            {chosen.url ? (
              <Button size="sm" variant="ghost" onClick={() => onChange('')}>
                Clear
              </Button>
            ) : (
              <progress
                aria-label={`Uploading ${chosen.name}`}
                max={1}
                value={chosen.progress}
                className="h-1.5 w-32 shrink-0 accent-[var(--color-accent)]"
              />
            )}
          </div>
        ) : (
          <input
            type="url"
            id={controlId(path)}
            name={name}
            ref={ref}
            aria-label={ariaLabel}
            placeholder="https://… or data:…;base64,…"
            value={typeof value === 'string' ? value : ''}
            onChange={(event) => {
              setFileError(null)
              onChange(event.target.value)
            }}
            onBlur={onBlur}
            aria-required={field.required || undefined}
            aria-invalid={Boolean(error)}
            aria-describedby={`${describedBy(path, Boolean(error), Boolean(warning))} ${hintId}`}
            className={clsx(controlClass, 'w-full')}
          />
        )}
        <p id={hintId} className="text-xs text-muted">
          Paste a URL, or drop {field.media === 'file' ? 'a file' : `${field.media === 'video' ? 'a' : 'an'} ${field.media} file`} here, or{' '}
          <button type="button" className="text-accent underline" onClick={() => fileInput.current?.click()}>
            choose one
          </button>
          . Local files are uploaded to the studio’s storage.
        </p>
        <input
          ref={fileInput}
          type="file"
          accept={ACCEPT[field.media]}
          aria-label={`${label} file`}
          className="sr-only"
          tabIndex={-1}
          onChange={(event) => {
            const picked = event.target.files?.[0]
            if (picked) void takeFile(picked)
            event.target.value = ''
          }}
        />
        {src && <MediaPreview kind={field.media} src={src} path={path} label={label} />}
      </div>
    </FieldFrame>
  )
}

function MediaPreview({ kind, src, path, label }: { kind: MediaField['media']; src: string; path: string; label: string }) {
  const testId = `preview-${path}`
  const className = 'max-h-56 w-full rounded bg-black'
  if (kind === 'video') return <video data-testid={testId} aria-label={`${label} preview`} src={src} controls muted playsInline className={className} />
  if (kind === 'audio') return <audio data-testid={testId} aria-label={`${label} preview`} src={src} controls className='w-full' />
  if (kind === 'image') {
    // A user-supplied preview of arbitrary origin: next/image would need every host configured.
    // eslint-disable-next-line @next/next/no-img-element
    return <img data-testid={testId} src={src} alt={`${label} preview`} className="max-h-56 rounded object-contain" />
  }
  return null
}
