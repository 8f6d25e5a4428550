import type { Input, WebContents } from 'electron';

/** Keys that, with Ctrl or Meta, reload, close, quit, print, zoom, open devtools or leave full screen. */
const MODIFIED = new Set(['r', 'w', 'q', 'p', 'n', 't', 'o', 's', 'f', '+', '=', '-', '_', '0', 'i', 'j', 'c', 'u', 'm', 'h']);
/** Keys that do something unwanted on their own. */
const BARE = new Set(['F5', 'F11', 'F12', 'BrowserBack', 'BrowserForward', 'BrowserRefresh', 'BrowserHome', 'Print']);

/**
 * SECURITY.md item 7: whether a key press would let someone at the touchscreen escape the kiosk.
 * Copy (Ctrl+C) is harmless but has no use here either; paste (Ctrl+V) stays, the code field takes it.
 */
export function isEscapeShortcut(input: Pick<Input, 'type' | 'key' | 'control' | 'meta' | 'alt' | 'shift'>): boolean {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return false;
  if (BARE.has(input.key)) return true;
  if (input.alt && (input.key === 'F4' || input.key === 'ArrowLeft' || input.key === 'ArrowRight' || input.key === 'Home')) return true;
  return (input.control || input.meta) && MODIFIED.has(input.key.toLowerCase());
}

export function lockInput(contents: WebContents): void {
  contents.on('before-input-event', (event, input) => {
    if (isEscapeShortcut(input)) event.preventDefault();
  });
  // Pinch and Ctrl+wheel zoom too.
  contents.on('zoom-changed', () => {
    contents.setZoomFactor(1);
  });
  void contents.setVisualZoomLevelLimits(1, 1);
}
