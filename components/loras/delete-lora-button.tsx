'use client'
import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { deleteLoraRequest } from './lora-api'

/** Deletes one of the user's own LoRAs, once confirmed. Takes that used it keep their input as it was. */
export function DeleteLoraButton({ id, name }: { id: string; name: string }) {
  const router = useRouter()
  const [error, setError] = useState<string | null>(null)
  return (
    <div className="flex flex-col items-end gap-1">
      <ConfirmDialog
        trigger={
          <Button variant="danger" size="sm" aria-label={`Delete ${name}`}>
            Delete
          </Button>
        }
        title={`Delete “${name}”?`}
        description="It leaves the library; takes that used it keep their input as it was."
        confirmLabel="Delete"
        destructive
        onConfirm={async () => {
          try {
            setError(null)
            await deleteLoraRequest(id)
            router.refresh()
          } catch (cause) {
            setError(cause instanceof Error ? cause.message : 'The LoRA could not be deleted.')
          }
        }}
      />
      {error && (
        <p role="alert" className="text-xs text-danger">
          {error}
        </p>
      )}
    </div>
  )
}
