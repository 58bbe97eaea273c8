import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
const { Database } = createRequire(import.meta.url)('node-sqlite3-wasm');
for (const [journal, sync, lock] of [['TRUNCATE','FULL','NORMAL'],['TRUNCATE','FULL','EXCLUSIVE'],['TRUNCATE','NORMAL','EXCLUSIVE'],['TRUNCATE','OFF','EXCLUSIVE'],['PERSIST','FULL','EXCLUSIVE'],['MEMORY','FULL','EXCLUSIVE']]) {
  rmSync('/tmp/c.db', { force: true }); rmSync('/tmp/c.db-journal', { force: true }); rmSync('/tmp/c.db.lock', { recursive: true, force: true });
  const db = new Database('/tmp/c.db');
  db.exec(`PRAGMA journal_mode = ${journal}; PRAGMA synchronous = ${sync}; PRAGMA locking_mode = ${lock}; CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT);`);
  const t = performance.now();
  for (let i = 0; i < 100; i++) { db.exec('BEGIN IMMEDIATE'); db.run('INSERT INTO t (v) VALUES (?)', ['x'.repeat(100)]); db.exec('COMMIT'); }
  const tw = (performance.now() - t) / 100;
  const t2 = performance.now();
  for (let i = 0; i < 300; i++) db.get('SELECT * FROM t WHERE k = ?', [i % 100 + 1]);
  console.log(journal, sync, lock, 'commit', tw.toFixed(2), 'ms; autocommit read', ((performance.now() - t2) / 300).toFixed(3), 'ms');
  db.close();
}
