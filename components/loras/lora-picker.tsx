'use client'
import * as Dialog from '@radix-ui/react-dialog'
import { Command } from 'cmdk'
import { useEffect, type RefObject } from 'react'
import { useFormContext } from 'react-hook-form'
import { BASE_LABELS, baseMismatch, KIND_LABELS, type LoraKind } from '@/lib/loras/bases'
import type { LoraView } from '@/lib/loras/lora-view'
import { overlayClass, surfaceClass } from '@/components/ui/surface'
import { buttonVariants } from '@/components/ui/button'
import type { LoraRow } from '@/lib/loras/lora-list'
import { useEndpointId } from './endpoint-id'
import { loadLibrary, useLoraLibrary } from './library-store'

interface LoraPickerProps {
  /** The LoRA list's path in the form values. */
  path: string
  /** The list holds its most items: a pick then only fills an empty last row. */
  full: boolean
  /** The list's own `append` (useFieldArray), so its rows stay in step. */
  append: (row: LoraRow) => void
  open: boolean
  onOpenChange: (open: boolean) => void
  /** Where the focus goes back when the picker closes (the control that opened it). */
  returnFocus: RefObject<HTMLElement | null>
}

const KINDS = Object.keys(KIND_LABELS) as LoraKind[]

/**
 * The LoRA library as a searchable list (cmdk in a Radix dialog), grouped by kind; LoRAs of the
 * endpoint's own base first. Loaded on first open: the playground's first load does not carry it.
 */
export function LoraPicker({ path, full, append, open, onOpenChange, returnFocus }: LoraPickerProps) {
  const endpointId = useEndpointId()
  const { getValues, setValue, formState } = useFormContext()
  const state = useLoraLibrary(endpointId)
  useEffect(() => {
    // Each opening reads the library again: a LoRA added on /loras meanwhile shows.
    if (open) void loadLibrary(endpointId, true)
  }, [open, endpointId])
  const library = state.status === 'ready' ? state.library : null
  const endpointBase = library?.endpointBase ?? null
  const byKind = (kind: LoraKind) =>
    (library?.loras ?? []).filter((lora) => lora.kind === kind).sort((a, b) => Number(a.base !== endpointBase) - Number(b.base !== endpointBase))

  // Fills the last row when its path is empty (as "Add to LoRAs" leaves it), else appends a row.
  const onPick = (lora: LoraView) => {
    onOpenChange(false)
    const rows = (getValues(path) ?? []) as Partial<LoraRow>[]
    const last = rows.length - 1
    if (last >= 0 && !rows[last]?.path) {
      // Once a submit has shown errors, the filled row is checked again, as typing in it would.
      const options = { shouldDirty: true, shouldValidate: formState.isSubmitted }
      setValue(`${path}.${last}.path`, lora.url, options)
      setValue(`${path}.${last}.scale`, lora.recommendedScale, options)
    } else if (!full) append({ path: lora.url, scale: lora.recommendedScale })
  }

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className={overlayClass} />
        <Dialog.Content
          className={surfaceClass({ size: 'dialog', className: 'w-[min(94vw,36rem)] p-0' })}
          data-testid="lora-picker"
          onCloseAutoFocus={(event) => {
            event.preventDefault()
            returnFocus.current?.focus()
          }}
        >
          <div className="flex items-start justify-between gap-4 border-b border-line px-4 py-3">
            <div>
              <Dialog.Title className="text-base font-medium">Pick a LoRA from the library</Dialog.Title>
              <Dialog.Description className="mt-1 text-xs text-muted">
                {endpointBase ? `This endpoint runs ${BASE_LABELS[endpointBase]}; LoRAs trained on it come first.` : 'Fills the path and the recommended scale.'}
              </Dialog.Description>
            </div>
            <Dialog.Close className={buttonVariants({ variant: 'ghost', size: 'sm' })}>Close</Dialog.Close>
          </div>
          <Command label="Search the LoRA library" className="flex max-h-[70vh] flex-col">
            <Command.Input
              autoFocus
              placeholder="Search by name, trigger word or URL"
              className="border-b border-line bg-transparent px-4 py-3 text-sm outline-none placeholder:text-muted"
            />
            <Command.List className="overflow-y-auto p-2" label="LoRAs">
              {state.status === 'loading' && <Command.Loading label="Loading the library">Loading the library…</Command.Loading>}
              {state.status === 'error' && (
                <p role="alert" className="p-3 text-danger">
                  {state.message}
                </p>
              )}
              {library && <Command.Empty className="p-3 text-muted">No LoRA matches.</Command.Empty>}
              {library &&
                KINDS.map((kind) => {
                  const loras = byKind(kind)
                  if (loras.length === 0) return null
                  return (
                    <Command.Group key={kind} heading={KIND_LABELS[kind]} className="mb-2 [&_[cmdk-group-heading]]:px-2 [&_[cmdk-group-heading]]:py-1 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:uppercase [&_[cmdk-group-heading]]:tracking-wide [&_[cmdk-group-heading]]:text-muted">
                      {loras.map((lora) => (
                        <PickerItem key={lora.id} lora={lora} mismatch={baseMismatch(lora.base, endpointBase)} onPick={onPick} />
                      ))}
                    </Command.Group>
                  )
                })}
            </Command.List>
          </Command>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}

function PickerItem({ lora, mismatch, onPick }: { lora: LoraView; mismatch: string | null; onPick: (lora: LoraView) => void }) {
  return (
    <Command.Item
      value={lora.id}
      keywords={[lora.name, lora.triggerWords ?? '', lora.url, BASE_LABELS[lora.base]]}
      onSelect={() => onPick(lora)}
      className="cursor-pointer rounded-md px-2 py-2 data-[selected=true]:bg-line/60"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <span className="font-medium">{lora.name}</span>
        <span className="text-xs text-muted">
          {BASE_LABELS[lora.base]} · scale {lora.recommendedScale}
          {lora.official ? ' · official' : ''}
        </span>
      </div>
      {lora.triggerWords && <p className="mt-0.5 text-xs text-muted">Trigger: {lora.triggerWords}</p>}
      {mismatch && <p className="mt-0.5 text-xs text-amber-300">{mismatch}</p>}
    </Command.Item>
  )
}
