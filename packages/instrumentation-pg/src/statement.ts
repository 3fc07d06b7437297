const MAX_SCAN = 4096;
const IDENT = String.raw`(?:"[^"]{1,63}"|[A-Za-z_][A-Za-z0-9_$]{0,62})`;
const COLLECTION_RE = new RegExp(String.raw`^\s*(?:UPDATE\s+(?:ONLY\s+)?|DELETE\s+FROM\s+(?:ONLY\s+)?|INSERT\s+INTO\s+|SELECT\b[\s\S]*?\bFROM\s+(?:ONLY\s+)?)(${IDENT}(?:\.${IDENT})?)`, 'i');
const LEADING_COMMENTS_RE = /^\s*(?:\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*/;
const OPERATION_RE = /^\s*([A-Za-z]+)/;

function head(text: string): string {
  // string literals and comments never reach a label
  return (text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text)
    .replace(LEADING_COMMENTS_RE, '')
    .replace(/'(?:[^']|'')*'?/g, "''")
    .replace(/\/\*[\s\S]*?\*\//g, ' ');
}

/**
 * `db.collection.name` of a statement: the table of a single-table SELECT ... FROM,
 * INSERT INTO, UPDATE or DELETE FROM (schema-qualified as written, quotes removed);
 * undefined when the statement does not name one plainly. Only the table identifier
 * leaves the query text: never values.
 */
export function collectionName(text: string): string | undefined {
  const m = COLLECTION_RE.exec(head(text));
  return m ? m[1].replace(/"/g, '') : undefined;
}

/** `db.operation.name`: the statement's first keyword, upper-cased (SELECT, INSERT, ...). */
export function operationName(text: string): string | undefined {
  const m = OPERATION_RE.exec(head(text));
  return m ? m[1].toUpperCase() : undefined;
}
