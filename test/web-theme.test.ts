import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_THEME, mergeMantineTheme } from '@mantine/core';
import { contrast, lightSchemeColours, readable, theme } from '../web/src/theme.js';

const t = mergeMantineTheme(DEFAULT_THEME, theme);
const colours = lightSchemeColours(t);
const names = Object.keys(t.colors).filter((name) => name !== 'dark');
const AA = 4.5;

describe('the web app’s light-scheme colours', () => {
  it('keep coloured text at 4.5:1 or more on white and on gray 0', () => {
    for (const name of names) {
      const text = colours[`--mantine-color-${name}-text`] as string;
      for (const bg of [t.white, t.colors.gray[0]]) {
        assert.ok(contrast(text, bg) >= AA, `${name} text ${text} on ${bg}: ${contrast(text, bg).toFixed(2)}:1`);
      }
    }
  });

  it('keep light badges’ text at 4.5:1 or more on their tint, at rest and under the pointer', () => {
    for (const name of names) {
      const text = colours[`--mantine-color-${name}-light-color`] as string;
      for (const bg of [t.colors[name]?.[1], t.colors[name]?.[2]] as string[]) {
        assert.ok(contrast(text, bg) >= AA, `${name} light ${text} on ${bg}: ${contrast(text, bg).toFixed(2)}:1`);
      }
    }
  });

  it('keep white text at 4.5:1 or more on filled badges and buttons, darker under the pointer', () => {
    for (const name of names) {
      const filled = colours[`--mantine-color-${name}-filled`] as string;
      const hover = colours[`--mantine-color-${name}-filled-hover`] as string;
      assert.ok(
        contrast(t.white, filled) >= AA,
        `white on ${name} ${filled}: ${contrast(t.white, filled).toFixed(2)}:1`,
      );
      assert.ok(contrast(t.white, hover) > contrast(t.white, filled), `${name} hover is darker`);
    }
  });

  it('darken only the colours that fall short', () => {
    // Yellow's shade 8 carries white text at 2.5:1, so it darkens; indigo's (the primary) reads at 5.7:1 and stays.
    assert.notEqual(colours['--mantine-color-yellow-filled'], t.colors.yellow[8]);
    assert.equal(colours['--mantine-color-indigo-filled'], t.colors.indigo[8]);
    assert.equal(readable('#000000', ['#ffffff']), '#000000');
  });

  it('write dimmed text in gray 7 and placeholders readable but lighter than it', () => {
    assert.equal(colours['--mantine-color-dimmed'], 'var(--mantine-color-gray-7)');
    const placeholder = colours['--mantine-color-placeholder'] as string;
    assert.ok(
      contrast(placeholder, t.white) >= AA,
      `placeholder ${placeholder}: ${contrast(placeholder, t.white).toFixed(2)}:1`,
    );
    assert.ok(contrast(placeholder, t.white) < contrast(t.colors.gray[7], t.white), 'an empty field still looks empty');
  });
});
