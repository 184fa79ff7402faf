/** Runs one build tool synchronously and turns its failure into an SbfBuildError. */
import { spawnSync } from 'node:child_process';
import { SbfBuildError } from './build-error.js';

export interface ToolRun {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ToolOutput {
  stdout: string;
  /** Warnings a successful run printed. */
  stderr: string;
}

/** Throws TOOL_FAILED with the tool's (de-duplicated) diagnostics when it fails. */
export function runTool(command: string, args: readonly string[], options: ToolRun = {}): ToolOutput {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) {
    throw new SbfBuildError('TOOL_FAILED', `could not run ${command}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    const detail = uniqueLines(result.stderr || result.stdout).slice(0, 60).join('\n');
    throw new SbfBuildError('TOOL_FAILED', `${command} ${args[0] ?? ''} exited with ${result.status ?? result.signal}:\n${detail}`);
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

/** llc repeats one diagnostic per machine instruction; show each once. */
function uniqueLines(text: string): string[] {
  return [...new Set(text.split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0))];
}
