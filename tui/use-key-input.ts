// Keyboard input for the dashboard. Ink owns stdin (one reader: ink's), and this hook takes
// the pieces ink's reader emits (text runs and single escape sequences, in order), which is
// what ink's own useInput listens to. Using those pieces rather than useInput's parsed
// (input, key) pair keeps what useInput loses: it reports Backspace (DEL) and Delete (ESC[3~)
// both as `key.delete`, and hands a multi-key chunk over as one string. If an ink version
// does not expose the emitter, the hook falls back to useInput (Delete then deletes backwards).

import { useEffect, useRef } from 'react';
import { useInput, useStdin } from 'ink';
import { decodeInkKey, type KeyEvent } from './keys.js';

export interface KeySink {
  handleInput(piece: string): void;
  handleKeys(events: readonly KeyEvent[]): void;
}

export function useKeyInput(sink: KeySink, active = true): void {
  const { internal_eventEmitter: emitter, setRawMode, isRawModeSupported } = useStdin();
  const sinkRef = useRef(sink);
  sinkRef.current = sink;
  const raw = emitter !== undefined && typeof emitter.on === 'function';

  useEffect(() => {
    if (!raw || !active) return;
    if (isRawModeSupported) setRawMode(true);
    const onInput = (piece: unknown): void => {
      sinkRef.current.handleInput(typeof piece === 'string' ? piece : String(piece));
    };
    emitter.on('input', onInput);
    return () => {
      emitter.removeListener('input', onInput);
      if (isRawModeSupported) setRawMode(false);
    };
  }, [raw, active, emitter, setRawMode, isRawModeSupported]);

  useInput((input, key) => sinkRef.current.handleKeys(decodeInkKey(input, key)), { isActive: !raw && active && isRawModeSupported });
}
