'use client'
import * as AlertDialog from '@radix-ui/react-alert-dialog'
import { useState, type ReactNode } from 'react'
import { buttonVariants } from './button'
import { overlayClass, surfaceClass } from './surface'

interface ConfirmDialogProps {
  /** The control that asks (a Button): it opens the question, and gets the focus back when it closes. */
  trigger: ReactNode
  title: string
  description: ReactNode
  confirmLabel: string
  cancelLabel?: string
  /** Irreversible (delete, revoke): the confirming button says so in red. */
  destructive?: boolean
  onConfirm: () => void | Promise<void>
}

/**
 * The one way the studio asks before an action that cannot be undone or that spends: a modal
 * question (Radix AlertDialog: focus is trapped in it, Escape and Cancel close it, the focus goes back
 * to the control that opened it; nothing happens unless the confirming button is pressed).
 */
export function ConfirmDialog({ trigger, title, description, confirmLabel, cancelLabel = 'Cancel', destructive = false, onConfirm }: ConfirmDialogProps) {
  const [open, setOpen] = useState(false)
  return (
    <AlertDialog.Root open={open} onOpenChange={setOpen}>
      <AlertDialog.Trigger asChild>{trigger}</AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={overlayClass} />
        {/* Keys pressed in the question are its own: they do not reach the page's handlers (a panel's Escape). */}
        <AlertDialog.Content className={surfaceClass({ size: 'dialog' })} data-testid="confirm-dialog" onKeyDown={(event) => event.stopPropagation()}>
          <AlertDialog.Title className="text-base font-medium">{title}</AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-muted">{description}</AlertDialog.Description>
          <div className="mt-5 flex justify-end gap-2">
            <AlertDialog.Cancel className={buttonVariants({ variant: 'ghost' })}>{cancelLabel}</AlertDialog.Cancel>
            <AlertDialog.Action
              className={buttonVariants({ variant: destructive ? 'destructive' : 'primary' })}
              onClick={() => {
                void onConfirm()
              }}
            >
              {confirmLabel}
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  )
}
