import 'server-only'
import { isIP } from 'node:net'
import { isPublicAddress } from '@/lib/http/safe-fetch'

// What a LoRA's path may be. fal fetches it, not the studio, yet a library entry or a take must not
// point fal (or a person copying the take) at a private or local address, or carry credentials: the
// same rules as lib/http/safe-fetch applies before it connects, checked on the URL as written.

/** The longest LoRA URL kept, in characters. */
export const LORA_URL_MAX = 2048

/** fal's other form of `path`: a Hugging Face repository id, `owner/repo`. Not a URL: the studio never fetches it. */
const HF_REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/

/** Why `value` is not a URL a LoRA may live at (https, no credentials, a public host), or null when it is. */
export function loraUrlProblem(value: string): string | null {
  if (value.length > LORA_URL_MAX) return `must be at most ${LORA_URL_MAX} characters`
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'must be an https:// URL'
  }
  if (url.protocol !== 'https:') return 'must be an https:// URL'
  if (url.username || url.password) return 'must not carry a user name or password'
  const host = url.hostname.toLowerCase().replace(/\.+$/, '')
  const literal = host.replace(/^\[(.*)\]$/, '$1')
  if (host === '' || host === 'localhost' || host.endsWith('.localhost') || (isIP(literal) !== 0 && !isPublicAddress(literal))) {
    return 'must be on a public host (not a local, private or link-local address)'
  }
  return null
}

/** Why `value` is not a path fal may load a LoRA from (an https URL by the rule above, or `owner/repo`), or null. */
export function loraPathProblem(value: string): string | null {
  if (HF_REPO_ID.test(value) && !value.includes('..')) return null
  const problem = loraUrlProblem(value)
  return problem === 'must be an https:// URL' ? 'must be an https:// URL or a Hugging Face repository id (owner/repo)' : problem
}
