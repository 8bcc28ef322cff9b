import { lazy, Suspense } from 'react'
import { useController } from 'react-hook-form'
import type { SwitchField } from '@/lib/schema/fields'
import { FieldFrame } from '../field-frame'
import { controlId, describedBy } from '../ids'
import { useSectionShown } from '../section-shown'
import type { WidgetProps } from './types'

// Radix's switch is fetched once a switch can be seen (every endpoint's sit in the collapsed
// "Additional settings"): the playground's first load does not carry it.
const Switch = lazy(() => import('@/components/ui/switch').then((module) => ({ default: module.Switch })))

/** The switch's look, drawn while Radix's is on its way (inert: it cannot be seen or reached yet). */
function SwitchStandIn({ on }: { on: boolean }) {
  return (
    <span aria-hidden="true" className="relative inline-flex h-5 w-9 shrink-0 items-center rounded-full border border-line bg-line" data-state={on ? 'checked' : 'unchecked'}>
      <span className={on ? 'block h-3.5 w-3.5 translate-x-4 rounded-full bg-white' : 'block h-3.5 w-3.5 translate-x-0.5 rounded-full bg-white'} />
    </span>
  )
}

export function SwitchWidget({ field, path, ariaLabel }: WidgetProps<SwitchField>) {
  const { field: control, fieldState } = useController({ name: path })
  const { ref, value: current, onChange, onBlur } = control
  const shown = useSectionShown()
  const error = fieldState.error?.message
  const on = current === true
  return (
    <FieldFrame field={field} path={path} error={error}>
      {shown ? (
        <Suspense fallback={<SwitchStandIn on={on} />}>
          <Switch
            id={controlId(path)}
            ref={ref}
            checked={on}
            onCheckedChange={onChange}
            onBlur={onBlur}
            aria-label={ariaLabel}
            aria-required={field.required || undefined}
            aria-invalid={Boolean(error)}
            aria-describedby={describedBy(path, Boolean(error))}
          />
        </Suspense>
      ) : (
        <SwitchStandIn on={on} />
      )}
    </FieldFrame>
  )
}
