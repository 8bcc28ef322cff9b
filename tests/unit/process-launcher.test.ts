import { describe, expect, it } from 'vitest'
import { launchProcess } from '@/lib/media/process-launcher'

// The studio starts ffmpeg and ffprobe through one long-lived helper process (lib/media/process-launcher.ts):
// output streams back, exits and signals are reported as a child process's own would be.

describe('the process launcher', () => {
  it('streams stdout and stderr, and reports the exit code', async () => {
    let out = ''
    let err = ''
    const exit = await launchProcess('/bin/sh', ['-c', 'echo one; echo two >&2; exit 3'], { onStdout: (t) => (out += t), onStderr: (t) => (err += t) })
    expect(exit).toEqual({ code: 3, signal: null, timedOut: false })
    expect(out).toBe('one\n')
    expect(err).toBe('two\n')
  })

  it('runs many at once, each answered as its own', async () => {
    const outputs = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        let out = ''
        await launchProcess('/bin/sh', ['-c', `echo ${i}`], { onStdout: (t) => (out += t) })
        return out.trim()
      }),
    )
    expect(outputs).toEqual(Array.from({ length: 12 }, (_, i) => String(i)))
  })

  it('kills the process when the signal aborts, and after its timeout', async () => {
    const controller = new AbortController()
    const started = Date.now()
    const aborted = launchProcess('/bin/sleep', ['30'], { signal: controller.signal })
    setTimeout(() => controller.abort(), 100)
    expect(await aborted).toMatchObject({ code: null, signal: 'SIGKILL' })
    expect(await launchProcess('/bin/sleep', ['30'], { timeoutMs: 100 })).toEqual({ code: null, signal: 'SIGTERM', timedOut: true })
    expect(Date.now() - started).toBeLessThan(20_000)
  })

  it('rejects a program that cannot start', async () => {
    await expect(launchProcess('/nonexistent/ffmpeg', [])).rejects.toThrow(/ENOENT/)
  })
})
