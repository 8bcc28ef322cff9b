import { spawn, type ChildProcess } from 'node:child_process'

// Starting a process from the studio blocks its event loop while the kernel copies the studio's
// memory map (tens of ms for a server holding hundreds of MB; measured by bench:follow, where
// posters and renders spawned ffmpeg a few times a second). So one small, long-lived helper process
// starts ffmpeg and ffprobe instead: the studio only sends it a message. The helper's own source is
// inline (run with `node -e`), so no bundler has to find a file for it.

const LAUNCHER_SOURCE = `
const { spawn } = require('node:child_process')
const running = new Map()
const send = (message) => { if (process.connected) process.send(message) }
process.on('message', (message) => {
  if (message.t === 'kill') return void running.get(message.id)?.kill(message.signal)
  let child
  try {
    child = spawn(message.file, message.args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true })
  } catch (error) {
    return send({ t: 'exit', id: message.id, code: null, signal: null, error: String(error && error.message || error) })
  }
  running.set(message.id, child)
  let timer
  if (message.timeoutMs > 0) timer = setTimeout(() => child.kill('SIGTERM'), message.timeoutMs)
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stdout.on('data', (data) => send({ t: 'out', id: message.id, data }))
  child.stderr.on('data', (data) => send({ t: 'err', id: message.id, data }))
  let ended = false
  const end = (exit) => {
    if (ended) return
    ended = true
    clearTimeout(timer)
    running.delete(message.id)
    send({ t: 'exit', id: message.id, ...exit })
  }
  // A process that never started (ENOENT, EACCES) reports only an error.
  child.on('error', (error) => { if (child.pid === undefined) end({ code: null, signal: null, error: String(error && error.message || error) }) })
  child.on('close', (code, signal) => end({ code, signal, timedOut: message.timeoutMs > 0 && signal === 'SIGTERM' }))
})
process.on('disconnect', () => {
  for (const child of running.values()) child.kill('SIGKILL')
  process.exit(0)
})
`

export interface LaunchOptions {
  onStdout?: (text: string) => void
  onStderr?: (text: string) => void
  /** Kills the process (SIGKILL) when aborted. */
  signal?: AbortSignal
  /** Kills the process (SIGTERM) after this long; 0 for never. */
  timeoutMs?: number
}

export interface LaunchExit {
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
}

type LauncherMessage =
  | { t: 'out' | 'err'; id: number; data: string }
  | { t: 'exit'; id: number; code: number | null; signal: NodeJS.Signals | null; error?: string; timedOut?: boolean }

interface Job {
  options: LaunchOptions
  resolve: (exit: LaunchExit) => void
  reject: (error: Error) => void
}

class ProcessLauncher {
  private helper: ChildProcess | undefined
  private readonly jobs = new Map<number, Job>()
  private nextId = 0

  launch(file: string, args: readonly string[], options: LaunchOptions): Promise<LaunchExit> {
    return new Promise((resolve, reject) => {
      const helper = this.running()
      const id = ++this.nextId
      const onAbort = () => this.send(helper, { t: 'kill', id, signal: 'SIGKILL' })
      const done = () => options.signal?.removeEventListener('abort', onAbort)
      this.jobs.set(id, {
        options,
        resolve: (exit) => (done(), resolve(exit)),
        reject: (error) => (done(), reject(error)),
      })
      this.hold()
      options.signal?.addEventListener('abort', onAbort, { once: true })
      this.send(helper, { t: 'run', id, file, args, timeoutMs: options.timeoutMs ?? 0 })
    })
  }

  private send(helper: ChildProcess, message: object) {
    // A helper that just died rejects its jobs through its 'exit'; nothing more to do here.
    if (helper.connected) helper.send(message, (error) => error && helper.kill('SIGKILL'))
  }

  private running(): ChildProcess {
    if (this.helper?.connected) return this.helper
    const helper = spawn(process.execPath, ['-e', LAUNCHER_SOURCE], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], windowsHide: true })
    helper.on('message', (message: LauncherMessage) => this.receive(message))
    const lost = () => {
      if (this.helper !== helper) return
      this.helper = undefined
      const pending = [...this.jobs.values()]
      this.jobs.clear()
      for (const job of pending) job.reject(new Error('The process launcher stopped'))
    }
    helper.on('exit', lost)
    helper.on('error', lost)
    this.helper = helper
    // An idle helper keeps nothing alive (hold() refs it while jobs run).
    helper.unref()
    helper.channel?.unref()
    return helper
  }

  private receive(message: LauncherMessage) {
    const job = this.jobs.get(message.id)
    if (!job) return
    if (message.t !== 'exit') return message.t === 'out' ? job.options.onStdout?.(message.data) : job.options.onStderr?.(message.data)
    this.jobs.delete(message.id)
    this.hold()
    if (message.error && message.code === null && message.signal === null) job.reject(new Error(message.error))
    else job.resolve({ code: message.code, signal: message.signal, timedOut: message.timedOut === true })
  }

  /** Keeps this process alive while a job runs, as a child process of its own would. */
  private hold() {
    if (this.jobs.size > 0) this.helper?.channel?.ref()
    else this.helper?.channel?.unref()
  }
}

const LAUNCHER_KEY = Symbol.for('takes.processLauncher')
const held = globalThis as { [LAUNCHER_KEY]?: ProcessLauncher }

/** Runs `file` with `args` (no shell) through the studio's process launcher; its exit, once it ends. */
export function launchProcess(file: string, args: readonly string[], options: LaunchOptions = {}): Promise<LaunchExit> {
  held[LAUNCHER_KEY] ??= new ProcessLauncher()
  return held[LAUNCHER_KEY].launch(file, args, options)
}
