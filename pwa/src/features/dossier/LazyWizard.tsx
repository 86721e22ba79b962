/**
 * The wizard (form, checklist with on-device compression, signature pad) is its own chunk, so it
 * does not weigh on the volunteer entry's start-up budget. The chunk is precached by the service
 * worker like every volunteer asset, so it loads offline too.
 */
import type { ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n';

type WizardModule = { DossierWizard: ComponentType<{ dossierId: string }> };
let loaded: WizardModule | undefined;

export function LazyWizard(props: { dossierId: string }): JSX.Element {
  const [mod, setMod] = useState<WizardModule | undefined>(loaded);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (mod) return;
    import('./Wizard').then(
      (m) => {
        loaded = m;
        setMod(m);
      },
      (e: unknown) => setError(String(e)),
    );
  }, []);
  if (error) return <p class="error" role="alert">{t('common.error', { message: error })}</p>;
  if (!mod) return <p class="muted">{t('common.loading')}</p>;
  return <mod.DossierWizard dossierId={props.dossierId} />;
}
