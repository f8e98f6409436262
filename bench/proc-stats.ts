/** What /proc (Linux) says about a process: its memory (VmRSS polled, VmHWM) and its CPU time. */
import { readFileSync } from 'node:fs'

export class RssSampler {
  peakKb = 0
  #current: { peakKb: number } | null = null
  #timer: NodeJS.Timeout | null = null

  constructor (readonly pid: number) {}

  read (): { rssKb: number; hwmKb: number } | null {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8')
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]
      const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]
      return rss ? { rssKb: Number(rss), hwmKb: Number(hwm ?? rss) } : null
    } catch {
      return null
    }
  }

  #sample (): void {
    const now = this.read()
    if (!now) return
    this.peakKb = Math.max(this.peakKb, now.rssKb, now.hwmKb)
    if (this.#current) this.#current.peakKb = Math.max(this.#current.peakKb, now.rssKb)
  }

  start (): void {
    this.#timer = setInterval(() => this.#sample(), 100)
    this.#timer.unref()
  }

  /** Starts tracking the peak of one scenario; returns a function giving that peak in MB. */
  scenario (): () => number {
    const current = { peakKb: 0 }
    this.#current = current
    this.#sample()
    return () => {
      this.#sample()
      if (this.#current === current) this.#current = null
      return current.peakKb / 1024
    }
  }

  /** The peak over the process' whole life (VmHWM), read before it is stopped. */
  finish (): number {
    this.#sample()
    if (this.#timer) clearInterval(this.#timer)
    return this.peakKb / 1024
  }
}

/** Microseconds in one of /proc's clock ticks (USER_HZ, 100 on Linux). */
export const TICK_US = 10_000

/** CPU time (user + system, in clock ticks) a process has used so far, or null once it is gone. */
export function cpuTicks (pid: number): number | null {
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()?.split(' ') ?? []
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return null
  }
}
