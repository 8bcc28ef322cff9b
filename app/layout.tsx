import type { Metadata } from 'next'
import { headers } from 'next/headers'
import Link from 'next/link'
import { connection } from 'next/server'
import { isOwnerRequest } from '@/lib/auth/session'
import { backendMode } from '@/lib/fal/backend'
import { SimulatedAmounts } from '@/components/takes/simulated-amounts'
import { Suspense } from 'react'
import { BackendBadge } from './_header/backend-badge'
import { SessionControls } from './_header/session-controls'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Takes — LTX-2 video studio', template: '%s · Takes' },
  description: 'Generate video with Lightricks’ LTX-2 models on fal: schema-driven forms, live estimates, every take kept.',
}

/** Signed-out visitors (a shared take's viewers, the sign-in page) see nothing of the studio around the page. */
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request, never from the build: its scripts must carry this response's nonce (lib/http/page-policy).
  await connection()
  const owner = await isOwnerRequest(await headers())
  return (
    <html lang="en">
      <body className="min-h-screen antialiased">
        <SimulatedAmounts simulated={backendMode() === 'local'}>
        {owner && (
          <header className="border-b border-line">
            <nav className="mx-auto flex max-w-7xl items-center gap-6 px-6 py-3 text-sm" aria-label="Main">
              <Link href="/" className="text-base font-semibold tracking-tight">
                Takes
              </Link>
              <Link href="/" className="text-muted hover:text-white">
                Models
              </Link>
              <Link href="/takes" className="text-muted hover:text-white">
                History
              </Link>
              <div className="ml-auto flex items-center gap-4">
                <Suspense>
                  <BackendBadge />
                  <SessionControls />
                </Suspense>
              </div>
            </nav>
          </header>
        )}
        <main className="mx-auto max-w-7xl px-6 py-8">{children}</main>
        </SimulatedAmounts>
      </body>
    </html>
  )
}
