import type { Metadata } from 'next'
import type { TakeView } from '@/lib/takes/take-view'
import { videoOf } from '@/lib/generation/output-video'
import { endpointTitleOf, promptOf, truncate } from '@/components/takes/take-text'
import { absoluteUrl } from '@/lib/http/absolute-url'
import { outputFactsOf } from './output-facts'

/** Share links are private by obscurity: never indexed, never followed. */
export const NOINDEX: Metadata['robots'] = { index: false, follow: false }

/**
 * What a take is, in a sentence that is not its title: its length and picture, and the model that
 * made it ("A 4.0 s, 1280 × 720 video made with LTX-2 Video to Video."). Only what the take's page
 * itself shows: no addresses, no request ids.
 */
export function takeSummary(take: Pick<TakeView, 'endpointId' | 'output' | 'status'>): string {
  const { duration, resolution } = outputFactsOf(take.output)
  const model = endpointTitleOf(take.endpointId)
  const facts = [duration, resolution].filter(Boolean).join(', ')
  if (facts) return `A ${facts} video made with ${model}.`
  return take.status === 'FAILED' ? `A take of ${model} that failed.` : `Generated with ${model}.`
}

/** The owner's page: the summary, then as much of the prompt as fits (the title is the prompt's start). */
export function ownerDescription(take: Pick<TakeView, 'endpointId' | 'output' | 'status' | 'input'>): string {
  const prompt = promptOf(take.input)
  const summary = takeSummary(take)
  return prompt ? `${summary} “${truncate(prompt, 160)}”` : summary
}

/**
 * Title, description, Open Graph and Twitter tags for a take's share page, so a pasted link
 * unfurls with its poster and video. Every URL is absolute on the studio's public origin.
 */
export function shareMetadata(take: TakeView, origin: string, pagePath: string): Metadata {
  const endpointTitle = endpointTitleOf(take.endpointId)
  const prompt = promptOf(take.input)
  const title = prompt ? truncate(prompt, 70) : `A take of ${endpointTitle}`
  // The title is the prompt: the description says what the video is.
  const description = takeSummary(take)
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
