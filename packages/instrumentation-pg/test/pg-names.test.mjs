import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const { collectionName, operationName } = createRequire(import.meta.url)('../dist/statement.js');

test('db.operation.name and db.collection.name come from the statement, never values', () => {
  const cases = [
    ['SELECT id FROM items WHERE id = $1', 'SELECT', 'items'],
    ['select * from public."Users" u join x on 1=1', 'SELECT', 'public.Users'],
    ['INSERT INTO orders (a) VALUES ($1)', 'INSERT', 'orders'],
    ['UPDATE ONLY t SET a = 1', 'UPDATE', 't'],
    ["DELETE FROM sessions WHERE token = 'sk-secret'", 'DELETE', 'sessions'],
    ['/* tag */ SELECT pg_sleep(0.4) FROM items LIMIT 1', 'SELECT', 'items'],
    ['-- note\nINSERT INTO t VALUES (1)', 'INSERT', 't'],
    ['CREATE TABLE items (id int)', 'CREATE', undefined],
    ['SELECT 1', 'SELECT', undefined],
    ["SELECT 'FROM secret'", 'SELECT', undefined],
    ["SELECT 'it''s' /* FROM c */, 1", 'SELECT', undefined],
  ];
  for (const [q, op, coll] of cases) {
    assert.equal(operationName(q), op, q);
    assert.equal(collectionName(q), coll, q);
  }
  assert.equal(collectionName('SELECT ' + 'x,'.repeat(100_000) + ' FROM t'), undefined); // bounded scan
});
