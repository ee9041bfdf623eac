// A small, strict XML 1.0 well-formedness checker for the JUnit report tests: tags nest, attributes
// are quoted, `&` only starts a known entity, no character XML forbids. Returns the element tree.

/** One parsed element. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = '[A-Za-z_][A-Za-z0-9_.:-]*';
const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;
const FORBIDDEN = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function decode(s: string, where: string): string {
  if (/&/.test(s.replace(ENTITY, ''))) throw new Error(`bare & in ${where}: ${JSON.stringify(s)}`);
  return s.replace(ENTITY, (e) => {
    switch (e) {
      case '&amp;':
        return '&';
      case '&lt;':
        return '<';
      case '&gt;':
        return '>';
      case '&quot;':
        return '"';
      case '&apos;':
        return "'";
      default:
        return String.fromCodePoint(
          e[2] === 'x' ? parseInt(e.slice(3, -1), 16) : parseInt(e.slice(2, -1), 10),
        );
    }
  });
}

/** Parses `xml` or throws a sentence saying where it is not well-formed. */
export function parseXml(xml: string): XmlElement {
  const bad = FORBIDDEN.exec(xml);
  if (bad !== null)
    throw new Error(`character U+${bad[0].codePointAt(0)!.toString(16)} is not allowed in XML 1.0`);
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tag = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"<]*")*)\\s*(/?)>`);
  while (rest.length > 0) {
    const top = stack[stack.length - 1]!;
    if (rest.startsWith('<!--')) {
      const end = rest.indexOf('-->');
      if (end < 0) throw new Error('unterminated comment');
      rest = rest.slice(end + 3);
      continue;
    }
    if (rest.startsWith('<')) {
      const m = tag.exec(rest);
      if (m === null) throw new Error(`bad tag at ${JSON.stringify(rest.slice(0, 40))}`);
      const [whole, close, name, attrText, selfClose] = m as unknown as [
        string,
        string,
        string,
        string,
        string,
      ];
      rest = rest.slice(whole.length);
      if (close === '/') {
        if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
        stack.pop();
        continue;
      }
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(new RegExp(`(${NAME})\\s*=\\s*"([^"<]*)"`, 'g'))) {
        if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        attrs[a[1]!] = decode(a[2]!, `attribute ${a[1]}`);
      }
      const el: XmlElement = { name, attrs, children: [], text: '' };
      if (stack.length === 1 && root.children.length > 0) throw new Error('more than one root element');
      top.children.push(el);
      if (selfClose !== '/') stack.push(el);
      continue;
    }
    const next = rest.indexOf('<');
    const chunk = next < 0 ? rest : rest.slice(0, next);
    if (chunk.includes('>') && chunk.includes(']]>')) throw new Error(']]> in text');
    if (stack.length === 1 && chunk.trim() !== '') throw new Error('text outside the root element');
    top.text += decode(chunk, `<${top.name}>`);
    rest = next < 0 ? '' : rest.slice(next);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error('no root element');
  return root.children[0]!;
}

/** Every element named `name` under `el`, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}
