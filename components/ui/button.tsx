import clsx from 'clsx'
import type { ButtonHTMLAttributes } from 'react'

const VARIANTS = {
  primary: 'bg-accent text-ink font-medium hover:brightness-110 disabled:opacity-50',
  secondary: 'border border-line bg-panel hover:border-accent disabled:opacity-50',
  ghost: 'text-muted hover:text-white disabled:opacity-50',
  danger: 'text-danger hover:underline',
} as const

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: keyof typeof VARIANTS
  size?: 'sm' | 'md'
}

export function Button({ variant = 'secondary', size = 'md', className, type = 'button', ...props }: ButtonProps) {
  return (
    <button
      type={type}
      className={clsx(
        'inline-flex items-center justify-center gap-2 rounded-md transition',
        size === 'sm' ? 'px-2 py-1 text-xs' : 'px-3 py-1.5 text-sm',
        VARIANTS[variant],
        className,
      )}
      {...props}
    />
  )
}
