import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContactsFile } from './contacts-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psrkit-contacts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = async (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};

describe('readContactsFile', () => {
  it('picks the format from the extension', async () => {
    const csv = await file('list.CSV', '\ufeffphone,name\n0912345678,An\n');
    expect((await readContactsFile(csv)).contacts[0]?.fields).toEqual({ name: 'An' });
    for (const name of ['list.jsonl', 'list.ndjson']) {
      const jsonl = await file(name, '{"phone":"0912345678","name":"An"}\n');
      expect((await readContactsFile(jsonl)).contacts).toHaveLength(1);
    }
    const other = await file('list.txt', '{"sdt":"0912345678"}');
    expect((await readContactsFile(other, { format: 'jsonl' })).contacts).toHaveLength(1);
  });

  it('reads UTF-16 with a BOM (a spreadsheet’s "Unicode" export)', async () => {
    const text = '\ufeffphone,tên\n0912345678,Nguyễn\n';
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      bytes[2 * i] = text.charCodeAt(i) & 0xff;
      bytes[2 * i + 1] = text.charCodeAt(i) >> 8;
    }
    const path = await file('utf16.csv', bytes);
    expect((await readContactsFile(path)).contacts[0]?.fields).toEqual({ ten: 'Nguyễn' });
  });

  it('says which file cannot be read, and why', async () => {
    const missing = join(dir, 'missing.csv');
    await expect(readContactsFile(missing)).rejects.toMatchObject({
      code: 'INVALID_CONTACTS',
      path: missing,
      message: `${missing}: cannot read it (ENOENT)`,
      cause: expect.objectContaining({ code: 'ENOENT' }),
    });
    const txt = await file('list.txt', 'phone\n0912345678\n');
    await expect(readContactsFile(txt)).rejects.toMatchObject({
      path: txt,
      message: expect.stringMatching(/cannot tell the format from the extension/),
    });
    const xlsx = await file('list.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]));
    await expect(readContactsFile(xlsx)).rejects.toMatchObject({
      message: expect.stringMatching(/is a spreadsheet .* save it as CSV UTF-8/),
    });
    const latin1 = await file('latin1.csv', new Uint8Array([0x70, 0x0a, 0xe9, 0x0a]));
    await expect(readContactsFile(latin1)).rejects.toMatchObject({
      code: 'INVALID_CONTACTS',
      message: expect.stringMatching(/is not UTF-8 text/),
    });
    const noPhone = await file('nophone.csv', 'name\nAn\n');
    await expect(readContactsFile(noPhone)).rejects.toMatchObject({
      path: noPhone,
      message: expect.stringMatching(/^.*nophone\.csv: no phone column/),
    });
  });
});
