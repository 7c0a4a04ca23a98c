/**
 * A strict little XML reader for the tests: elements, text and the five predefined entities, no
 * attributes, no mixed content — exactly what GeoReport v2 documents are. Anything else throws, so a
 * malformed document fails the test that reads it.
 */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(body: string): XmlElement {
  if (!body.startsWith(DECLARATION)) throw new Error(`no XML declaration: ${body.slice(0, 60)}`);
  let at = DECLARATION.length;
  const skipSpace = () => {
    while (at < body.length && /\s/.test(body[at])) at++;
  };
  const readElement = (): XmlElement => {
    const open = /^<([A-Za-z_][\w.-]*)(\/?)>/.exec(body.slice(at));
    if (!open) throw new Error(`expected an element at ${at}: ${body.slice(at, at + 40)}`);
    at += open[0].length;
    const element: XmlElement = { name: open[1], children: [], text: '' };
    if (open[2] === '/') return element;
    for (;;) {
      if (body.startsWith(`</${element.name}>`, at)) {
        at += element.name.length + 3;
        if (element.children.length > 0 && element.text.trim() !== '') throw new Error(`mixed content in <${element.name}>`);
        if (element.children.length > 0) element.text = '';
        return element;
      }
      if (body.startsWith('</', at)) throw new Error(`mismatched close at ${at}: ${body.slice(at, at + 40)}`);
      if (body[at] === '<') {
        element.children.push(readElement());
        continue;
      }
      const next = body.indexOf('<', at);
      if (next < 0) throw new Error(`unterminated <${element.name}>`);
      element.text += body.slice(at, next).replace(/&(\w+);/g, (_, name: string) => {
        if (!(name in ENTITIES)) throw new Error(`unknown entity &${name};`);
        return ENTITIES[name];
      });
      if (/[<>]/.test(body.slice(at, next)) || /&(?!\w+;)/.test(body.slice(at, next))) throw new Error('unescaped markup in text');
      at = next;
    }
  };
  skipSpace();
  const root = readElement();
  skipSpace();
  if (at !== body.length) throw new Error(`content after the root element: ${body.slice(at, at + 40)}`);
  return root;
}

/** The child elements' names, in order. */
export const names = (element: XmlElement) => element.children.map((c) => c.name);

/** A record element's fields: each child's name and text (children of a list stay out). */
export function fields(element: XmlElement): Record<string, string> {
  return Object.fromEntries(element.children.map((c) => [c.name, c.text]));
}

/** The only child of that name. */
export function child(element: XmlElement, name: string): XmlElement {
  const found = element.children.filter((c) => c.name === name);
  if (found.length !== 1) throw new Error(`<${element.name}> has ${found.length} <${name}>`);
  return found[0];
}
