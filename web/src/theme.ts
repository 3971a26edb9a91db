import { type CSSVariablesResolver, createTheme, darken, luminance, type MantineTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 8 keeps links and white-on-blue buttons above WCAG's 4.5:1 (shade 6 is 4.3:1).
  primaryShade: { light: 8, dark: 6 },
  components: {
    // Nearly every field is required, so asterisks are noise; the `required` attribute still tells
    // assistive technology, and labels stay exactly their words (e.g. "Password", not "Password *").
    InputWrapper: { defaultProps: { withAsterisk: false } },
    // Status badges are a word or two: a narrow table column must not cut them to "IN PR…".
    Badge: { styles: { root: { flexShrink: 0, minWidth: 'max-content' } } },
  },
});

/** WCAG 2 contrast ratio of two colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** WCAG AA for normal text is 4.5:1; a little above it, so rounding in a browser cannot tip it under. */
export const READABLE = 4.6;

/** `color`, darkened in small steps until it reads at READABLE on every one of `backgrounds`. */
export function readable(color: string, backgrounds: string[]): string {
  for (let step = 0; step <= 50; step++) {
    const candidate = step === 0 ? color : darken(color, step * 0.02);
    if (backgrounds.every((bg) => contrast(candidate, bg) >= READABLE)) return candidate;
  }
  return '#000000';
}

/**
 * The light scheme's colours for text and status, made readable. Mantine's palette keeps its
 * shades, but what is written in a colour is darkened where it falls under 4.5:1: coloured text
 * (`c="orange"`, shade 8 is 3.6:1 on white), light badges (yellow shade 9 on shade 1 is 2.7:1)
 * and filled badges and buttons with white text (yellow shade 8 is 2.5:1). Colours that already
 * pass keep their shade. Dimmed text is gray 7 and placeholders gray 6 darkened (gray 6 is
 * 3.3:1 on white).
 */
export function lightSchemeColours(t: MantineTheme): Record<string, string> {
  const white = t.white;
  const variables: Record<string, string> = {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // Placeholders only as dark as they must be, so an empty field still looks empty beside a filled one.
    '--mantine-color-placeholder': readable(t.colors.gray[6], [white]),
  };
  for (const [name, shades] of Object.entries(t.colors)) {
    if (name === 'dark') continue;
    // Text sits on white or gray 0 (table headers, code); the light variant's background is
    // shade 1, and 2 under the pointer.
    const text = readable(shades[8], [white, t.colors.gray[0]]);
    const filled = readable(shades[8], [white]);
    variables[`--mantine-color-${name}-text`] = text;
    variables[`--mantine-color-${name}-light-color`] = readable(shades[9], [shades[1], shades[2]]);
    variables[`--mantine-color-${name}-outline`] = text;
    variables[`--mantine-color-${name}-filled`] = filled;
    variables[`--mantine-color-${name}-filled-hover`] = darken(filled, 0.1);
  }
  return variables;
}

export const cssVariables: CSSVariablesResolver = (t) => ({
  variables: {},
  light: lightSchemeColours(t),
  dark: {},
});
