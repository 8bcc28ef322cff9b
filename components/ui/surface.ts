import { cva } from 'class-variance-authority'

/** The dimmed page behind a modal. */
export const overlayClass = 'fixed inset-0 z-40 bg-black/60'

/** Floating surfaces (dialogs, popovers, tooltips, toasts): one look, by size. */
export const surfaceClass = cva('z-50 rounded-lg border border-line bg-panel text-sm shadow-xl focus:outline-none', {
  variants: {
    size: {
      dialog: 'fixed left-1/2 top-1/2 w-[min(92vw,28rem)] -translate-x-1/2 -translate-y-1/2 p-5',
      popover: 'w-[min(92vw,22rem)] p-4',
      tooltip: 'max-w-xs px-2.5 py-1.5 text-xs',
      toast: 'flex items-start gap-3 p-3',
    },
  },
  defaultVariants: { size: 'popover' },
})
