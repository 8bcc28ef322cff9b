import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { safeNextPath } from '@/lib/auth/access'
import { authConfig } from '@/lib/auth/session'
import { controlClass } from '@/components/ui/styles'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Sign in', robots: { index: false } }

/** The sign-in form: a plain POST, so it works without JavaScript. */
export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string }> }) {
  const { next, error } = await searchParams
  if (!authConfig()) redirect('/')
  return (
    <section className="mx-auto mt-12 max-w-sm rounded-lg border border-line bg-panel p-6">
      <h1 className="text-xl font-semibold">Sign in</h1>
      <p className="mt-1 text-sm text-muted">This studio spends on its owner’s fal key: enter its password.</p>
      <form method="post" action="/api/auth/login" className="mt-5 space-y-3">
        <input type="hidden" name="next" value={safeNextPath(next)} />
        <label htmlFor="password" className="block text-sm font-medium">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          required
          autoFocus
          autoComplete="current-password"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'login-error' : undefined}
          className={`${controlClass} w-full`}
        />
        {error && (
          <p id="login-error" role="alert" className="text-sm text-danger">
            That password is not right.
          </p>
        )}
        <button type="submit" className="w-full rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-ink hover:brightness-110">
          Sign in
        </button>
      </form>
    </section>
  )
}
