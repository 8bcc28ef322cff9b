import { spawnSync } from 'node:child_process'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { JsonValue, Payload } from '@/lib/schema'
import { CodeExport } from '@/components/playground/code-export'
import {
  SNIPPET_LANGUAGES,
  curlSnippet,
  javascriptSnippet,
  pythonSnippet,
  queueAppPath,
  snippetFor,
} from '@/lib/code-export/snippets'

const ID = 'fal-ai/ltx-2-19b/video-to-video'

const PAYLOAD: Payload = {
  prompt: `It's a "take" \\ with a newline\nand unicode: é, 日本, 🎬, \u2028 tab\t`,
  video_url: 'https://example.com/in.mp4',
  enable_safety_checker: true,
  use_multiscale: false,
  negative_prompt: null,
  num_frames: 121,
  guidance_scale: -0.5,
  video_size: { width: 1248, height: 704 },
  loras: [
    { path: 'https://example.com/a.safetensors', scale: 1 },
    { path: "https://example.com/it's.safetensors", scale: 0.75 },
  ],
  empty_list: [],
  empty_object: {},
}

/** Whether `command -c <code>` runs here (both sh and python3 take -c). */
function runs(command: string, code: string): boolean {
  return spawnSync(command, ['-c', code]).status === 0
}

/** Reads one POSIX shell word made of '…' segments and backslash escapes, starting at `start`. */
function unquoteShellWord(text: string, start: number): string {
  let out = ''
  let i = start
  while (i < text.length) {
    const char = text[i]
    if (char === "'") {
      const end = text.indexOf("'", i + 1)
      if (end < 0) throw new Error('unterminated quote')
      out += text.slice(i + 1, end)
      i = end + 1
    } else if (char === '\\') {
      out += text[i + 1] ?? ''
      i += 2
    } else if (char === undefined || /\s/.test(char)) {
      break
    } else {
      out += char
      i += 1
    }
  }
  return out
}

function curlBody(snippet: string): string {
  const marker = '--data '
  const start = snippet.indexOf(marker)
  expect(start).toBeGreaterThan(0)
  return unquoteShellWord(snippet, start + marker.length)
}

function between(text: string, before: string, after: string): string {
  const start = text.indexOf(before)
  const end = text.indexOf(after, start)
  expect(start, before).toBeGreaterThanOrEqual(0)
  expect(end, after).toBeGreaterThan(start)
  return text.slice(start + before.length, end)
}

const pythonArguments = (snippet: string) => between(snippet, 'arguments=', ',\n    with_logs=True')
const jsInput = (snippet: string) => between(snippet, '  input: ', ',\n  logs: true,')

const STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g

describe('curlSnippet', () => {
  const snippet = curlSnippet(ID, PAYLOAD)

  it("submits to fal's queue with the key from the environment", () => {
    expect(snippet).toContain('curl --request POST')
    expect(snippet).toContain(`--url https://queue.fal.run/${ID}`)
    expect(snippet).toContain('--header "Authorization: Key $FAL_KEY"')
    expect(snippet).toContain('--header "Content-Type: application/json"')
  })

  it('embeds JSON that parses back to the payload once the shell quoting is undone', () => {
    expect(snippet).toContain(`'\\''`)
    expect(JSON.parse(curlBody(snippet))).toEqual(PAYLOAD)
  })

  it('shows where to poll status and fetch the result (owner/alias, without the subpath)', () => {
    expect(snippet).toContain('https://queue.fal.run/fal-ai/ltx-2-19b/requests/$REQUEST_ID/status')
    expect(snippet).toContain('--url https://queue.fal.run/fal-ai/ltx-2-19b/requests/$REQUEST_ID --header')
  })

  it.skipIf(!runs('sh', 'exit 0'))('passes the exact JSON to curl when run by a real shell, inline and through stdin', () => {
    const large: Payload = { ...PAYLOAD, image_url: `data:image/png;base64,${'A'.repeat(200_000)}` }
    const fakeCurl =
      'curl() { while [ $# -gt 0 ]; do case "$1" in --data) printf %s "$2"; return;; --data-binary) cat; return;; esac; shift; done; }\n'
    for (const payload of [PAYLOAD, large]) {
      const run = spawnSync('sh', ['-s'], { input: fakeCurl + curlSnippet(ID, payload), encoding: 'utf8' })
      expect(run.stderr).toBe('')
      expect(JSON.parse(run.stdout)).toEqual(payload)
    }
    expect(curlSnippet(ID, large)).toContain(`--data-binary @- <<'JSON'`)
  })
})

describe('javascriptSnippet', () => {
  const snippet = javascriptSnippet(ID, PAYLOAD)

  it('subscribes with @fal-ai/client and prints logs and the result', () => {
    expect(snippet).toContain('import { fal } from "@fal-ai/client";')
    expect(snippet).toContain('fal.config({ credentials: process.env.FAL_KEY });')
    expect(snippet).toContain(`fal.subscribe("${ID}"`)
    expect(snippet).toContain('logs: true,')
    expect(snippet).toContain('update.status === "IN_PROGRESS"')
    expect(snippet).toContain('console.log(result.data, result.requestId);')
  })

  it('embeds an input literal that evaluates to the payload', () => {
    const input: unknown = new Function(`return (${jsInput(snippet)})`)()
    expect(input).toEqual(PAYLOAD)
  })

  it('quotes keys that are not identifiers', () => {
    const input: unknown = new Function(`return (${jsInput(javascriptSnippet(ID, JSON.parse('{"a-b":1,"__proto__":2}') as Payload))})`)()
    expect(JSON.stringify(input)).toBe('{"a-b":1,"__proto__":2}')
  })
})

describe('pythonSnippet', () => {
  const snippet = pythonSnippet(ID, PAYLOAD)
  const literal = pythonArguments(snippet)

  it('subscribes with fal_client, printing logs and the result', () => {
    expect(snippet).toContain('import fal_client')
    expect(snippet).toContain(`fal_client.subscribe(\n    "${ID}",`)
    expect(snippet).toContain('with_logs=True,')
    expect(snippet).toContain('on_queue_update=on_queue_update,')
    expect(snippet).toContain('print(result)')
  })

  it('uses True, False and None, never JSON constants outside strings', () => {
    const code = literal.replace(STRING_LITERAL, '""')
    expect(code).toMatch(/\bTrue\b/)
    expect(code).toMatch(/\bFalse\b/)
    expect(code).toMatch(/\bNone\b/)
    expect(code).not.toMatch(/\b(true|false|null)\b/)
  })

  it('indents nested objects and arrays', () => {
    expect(literal).toContain('        "video_size": {\n            "width": 1248,')
    expect(literal).toContain('        "loras": [\n            {\n                "path":')
  })

  it.skipIf(!runs('python3', 'pass'))('is a Python literal equal to the payload', () => {
    const run = spawnSync(
      'python3',
      ['-c', 'import ast,sys,json; print(json.dumps(ast.literal_eval(sys.stdin.read())))'],
      { input: literal, encoding: 'utf8', env: { ...process.env, PYTHONUTF8: '1' } },
    )
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout) as JsonValue).toEqual(PAYLOAD)
  })
})

describe('every snippet', () => {
  it.each(SNIPPET_LANGUAGES.map(({ id }) => id))('%s mentions FAL_KEY and holds no literal key', (language) => {
    const previous = process.env.FAL_KEY
    process.env.FAL_KEY = 'secret-id:secret-value'
    try {
      const snippet = snippetFor(language, ID, PAYLOAD)
      expect(snippet).toContain('FAL_KEY')
      expect(snippet).not.toContain('secret-')
      expect(snippet).not.toMatch(/Key (?!\$FAL_KEY)/)
      expect(snippetFor(language, ID, PAYLOAD)).toBe(snippet)
    } finally {
      if (previous === undefined) delete process.env.FAL_KEY
      else process.env.FAL_KEY = previous
    }
  })
})

it('finds the queue app of namespaced and plain endpoint ids', () => {
  expect(queueAppPath('fal-ai/ltx-2/image-to-video')).toBe('fal-ai/ltx-2')
  expect(queueAppPath('workflows/acme/flow/run')).toBe('workflows/acme/flow')
})

it('renders ARIA tabs, the cURL snippet and a Copy button', () => {
  const html = renderToString(createElement(CodeExport, { endpointId: ID, payload: { prompt: 'a cat' } }))
  expect(html).toContain('role="tablist"')
  expect(html.match(/role="tab"/g)).toHaveLength(3)
  expect(html).toContain('aria-selected="true"')
  expect(html).toContain('role="tabpanel"')
  expect(html).toContain('data-testid="code-snippet"')
  expect(html).toContain('Reads your key from FAL_KEY in the environment.')
  expect(html).toMatch(/>Copy</)
  expect(html).toContain('curl --request POST')
})
