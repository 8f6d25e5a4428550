import { execFile } from 'node:child_process';

/** Debian's python3 (with python3-yaml, installed by setup): the agent's own runtime, used as the reference. */
export const PYTHON = process.env.OSIRIS_TEST_PYTHON ?? '/usr/bin/python3';

/** Runs a Python snippet with `input` on stdin and resolves to its stdout (as UTF-8 text). */
export function runPython(code: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, ['-c', code], { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`python failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}

/** Python's own `json.dumps(json.loads(text)[member], sort_keys=True)`, for each document (one per line). */
export async function pythonCanonical(documents: readonly string[], member?: string): Promise<string[]> {
  const code = [
    'import json, sys',
    `member = ${member === undefined ? 'None' : JSON.stringify(member)}`,
    'for line in sys.stdin.read().split("\\n"):',
    '    doc = json.loads(line)',
    '    print(json.dumps(doc if member is None else doc[member], sort_keys=True))',
  ].join('\n');
  const out = await runPython(code, documents.join('\n'));
  return out.split('\n').slice(0, documents.length);
}
