'use client'
import { useEffect, useId, useState, type KeyboardEvent } from 'react'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { controlClass } from '@/components/ui/styles'
import { deletePresetRequest, fetchPresets, PresetApiError, renamePresetRequest, savePreset } from '@/lib/presets/client'
import { PRESET_NAME_MAX, type PresetView } from '@/lib/presets/preset-view'
import type { PresetsProps } from './presets-button'

const messageOf = (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong.')
const byName = (a: PresetView, b: PresetView) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/** Runs `action` on Enter (without submitting the playground's form) and `cancel` on Escape. */
function keys(action: () => void, cancel?: () => void) {
  return (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
      event.preventDefault()
      action()
    } else if (event.key === 'Escape' && cancel) {
      event.preventDefault()
      event.stopPropagation()
      cancel()
    }
  }
}

/** A field's error line, tied to its input by id. */
function FieldError({ id, message }: { id: string; message: string | null }) {
  if (!message) return null
  return (
    <p id={id} role="alert" className="text-xs text-danger">
      {message}
    </p>
  )
}

/** This endpoint's presets: save the form as one, load, rename or delete one. */
export default function PresetsPanel({ endpointId, currentValues, onLoad, onClose }: PresetsProps & { onClose: () => void }) {
  const id = useId()
  const [presets, setPresets] = useState<PresetView[] | null>(null)
  const [listError, setListError] = useState<string | null>(null)
  const [name, setName] = useState('')
  const [nameError, setNameError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [status, setStatus] = useState('')

  useEffect(() => {
    let live = true
    fetchPresets(endpointId).then(
      (list) => live && setPresets(list),
      (error: unknown) => live && setListError(messageOf(error)),
    )
    return () => {
      live = false
    }
  }, [endpointId])

  async function save() {
    if (saving) return
    if (!name.trim()) return setNameError('Name is required')
    setSaving(true)
    setNameError(null)
    setListError(null)
    try {
      const preset = await savePreset(endpointId, name, currentValues())
      setPresets((list) => [...(list ?? []).filter((p) => p.id !== preset.id), preset].sort(byName))
      setName('')
      setStatus(`Saved “${preset.name}”.`)
    } catch (error) {
      if (error instanceof PresetApiError && error.field === 'name') setNameError(error.message)
      else setListError(messageOf(error))
    } finally {
      setSaving(false)
    }
  }

  const replace = (preset: PresetView) => setPresets((list) => (list ?? []).map((p) => (p.id === preset.id ? preset : p)).sort(byName))
  const remove = (presetId: string) => setPresets((list) => (list ?? []).filter((p) => p.id !== presetId))

  return (
    <section
      id="presets-panel"
      aria-label="Presets"
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose()
      }}
      className="absolute left-0 top-full z-20 mt-2 grid w-[min(28rem,90vw)] gap-3 rounded-md border border-line bg-panel p-3 shadow-lg"
    >
      <div className="grid gap-1">
        <label htmlFor={`${id}-name`} className="text-sm font-medium">
          Save current as…
        </label>
        <div className="flex gap-2">
          <input
            id={`${id}-name`}
            className={`${controlClass} min-w-0 flex-1`}
            placeholder="Preset name"
            value={name}
            maxLength={PRESET_NAME_MAX}
            aria-invalid={Boolean(nameError)}
            aria-describedby={nameError ? `${id}-name-error` : undefined}
            onChange={(event) => {
              setName(event.target.value)
              setNameError(null)
            }}
            onKeyDown={keys(() => void save())}
          />
          <Button variant="primary" disabled={saving} onClick={() => void save()}>
            Save
          </Button>
        </div>
        <FieldError id={`${id}-name-error`} message={nameError} />
      </div>

      {listError && (
        <p role="alert" className="text-sm text-danger">
          {listError}
        </p>
      )}
      {presets === null && !listError && <p className="text-sm text-muted">Loading presets…</p>}
      {presets?.length === 0 && <p className="text-sm text-muted">No presets for this endpoint yet.</p>}
      {presets && presets.length > 0 && (
        <ul aria-label="Saved presets" className="grid max-h-72 gap-1 overflow-y-auto">
          {presets.map((preset) => (
            <PresetRow
              key={preset.id}
              preset={preset}
              onLoad={() => {
                onLoad(preset.values)
                setStatus(`Loaded “${preset.name}”.`)
              }}
              onRenamed={(renamed) => {
                replace(renamed)
                setStatus(`Renamed to “${renamed.name}”.`)
              }}
              onDeleted={() => {
                remove(preset.id)
                setStatus(`Deleted “${preset.name}”.`)
              }}
            />
          ))}
        </ul>
      )}
      <p role="status" className="text-xs text-muted empty:hidden">
        {status}
      </p>
    </section>
  )
}

function PresetRow({
  preset,
  onLoad,
  onRenamed,
  onDeleted,
}: {
  preset: PresetView
  onLoad: () => void
  onRenamed: (preset: PresetView) => void
  onDeleted: () => void
}) {
  const id = useId()
  const [mode, setMode] = useState<'idle' | 'renaming'>('idle')
  const [draft, setDraft] = useState(preset.name)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const idle = () => {
    setMode('idle')
    setError(null)
  }

  async function rename() {
    if (busy) return
    if (!draft.trim()) return setError('Name is required')
    if (draft.trim() === preset.name) return idle()
    setBusy(true)
    try {
      onRenamed(await renamePresetRequest(preset.id, draft))
      idle()
    } catch (caught) {
      setError(messageOf(caught))
    } finally {
      setBusy(false)
    }
  }

  async function remove() {
    if (busy) return
    setBusy(true)
    try {
      await deletePresetRequest(preset.id)
      onDeleted()
    } catch (caught) {
      // Already gone (another tab): it is deleted all the same.
      if (caught instanceof PresetApiError && caught.status === 404) return onDeleted()
      setError(messageOf(caught))
      setBusy(false)
    }
  }

  return (
    <li data-testid="preset-row" data-preset-name={preset.name} className="grid gap-1 rounded border border-line/60 px-2 py-1.5">
      {mode === 'renaming' ? (
        <div className="flex items-center gap-2">
          <input
            aria-label={`New name for ${preset.name}`}
            className={`${controlClass} min-w-0 flex-1`}
            value={draft}
            autoFocus
            aria-invalid={Boolean(error)}
            aria-describedby={error ? `${id}-error` : undefined}
            onChange={(event) => {
              setDraft(event.target.value)
              setError(null)
            }}
            onKeyDown={keys(() => void rename(), idle)}
          />
          <Button size="sm" variant="primary" disabled={busy} onClick={() => void rename()}>
            Save name
          </Button>
          <Button size="sm" variant="ghost" onClick={idle}>
            Cancel
          </Button>
        </div>
      ) : (
        <div className="flex items-center gap-2">
          <span className="min-w-0 flex-1 truncate text-sm" title={preset.name}>
            {preset.name}
          </span>
          <Button size="sm" onClick={onLoad}>
            Load
          </Button>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              setDraft(preset.name)
              setMode('renaming')
            }}
          >
            Rename
          </Button>
          <ConfirmDialog
            trigger={
              <Button size="sm" variant="danger" disabled={busy}>
                Delete
              </Button>
            }
            title={`Delete the preset “${preset.name}”?`}
            description="Its values go for good; takes made with it are kept."
            confirmLabel="Delete preset"
            cancelLabel="Keep"
            destructive
            onConfirm={remove}
          />
        </div>
      )}
      <FieldError id={`${id}-error`} message={error} />
    </li>
  )
}
