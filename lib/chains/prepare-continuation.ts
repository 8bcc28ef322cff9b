import 'server-only'
import { createWriteStream, openAsBlob } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { getTake, type Take } from '@/lib/db/queries'
import { videoOf } from '@/lib/generation/output-video'
import { outputStore, type OutputStore } from '@/lib/storage'
import { isResultExpired } from '@/lib/takes/result-expired'
import type { ContinueChoice } from './continue-choices'
import { extractFrame } from './extract-frame'
import { parentProblem } from './parent-check'
import { uploadForFal, type UploadTarget } from './upload-for-fal'

/** What the playground puts in the continued field. */
export interface Continuation {
  parentTakeId: string
  endpointId: string
  field: string
  source: ContinueChoice['source']
  url: string
}

/** Why a take cannot be continued: the status to answer, and a sentence for the person. */
export class ContinueRefusal extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message)
    this.name = 'ContinueRefusal'
  }
}

export interface ContinueDeps extends UploadTarget {
  store?: OutputStore
  upload?: typeof uploadForFal
  loadTake?: (id: string) => Promise<Take | null>
}

/** fal's own URL of the output video, while fal still holds it (http(s), and the result did not expire). */
function falVideoUrl(take: Take): string | null {
  const url = videoOf(take.output)?.url
  if (!url || !/^https?:\/\//.test(url) || isResultExpired(take.error)) return null
  return url
}

/** Copies the studio's kept file `key` to `file` (the studio reads only its own copy, never a URL). */
async function readKept(store: OutputStore, key: string, file: string): Promise<void> {
  const response = await store.serve(key, null)
  if (!response.ok || !response.body) throw new ContinueRefusal(409, 'The studio’s copy of this take’s video is missing, so it cannot be continued.')
  // Streamed to disk: an output may be large, and is never held in memory whole.
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(file))
}

/**
 * Makes the input that continues `takeId` in `choice`'s field: the output video (fal's URL while
 * fal holds it, else the studio's kept copy, uploaded), or its last or first frame, extracted from
 * the kept copy with ffmpeg and uploaded, so fal (or the simulator) can read it.
 */
export async function prepareContinuation(takeId: string, choice: ContinueChoice, deps: ContinueDeps): Promise<Continuation> {
  const { store = outputStore(), upload = uploadForFal, loadTake = (id) => getTake(id) } = deps
  const take = await loadTake(takeId)
  const problem = parentProblem(take)
  if (!take || problem) throw new ContinueRefusal(take ? 409 : 404, problem ?? 'No such take')
  const made = { parentTakeId: take.id, endpointId: choice.endpointId, field: choice.field, source: choice.source }

  if (choice.source === 'video') {
    const url = falVideoUrl(take)
    if (url) return { ...made, url }
  }
  if (!take.videoKey) throw new ContinueRefusal(409, 'The studio has not kept a copy of this take’s video yet; try again once it has.')

  const work = await mkdtemp(path.join(os.tmpdir(), 'takes-continue-'))
  try {
    const video = path.join(work, 'video')
    await readKept(store, take.videoKey, video)
    if (choice.source === 'video') {
      const name = path.basename(take.videoKey)
      const type = name.endsWith('.webm') ? 'video/webm' : name.endsWith('.mov') ? 'video/quicktime' : 'video/mp4'
      return { ...made, url: await upload(await openAsBlob(video), type, `${take.id}-${name}`, deps) }
    }
    const which = choice.source === 'last-frame' ? 'last' : 'first'
    const png = path.join(work, 'frame.png')
    await extractFrame(video, which, png)
    return { ...made, url: await upload(await openAsBlob(png), 'image/png', `${take.id}-${which}-frame.png`, deps) }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
