import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { UnusableAnswer } from '../protocol/api.js';
import type { Failure } from '../result.js';
import type { FlowPaths } from './prepare.js';

/**
 * A claim answer that arrived but lacks what a config needs: the server has consumed the code, so the
 * answer is not thrown away but kept (0600, beside the config) for support to recover the site.
 */
export async function keepUnusableAnswer(failure: UnusableAnswer, paths: FlowPaths): Promise<Failure> {
  const { received: _received, ...rest } = failure;
  const path = join(dirname(paths.configPath), `claim-answer-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const kept = await writeFileAtomic(path, failure.received).then(() => true, () => false);
  const where = kept ? `The answer is kept in ${path}` : 'The answer could not be saved';
  return { ...rest, retryable: false, hint: `The code is probably used now. ${where}: contact support with it.` };
}
