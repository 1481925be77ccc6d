// Character classes of JavaScript's regular expressions, for hand-written linear matchers that must
// accept exactly what the pattern they replace accepted.

/** What "." does not match (and where "^" and "$" match with the m flag). */
export function isLineTerminator(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
}

/** What "\s" matches (WhiteSpace and LineTerminator), which is also what String.prototype.trim removes. */
export function isJsWhitespace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}
