import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseSecurityTxt, renderSecurityTxt, type SecurityTxtFields, SecurityTxtFieldsError } from './index.js';

const NOW = new Date('2026-12-07T09:00:00.000Z');
const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/security-txt/${name}.security.txt`, import.meta.url), 'utf8');

/** A minimal valid file around `lines`, Expires 90 days after NOW unless the lines give one. */
const file = (...lines: string[]) => {
  const all = [...lines];
  if (!all.some((line) => /^expires:/i.test(line))) all.push('Expires: 2027-03-07T09:00:00Z');
  if (!all.some((line) => /^contact:/i.test(line))) all.unshift('Contact: mailto:security@example.com');
  return `${all.join('\n')}\n`;
};

describe('parseSecurityTxt on the fixtures', () => {
  test('the RFC 9116 example is well formed but expired (its Expires is 2021-12-31)', () => {
    const report = parseSecurityTxt(fixture('rfc9116-2.6-unsigned-example'), NOW);
    assert.equal(report.valid, false);
    assert.equal(report.expired, true);
    assert.equal(report.expires, '2021-12-31T18:37:07.000Z', 'the lower-case "z" is read as UTC');
    assert.deepEqual(report.errors, [
      'The file expired on 2021-12-31T18:37:07.000Z: set Expires to a new date less than a year ahead.',
    ]);
    assert.deepEqual(report.fields.contact, ['mailto:security@example.com']);
    assert.deepEqual(report.fields.acknowledgments, ['https://example.com/hall-of-fame.html']);
    assert.equal(report.signed, false);

    const before = parseSecurityTxt(fixture('rfc9116-2.6-unsigned-example'), new Date('2021-06-01T00:00:00Z'));
    assert.equal(before.valid, true, before.errors.join(' | '));
    assert.equal(before.expired, false);
  });

  test('the pre-RFC template is invalid: a Contact without a scheme and no Expires, each saying what to fix', () => {
    const report = parseSecurityTxt(fixture('legacy-template-invalid'), NOW);
    assert.equal(report.valid, false);
    assert.equal(report.expires, null);
    assert.equal(report.expired, false);
    assert.equal(report.errors.length, 2, report.errors.join(' | '));
    assert.match(
      report.errors[0] ?? '',
      /Contact "security@example\.com" has no scheme: write it as "mailto:security@example\.com"/,
    );
    assert.match(report.errors[1] ?? '', /no Expires field: add one/);
  });

  test('our own file with every field is valid, keeping the contacts in order of preference', () => {
    const report = parseSecurityTxt(fixture('northwind-valid'), NOW);
    assert.equal(report.valid, true, report.errors.join(' | '));
    assert.deepEqual(report.warnings, []);
    assert.deepEqual(report.fields.contact, [
      'mailto:security@northwind.example',
      'https://northwind.example/security/report',
    ]);
    assert.deepEqual(report.fields['preferred-languages'], ['en, nl']);
    assert.equal(report.expires, '2027-06-30T12:00:00.000Z');
  });

  test('an OpenPGP cleartext-signed file (CRLF) is read through its signed text, signature not verified', () => {
    const text = fixture('northwind-signed');
    assert.ok(text.includes('\r\n'), 'the fixture uses CRLF');
    const report = parseSecurityTxt(text, NOW);
    assert.equal(report.signed, true);
    assert.equal(report.valid, true, report.errors.join(' | '));
    assert.deepEqual(report.fields.contact, ['mailto:security@northwind.example']);
    assert.equal(report.fields.hash, undefined, 'the armour header "Hash:" is not a field');
    assert.equal(report.expires, '2027-06-30T12:00:00.000Z');
  });
});

describe('parseSecurityTxt rules', () => {
  test('reads field names whatever their case, skips comments and blank lines, and keeps unknown fields', () => {
    const report = parseSecurityTxt(
      '# hello\r\n\r\nCONTACT: tel:+31201234567\r\nexpires: 2027-01-01T00:00:00+01:00\r\nX-Team: Blue\r\n',
      NOW,
    );
    assert.equal(report.valid, true, report.errors.join(' | '));
    assert.deepEqual(report.fields.contact, ['tel:+31201234567']);
    assert.deepEqual(report.fields['x-team'], ['Blue']);
    assert.equal(report.expires, '2026-12-31T23:00:00.000Z', 'the offset is applied');
  });

  test('requires Contact, refuses http:, and warns about an unusual scheme', () => {
    assert.match(parseSecurityTxt('Expires: 2027-01-01T00:00:00Z\n', NOW).errors.join(), /no Contact field/);
    const http = parseSecurityTxt(file('Contact: http://example.com/report'), NOW);
    assert.equal(http.valid, false);
    assert.match(http.errors.join(), /uses http:\/\/: RFC 9116 requires https:\/\//);
    const phone = parseSecurityTxt(file('Contact: +31 20 123 4567'), NOW);
    assert.match(phone.errors.join(), /write it as "tel:\+31201234567"/);
    const xmpp = parseSecurityTxt(file('Contact: xmpp:security@example.com'), NOW);
    assert.equal(xmpp.valid, true);
    assert.match(xmpp.warnings.join(), /prefer mailto:, https: or tel:/);
    assert.match(parseSecurityTxt(file('Contact: mailto:nobody'), NOW).errors.join(), /not a valid mailto: address/);
  });

  test('requires exactly one readable Expires; warns when it is more than a year ahead', () => {
    const twice = parseSecurityTxt(file('Expires: 2027-01-01T00:00:00Z', 'Expires: 2027-02-01T00:00:00Z'), NOW);
    assert.match(twice.errors.join(), /Expires appears 2 times \(lines 2, 3\): keep exactly one/);
    for (const bad of [
      '2027-01-01',
      '2027-02-30T00:00:00Z',
      'tomorrow',
      '2027-01-01 00:00:00Z',
      '2027-01-01T25:00:00Z',
    ]) {
      const report = parseSecurityTxt(file(`Expires: ${bad}`), NOW);
      assert.equal(report.valid, false, bad);
      assert.match(report.errors.join(), /is not an RFC 3339 date-time: write it like/, bad);
      assert.equal(report.expires, null);
    }
    const far = parseSecurityTxt(file('Expires: 2028-06-01T00:00:00Z'), NOW);
    assert.equal(far.valid, true);
    assert.match(far.warnings.join(), /more than a year ahead/);
    const exactlyNow = parseSecurityTxt(file(`Expires: ${NOW.toISOString()}`), NOW);
    assert.equal(exactlyNow.expired, true, 'a file expiring this instant has expired');
  });

  test('allows Preferred-Languages once, with valid tags', () => {
    assert.equal(parseSecurityTxt(file('Preferred-Languages: en, pt-BR,fr'), NOW).valid, true);
    const twice = parseSecurityTxt(file('Preferred-Languages: en', 'Preferred-Languages: fr'), NOW);
    assert.match(twice.errors.join(), /Preferred-Languages appears 2 times/);
    const bad = parseSecurityTxt(file('Preferred-Languages: English; Dutch'), NOW);
    assert.match(bad.errors.join(), /not a language tag/);
  });

  test('requires https for the web URIs of Canonical, Policy, Acknowledgments, Hiring and Encryption', () => {
    for (const name of ['Canonical', 'Policy', 'Acknowledgments', 'Hiring', 'Encryption']) {
      const report = parseSecurityTxt(file(`${name}: http://example.com/x`), NOW);
      assert.equal(report.valid, false, name);
      assert.match(report.errors.join(), new RegExp(`${name} "http://example.com/x" uses http://`));
      assert.equal(parseSecurityTxt(file(`${name}: https://example.com/x`), NOW).valid, true, name);
    }
    assert.equal(
      parseSecurityTxt(
        file('Encryption: dns:5d2d3ceb7abe552344276d47d36a8175b7aeb250._openpgpkey.example.com?type=OPENPGPKEY'),
        NOW,
      ).valid,
      true,
      'an OpenPGP key in DNS is a URI too',
    );
    assert.match(parseSecurityTxt(file('Policy: /security'), NOW).errors.join(), /is not a URI/);
  });

  test('names the line of anything that is neither a field nor a comment, and of empty values', () => {
    const report = parseSecurityTxt(file('Report bugs to us please', 'Policy:'), NOW);
    assert.match(report.errors.join(' | '), /Line 2 is neither a field/);
    assert.match(report.errors.join(' | '), /Line 3: Policy has no value/);
  });

  test('warns when the address it was fetched from is not among its Canonical fields', () => {
    const text = file('Canonical: https://example.com/.well-known/security.txt');
    assert.deepEqual(parseSecurityTxt(text, NOW, { url: 'https://example.com/.well-known/security.txt' }).warnings, []);
    const elsewhere = parseSecurityTxt(text, NOW, { url: 'https://www.example.com/.well-known/security.txt' });
    assert.equal(elsewhere.valid, true);
    assert.match(elsewhere.warnings.join(), /none of its Canonical fields names/);
  });

  test('refuses a signed message without a signature, or with text around it', () => {
    const body =
      '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@example.com\nExpires: 2027-01-01T00:00:00Z\n';
    const unsigned = parseSecurityTxt(body, NOW);
    assert.equal(unsigned.signed, true);
    assert.match(unsigned.errors.join(), /no signature block/);
    const trailing = parseSecurityTxt(
      `${body}-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\nContact: mailto:evil@example.com\n`,
      NOW,
    );
    assert.match(trailing.errors.join(), /text after the OpenPGP signature/);
    assert.deepEqual(trailing.fields.contact, ['mailto:a@example.com'], 'unsigned lines are not read as fields');
    const leading = parseSecurityTxt(`Contact: mailto:evil@example.com\n${body}-----BEGIN PGP SIGNATURE-----\n`, NOW);
    assert.match(leading.errors.join(), /does not start at the top of the file/);
  });
});

describe('renderSecurityTxt', () => {
  test('writes one field per line, Contact first and Expires last, LF and a final line break', () => {
    const text = renderSecurityTxt({
      contact: ['mailto:security@northwind.example', 'tel:+31201234567'],
      expires: new Date('2027-06-05T04:03:02.000Z'),
      policy: ['https://northwind.example/trust'],
      preferredLanguages: ['en', 'nl'],
      canonical: ['https://northwind.example/.well-known/security.txt'],
      encryption: ['https://northwind.example/key.asc'],
      acknowledgments: ['https://northwind.example/thanks'],
      hiring: ['https://northwind.example/jobs'],
    });
    assert.equal(
      text,
      [
        'Contact: mailto:security@northwind.example',
        'Contact: tel:+31201234567',
        'Encryption: https://northwind.example/key.asc',
        'Policy: https://northwind.example/trust',
        'Acknowledgments: https://northwind.example/thanks',
        'Hiring: https://northwind.example/jobs',
        'Preferred-Languages: en, nl',
        'Canonical: https://northwind.example/.well-known/security.txt',
        'Expires: 2027-06-05T04:03:02.000Z',
        '',
      ].join('\n'),
    );
  });

  test('refuses fields that would make an invalid file, or add a line of their own', () => {
    const expires = new Date('2027-01-01T00:00:00Z');
    const problems = (fields: SecurityTxtFields) => {
      try {
        renderSecurityTxt(fields);
      } catch (error) {
        assert.ok(error instanceof SecurityTxtFieldsError);
        return error.problems.join(' | ');
      }
      assert.fail('rendered');
    };
    assert.match(problems({ contact: [], expires }), /at least one Contact/);
    assert.match(
      problems({ contact: ['mailto:a@example.com\nContact: mailto:evil@example.com'], expires }),
      /line break/,
    );
    assert.match(problems({ contact: ['http://example.com'], expires }), /requires https/);
    assert.match(problems({ contact: ['mailto:a@example.com'], expires: new Date('nope') }), /not a valid date/);
    assert.match(
      problems({ contact: ['mailto:a@example.com'], expires, preferredLanguages: ['en,fr'] }),
      /not a language tag/,
    );
  });

  // No "--": a label like xn--a claims to be punycode, and an invalid one is not a URL host at all.
  const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/).filter((l) => !l.includes('--'));
  const host = fc.tuple(label, label).map(([a, b]) => `${a}.${b}.example`);
  const webUri = fc.tuple(host, fc.array(label, { maxLength: 3 })).map(([h, path]) => `https://${h}/${path.join('/')}`);
  const contact = fc.oneof(
    fc.tuple(label, host).map(([user, h]) => `mailto:${user}@${h}`),
    fc.stringMatching(/^\+[1-9][0-9]{6,12}$/).map((n) => `tel:${n}`),
    webUri,
  );
  const languageTag = fc.stringMatching(/^[a-z]{2,3}(-[A-Z]{2})?$/);
  /** Expires between a minute and 364 days after NOW, whole milliseconds. */
  const expires = fc.integer({ min: 60_000, max: 364 * 86_400_000 }).map((ms) => new Date(NOW.getTime() + ms));
  const optional = (uri: fc.Arbitrary<string>) =>
    fc.option(fc.array(uri, { minLength: 1, maxLength: 3 }), { nil: undefined });
  const fieldsArbitrary: fc.Arbitrary<SecurityTxtFields> = fc.record({
    contact: fc.array(contact, { minLength: 1, maxLength: 4 }),
    expires,
    policy: optional(webUri),
    acknowledgments: optional(webUri),
    hiring: optional(webUri),
    encryption: optional(webUri),
    preferredLanguages: optional(languageTag),
    canonical: optional(webUri),
  });

  test('any valid fields render to a file that parses as valid, with the same values (property)', () => {
    fc.assert(
      fc.property(fieldsArbitrary, (fields) => {
        const report = parseSecurityTxt(renderSecurityTxt(fields), NOW);
        assert.deepEqual(report.errors, []);
        assert.deepEqual(report.warnings, []);
        assert.equal(report.valid, true);
        assert.equal(report.expires, fields.expires.toISOString());
        assert.deepEqual(report.fields.contact, fields.contact);
        assert.deepEqual(report.fields.policy, fields.policy);
        assert.deepEqual(report.fields.acknowledgments, fields.acknowledgments);
        assert.deepEqual(report.fields.hiring, fields.hiring);
        assert.deepEqual(report.fields.encryption, fields.encryption);
        assert.deepEqual(report.fields.canonical, fields.canonical);
        assert.deepEqual(
          report.fields['preferred-languages']?.[0]?.split(',').map((tag) => tag.trim()),
          fields.preferredLanguages,
        );
      }),
      { numRuns: 300 },
    );
  });
});
