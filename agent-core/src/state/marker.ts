import { SUCCESS_MARKER_NAME } from '../constants.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { readRegularFile } from '../fs/safe-read.js';
import { dirname, join } from 'node:path';

/**
 * `.first-provision-success` beside config.yaml, as the real image leaves it: written after the
 * finishing calls, it is what the hand-over to the compliance agent waits for (a config on its own
 * may still be mid-provisioning).
 */
export function markerPath(configPath: string): string {
  return join(dirname(configPath), SUCCESS_MARKER_NAME);
}

export interface MarkerContent {
  readonly site_id: string;
  readonly appliance_id: string;
  readonly source: 'claim' | 'dropship' | 'existing-config';
  readonly finished_at: string;
}

export async function writeMarker(configPath: string, content: MarkerContent): Promise<void> {
  await writeFileAtomic(markerPath(configPath), `${JSON.stringify(content)}\n`);
}

const MARKER_MAX_BYTES = 4096;

export function hasMarker(configPath: string): boolean {
  return readRegularFile(markerPath(configPath), MARKER_MAX_BYTES).ok;
}
