// Colour is a hint, never the message: every tone below is paired with a word or a symbol
// by the code that uses it, so the dashboard reads the same under NO_COLOR, where no style
// (colour, bold, dim) is emitted at all.

import { createContext, useContext, type ReactNode } from 'react';

/** What a piece of text means; the theme decides how that looks. */
export type Tone = 'plain' | 'label' | 'dim' | 'strong' | 'ok' | 'warn' | 'bad' | 'accent' | 'selected';

export interface TextStyle {
  color?: string;
  bold?: boolean;
  dimColor?: boolean;
  inverse?: boolean;
}

export interface Theme {
  color: boolean;
  style(tone: Tone | undefined): TextStyle;
}

const NONE: TextStyle = {};
const STYLES: Record<Tone, TextStyle> = {
  plain: NONE,
  label: { dimColor: true },
  dim: { dimColor: true },
  strong: { bold: true },
  ok: { color: 'green' },
  warn: { color: 'yellow' },
  bad: { color: 'red', bold: true },
  accent: { color: 'cyan' },
  selected: { inverse: true },
};

export function makeTheme(color: boolean): Theme {
  return { color, style: (tone) => (color && tone ? STYLES[tone] : NONE) };
}

/** NO_COLOR (https://no-color.org): present and not empty turns every style off. */
export function colorFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const noColor = env.NO_COLOR;
  return noColor === undefined || noColor === '';
}

const ThemeContext = createContext<Theme>(makeTheme(false));

export function ThemeProvider({ color, children }: { color: boolean; children: ReactNode }) {
  return <ThemeContext.Provider value={color ? COLOR_THEME : PLAIN_THEME}>{children}</ThemeContext.Provider>;
}

const COLOR_THEME = makeTheme(true);
const PLAIN_THEME = makeTheme(false);

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
