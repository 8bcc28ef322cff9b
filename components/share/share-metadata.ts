import type { Metadata } from 'next'
import type { TakeView } from '@/lib/takes/take-view'
import { videoOf } from '@/lib/generation/output-video'
import { endpointTitleOf, promptOf, truncate } from '@/components/takes/take-text'
import { absoluteUrl } from '@/lib/http/absolute-url'

/** Share links are private by obscurity: never indexed, never followed. */
export const NOINDEX: Metadata['robots'] = { index: false, follow: false }

/**
 * Title, description, Open Graph and Twitter tags for a take's share page, so a pasted link
 * unfurls with its poster and video. Every URL is absolute on the studio's public origin.
 */
export function shareMetadata(take: TakeView, origin: string, pagePath: string): Metadata {
  const endpointTitle = endpointTitleOf(take.endpointId)
  const prompt = promptOf(take.input)
  const title = prompt ? truncate(prompt, 70) : `A take of ${endpointTitle}`
  const description = prompt ? truncate(prompt, 200) : `Generated with ${endpointTitle}.`
  const poster = take.posterUrl ? absoluteUrl(origin, take.posterUrl) : null
  const video = take.videoUrl ? absoluteUrl(origin, take.videoUrl) : null
  const facts = take.output ? videoOf(take.output) : null
  const { width, height } = facts ?? {}
  const contentType = facts?.contentType?.startsWith('video/') ? facts.contentType : undefined
  return {
    title,
    description,
    robots: NOINDEX,
    openGraph: {
      type: 'video.other',
      siteName: 'Takes',
      url: absoluteUrl(origin, pagePath),
      title,
      description,
      ...(poster ? { images: [{ url: poster, width, height, alt: title }] } : {}),
      ...(video ? { videos: [{ url: video, type: contentType ?? 'video/mp4', width, height }] } : {}),
    },
    twitter: {
      card: poster ? 'summary_large_image' : 'summary',
      title,
      description,
      ...(poster ? { images: [{ url: poster, alt: title }] } : {}),
    },
  }
}
