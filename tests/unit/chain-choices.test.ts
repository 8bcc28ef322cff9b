import { describe, expect, it } from 'vitest'
import { catalogContinueChoices, findContinueChoice } from '@/lib/chains/catalog-choices'
import { chainShapeOf } from '@/lib/chains/chain-order'
import { continueHref, continueSourceOf } from '@/lib/chains/continue-choices'
import { parentProblem, parseParentTakeId } from '@/lib/chains/parent-check'
import type { FieldDescriptor } from '@/lib/schema'

// Which endpoints and fields a finished take can continue into (read from the compiled fields, never
// by endpoint name), which parent a submit may name, and a chain's order.

const media = (name: string, kind: 'video' | 'image' | 'audio'): FieldDescriptor => ({ kind: 'media', media: kind, name, label: name, required: false, group: 'main' })

describe('continue choices', () => {
  it('gives a video field the video, an image field the last frame, an end image the first frame, and nothing else', () => {
    expect(continueSourceOf(media('video_url', 'video'))).toBe('video')
    expect(continueSourceOf(media('image_url', 'image'))).toBe('last-frame')
    expect(continueSourceOf(media('end_image_url', 'image'))).toBe('first-frame')
    expect(continueSourceOf(media('audio_url', 'audio'))).toBeNull()
    expect(continueSourceOf({ kind: 'text', name: 'prompt', label: 'Prompt', required: true, group: 'main' })).toBeNull()
  })

  it('offers every catalog endpoint that takes a video or an image, by its fields', () => {
    const choices = catalogContinueChoices()
    const of = (endpointId: string) => choices.filter((choice) => choice.endpointId === endpointId).map(({ field, source }) => `${field}:${source}`)
    expect(of('fal-ai/ltx-2-19b/video-to-video')).toContain('video_url:video')
    expect(of('fal-ai/ltx-2/image-to-video')).toEqual(['image_url:last-frame'])
    expect(choices.some((choice) => choice.field === 'end_image_url' && choice.source === 'first-frame')).toBe(true)
    expect(choices.some((choice) => choice.field === 'audio_url')).toBe(false)
    expect(findContinueChoice('fal-ai/ltx-2/image-to-video', 'image_url')?.source).toBe('last-frame')
    expect(findContinueChoice('fal-ai/ltx-2/image-to-video', 'prompt')).toBeNull()
    expect(findContinueChoice('fal-ai/not-in-catalog', 'image_url')).toBeNull()
  })

  it('opens the playground with the take and the field in its address', () => {
    expect(continueHref('abc_-1', { endpointId: 'fal-ai/ltx-2/image-to-video', field: 'image_url' })).toBe('/models/fal-ai/ltx-2/image-to-video?continue=abc_-1&field=image_url')
  })
})

describe('a continued take’s parent', () => {
  it('must exist and have completed', () => {
    expect(parentProblem(null)).toMatch(/does not exist/)
    for (const status of ['IN_QUEUE', 'IN_PROGRESS', 'FAILED', 'CANCELLED'] as const) expect(parentProblem({ status })).toMatch(/not completed/)
    expect(parentProblem({ status: 'COMPLETED' })).toBeNull()
  })

  it('is read from its header as a take id, or refused as malformed', () => {
    expect(parseParentTakeId(null)).toBeNull()
    expect(parseParentTakeId('  ')).toBeNull()
    expect(parseParentTakeId(' Ab_-9 ')).toEqual({ id: 'Ab_-9' })
    expect(parseParentTakeId("x' or 1=1")).toEqual({ malformed: true })
    expect(parseParentTakeId('a'.repeat(65))).toEqual({ malformed: true })
  })
})

describe('a chain’s shape', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString()
  //   root ─ a ─ a1
  //        └ b
  const takes = [
    { id: 'b', parentTakeId: 'root', createdAt: at(3) },
    { id: 'a1', parentTakeId: 'a', createdAt: at(4) },
    { id: 'root', parentTakeId: null, createdAt: at(1) },
    { id: 'a', parentTakeId: 'root', createdAt: at(2) },
  ]
  const ids = (list: { id: string }[]) => list.map((take) => take.id)

  it('walks up to the root and down through the oldest child', () => {
    const shape = chainShapeOf(takes, 'a')!
    expect(ids(shape.ancestors)).toEqual(['root'])
    expect(ids(shape.children)).toEqual(['a1'])
    expect(ids(shape.playOrder)).toEqual(['root', 'a', 'a1'])
    expect(ids(chainShapeOf(takes, 'root')!.children)).toEqual(['a', 'b'])
    expect(ids(chainShapeOf(takes, 'root')!.playOrder)).toEqual(['root', 'a', 'a1'])
    expect(ids(chainShapeOf(takes, 'b')!.playOrder)).toEqual(['root', 'b'])
    expect(chainShapeOf(takes, 'missing')).toBeNull()
  })

  it('stops at a take whose parent is not shown (deleted), and never loops', () => {
    expect(ids(chainShapeOf([{ id: 'x', parentTakeId: 'gone', createdAt: at(1) }], 'x')!.ancestors)).toEqual([])
    const loop = [
      { id: 'p', parentTakeId: 'q', createdAt: at(1) },
      { id: 'q', parentTakeId: 'p', createdAt: at(2) },
    ]
    expect(ids(chainShapeOf(loop, 'p')!.playOrder)).toEqual(['q', 'p'])
  })
})
