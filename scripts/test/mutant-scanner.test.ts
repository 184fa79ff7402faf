/**
 * The mutation scanner of `npm run mutants:program` (scripts/mutants/scanner.ts) on small
 * inline Rust sources: which lines it takes for checks, what it leaves alone (arithmetic,
 * comments, strings, `#[cfg(test)]` items) and exactly how each check is removed. No build.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equivalentOf } from '../mutants/equivalent.js';
import { applyMutation, scanChecks } from '../mutants/scanner.js';
import type { Check } from '../mutants/scanner.js';

const INSTRUCTION = `//! Docs that mention return Err(ProgramError::InComment) are not code.
use crate::error::{ProgramError, ProgramResult};

#[inline(never)]
pub fn process(input: &Input, amount: u64) -> ProgramResult {
    log("return Err(ProgramError::InString) { is not code either");
    let [payer, vault, system] = input.accounts::<3>()?;
    account_checks::writable_signer(&payer)?;
    system_program::check_id(&system)?;
    params.check().map_err(invalid_argument)?;
    let total = vault.lamports().checked_add(amount).ok_or(ProgramError::ArithmeticOverflow)?;
    if amount == 0 {
        log("amount must be greater than zero");
        return Err(ProgramError::InvalidArgument);
    }
    if total > LIMIT
        && amount > 1
    {
        return Err(ProgramError::InsufficientFunds);
    }
    if payer.is_signer() {
        log("signed");
    } else {
        return Err(ProgramError::MissingSigner);
    }
    match status(&vault)? {
        Status::Open => {}
        Status::Closed => return Err(ProgramError::LeaseExpired),
    }
    settle(&payer)?;
    Ok(())
}

fn status(account: &AccountView) -> Result<Status, ProgramError> {
    match account.data()[0] {
        0 => Ok(Status::Open),
        1 => Ok(Status::Closed),
        _ => Err(ProgramError::InvalidAccountData),
    }
}

fn stake_level(stake: u64, min: u64) -> ProgramResult {
    match stake {
        0 => Err(ProgramError::ArithmeticOverflow),
        s if s < min => Err(ProgramError::StakeTooLow),
        _ => {
            log("enough");
            Ok(())
        }
    }
}

fn previous(data: &[u8]) -> Option<Record<'_>> {
    if *data.first()? != 1 {
        return None;
    }
    Some(Record { data })
}

fn minimum(bytes: u64) -> Option<u64> {
    if bytes > 10 {
        return None;
    }
    Some(bytes)
}

fn accounts_ok(system: &AccountView) -> ProgramResult {
    account_checks::signer(system)?;
    system_program::check_id(system)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_scanned() {
        let brace = '{';
        if brace == '}' { return Err(ProgramError::InvalidArgument); }
        account_checks::signer(&x)?;
    }
}
`;

const CHECKS_FILE = `use crate::error::{ProgramError, ProgramResult};

pub fn signer(account: &AccountView) -> ProgramResult {
    match account.is_signer() {
        true => Ok(()),
        false => Err(ProgramError::MissingSigner),
    }
}

pub fn writable(account: &AccountView) -> ProgramResult {
    match account.is_writable() {
        true => Ok(()),
        false => Err(ProgramError::NotWritable),
    }
}

pub fn writable_signer(account: &AccountView) -> ProgramResult {
    signer(account)?;
    writable(account)
}
`;

const lines = (text: string) => text.split('\n');
/** 1-based line of the first line containing `needle`. */
const lineOf = (text: string, needle: string) => lines(text).findIndex((l) => l.includes(needle)) + 1;

/** The file after the check's first mutation, as lines. */
const mutated = (text: string, check: Check | undefined) => {
  assert.ok(check, 'check found');
  const mutation = check.mutations[0];
  assert.ok(mutation, 'has a mutation');
  return lines(applyMutation(text, mutation));
};

/** `text` with line `line` (1-based) replaced by `replacement` lines (none: deleted). */
const replaced = (text: string, line: number, ...replacement: string[]) => {
  const out = lines(text);
  out.splice(line - 1, 1, ...replacement);
  return out;
};

const checks = scanChecks('program/src/instructions/example.rs', INSTRUCTION);
const byLine = (needle: string) => checks.find((c) => c.line === lineOf(INSTRUCTION, needle));

test('finds each check, in file order, with ids, kinds and one-line texts', () => {
  assert.equal(
    checks.map((c) => [c.id, c.line, c.kind, c.text]),
    [
      ['instructions/example#1', 8, 'check-call', 'account_checks::writable_signer(&payer)?;'],
      ['instructions/example#2', 9, 'check-call', 'system_program::check_id(&system)?;'],
      ['instructions/example#3', 10, 'check-call', 'params.check().map_err(invalid_argument)?;'],
      ['instructions/example#4', 12, 'if-err', 'if amount == 0 { return Err(ProgramError::InvalidArgument); }'],
      ['instructions/example#5', 16, 'if-err', 'if total > LIMIT && amount > 1 { return Err(ProgramError::InsufficientFunds); }'],
      ['instructions/example#6', 23, 'else-err', 'if payer.is_signer() { .. } else { return Err(ProgramError::MissingSigner); }'],
      ['instructions/example#7', 28, 'return-err-arm', 'Status::Closed => return Err(ProgramError::LeaseExpired)'],
      ['instructions/example#8', 38, 'err-arm', '_ => Err(ProgramError::InvalidAccountData)'],
      ['instructions/example#9', 45, 'err-arm', 's if s < min => Err(ProgramError::StakeTooLow)'],
      ['instructions/example#10', 54, 'if-none', 'if *data.first()? != 1 { return None; }'],
      ['instructions/example#11', 68, 'check-call', 'account_checks::signer(system)?;'],
      ['instructions/example#12', 69, 'check-tail', 'system_program::check_id(system)'],
    ],
  );
  assert.equal(checks.map((c) => c.fn), ['process', 'process', 'process', 'process', 'process', 'process', 'process', 'status', 'stake_level', 'previous', 'accounts_ok', 'accounts_ok']);
});

test('leaves alone arithmetic, comments, strings, plain calls, numeric lookups and #[cfg(test)] items', () => {
  const found = new Set(checks.map((c) => c.line));
  for (const needle of ['InComment', 'InString', 'checked_add', 'settle(&payer)?', '0 => Err(ProgramError::ArithmeticOverflow)', 'if bytes > 10', "if brace == '}'", 'account_checks::signer(&x)']) {
    assert.not.ok(found.has(lineOf(INSTRUCTION, needle)), needle);
  }
});

test('a check call is deleted with its line', () => {
  for (const needle of ['account_checks::writable_signer(&payer)?;', 'system_program::check_id(&system)?;', 'params.check()', 'account_checks::signer(system)?;']) {
    const line = lineOf(INSTRUCTION, needle);
    assert.equal(mutated(INSTRUCTION, byLine(needle)), replaced(INSTRUCTION, line), needle);
  }
});

test('an if that returns an error gets the condition false, a multi-line one included', () => {
  assert.equal(mutated(INSTRUCTION, byLine('if amount == 0')), replaced(INSTRUCTION, 12, '    if false {'));
  const multi = mutated(INSTRUCTION, byLine('if total > LIMIT'));
  const expected = lines(INSTRUCTION);
  expected.splice(15, 2, '    if false');
  assert.equal(multi, expected);
  assert.equal(multi.slice(15, 18), ['    if false', '    {', '        return Err(ProgramError::InsufficientFunds);']);
});

test('an else that returns an error gets the if before it true', () => {
  const check = checks.find((c) => c.kind === 'else-err');
  assert.equal(check?.mutations.map((m) => m.description), ['if true { .. }']);
  assert.equal(mutated(INSTRUCTION, check), replaced(INSTRUCTION, 21, '    if true {'));
});

test('an error arm falls through to its siblings, then Ok(()); a return arm becomes {}', () => {
  const closed = byLine('Status::Closed => return Err');
  assert.equal(closed?.mutations.map((m) => m.description), ['Status::Closed => {}']);
  assert.equal(mutated(INSTRUCTION, closed), replaced(INSTRUCTION, 28, '        Status::Closed => {},'));

  const invalid = byLine('_ => Err(ProgramError::InvalidAccountData)');
  assert.equal(invalid?.mutations.map((m) => m.description), ['_ => Ok(Status::Open)', '_ => Ok(Status::Closed)', '_ => Ok(())']);
  assert.equal(mutated(INSTRUCTION, invalid), replaced(INSTRUCTION, 38, '        _ => Ok(Status::Open),'));
  assert.equal(invalid?.errors, ['InvalidAccountData']);
});

test('a guarded error arm gets the guard false', () => {
  const guarded = byLine('s if s < min');
  assert.equal(guarded?.mutations.map((m) => m.description), ['s if false => ..']);
  assert.equal(mutated(INSTRUCTION, guarded), replaced(INSTRUCTION, 45, '        s if false => Err(ProgramError::StakeTooLow),'));
});

test('a None lookup gets its condition false; a check as a fn tail becomes Ok(())', () => {
  assert.equal(mutated(INSTRUCTION, byLine('if *data.first()?')), replaced(INSTRUCTION, 54, '    if false {'));
  assert.equal(mutated(INSTRUCTION, byLine('system_program::check_id(system)')), replaced(INSTRUCTION, 69, '    Ok(())'));
});

test("in a file of checks its own ProgramResult fns are checks; callees' errors are kept for ordering", () => {
  const own = scanChecks('program/src/instructions/account_checks.rs', CHECKS_FILE);
  assert.equal(
    own.map((c) => [c.line, c.kind, c.text, c.callee]),
    [
      [6, 'err-arm', 'false => Err(ProgramError::MissingSigner)', undefined],
      [13, 'err-arm', 'false => Err(ProgramError::NotWritable)', undefined],
      [18, 'check-call', 'signer(account)?;', 'signer'],
      [19, 'check-tail', 'writable(account)', 'writable'],
    ],
  );
  assert.equal(own[2]?.errors, ['MissingSigner'], "signer's error, found in this file");
  assert.equal(own[3]?.errors, ['NotWritable']);
  assert.equal(mutated(CHECKS_FILE, own[0]), replaced(CHECKS_FILE, 6, '        false => Ok(()),'));
  // Elsewhere the same calls are plain calls.
  assert.equal(scanChecks('program/src/instructions/other.rs', CHECKS_FILE).map((c) => c.kind), ['err-arm', 'err-arm']);
});

test('equivalent mutants are matched by file and exact text, and occurrence when the text repeats', () => {
  const pda = `pub fn find() -> Result<ProgramAddress, ProgramError> {
    match status {
        0 => Ok(address),
        _ => Err(ProgramError::InvalidSeeds),
    }
}

pub fn create() -> Result<Pubkey, ProgramError> {
    match status {
        0 => Ok(key),
        _ => Err(ProgramError::InvalidSeeds),
    }
}
`;
  const found = scanChecks('program/src/runtime/pda.rs', pda);
  assert.equal(found.map((c) => c.text), ['_ => Err(ProgramError::InvalidSeeds)', '_ => Err(ProgramError::InvalidSeeds)']);
  const [find, create] = found.map((c) => equivalentOf(c, found));
  assert.match(find?.reason ?? '', /find_program_address/);
  assert.match(create?.reason ?? '', /create_program_address/);
  assert.is(equivalentOf({ ...(found[0] as Check), file: 'program/src/runtime/other.rs' }, found), undefined, 'another file');
});

test.run();
