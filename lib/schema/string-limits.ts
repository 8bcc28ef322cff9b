/**
 * How long a string input may be. fal publishes no `maxLength` for any field of the LTX-2 endpoints
 * (their OpenAPI documents and pages name none), so the bounds are the studio's own, chosen so that
 * they refuse nothing the model could use:
 *
 * - Text (prompts, negative prompts, LoRA paths): LTX-2's text encoder (Gemma 3) reads at most 1,024
 *   tokens of a prompt (`TOKENIZER_MAX_LENGTH` in Lightricks' ltx-core) and drops the rest; that is
 *   about 4,000 characters of English. 10,000 characters leaves room for any language and
 *   tokenisation and still refuses megabyte prompts.
 * - http(s) media URLs: 8,192 characters, the longest request line common HTTP servers and CDNs
 *   accept (fal's own file URLs are under 200). Data URIs are bounded by the request body's cap.
 *
 * A schema's own `maxLength`, when fal publishes one, wins when it is lower.
 */
export const TEXT_MAX_CHARS = 10_000
export const URL_MAX_CHARS = 8_192

const count = (n: number) => n.toLocaleString('en-US')

/** The message a too-long field shows, naming the limit. */
export function tooLongMessage(label: string, limit: number, what = 'characters'): string {
  return `${label} is too long: at most ${count(limit)} ${what}`
}
