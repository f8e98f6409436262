/** Polls `check` every 50 ms until it holds or `timeoutMs` passes; its last answer. */
export async function waitFor (check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return check()
}
