// The terminal stream ink draws the dashboard through, correcting one line of ink 6.8's
// incremental renderer so the dashboard can use it (it rewrites only the lines that changed:
// an idle 120×40 dashboard writes about a tenth of what whole frames cost).
//
// The fault (ink/build/log-update.js, createIncremental): a frame shorter than the terminal
// ends with '\n', so after it the cursor sits on the line below the frame. The next frame,
// when it has at least as many lines, starts with cursorUp(previousLines - 1), which assumes
// the cursor is on the frame's last line: it lands on the frame's second line, each later
// frame one row lower, and the screen tears. The dashboard always draws rows - 1 lines
// (tui/layout.ts), so every frame ends with '\n' and the fix is one more line up.
//
// Invariants:
//  (I1) Only a write that starts like that branch does is changed: optional cursor hide and
//       return-to-bottom moves (cursor-helpers.js buildReturnToBottomPrefix), then CSI n A.
//       The other branches start by erasing lines (CSI 2K) or clearing the screen.
//  (I2) The extra line is added only when the previous frame written left the cursor below
//       itself (endsBelowFrame): a full-height frame leaves it on its own last line, where
//       ink's count is right.
//  (I3) Everything else passes through untouched: size, isTTY, events, and writes that draw
//       nothing (isControlOnly), which also leave the state of (I2) as it was.

/** CSI sequences ink may put before the cursor-up of an incremental frame (I1). */
const FRAME_START = /^((?:\u001b\[\?25l)?(?:\u001b\[\d+B)?(?:\u001b\[\d*G)?)\u001b\[(\d+)A/;
/** The cursor suffix that may follow a frame: up, column, show (cursor-helpers.js). */
const CURSOR_SUFFIX = /(?:\u001b\[\d+A)?\u001b\[\d*G\u001b\[\?25h$/;
/** Any CSI sequence. */
const CSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * A write with nothing drawn: synchronized-output brackets, cursor show / hide, and ink's
 * cursor-only moves (return to the bottom, then to the input), which count from the line
 * below the frame already and need no correction.
 */
export function isControlOnly(chunk: string): boolean {
  return !chunk.includes('\n') && chunk.replace(CSI, '') === '';
}

/** Correct one incremental frame; `belowFrame`: the cursor sits on the line after the last frame (I2). */
export function correctFrame(chunk: string, belowFrame: boolean): string {
  if (!belowFrame) return chunk;
  return chunk.replace(FRAME_START, (_match, prefix: string, up: string) => `${prefix}\u001b[${Number(up) + 1}A`);
}

/**
 * Whether a frame write leaves the cursor on the line below the frame (I2): its last line
 * ends with '\n', or, unchanged, is stepped over with cursor-next-line (CSI E).
 */
export function endsBelowFrame(chunk: string): boolean {
  const frame = chunk.replace(CURSOR_SUFFIX, '');
  return frame.endsWith('\n') || frame.endsWith('\u001b[E');
}

/** `stdout` as ink should see it (I3). */
export function inkStdout(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
  let belowFrame = false;
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (typeof chunk !== 'string' || isControlOnly(chunk)) return (stdout.write as (...args: unknown[]) => boolean)(chunk, ...rest);
    const corrected = correctFrame(chunk, belowFrame);
    belowFrame = endsBelowFrame(chunk);
    return (stdout.write as (...args: unknown[]) => boolean)(corrected, ...rest);
  };
  return new Proxy(stdout, {
    get(target, property) {
      if (property === 'write') return write;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
