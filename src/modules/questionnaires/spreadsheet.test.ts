import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkZipSize, columnName, MAX_UNZIPPED_BYTES, readQuestionnaireFile } from './spreadsheet.js';

describe('questionnaire workbooks', () => {
  it('names spreadsheet columns as letters', () => {
    assert.deepEqual([1, 2, 26, 27, 52, 703].map(columnName), ['A', 'B', 'Z', 'AA', 'AZ', 'AAA']);
  });

  it('refuses a ZIP whose parts would decompress past the limit, before inflating it', async () => {
    const { default: yazl } = await import('yazl');
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.alloc(MAX_UNZIPPED_BYTES + 1), 'xl/huge.xml');
    zip.end();
    const parts: Buffer[] = [];
    for await (const chunk of zip.outputStream) parts.push(chunk as Buffer);
    const bomb = Buffer.concat(parts);
    assert.ok(bomb.length < 1024 * 1024, 'small on disk');
    assert.throws(() => checkZipSize(bomb), /too large once decompressed/);
    await assert.rejects(readQuestionnaireFile(bomb, 'bomb.xlsx'), /too large once decompressed/);
  });
});
