import type { ReactNode } from 'react'
import type { TakeError } from '@/lib/fal/describe-error'

/** Why a take failed: the message, then the fields fal refused or the detail; `children` add advice. */
export function TakeErrorMessage({ error, children }: { error: TakeError; children?: ReactNode }) {
  return (
    <div role="alert" data-testid="take-error" className="rounded-md border border-danger/40 bg-danger/10 p-3 text-sm">
      <p className="font-medium text-danger">{error.message}</p>
      {error.kind === 'validation' ? (
        <ul className="mt-1 list-disc pl-5">
          {error.fields.map((entry) => (
            <li key={`${entry.field}:${entry.message}`}>
              <span className="font-mono">{entry.field}</span>: {entry.message}
            </li>
          ))}
        </ul>
      ) : (
        error.detail && error.detail !== error.message && <p className="mt-1 text-muted">{error.detail}</p>
      )}
      {children}
    </div>
  )
}
