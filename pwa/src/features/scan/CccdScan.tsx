/**
 * The "scan the CCCD" button of the member screen. The scanner (camera loop, ZXing WebAssembly
 * ponyfill, comparison panel) is its own chunk, loaded on the first tap so it does not weigh on
 * the volunteer entry; the service worker precaches that chunk and the .wasm with every other
 * volunteer asset, so the first tap works offline too.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { FormValues } from '../../forms/schema';
import { t } from '../../i18n';

type ScanModule = typeof import('./ScanFlow');
let loaded: ScanModule | undefined;

export function CccdScan(props: { values: FormValues; onChange: (fn: (prev: FormValues) => FormValues) => void }): JSX.Element {
  const [mod, setMod] = useState<ScanModule | undefined>(loaded);
  const [started, setStarted] = useState(false);
  const [error, setError] = useState<string | undefined>();

  if (mod) return <mod.CccdScanFlow startOpen={started} values={props.values} onChange={props.onChange} />;
  const start = (): void => {
    setStarted(true);
    setError(undefined);
    import('./ScanFlow').then(
      (m) => {
        loaded = m;
        setMod(m);
      },
      (e: unknown) => setError(t('common.error', { message: String(e) })),
    );
  };
  return (
    <div class="scan-flow">
      <button type="button" class="button button--secondary scan-start" onClick={start} disabled={started && !error}>
        {started && !error ? t('scan.loading') : t('scan.button')}
      </button>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
