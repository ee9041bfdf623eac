// Where a line stops being valid UTF-8 or valid JSON, and what was expected there. Only the error
// path runs this code (the fast path is node's UTF-8 check and JSON.parse), so it favours clear
// messages over speed; it is iterative, so deeply nested input cannot overflow the stack.

/** The first invalid byte of a UTF-8 byte sequence, or undefined when it is all valid. */
export function findInvalidUtf8(bytes: Uint8Array): { offset: number; incomplete: boolean } | undefined {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return { offset: i, incomplete: false };
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return { offset: i, incomplete: true };
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return { offset: i, incomplete: false };
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { offset: i, incomplete: false };
    i += need + 1;
  }
  return undefined;
}

/** 1-based column, in code points, of UTF-16 offset `offset` in `text`. */
export function columnAt(text: string, offset: number): number {
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < offset) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    col++;
  }
  return col;
}

/** A JSON syntax error: the UTF-16 offset where it is detected and what was expected there. */
export interface JsonSyntaxError {
  offset: number;
  expected: string;
  /** True when the text ended before the value was complete. */
  atEnd: boolean;
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Locates the first JSON syntax error in `text` (one JSON value, optional whitespace around it). */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  const n = text.length;
  let i = 0;
  const fail = (expected: string): JsonSyntaxError => ({ offset: Math.min(i, n), expected, atEnd: i >= n });
  const skipWs = (): void => {
    while (i < n && isWs(text.charCodeAt(i))) i++;
  };

  // Each entry is an open container; `state` says what comes next inside it.
  type Frame = { close: 0x7d | 0x5d; state: 'first' | 'after' | 'key' };
  const stack: Frame[] = [];

  const scanString = (): JsonSyntaxError | undefined => {
    i++; // opening quote
    for (;;) {
      if (i >= n) return fail("a closing '\"' (the string is not terminated)");
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return fail('no control characters inside a string (escape them, e.g. \\n)');
      if (c === 0x5c) {
        const e = text.charAt(i + 1);
        if ('"\\/bfnrt'.includes(e) && e !== '') i += 2;
        else if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            return fail('four hexadecimal digits after \\u');
          }
          i += 6;
        } else {
          i++;
          return fail('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)');
        }
      } else i++;
    }
  };

  const scanNumber = (): JsonSyntaxError | undefined => {
    if (text.charCodeAt(i) === 0x2d) i++;
    if (i >= n || !isDigit(text.charCodeAt(i))) return fail('a digit');
    if (text.charCodeAt(i) === 0x30) i++;
    else while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (i >= n || !isDigit(text.charCodeAt(i))) return fail('a digit after the decimal point');
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const s = text.charCodeAt(i);
      if (s === 0x2b || s === 0x2d) i++;
      if (i >= n || !isDigit(text.charCodeAt(i))) return fail('a digit in the exponent');
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
    return undefined;
  };

  /** Scans one value's start: a scalar entirely, or the opening of a container. */
  const scanValue = (): JsonSyntaxError | undefined => {
    skipWs();
    if (i >= n) return fail('a value');
    const c = text.charCodeAt(i);
    if (c === 0x7b) {
      i++;
      stack.push({ close: 0x7d, state: 'first' });
      return undefined;
    }
    if (c === 0x5b) {
      i++;
      stack.push({ close: 0x5d, state: 'first' });
      return undefined;
    }
    if (c === 0x22) return scanString();
    if (c === 0x2d || isDigit(c)) return scanNumber();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return undefined;
      }
    }
    return fail('a value (an object, array, string, number, true, false or null)');
  };

  let err = scanValue();
  while (err === undefined && stack.length > 0) {
    const top = stack[stack.length - 1]!;
    skipWs();
    if (i >= n) {
      err = fail(top.close === 0x7d ? "'}' (the object is not closed)" : "']' (the array is not closed)");
      break;
    }
    const c = text.charCodeAt(i);
    if (top.state === 'first' && c === top.close) {
      i++;
      stack.pop();
      continue;
    }
    if (top.state === 'after') {
      if (c === top.close) {
        i++;
        stack.pop();
        continue;
      }
      if (c !== 0x2c) {
        err = fail(
          top.close === 0x7d ? "',' or '}' after a property value" : "',' or ']' after an array element",
        );
        break;
      }
      i++;
      if (top.close === 0x7d) top.state = 'key';
      else err = scanValue();
      continue;
    }
    if (top.close === 0x5d) {
      // first element of an array
      top.state = 'after';
      err = scanValue();
      continue;
    }
    // an object's property name, then ':' and its value
    if (c !== 0x22) {
      err = fail('a double-quoted property name');
      break;
    }
    err = scanString();
    if (err !== undefined) break;
    skipWs();
    if (text.charCodeAt(i) !== 0x3a) {
      err = fail("':' after a property name");
      break;
    }
    i++;
    top.state = 'after';
    err = scanValue();
  }
  if (err !== undefined) return err;
  skipWs();
  if (i < n) return fail('the end of the line after one JSON value');
  return undefined;
}
