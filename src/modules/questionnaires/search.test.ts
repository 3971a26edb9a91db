import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STARTER } from './library.js';
import { confidenceOf, processTerm, stem, TextIndex } from './search.js';

const index = new TextIndex(
  STARTER.map((s) => ({
    id: s.key,
    primary: s.question,
    questions: [s.question, ...s.variants].join('\n'),
    body: s.answer,
    tags: s.tags.join(' '),
  })),
);

describe('questionnaire retrieval', () => {
  it('stems inflections of one word to the same term and drops stop words', () => {
    assert.equal(stem('encrypted'), stem('encryption'));
    assert.equal(stem('encrypts'), stem('encrypting'));
    assert.equal(stem('policies'), stem('policy'));
    assert.equal(stem('authentication'), stem('authenticated'));
    assert.equal(processTerm('Your'), null);
    assert.equal(processTerm('Backups'), 'backup');
  });

  it('scores confidence 1 for a perfect lone match, lower when the runner-up is close', () => {
    assert.equal(confidenceOf(10, 10, null), 1);
    assert.equal(confidenceOf(10, 10, 0), 1);
    assert.equal(confidenceOf(10, 10, 10), 0.6);
    assert.equal(confidenceOf(5, 10, null), 0.5);
    assert.equal(confidenceOf(10, 10, 8.75), 0.8);
    assert.equal(confidenceOf(0, 10, null), 0);
    assert.equal(confidenceOf(20, 10, null), 1, 'never above 1');
  });

  it('ranks the right starter entry first for paraphrased questions', () => {
    const cases: [string, string][] = [
      ['Is stored customer data encrypted?', 'encryption-at-rest'],
      ['Do staff use two-factor authentication when logging in?', 'mfa-all'],
      ['Are user access rights reviewed periodically?', 'access-reviews'],
      ['Has a third party performed a penetration test in the last 12 months?', 'pentest'],
      ['Is there a documented incident response procedure?', 'incident-response'],
      ['Do employees get security awareness training every year?', 'training'],
    ];
    for (const [question, key] of cases) {
      const [best, second] = index.match(question, 3);
      assert.equal(best?.id, key, question);
      assert.ok((best?.confidence ?? 0) > 0.3, `${question}: ${best?.confidence}`);
      assert.ok(!second || second.confidence <= (best?.confidence ?? 0), 'confidence never rises down the list');
    }
    assert.deepEqual(index.match('What is the capital of France?'), []);
  });
});
