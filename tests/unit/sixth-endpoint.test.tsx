import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { renderToString } from 'react-dom/server'
import { prerenderToNodeStream } from 'react-dom/static'
import { FormProvider } from 'react-hook-form'
import { describe, expect, it } from 'vitest'
import { CATALOG_ENTRIES, createCatalog, type CatalogEntry } from '@/lib/endpoints'
import { compileSchema, describeForm, payloadFrom } from '@/lib/schema'
import { Playground } from '@/components/playground/playground'
import { SchemaFields } from '@/components/schema-form/schema-fields'
import { useSchemaForm } from '@/components/schema-form/use-schema-form'

/** A small endpoint the studio has never seen, described only as data. */
const SIXTH: CatalogEntry = {
  id: 'acme/tiny-video/edit',
  title: 'Tiny Video Edit',
  category: 'video-to-video',
  description: 'A synthetic endpoint for tests.',
  pricing: { kind: 'per_megapixel', usdPerMegapixel: 0.5, source: { type: 'published' } },
  output: { kind: 'ltx2' },
  example: { prompt: 'a cat', clip_url: 'https://example.com/cat.mp4', strength: 0.25, mode: 'fast', size: { width: 64, height: 32 }, tags: [{ name: 'x', weight: 2 }] },
  openapi: {
    openapi: '3.0.4',
    info: { title: 'Queue OpenAPI for acme/tiny-video/edit', version: '1.0.0' },
    components: {
      schemas: {
        TinyInput: {
          type: 'object',
          properties: {
            prompt: { type: 'string', title: 'Prompt', description: 'What to make.' },
            clip_url: { type: 'string', title: 'Clip URL', description: 'The clip to edit.' },
            strength: { type: 'number', title: 'Strength', minimum: 0, maximum: 1, default: 0.5 },
            mode: { type: 'string', title: 'Mode', enum: ['fast', 'slow'], default: 'slow' },
            size: {
              title: 'Size',
              default: 'small',
              anyOf: [{ $ref: '#/components/schemas/Dimensions' }, { type: 'string', enum: ['small', 'large'] }],
            },
            tags: { type: 'array', title: 'Tags', items: { $ref: '#/components/schemas/Tag' } },
          },
          'x-fal-order-properties': ['prompt', 'clip_url', 'strength', 'mode', 'size', 'tags'],
          required: ['prompt', 'clip_url'],
        },
        Dimensions: {
          type: 'object',
          properties: { width: { type: 'integer', exclusiveMinimum: 0 }, height: { type: 'integer', exclusiveMinimum: 0 } },
        },
        Tag: {
          type: 'object',
          properties: { name: { type: 'string', title: 'Name' }, weight: { type: 'number', title: 'Weight', default: 1 } },
          required: ['name'],
        },
        TinyOutput: { type: 'object', properties: { video: { type: 'object', properties: { url: { type: 'string' } } } } },
      },
    },
    paths: {
      '/acme/tiny-video/edit': {
        post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/TinyInput' } } } } },
      },
      '/acme/tiny-video/edit/requests/{request_id}': {
        get: { responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/TinyOutput' } } } } } },
      },
    },
  },
}

describe('a sixth endpoint added as data', () => {
  const catalog = createCatalog([...CATALOG_ENTRIES, SIXTH])
  const endpoint = catalog.find(SIXTH.id)!
  const { validator, fields, defaults } = compileSchema(endpoint.input)

  it('is listed and validated with no code change', () => {
    expect(catalog.endpoints).toHaveLength(6)
    expect(fields.map((field) => [field.name, field.kind])).toEqual([
      ['prompt', 'textarea'],
      ['clip_url', 'media'],
      ['strength', 'number'],
      ['mode', 'select'],
      ['size', 'size'],
      ['tags', 'list'],
    ])
    expect(validator.safeParse(endpoint.example).success).toBe(true)
    expect(validator.safeParse({ ...endpoint.example, strength: 1.01 }).success).toBe(false)
    expect(validator.safeParse({ ...endpoint.example, mode: 'medium' }).success).toBe(false)
    expect(validator.safeParse({ ...endpoint.example, size: { width: 0, height: 32 } }).success).toBe(false)
    expect(validator.safeParse({ ...endpoint.example, tags: [{ weight: 1 }] }).success).toBe(false)
    expect(validator.safeParse({ prompt: 'a cat' }).success).toBe(false)
    expect(Object.keys(payloadFrom(defaults, fields)).sort()).toEqual(['clip_url', 'prompt'])
  })

  it('renders one labelled control per field', async () => {
    // The playground draws its main fields at once; the additional ones when their section opens.
    const page = renderToString(<Playground endpoint={{ ...endpoint, form: describeForm(endpoint.input) }} />)
    for (const field of fields.filter((field) => field.group === 'main')) expect(page).toContain(`data-field="${field.name}"`)
    const html = await openedForm(endpoint.input)
    for (const field of fields) {
      expect(html).toContain(`data-field="${field.name}"`)
      expect(html).toMatch(new RegExp(`id="field-${field.name}-label"[^>]*>${field.label}<`))
    }
    expect(html.match(/data-field="[^".]+"/g)).toHaveLength(fields.length)
  })
})

/** The form with its additional settings open, once every widget has loaded (prerender waits for them). */
async function openedForm(input: Parameters<typeof useSchemaForm>[0]): Promise<string> {
  function OpenedForm() {
    const { form, compiled } = useSchemaForm(input, describeForm(input))
    return (
      <FormProvider {...form}>
        <SchemaFields fields={compiled.fields} additionalOpen onAdditionalOpenChange={() => {}} />
      </FormProvider>
    )
  }
  const { prelude } = await prerenderToNodeStream(<OpenedForm />)
  const chunks: Buffer[] = []
  for await (const chunk of prelude) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks).toString('utf8')
}

describe('no page, widget or route names an endpoint', () => {
  function sourceFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const file = path.join(dir, name)
      return statSync(file).isDirectory() ? sourceFiles(file) : /\.(ts|tsx)$/.test(name) ? [file] : []
    })
  }
  const files = ['app', 'components'].flatMap((dir) => sourceFiles(path.join(process.cwd(), dir)))

  it.each(CATALOG_ENTRIES.map((entry) => entry.id))('%s', (id) => {
    expect(files.length).toBeGreaterThan(5)
    const naming = files.filter((file) => readFileSync(file, 'utf8').includes(id))
    expect(naming).toEqual([])
  })
})
