import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { loadControlLibrary } from '../controls/library.js';
import type { Health } from '../readiness/derive.js';

/**
 * What a trust center can say (src/content/trust-items.json): sections of items in our own
 * words, each backed by controls of the library. Whether an item is in place is never typed by
 * anyone: it is derived from the health of those controls when the page is rendered.
 */
const Item = z.object({
  key: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1).max(120),
  text: z.string().min(1).max(600),
  controls: z.array(z.string().regex(/^[A-Z]{3}-\d{2}$/)).min(1),
});
const Section = z.object({
  key: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1).max(120),
  items: z.array(Item).min(1),
});
const TrustItemsFile = z.object({ _note: z.string(), sections: z.array(Section).min(1) });

export type TrustItem = z.infer<typeof Item>;
export type TrustSection = z.infer<typeof Section>;

let cached: TrustSection[] | undefined;

/** The sections, validated once: unique keys, and every control key in the built-in library. */
export function trustCatalogue(): TrustSection[] {
  if (cached) return cached;
  const file = TrustItemsFile.parse(
    JSON.parse(readFileSync(new URL('../../../src/content/trust-items.json', import.meta.url), 'utf8')),
  );
  const known = new Set(loadControlLibrary().map((c) => c.key));
  const seen = new Set<string>();
  for (const section of file.sections) {
    for (const key of [section.key, ...section.items.map((i) => `${section.key}.${i.key}`)]) {
      if (seen.has(key)) throw new Error(`trust-items.json: "${key}" appears twice.`);
      seen.add(key);
    }
    for (const item of section.items) {
      const unknown = item.controls.filter((k) => !known.has(k));
      if (unknown.length > 0) throw new Error(`trust-items.json: ${item.key} names unknown controls ${unknown}.`);
    }
  }
  cached = file.sections;
  return cached;
}

/**
 * An item is in place only while every control backing it exists and passes. Any other state
 * (a failing or attention health, a control not yet in effect, out of scope, retired or missing)
 * is not in place: the page must never claim what the program cannot show.
 */
export function itemInPlace(controlKeys: readonly string[], healthByKey: ReadonlyMap<string, Health>): boolean {
  return controlKeys.length > 0 && controlKeys.every((key) => healthByKey.get(key) === 'passing');
}
