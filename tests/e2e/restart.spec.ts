import { expect, test } from '@playwright/test'
import { createFalClient } from '@fal-ai/client'
import { readFileSync } from 'node:fs'
import { FIXTURES, fixturePath } from '../fixtures/media'
import { startStudio } from './server'

const ENDPOINT = 'fal-ai/ltx-2-19b/video-to-video'

test('a request IN_PROGRESS when the server is killed is run again and its result served', async ({}, testInfo) => {
  test.setTimeout(120_000)
  const env = {
    TAKES_BACKEND: 'local',
    TAKES_DATA_DIR: testInfo.outputPath('data'),
    TAKES_LOCAL_RENDER_MS: '8000',
  }
  const port = 3190 + testInfo.workerIndex
  let studio = await startStudio(port, env)
  try {
    const fal = createFalClient({ proxyUrl: { url: `${studio.url}/api/fal/proxy`, when: 'always' } as never })
    const video = await fal.storage.upload(new File([readFileSync(fixturePath('video'))], FIXTURES.video.file, { type: FIXTURES.video.type }))
    const { request_id: requestId } = await fal.queue.submit(ENDPOINT, { input: { prompt: 'survives a restart', video_url: video } })
    await expect.poll(async () => (await fal.queue.status(ENDPOINT, { requestId })).status).toBe('IN_PROGRESS')

    await studio.kill('SIGKILL')
    studio = await startStudio(port, env)

    const status = await fal.queue.status(ENDPOINT, { requestId, logs: true })
    expect(['IN_QUEUE', 'IN_PROGRESS']).toContain(status.status)
    const done = await fal.queue.subscribeToStatus(ENDPOINT, { requestId, logs: true, mode: 'polling', pollInterval: 250 })
    expect(done.status).toBe('COMPLETED')
    expect(JSON.stringify((done as { logs?: unknown }).logs)).toContain('runs again')
    const result = await fal.queue.result(ENDPOINT, { requestId })
    const url = (result.data as { video: { url: string } }).video.url
    const response = await fetch(url, { headers: { range: 'bytes=0-99' } })
    expect(response.status).toBe(206)
    expect(response.headers.get('content-range')).toMatch(/^bytes 0-99\/\d+$/)
    expect((await response.arrayBuffer()).byteLength).toBe(100)
  } finally {
    await studio.kill()
  }
})
