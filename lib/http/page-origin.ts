import 'server-only'
import { headers } from 'next/headers'
import { publicOriginOf } from '@/lib/http/public-origin'

/** The studio's public origin for the page being rendered. */
export async function publicOrigin(): Promise<string> {
  return publicOriginOf(await headers())
}
