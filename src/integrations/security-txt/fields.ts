/**
 * What RFC 9116 says about each field's value, shared by the parser (which reports) and the
 * renderer (which refuses to write an invalid file). Each problem is one sentence saying what to fix.
 */

/** The fields RFC 9116 defines, by lower-cased name, with the spelling the RFC uses. */
export const KNOWN_FIELDS = {
  acknowledgments: 'Acknowledgments',
  canonical: 'Canonical',
  contact: 'Contact',
  encryption: 'Encryption',
  expires: 'Expires',
  hiring: 'Hiring',
  policy: 'Policy',
  'preferred-languages': 'Preferred-Languages',
} as const;

export type KnownField = keyof typeof KNOWN_FIELDS;

/** Fields whose value is a URI; a web URI among them must be https. */
export const URI_FIELDS: readonly KnownField[] = [
  'acknowledgments',
  'canonical',
  'contact',
  'encryption',
  'hiring',
  'policy',
];

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
const EMAIL = /^[^\s@:]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 ().-]{4,}$/;

/** The problem with a URI-valued field, or null when it is fine. `name` is the RFC spelling. */
export function uriProblem(name: string, value: string): string | null {
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (!scheme) {
    if (name === 'Contact' && EMAIL.test(value)) {
      return `Contact "${value}" has no scheme: write it as "mailto:${value}".`;
    }
    if (name === 'Contact' && PHONE.test(value)) {
      return `Contact "${value}" has no scheme: write it as "tel:${value.replace(/[ ().-]/g, '')}".`;
    }
    return `${name} "${value}" is not a URI: start it with a scheme such as https://${name === 'Contact' ? ' or mailto:' : ''}.`;
  }
  if (/\s/.test(value)) return `${name} "${value}" contains spaces: a URI cannot; encode them or remove them.`;
  if (scheme === 'http') return `${name} "${value}" uses http://: RFC 9116 requires https:// for web URIs.`;
  if (scheme === 'https' && !URL.canParse(value)) return `${name} "${value}" is not a valid https:// URL: correct it.`;
  if (name === 'Contact' && scheme === 'mailto' && !EMAIL.test(value.slice('mailto:'.length).split('?')[0] ?? '')) {
    return `Contact "${value}" is not a valid mailto: address: write it as mailto:name@example.com.`;
  }
  if (name === 'Contact' && scheme === 'tel' && !PHONE.test(value.slice('tel:'.length))) {
    return `Contact "${value}" is not a valid tel: number: write it as tel:+ followed by the international number.`;
  }
  return null;
}

/** Schemes researchers know how to use for a Contact; others are allowed with a warning. */
export const CONTACT_SCHEMES: ReadonlySet<string> = new Set(['mailto', 'https', 'tel']);

export function schemeOf(value: string): string | null {
  return SCHEME.exec(value)?.[1]?.toLowerCase() ?? null;
}

/** RFC 5646 language tag, loosely: a 2–8 letter primary subtag and alphanumeric subtags. */
const LANGUAGE_TAG = /^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$/;

export function languageProblem(tag: string): string | null {
  return LANGUAGE_TAG.test(tag)
    ? null
    : `Preferred-Languages has "${tag}", which is not a language tag: use codes such as "en" or "pt-BR", separated by commas.`;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** An RFC 3339 date-time (as RFC 9116's Expires uses) in milliseconds, or null when it is not one. */
export function parseDateTime(value: string): number | null {
  const m = DATE_TIME.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  // 60 is a leap second, which RFC 3339 allows.
  if (hour > 23 || minute > 59 || second > 60) return null;
  const fraction = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  if (m[9]) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
    ms += m[9] === '+' ? -offset : offset;
  }
  return ms;
}

/** A value the renderer may put on a line: no line breaks or other control characters. */
export function lineProblem(name: string, value: string): string | null {
  if (value.trim() === '') return `${name} is empty: give it a value or leave it out.`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f]/.test(value))
    return `${name} ${JSON.stringify(value)} contains a line break or control character: remove it.`;
  if (value !== value.trim()) return `${name} "${value}" starts or ends with spaces: remove them.`;
  return null;
}
