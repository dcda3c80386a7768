import { namedEntity } from './entities-html.ts';

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/**
 * Makes the common, safe repairs that strict XML parsers need and real feeds lack:
 * undeclared HTML entities (`&eacute;`) become numeric references, a bare `&` becomes `&amp;`,
 * and control characters XML forbids are removed. Text inside CDATA sections is left alone.
 * Structure (tags) is never touched, so a truncated or broken feed still fails to parse.
 */
export function repairXml(xml: string): string {
  const parts = xml.split(/(<!\[CDATA\[[\s\S]*?\]\]>)/);
  for (let i = 0; i < parts.length; i += 2) {
    parts[i] = parts[i]!.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(
      /&(#x[0-9a-f]+;|#\d+;|([a-z][a-z0-9]*);)?/gi,
      (whole, ref: string | undefined, name: string | undefined) => {
        if (!ref) return '&amp;';
        if (!name) return whole;
        if (XML_ENTITIES.has(name)) return whole;
        const code = namedEntity(name);
        return code === undefined ? `&amp;${name};` : `&#${code};`;
      },
    );
  }
  return parts.join('');
}
