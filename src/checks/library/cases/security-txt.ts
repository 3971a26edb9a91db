/** The library test's cases for the security.txt checks (security-txt.ts). */
import { context, daysAgo, endpoint, NOW, securityTxt } from '../test-factories.js';
import { bad, na, ok, type Spec } from './spec.js';

const unreachable = () =>
  endpoint({ error: 'Could not connect to api.northwind.example:443: the connection was refused.' });
const notWeb = () => endpoint({ port: 5671, securityTxt: null });
const olderProbe = () => endpoint({ securityTxt: undefined });
const missing = () =>
  endpoint({
    securityTxt: securityTxt({
      status: 404,
      found: false,
      valid: false,
      contentType: 'text/html',
      errors: [
        'No security.txt at https://api.northwind.example/.well-known/security.txt (the server answered 404): publish one as RFC 9116 describes.',
      ],
      expires: null,
      contacts: [],
    }),
  });
const invalid = () =>
  endpoint({
    securityTxt: securityTxt({
      valid: false,
      errors: [
        'Line 3: Contact "security@northwind.example" has no scheme: write it as "mailto:security@northwind.example".',
        'There is no Expires field: add one with a date less than a year ahead, e.g. "Expires: 2030-01-31T12:00:00Z".',
      ],
      expires: null,
      contacts: ['security@northwind.example'],
    }),
  });
const expiredAtProbe = () =>
  endpoint({
    securityTxt: securityTxt({
      valid: false,
      expired: true,
      expires: daysAgo(3),
      errors: [`The file expired on ${daysAgo(3)}: set Expires to a new date less than a year ahead.`],
    }),
  });
const expiring = (days: number) => endpoint({ securityTxt: securityTxt({ expires: daysAgo(-days) }) });
/** Valid when probed; its Expires has passed by the time the check runs. */
const lapsedSinceProbe = () => endpoint({ securityTxt: securityTxt({ expires: daysAgo(-10) }) });
const later = context({ now: new Date(NOW.getTime() + 11 * 86_400_000) });

export const SECURITY_TXT_CASES: Record<string, Spec> = {
  'web.security_txt.present_valid': {
    cases: [
      ok(endpoint()),
      ok(endpoint({ securityTxt: securityTxt({ signed: true, warnings: ['served without "charset=utf-8"'] }) })),
      bad(missing()),
      bad(invalid()),
      bad(expiredAtProbe()),
      bad(lapsedSinceProbe(), later),
      na(unreachable()),
      na(notWeb()),
      na(olderProbe()),
    ],
  },
  'web.security_txt.expires_soon': {
    cases: [
      ok(endpoint()),
      ok(expiring(31)),
      bad(expiring(29)),
      bad(expiredAtProbe()),
      bad(lapsedSinceProbe(), later),
      na(missing()),
      na(invalid()),
      na(unreachable()),
      na(notWeb()),
      na(olderProbe()),
    ],
  },
};
