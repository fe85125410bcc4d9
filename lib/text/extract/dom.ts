/**
 * The slice of the DOM we touch, typed structurally: the project compiles without the DOM lib,
 * and linkedom's documents satisfy these shapes.
 */
export interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode>;
  readonly parentNode: DomNode | null;
}

export interface DomElement extends DomNode {
  readonly tagName: string;
  readonly children: ArrayLike<DomElement>;
  readonly previousElementSibling: DomElement | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  closest(selector: string): DomElement | null;
  remove(): void;
}

export interface DomDocument {
  readonly body: DomElement | null;
  readonly documentElement: DomElement;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

const ELEMENT = 1;
const TEXT = 3;

/** Elements that start a new paragraph. */
const BLOCKS = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'CAPTION',
  'DD',
  'DETAILS',
  'DIV',
  'DL',
  'DT',
  'FIELDSET',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'LEGEND',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'SUMMARY',
  'TABLE',
  'UL',
]);
/** Elements that are one line inside their block (list items, table rows). */
const LINES = new Set(['LI', 'TR', 'THEAD', 'TBODY', 'TFOOT']);
/** Elements whose text is never article text. */
const SKIPPED = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEMPLATE',
  'SVG',
  'HEAD',
  'TITLE',
  'BUTTON',
  'SELECT',
  'TEXTAREA',
]);

/**
 * Text of a subtree with its structure: block elements → paragraphs separated by "\n\n", list
 * items, table rows and `<br>` → "\n", table cells → spaces, other whitespace collapsed.
 */
export function domToText(root: DomNode): string {
  const paragraphs: string[] = [];
  let lines: string[] = [];
  let line = '';
  const endLine = () => {
    const trimmed = line.replace(/[ \t\n\r\f]+/g, ' ').trim();
    if (trimmed) lines.push(trimmed);
    line = '';
  };
  const endParagraph = () => {
    endLine();
    if (lines.length > 0) paragraphs.push(lines.join('\n'));
    lines = [];
  };
  // An explicit stack, not recursion: a deeply nested page cannot overflow it.
  const stack: { node: DomNode; pre: boolean; exit: boolean }[] = [{ node: root, pre: false, exit: false }];
  while (stack.length > 0) {
    const { node, pre, exit } = stack.pop() as { node: DomNode; pre: boolean; exit: boolean };
    if (node.nodeType === TEXT) {
      const text = node.textContent ?? '';
      if (pre) {
        const [first = '', ...rest] = text.split('\n');
        line += first;
        for (const next of rest) {
          endLine();
          line = next;
        }
      } else line += text;
      continue;
    }
    if (node.nodeType !== ELEMENT) continue;
    const name = node.nodeName.toUpperCase();
    const block = BLOCKS.has(name);
    if (exit) {
      if (block) endParagraph();
      else if (LINES.has(name)) endLine();
      else if (name === 'TD' || name === 'TH') line += ' ';
      continue;
    }
    if (SKIPPED.has(name)) continue;
    if (name === 'BR') {
      endLine();
      continue;
    }
    if (name === 'TD' || name === 'TH') line += ' ';
    if (block) endParagraph();
    else if (LINES.has(name)) endLine();
    stack.push({ node, pre, exit: true });
    const children = node.childNodes;
    const childPre = pre || name === 'PRE';
    for (let i = children.length - 1; i >= 0; i--)
      stack.push({ node: children[i] as DomNode, pre: childPre, exit: false });
  }
  endParagraph();
  return paragraphs.join('\n\n');
}
