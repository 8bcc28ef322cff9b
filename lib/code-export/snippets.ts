import type { JsonValue, Payload } from '@/lib/schema'

export type SnippetLanguage = 'curl' | 'javascript' | 'python'

export const SNIPPET_LANGUAGES: readonly { id: SnippetLanguage; label: string }[] = [
  { id: 'curl', label: 'cURL' },
  { id: 'javascript', label: 'JavaScript' },
  { id: 'python', label: 'Python' },
]

export function snippetFor(language: SnippetLanguage, endpointId: string, payload: Payload): string {
  switch (language) {
    case 'curl':
      return curlSnippet(endpointId, payload)
    case 'javascript':
      return javascriptSnippet(endpointId, payload)
    case 'python':
      return pythonSnippet(endpointId, payload)
  }
}

const QUEUE_BASE = 'https://queue.fal.run'

/** Namespaces that come before owner/alias in an endpoint id, as in `@fal-ai/client`'s parseEndpointId. */
const ENDPOINT_NAMESPACES = ['workflows', 'comfy']

/** Where a request's status and result live: the endpoint id without its subpath. */
export function queueAppPath(endpointId: string): string {
  const parts = endpointId.split('/')
  const namespaced = ENDPOINT_NAMESPACES.includes(parts[0] ?? '')
  return parts.slice(0, namespaced ? 3 : 2).join('/')
}

/** Wraps text in single quotes for a POSIX shell; a quote inside becomes '\'' (close, escaped quote, reopen). */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

const SHELL_SAFE = /^[\w./:@%+=,~-]+$/

function shellWord(text: string): string {
  return SHELL_SAFE.test(text) ? text : shellQuote(text)
}

/**
 * Linux refuses any single argument over 128 KiB (MAX_ARG_STRLEN), which inline data URIs easily
 * exceed; past this size the body goes through stdin instead of `--data '…'`.
 */
const MAX_INLINE_DATA_BYTES = 100 * 1024

/** The pretty JSON never has a line that is only this word: inner lines are indented, the outer ones are braces. */
const HEREDOC_WORD = 'JSON'

export function curlSnippet(endpointId: string, payload: Payload): string {
  const json = JSON.stringify(payload, null, 2)
  const auth = '--header "Authorization: Key $FAL_KEY"'
  // Quoted apart from the variable, so that $REQUEST_ID still expands.
  const request = `${shellWord(`${QUEUE_BASE}/${queueAppPath(endpointId)}`)}/requests/$REQUEST_ID`
  const inline = new TextEncoder().encode(json).length <= MAX_INLINE_DATA_BYTES
  const body = inline ? `  --data ${shellQuote(json)}` : `  --data-binary @- <<'${HEREDOC_WORD}'\n${json}\n${HEREDOC_WORD}`
  return [
    '# Reads your key from FAL_KEY in the environment.',
    'curl --request POST \\',
    `  --url ${shellWord(`${QUEUE_BASE}/${endpointId}`)} \\`,
    `  ${auth} \\`,
    '  --header "Content-Type: application/json" \\',
    body,
    '',
    '# The response holds a request_id. Poll its status until it is COMPLETED:',
    '# REQUEST_ID=<request_id from the response>',
    `# curl --request GET --url ${request}/status ${auth}`,
    '# Then fetch the result:',
    `# curl --request GET --url ${request} ${auth}`,
    '',
  ].join('\n')
}

interface LiteralStyle {
  indent: string
  key: (name: string) => string
  constant: (value: boolean | null) => string
}

/** Pretty-prints a JSON value as source code; strings use JSON escaping, which JS and Python both read the same way. */
function literal(value: JsonValue, style: LiteralStyle, depth: number): string {
  if (value === null || typeof value === 'boolean') return style.constant(value)
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : style.constant(null)
  if (typeof value === 'string') return JSON.stringify(value)
  const outer = style.indent.repeat(depth)
  const inner = style.indent.repeat(depth + 1)
  const items = Array.isArray(value)
    ? value.map((item) => literal(item, style, depth + 1))
    : Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([name, item]) => `${style.key(name)}: ${literal(item, style, depth + 1)}`)
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}']
  if (items.length === 0) return `${open}${close}`
  return `${open}\n${items.map((item) => inner + item).join(',\n')}\n${outer}${close}`
}

const JS_IDENTIFIER = /^[A-Za-z_$][\w$]*$/

function jsKey(name: string): string {
  // Both `__proto__:` and `"__proto__":` set the prototype in an object literal; only a computed key makes a property.
  if (name === '__proto__') return '["__proto__"]'
  return JS_IDENTIFIER.test(name) ? name : JSON.stringify(name)
}

const JS_STYLE: LiteralStyle = { indent: '  ', key: jsKey, constant: (value) => String(value) }

const PYTHON_STYLE: LiteralStyle = {
  indent: '    ',
  key: (name) => JSON.stringify(name),
  constant: (value) => (value === null ? 'None' : value ? 'True' : 'False'),
}

export function javascriptSnippet(endpointId: string, payload: Payload): string {
  return [
    'import { fal } from "@fal-ai/client";',
    '',
    '// The client reads FAL_KEY from the environment on its own; set here for clarity.',
    'fal.config({ credentials: process.env.FAL_KEY });',
    '',
    `const result = await fal.subscribe(${JSON.stringify(endpointId)}, {`,
    `  input: ${literal(payload, JS_STYLE, 1)},`,
    '  logs: true,',
    '  onQueueUpdate: (update) => {',
    '    if (update.status === "IN_PROGRESS") {',
    '      update.logs.map((log) => log.message).forEach((message) => console.log(message));',
    '    }',
    '  },',
    '});',
    'console.log(result.data, result.requestId);',
    '',
  ].join('\n')
}

export function pythonSnippet(endpointId: string, payload: Payload): string {
  return [
    'import fal_client',
    '',
    '# fal_client reads your key from FAL_KEY in the environment.',
    '',
    '',
    'def on_queue_update(update):',
    '    if isinstance(update, fal_client.InProgress):',
    '        for log in update.logs:',
    '            print(log["message"])',
    '',
    '',
    'result = fal_client.subscribe(',
    `    ${JSON.stringify(endpointId)},`,
    `    arguments=${literal(payload, PYTHON_STYLE, 1)},`,
    '    with_logs=True,',
    '    on_queue_update=on_queue_update,',
    ')',
    'print(result)',
    '',
  ].join('\n')
}
