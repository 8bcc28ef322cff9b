import clsx from 'clsx'
import type { ButtonHTMLAttributes } from 'react'

const VARIANTS = {
  primary: 'bg-accent font-medium text-ink hover:brightness-110',
  secondary: 'border border-line bg-panel hover:border-accent',
  ghost: 'text-muted hover:text-white',
  danger: 'text-danger hover:underline',
  destructive: 'bg-danger font-medium text-ink hover:brightness-110',
} as const
const SIZES = { sm: 'px-2 py-1 text-xs', md: 'px-3 py-1.5 text-sm' } as const

export interface ButtonVariants {
  variant?: keyof typeof VARIANTS
  size?: keyof typeof SIZES
  className?: string
}

/**
 * The studio's buttons' classes, by what they do (variant) and how much room they take (size); also
 * for Radix parts that render their own button (a dialog's Cancel and Action). A lookup rather than
 * class-variance-authority, which the Radix primitives use: every page's first load carries this
 * one, and the playground's is held to 150 kB.
 */
export function buttonVariants({ variant = 'secondary', size = 'md', className }: ButtonVariants = {}): string {
  return clsx('inline-flex items-center justify-center gap-2 rounded-md transition disabled:opacity-50', VARIANTS[variant], SIZES[size], className)
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement>, Omit<ButtonVariants, 'className'> {}

export function Button({ variant, size, className, type = 'button', ...props }: ButtonProps) {
  return <button type={type} className={buttonVariants({ variant, size, className })} {...props} />
}
