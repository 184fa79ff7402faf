/** The build's import check: Solana syscalls pass, anything else fails naming the culprit. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SbfBuildError } from '../build-error.js';
import { checkImports } from '../syscalls.js';

test('the syscalls the program uses pass', () => {
  checkImports(['abort', 'sol_log_', 'sol_memcpy_', 'sol_invoke_signed_c', 'sol_try_find_program_address', 'sol_get_rent_sysvar']);
});

test('a compiler helper or a misspelt syscall fails with UNKNOWN_IMPORT naming it', () => {
  for (const name of ['__multi3', 'sol_log', 'memcpy']) {
    try {
      checkImports(['sol_log_', name]);
      assert.unreachable(`${name} should be refused`);
    } catch (error) {
      assert.instance(error, SbfBuildError);
      assert.is((error as SbfBuildError).code, 'UNKNOWN_IMPORT');
      assert.match((error as SbfBuildError).message, `\`${name}\``);
      assert.not.match((error as SbfBuildError).message, '`sol_log_`');
    }
  }
});

test.run();
