/**
 * The shape of a Rust source file, as far as the mutation scanner needs it, found without a
 * parser (the program is rustfmt-formatted and dependency-free): the text with comments and
 * literals blanked, its `{ }` blocks with their headers (fn, if, else, match, match arm), the
 * arms of each `match`, and the `#[cfg(test)]` items to leave alone.
 *
 * Every view has the same length as the text, so an offset means the same place in all.
 */

export interface RustSource {
  text: string;
  /** Comments and the contents of string / char literals replaced by spaces (quotes kept). */
  code: string;
  /** Comments replaced by spaces, literals kept: what is shown and copied. */
  noComments: string;
  blocks: Block[];
  /** `[start, end)` ranges of `#[cfg(test)]` items. */
  excluded: Array<[number, number]>;
  lineStarts: number[];
}

export type BlockKind = 'fn' | 'if' | 'else' | 'match' | 'arm' | 'other';

export interface Block {
  index: number;
  /** Offset of `{`. */
  open: number;
  /** Offset of the matching `}` (the text length when unbalanced). */
  close: number;
  parent: number | undefined;
  /** Offset of the header's first character: what precedes `{` back to the previous `;`, `{` or `}`. */
  headerStart: number;
  /** The header in `code`, whitespace collapsed. */
  header: string;
  kind: BlockKind;
  fnName?: string;
  /** The fn's return type, whitespace collapsed ('' for none). */
  returnType?: string;
  /** For `if` blocks: the condition's `[start, end)`. */
  cond?: [number, number];
}

export interface Arm {
  /** `[start, end)` of the pattern, guard included. */
  pattern: [number, number];
  /** `[start, end)` of the guard's condition, when the arm has `if cond`. */
  guard?: [number, number];
  /** `[start, end)` of the body (a block or an expression, without the trailing comma). */
  body: [number, number];
  isBlock: boolean;
}

export function parseRust(text: string): RustSource {
  const { code, noComments } = blankLiterals(text);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const blocks = findBlocks(code);
  const source: RustSource = { text, code, noComments, blocks, excluded: [], lineStarts };
  source.excluded = testItems(source);
  return source;
}

/** 1-based line of `offset`. */
export function lineOf(source: RustSource, offset: number): number {
  let lo = 0;
  let hi = source.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((source.lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function isExcluded(source: RustSource, offset: number): boolean {
  return source.excluded.some(([start, end]) => offset >= start && offset < end);
}

/** The innermost block whose braces enclose `offset`. */
export function innermostBlock(source: RustSource, offset: number): Block | undefined {
  let found: Block | undefined;
  for (const block of source.blocks) {
    if (block.open < offset && offset <= block.close && (!found || block.open > found.open)) found = block;
  }
  return found;
}

/** The innermost `fn` body enclosing `offset`. */
export function enclosingFn(source: RustSource, offset: number): Block | undefined {
  let block = innermostBlock(source, offset);
  while (block && block.kind !== 'fn') block = block.parent === undefined ? undefined : source.blocks[block.parent];
  return block;
}

/** `noComments[start, end)` on one line: whitespace collapsed, no padding inside brackets. */
export function oneLine(source: RustSource, start: number, end: number): string {
  return collapse(source.noComments.slice(start, end));
}

export function collapse(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/([([]) /g, '$1')
    .replace(/,? ([)\]])/g, '$1')
    .replace(/ \./g, '.')
    .trim();
}

/** The arms of a `match` block. */
export function matchArms(source: RustSource, block: Block): Arm[] {
  const { code } = source;
  const arms: Arm[] = [];
  const end = block.close;
  let i = block.open + 1;
  const skipSpace = () => {
    while (i < end && /\s/.test(code[i] ?? '')) i++;
  };
  for (;;) {
    skipSpace();
    if (i >= end) break;
    const patternStart = i;
    let depth = 0;
    let guardAt: number | undefined;
    while (i < end) {
      const c = code[i] ?? '';
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth--;
      else if (depth === 0 && c === '=' && code[i + 1] === '>') break;
      else if (depth === 0 && guardAt === undefined && isWordAt(code, i, 'if')) guardAt = i;
      i++;
    }
    if (i >= end) break;
    const patternEnd = trimEnd(code, patternStart, i);
    i += 2;
    skipSpace();
    const bodyStart = i;
    let bodyEnd: number;
    let isBlock = false;
    if (code[i] === '{') {
      const inner = source.blocks.find((b) => b.open === i);
      bodyEnd = (inner?.close ?? end - 1) + 1;
      i = bodyEnd;
      isBlock = true;
      skipSpace();
      if (code[i] === ',') i++;
    } else {
      depth = 0;
      while (i < end) {
        const c = code[i] ?? '';
        if ('([{'.includes(c)) depth++;
        else if (')]}'.includes(c)) depth--;
        else if (depth === 0 && c === ',') break;
        i++;
      }
      bodyEnd = trimEnd(code, bodyStart, i);
      if (code[i] === ',') i++;
    }
    const arm: Arm = { pattern: [patternStart, patternEnd], body: [bodyStart, bodyEnd], isBlock };
    if (guardAt !== undefined) arm.guard = [skipSpaceFrom(code, guardAt + 2), patternEnd];
    arms.push(arm);
  }
  return arms;
}

function trimEnd(code: string, start: number, end: number): number {
  while (end > start && /\s/.test(code[end - 1] ?? '')) end--;
  return end;
}

function skipSpaceFrom(code: string, i: number): number {
  while (i < code.length && /\s/.test(code[i] ?? '')) i++;
  return i;
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

function isWordAt(code: string, i: number, word: string): boolean {
  return code.startsWith(word, i) && !isIdentChar(code[i - 1]) && !isIdentChar(code[i + word.length]);
}

/** Comments blanked in both views; literal contents blanked in `code` only. Newlines stay. */
function blankLiterals(text: string): { code: string; noComments: string } {
  const code = text.split('');
  const noComments = text.split('');
  const blank = (view: string[], from: number, to: number) => {
    for (let k = from; k < to && k < view.length; k++) if (view[k] !== '\n') view[k] = ' ';
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      blank(code, i, stop);
      blank(noComments, i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      let depth = 0;
      let j = i;
      while (j < n) {
        if (text[j] === '/' && text[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (text[j] === '*' && text[j + 1] === '/') {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else j++;
      }
      blank(code, i, j);
      blank(noComments, i, j);
      i = j;
      continue;
    }
    const raw = rawStringAt(text, i);
    if (raw) {
      blank(code, raw.contentStart, raw.contentEnd);
      i = raw.end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      blank(code, i + 1, j);
      i = j + 1;
      continue;
    }
    if (c === "'") {
      // A char literal ('x', '\n', '\u{1F600}', b'x'); otherwise a lifetime or a label.
      let close = -1;
      if (next === '\\') close = text.indexOf("'", i + 3);
      else if (text[i + 2] === "'") close = i + 2;
      else if (next !== undefined && text.codePointAt(i + 1)! > 0xffff && text[i + 3] === "'") close = i + 3;
      if (close !== -1) {
        blank(code, i + 1, close);
        i = close + 1;
        continue;
      }
    }
    i++;
  }
  return { code: code.join(''), noComments: noComments.join('') };
}

function rawStringAt(text: string, i: number): { contentStart: number; contentEnd: number; end: number } | undefined {
  let j = i;
  if (text[j] === 'b') j++;
  if (text[j] !== 'r' || isIdentChar(text[i - 1])) return undefined;
  j++;
  let hashes = 0;
  while (text[j] === '#') {
    hashes++;
    j++;
  }
  if (text[j] !== '"') return undefined;
  const terminator = `"${'#'.repeat(hashes)}`;
  const close = text.indexOf(terminator, j + 1);
  const contentEnd = close === -1 ? text.length : close;
  return { contentStart: j + 1, contentEnd, end: contentEnd + terminator.length };
}

function findBlocks(code: string): Block[] {
  const blocks: Block[] = [];
  const stack: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '{') {
      const index = blocks.length;
      const { start, header } = headerBefore(code, i);
      blocks.push({ index, open: i, close: code.length, parent: stack.at(-1), headerStart: start, header, kind: 'other' });
      stack.push(index);
    } else if (c === '}') {
      const index = stack.pop();
      const block = index === undefined ? undefined : blocks[index];
      if (block) block.close = i;
    }
  }
  for (const block of blocks) classify(code, block);
  return blocks;
}

/**
 * What precedes the `{` at `open`, back to a `;`, `{` or `}` outside brackets (or an unclosed
 * `(`). A block right before the `{` belongs to the header (`match unsafe { f() } {`).
 */
function headerBefore(code: string, open: number): { start: number; header: string } {
  let depth = 0;
  let k = open - 1;
  for (; k >= 0; k--) {
    const c = code[k] ?? '';
    if (c === ')' || c === ']') depth++;
    else if (c === '(' || c === '[') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && c === '}' && code.slice(k + 1, open).trim() === '') {
      k = matchingOpen(code, k);
    } else if (depth === 0 && (c === ';' || c === '{' || c === '}')) break;
  }
  const start = skipSpaceFrom(code, k + 1);
  return { start, header: code.slice(start, open).replace(/\s+/g, ' ').trim() };
}

/** The `{` matching the `}` at `close` (0 when unbalanced). */
function matchingOpen(code: string, close: number): number {
  let depth = 0;
  for (let k = close; k >= 0; k--) {
    if (code[k] === '}') depth++;
    else if (code[k] === '{' && --depth === 0) return k;
  }
  return 0;
}

function classify(code: string, block: Block): void {
  const header = block.header;
  const fn = /\bfn\s+(\w+)/.exec(header);
  if (fn) {
    block.kind = 'fn';
    block.fnName = fn[1];
    const arrow = topLevelArrow(header);
    block.returnType = arrow === -1 ? '' : header.slice(arrow + 2).replace(/\bwhere\b[\s\S]*$/, '').trim();
    return;
  }
  if (header === 'else') {
    block.kind = 'else';
    return;
  }
  if (header.endsWith('=>')) {
    block.kind = 'arm';
    return;
  }
  const lastIf = lastWord(header, 'if');
  const lastMatch = lastWord(header, 'match');
  if (lastMatch > lastIf && !header.slice(lastMatch).includes('=>')) {
    block.kind = 'match';
    return;
  }
  if (lastIf !== -1 && lastIf > lastMatch && !header.slice(lastIf).includes('=>')) {
    block.kind = 'if';
    // The condition in the raw text: from after `if` to the last non-space before `{`.
    const ifAt = lastWordIn(code, block.headerStart, block.open, 'if');
    if (ifAt !== -1) block.cond = [skipSpaceFrom(code, ifAt + 2), trimEnd(code, ifAt + 2, block.open)];
  }
}

function topLevelArrow(header: string): number {
  let depth = 0;
  let found = -1;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && c === '-' && header[i + 1] === '>') found = i;
  }
  return found;
}

function lastWord(text: string, word: string): number {
  return lastWordIn(text, 0, text.length, word);
}

function lastWordIn(text: string, start: number, end: number, word: string): number {
  for (let i = end - word.length; i >= start; i--) if (isWordAt(text, i, word)) return i;
  return -1;
}

/** Each `#[cfg(test)]` attribute through the end of the item it applies to. */
function testItems(source: RustSource): Array<[number, number]> {
  const { code } = source;
  const ranges: Array<[number, number]> = [];
  const attribute = /#\[cfg\(test\)\]/g;
  for (let m = attribute.exec(code); m; m = attribute.exec(code)) {
    let depth = 0;
    let end = code.length;
    for (let i = m.index + m[0].length; i < code.length; i++) {
      const c = code[i];
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (depth === 0 && c === ';') {
        end = i + 1;
        break;
      } else if (depth === 0 && c === '{') {
        const block = source.blocks.find((b) => b.open === i);
        end = (block?.close ?? code.length) + 1;
        break;
      }
    }
    ranges.push([m.index, end]);
  }
  return ranges;
}
