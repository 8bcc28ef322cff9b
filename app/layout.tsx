import type { Metadata } from 'next'
import { headers } from 'next/headers'
import Link from 'next/link'
import { connection } from 'next/server'
import { isOwnerRequest } from '@/lib/auth/session'
import { publicOrigin } from '@/lib/http/page-origin'
import { backendMode } from '@/lib/fal/backend'
import { SimulatedAmounts } from '@/components/takes/simulated-amounts'
import { Suspense } from 'react'
import { BackendBadge } from './_header/backend-badge'
import { SessionControls } from './_header/session-controls'
import './globals.css'

const SITE_TITLE = 'Takes — LTX-2 video studio'
/** public/og.png, made by scripts/make-brand-images.mjs with the icons beside it. */
const DEFAULT_OG_IMAGE = { url: '/og.png', width: 1200, height: 630, alt: 'Takes, a studio for LTX-2 video on fal' }

/** Every page's defaults; relative image URLs resolve against the studio's public origin (TAKES_PUBLIC_URL, else the request's). */
export async function generateMetadata(): Promise<Metadata> {
  return {
    metadataBase: new URL(await publicOrigin()),
    title: { default: SITE_TITLE, template: '%s · Takes' },
    description: 'Generate video with Lightricks’ LTX-2 models on fal: schema-driven forms, live estimates, every take kept.',
    icons: {
      icon: [
        { url: '/favicon.ico', sizes: '16x16 32x32 48x48' },
        { url: '/icon.svg', type: 'image/svg+xml' },
      ],
      apple: { url: '/apple-touch-icon.png', sizes: '180x180' },
    },
    openGraph: { type: 'website', siteName: 'Takes', images: [DEFAULT_OG_IMAGE] },
    twitter: { card: 'summary_large_image', images: [DEFAULT_OG_IMAGE] },
  }
}

/** Signed-out visitors (a shared take's viewers, the sign-in page) see nothing of the studio around the page. */
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request, never from the build: its scripts must carry this response's nonce (lib/http/page-policy).
  await connection()
  const owner = await isOwnerRequest(await headers())
  return (
    <html lang="en">
      <body className="min-h-screen antialiased">
        <a
          href="#main"
          className="sr-only z-50 rounded-md bg-accent px-3 py-2 text-sm font-medium text-ink focus:not-sr-only focus:fixed focus:left-4 focus:top-4"
        >
          Skip to content
        </a>
        <SimulatedAmounts simulated={backendMode() === 'local'}>
        {owner && (
          <header className="border-b border-line">
            <nav className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 text-sm sm:px-6" aria-label="Main">
              <Link href="/" className="text-base font-semibold tracking-tight">
                Takes
              </Link>
              <Link href="/" className="text-muted hover:text-white">
                Models
              </Link>
              <Link href="/takes" className="text-muted hover:text-white">
                History
              </Link>
              <Link href="/loras" className="text-muted hover:text-white">
                LoRAs
              </Link>
              <div className="ml-auto flex min-w-0 flex-wrap items-center justify-end gap-x-4 gap-y-2">
                <Suspense>
                  <BackendBadge />
                  <SessionControls />
                </Suspense>
              </div>
            </nav>
          </header>
        )}
        <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none sm:px-6 sm:py-8">
          {children}
        </main>
        </SimulatedAmounts>
      </body>
    </html>
  )
}
