// Limits counted per clock minute or hour reset at the window's edge: a counting test that
// straddles one sees its budget refilled half way and fails for no fault of the code.
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

/** Waits for the next window when fewer than `marginMs` of the current one are left. */
export async function awayFromEdge(periodMs: number, marginMs: number): Promise<void> {
  const left = periodMs - (Date.now() % periodMs);
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 100));
}
