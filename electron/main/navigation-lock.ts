import type { WebContents } from 'electron';

/**
 * SECURITY.md item 4: the wizard is one page that never navigates. Navigation, redirects, new
 * windows (window.open, target=_blank, middle-click), webviews and dropped files are all refused;
 * nothing here ever hands a URL to shell.openExternal.
 */
export function lockNavigation(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
