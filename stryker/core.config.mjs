import { area } from './base.mjs';

/** The point-of-no-return core: config writing, the filesystem layer, the journal and the flow. */
export default area('core', {
  mutate: ['agent-core/src/config/**/*.ts', 'agent-core/src/fs/**/*.ts', 'agent-core/src/state/journal.ts', 'agent-core/src/flow/**/*.ts'],
  breakAt: 90,
});
