import { render } from 'preact';
import { App } from './app';
import { getLang } from './i18n';
import { registerPwa } from './pwa';
import './styles.css';

document.documentElement.lang = getLang();

if (import.meta.env.DEV && location.hash.startsWith('#/dev/seed')) {
  const role = new URLSearchParams(location.hash.split('?')[1] ?? '').get('role') ?? 'volunteer';
  await import('./dev/seed').then((m) => m.seedDemo(role));
  location.hash = '#/';
}
render(<App />, document.getElementById('app')!);
registerPwa();
