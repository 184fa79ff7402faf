/**
 * Finds the program's security checks, each early return of an error, and how to remove it:
 *
 * - `if cond { ... return Err(..) }`: the condition becomes `false` (`else { return Err }`:
 *   the `if` before it becomes `true`);
 * - `if cond { return None }` in a fn returning an `Option` of something that is not a
 *   number (a lookup whose `None` the caller turns into an error): the same;
 * - `pat => Err(..)` in a `match`: the arm takes the body of a sibling arm that does not
 *   fail (falls through), or `Ok(())`; a guarded arm gets the guard `if false`;
 * - `pat => return Err(..)`: `{}`, or a sibling arm's body;
 * - `account_checks::x(..)?;`, `system_program::check_id(..)?;`, `...check...(..)?;` and calls
 *   of the file's own `ProgramResult` fns: the statement is deleted; as a fn's tail, `Ok(())`.
 *
 * Arithmetic is not a check: `.ok_or(..)?` / `.map_err(..)?` are not sites, nor errors that
 * are only `ArithmeticOverflow`. Each check lists its mutations best first; the runner uses
 * the first one that compiles.
 */
import {
  collapse,
  enclosingFn,
  innermostBlock,
  isExcluded,
  lineOf,
  matchArms,
  oneLine,
  parseRust,
} from './rust-source.js';
import type { Arm, Block, RustSource } from './rust-source.js';

export type CheckKind = 'if-err' | 'if-none' | 'else-err' | 'err-arm' | 'return-err-arm' | 'return-err' | 'check-call' | 'check-tail';

export interface Edit {
  start: number;
  end: number;
  replacement: string;
}

export interface Mutation {
  /** The code that replaces the check, on one line (for reports). */
  description: string;
  edits: Edit[];
}

export interface Check {
  /** `<path under program/src without .rs>#<n>`: the n-th check of the file (1-based). */
  id: string;
  /** Repository-relative path. */
  file: string;
  line: number;
  kind: CheckKind;
  /** The check on one line: what the mutant removes (equivalent.ts matches this text). */
  text: string;
  /** The enclosing fn. */
  fn: string | undefined;
  /** `ProgramError` variants the check names. */
  errors: string[];
  /** For calls: the callee's last path segment (its errors are the callee's). */
  callee?: string;
  mutations: Mutation[];
  /** Offset in the file (ordering). */
  offset: number;
}

/** Errors that mean an amount overflowed: arithmetic, not a check. */
const ARITHMETIC_ERRORS = new Set(['ArithmeticOverflow']);
const NUMERIC_OPTION = /^Option<\s*(u|i)(8|16|32|64|128|size)\s*>$/;
const MAX_SIBLINGS = 3;
const UNIT_RESULT = /^(ProgramResult|Result<\s*\(\)\s*,[\s\S]*>)$/;

/** `file` is the repository-relative path (`program/src/...`), used in ids and reports. */
export function scanChecks(file: string, text: string): Check[] {
  const source = parseRust(text);
  const localErrors = errorsByFunction(source);
  const found: Omit<Check, 'id'>[] = [];
  const add = (check: Omit<Check, 'id' | 'file' | 'line' | 'fn'>, at: number) => {
    if (isExcluded(source, at)) return;
    if (check.errors.length > 0 && check.errors.every((e) => ARITHMETIC_ERRORS.has(e))) return;
    if (check.mutations.length === 0) return;
    // `Err(invalid_argument(..))`: the errors of the file's fns the check calls count too.
    const called = [...check.text.matchAll(/\b([a-z_]\w*)\s*\(/g)].flatMap((m) => localErrors.get(m[1] ?? '') ?? []);
    const errors = [...new Set([...check.errors, ...called])];
    found.push({ ...check, errors, file, line: lineOf(source, at), fn: enclosingFn(source, at)?.fnName });
  };

  for (const site of earlyReturns(source)) add(site, site.offset);
  for (const site of errorArms(source)) add(site, site.offset);
  for (const site of checkCalls(source, file)) add(site, site.offset);

  // One check per edit: two returns in one `if` are one check.
  const unique = new Map<string, Omit<Check, 'id'>>();
  for (const check of found.sort((a, b) => a.offset - b.offset)) {
    const key = JSON.stringify(check.mutations[0]?.edits);
    if (!unique.has(key)) unique.set(key, check);
  }
  const stem = file.replace(/^program\/src\//, '').replace(/\.rs$/, '');
  return [...unique.values()].map((check, i) => ({ id: `${stem}#${i + 1}`, ...check }));
}

/** The file with `mutation` applied. */
export function applyMutation(text: string, mutation: Mutation): string {
  let out = text;
  for (const edit of [...mutation.edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.replacement + out.slice(edit.end);
  }
  return out;
}

/** The `ProgramError` variants each fn of the file names (test ordering uses them). */
export function functionErrors(text: string): Map<string, string[]> {
  return errorsByFunction(parseRust(text));
}

function errorsByFunction(source: RustSource): Map<string, string[]> {
  const errors = new Map<string, string[]>();
  for (const block of source.blocks) {
    if (block.kind !== 'fn' || !block.fnName || isExcluded(source, block.open)) continue;
    const names = errorNames(source.noComments.slice(block.open, block.close));
    errors.set(block.fnName, [...new Set([...(errors.get(block.fnName) ?? []), ...names])]);
  }
  return errors;
}

function errorNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\bProgramError::(\w+)/g)].map((m) => m[1] ?? ''))];
}

type Site = Omit<Check, 'id' | 'file' | 'line' | 'fn'>;

/** Where the expression or statement starting at `start` ends: its `;` (included), or a `,` / `}` outside brackets. */
function statementEnd(code: string, start: number): number {
  let depth = 0;
  for (let i = start; i < code.length; i++) {
    const c = code[i] ?? '';
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && c === ';') return i + 1;
    else if (depth === 0 && c === ',') return i;
  }
  return code.length;
}

function earlyReturns(source: RustSource): Site[] {
  const sites: Site[] = [];
  const pattern = /\breturn\s+(Err\(|None\b)/g;
  for (let m = pattern.exec(source.code); m; m = pattern.exec(source.code)) {
    const at = m.index;
    const isNone = (m[1] ?? '').startsWith('None');
    const end = statementEnd(source.code, at);
    const ret = oneLine(source, at, end);
    const errors = errorNames(ret);
    const block = innermostBlock(source, at);
    if (!block) continue;
    if (isNone) {
      const returnType = enclosingFn(source, at)?.returnType ?? '';
      if (!returnType.startsWith('Option<') || NUMERIC_OPTION.test(returnType)) continue;
      if (block.kind !== 'if' || !block.cond) continue;
      sites.push(ifSite(source, block, ret, 'if-none', errors));
      continue;
    }

    const arms = block.kind === 'match' ? matchArms(source, block) : [];
    const arm = arms.find((a) => a.body[0] === at);
    if (arm) {
      const alternatives = unique([{ description: '{}', replacement: '{}' }, ...siblingBodies(source, arms, arm)]);
      sites.push({
        kind: 'return-err-arm',
        text: armText(source, arm),
        errors,
        offset: arm.pattern[0],
        mutations: alternatives.map((a) => replaceBody(source, arm, a.replacement)),
      });
    } else if (block.kind === 'if' && block.cond) {
      sites.push(ifSite(source, block, ret, 'if-err', errors));
    } else if (block.kind === 'else') {
      const before = precedingIf(source, block);
      if (before?.cond) {
        const [start, end] = before.cond;
        sites.push({
          kind: 'else-err',
          text: `if ${oneLine(source, start, end)} { .. } else { ${ret} }`,
          errors,
          offset: block.headerStart,
          mutations: [{ description: 'if true { .. }', edits: [{ start, end, replacement: 'true' }] }],
        });
      }
    } else if (block.kind === 'arm') {
      const parent = block.parent === undefined ? undefined : source.blocks[block.parent];
      const siblings = parent && parent.kind === 'match' ? matchArms(source, parent) : [];
      const own = siblings.find((a) => a.body[0] === block.open);
      const deleted: Mutation = { description: '(return deleted)', edits: [{ start: at, end, replacement: '' }] };
      if (own) {
        sites.push({
          kind: 'return-err-arm',
          text: armText(source, own),
          errors,
          offset: own.pattern[0],
          mutations: [...siblingBodies(source, siblings, own).map((a) => replaceBody(source, own, a.replacement)), deleted],
        });
      }
    } else {
      sites.push({
        kind: 'return-err',
        text: ret,
        errors,
        offset: at,
        mutations: [{ description: '(deleted)', edits: [{ start: at, end, replacement: '' }] }],
      });
    }
  }
  return sites;
}

function ifSite(source: RustSource, block: Block, ret: string, kind: CheckKind, errors: string[]): Site {
  const [start, end] = block.cond ?? [block.open, block.open];
  return {
    kind,
    text: `if ${oneLine(source, start, end)} { ${ret} }`,
    errors,
    offset: start,
    mutations: [{ description: 'if false {', edits: [{ start, end, replacement: 'false' }] }],
  };
}

/** The `if` block an `else` block follows. */
function precedingIf(source: RustSource, elseBlock: Block): Block | undefined {
  let best: Block | undefined;
  for (const block of source.blocks) {
    if (block.parent === elseBlock.parent && block.close < elseBlock.open && (!best || block.close > best.close)) best = block;
  }
  return best?.kind === 'if' ? best : undefined;
}

function errorArms(source: RustSource): Site[] {
  const sites: Site[] = [];
  for (const block of source.blocks) {
    if (block.kind !== 'match') continue;
    const arms = matchArms(source, block);
    for (const arm of arms) {
      const body = source.code.slice(arm.body[0], arm.body[1]);
      if (!body.startsWith('Err(')) continue;
      const text = armText(source, arm);
      const errors = errorNames(oneLine(source, arm.body[0], arm.body[1]));
      let mutations: Mutation[];
      if (arm.guard) {
        const [start, end] = arm.guard;
        const pattern = oneLine(source, arm.pattern[0], start).replace(/\s*if$/, '');
        mutations = [{ description: `${pattern} if false => ..`, edits: [{ start, end, replacement: 'false' }] }];
      } else {
        const alternatives = unique([...siblingBodies(source, arms, arm), { description: 'Ok(())', replacement: 'Ok(())' }]);
        mutations = alternatives.map((a) => replaceBody(source, arm, a.replacement));
      }
      sites.push({ kind: 'err-arm', text, errors, offset: arm.pattern[0], mutations });
    }
  }
  return sites;
}

function unique<T extends { replacement: string }>(alternatives: T[]): T[] {
  const seen = new Set<string>();
  return alternatives.filter((a) => !seen.has(a.replacement) && seen.add(a.replacement));
}

function armText(source: RustSource, arm: Arm): string {
  return `${oneLine(source, arm.pattern[0], arm.pattern[1])} => ${oneLine(source, arm.body[0], arm.body[1])}`;
}

/** Bodies of the other arms that do not fail, first to last (at most 3): where the value falls through to. */
function siblingBodies(source: RustSource, arms: Arm[], self: Arm): Array<{ description: string; replacement: string }> {
  const out: Array<{ description: string; replacement: string }> = [];
  for (const arm of arms) {
    if (out.length === MAX_SIBLINGS) break;
    if (arm === self) continue;
    const code = source.code.slice(arm.body[0], arm.body[1]);
    if (/^(Err\(|return\b)/.test(code) || /\breturn\s+Err\(/.test(code)) continue;
    const replacement = source.noComments.slice(arm.body[0], arm.body[1]);
    if (!out.some((o) => o.replacement === replacement)) out.push({ description: collapse(replacement), replacement });
  }
  return out;
}

function replaceBody(source: RustSource, arm: Arm, replacement: string): Mutation {
  const pattern = oneLine(source, arm.pattern[0], arm.pattern[1]);
  return { description: `${pattern} => ${collapse(replacement)}`, edits: [{ start: arm.body[0], end: arm.body[1], replacement }] };
}

/** Statements `call(..)?;` and fn tails `call(..)` whose callee is a check. */
function checkCalls(source: RustSource, file: string): Site[] {
  const { code } = source;
  const isCheckFile = /check/i.test(file.split('/').at(-1) ?? '');
  const localChecks = new Set(
    source.blocks
      .filter((b) => isCheckFile && b.kind === 'fn' && b.fnName && UNIT_RESULT.test(b.returnType ?? ''))
      .map((b) => b.fnName as string),
  );
  const sites: Site[] = [];
  const starts = new Set<number>([skipSpace(code, 0)]);
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === ';' || c === '{' || c === '}') starts.add(skipSpace(code, i + 1));
  }
  for (const start of [...starts].sort((a, b) => a - b)) {
    if (start >= code.length) continue;
    const end = simpleStatementEnd(code, start);
    if (end === undefined) continue;
    const isStatement = code[end] === ';';
    const expr = collapse(code.slice(start, end));
    if (!expr || /^(let|return|if|match|while|for|loop|use|pub|fn|const|static|impl|mod|struct|enum|type|unsafe|else)\b/.test(expr)) continue;
    const callee = checkCallee(expr, localChecks);
    if (!callee) continue;
    const shown = oneLine(source, start, end);
    if (isStatement) {
      if (!expr.endsWith('?')) continue;
      // The statement and the rest of its line, when nothing else is on it.
      const lineEnd = code.indexOf('\n', end);
      const restOfLine = code.slice(end + 1, lineEnd === -1 ? code.length : lineEnd);
      const lineStart = code.lastIndexOf('\n', start - 1) + 1;
      const alone = restOfLine.trim() === '' && code.slice(lineStart, start).trim() === '';
      const edit = alone ? { start: lineStart, end: lineEnd === -1 ? code.length : lineEnd + 1, replacement: '' } : { start, end: end + 1, replacement: '' };
      sites.push({ kind: 'check-call', text: `${shown};`, errors: errorNames(shown), callee, offset: start, mutations: [{ description: '(deleted)', edits: [edit] }] });
    } else {
      const block = innermostBlock(source, start);
      if (!block || block.kind !== 'fn' || block.close !== end || expr.endsWith('?')) continue;
      if (!UNIT_RESULT.test(block.returnType ?? '')) continue;
      sites.push({
        kind: 'check-tail',
        text: shown,
        errors: errorNames(shown),
        callee,
        offset: start,
        mutations: [{ description: 'Ok(())', edits: [{ start, end: trimEndAt(code, start, end), replacement: 'Ok(())' }] }],
      });
    }
  }
  return sites;
}

/** The `;` ending a statement that opens no block, or the `}` ending a tail expression. */
function simpleStatementEnd(code: string, start: number): number | undefined {
  let depth = 0;
  for (let i = start; i < code.length; i++) {
    const c = code[i] ?? '';
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && c === ';') return i;
    else if (depth === 0 && c === '}') return i;
    else if (depth === 0 && c === '{') return undefined;
    if (depth < 0) return undefined;
  }
  return undefined;
}

/**
 * The callee that makes `expr` a check call: the last call of the chain (past `map_err` /
 * `ok_or` adapters) is `account_checks::*`, `*check*`, or, in a file of checks
 * (account_checks.rs), one of the file's own `ProgramResult` fns.
 */
function checkCallee(expr: string, localChecks: Set<string>): string | undefined {
  const calls = callChain(expr);
  while (calls.length > 1 && ADAPTERS.has(calls.at(-1)?.name ?? '')) calls.pop();
  const last = calls.at(-1);
  if (!last) return undefined;
  if (last.path.includes('account_checks::') || isCheckName(last.name)) return last.name;
  if (calls.length === 1 && last.path === '' && !last.method && localChecks.has(last.name)) return last.name;
  return undefined;
}

const ADAPTERS = new Set(['map_err', 'ok_or', 'ok_or_else']);

/** The calls of a chain outside brackets: `a::b(..)?.c(..).d(..)` -> b, c, d. */
function callChain(expr: string): Array<{ path: string; name: string; method: boolean }> {
  const calls: Array<{ path: string; name: string; method: boolean }> = [];
  let depth = 0;
  let segmentStart = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i] ?? '';
    if (c === '(' || c === '[' || c === '{') {
      if (depth === 0 && c === '(') {
        const segment = expr.slice(segmentStart, i).trim();
        const m = /(\.)?((?:[A-Za-z_]\w*::)*)([A-Za-z_]\w*)\s*(::<[^>]*>)?$/.exec(segment);
        if (m) calls.push({ path: m[2] ?? '', name: m[3] ?? '', method: m[1] === '.' });
      }
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) segmentStart = i + 1;
    }
  }
  return calls;
}

/** `check_id`, `check_accounts`, `.check()`; not `checked_add` (arithmetic). */
function isCheckName(name: string): boolean {
  return /check/i.test(name) && !/^checked_/.test(name);
}

function skipSpace(code: string, i: number): number {
  while (i < code.length && /\s/.test(code[i] ?? '')) i++;
  return i;
}

function trimEndAt(code: string, start: number, end: number): number {
  while (end > start && /\s/.test(code[end - 1] ?? '')) end--;
  return end;
}
