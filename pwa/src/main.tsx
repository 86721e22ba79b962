import { render } from 'preact';
import { App } from './app';
import { getLang, loadLang } from './i18n';
import { registerPwa } from './pwa';
import './styles.css';

// No top-level await here: it would switch off Rolldown's chunk merging and scatter the entry
// over many small chunks (more bytes and more round trips on a slow link; scripts/budget.mjs).
async function start(): Promise<void> {
  document.documentElement.lang = getLang();
  if (import.meta.env.DEV && location.hash.startsWith('#/dev/seed')) {
    const role = new URLSearchParams(location.hash.split('?')[1] ?? '').get('role') ?? 'volunteer';
    await import('./dev/seed').then((m) => m.seedDemo(role));
    location.hash = '#/';
  }
  // English readers wait for their catalogue (a precached chunk); if it cannot load, Vietnamese.
  await loadLang(getLang()).catch(() => undefined);
  render(<App />, document.getElementById('app')!);
  registerPwa();
}

void start();
