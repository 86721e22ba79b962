/**
 * The wizard (form, checklist with on-device compression, signature pad) is its own chunk, so it
 * does not weigh on the volunteer entry's start-up budget. The chunk is precached by the service
 * worker like every volunteer asset (scripts/precache-check.mjs fails the build otherwise) and the
 * first install claims the page, so it loads offline in the very session that logged in; a failed
 * load is retried and explained in Vietnamese (src/ui/lazy.tsx).
 */
import type { ComponentType, JSX } from 'preact';
import { LazyFallback, useLazyModule } from '../../ui/lazy';

type WizardModule = { DossierWizard: ComponentType<{ dossierId: string }> };
const cache: { module?: WizardModule } = {};

export function LazyWizard(props: { dossierId: string }): JSX.Element {
  const state = useLazyModule<WizardModule>(() => import('./Wizard'), cache);
  if (state.status !== 'ready') return <LazyFallback state={state} />;
  return <state.module.DossierWizard dossierId={props.dossierId} />;
}
