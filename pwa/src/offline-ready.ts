/**
 * The rule behind "ready offline" (src/pwa.ts), kept apart from the service-worker registration so
 * it can be tested without a browser: offline use is possible only when the precache finished
 * installing AND an activated service worker controls the page.
 */
export function offlineCapable(precacheComplete: boolean, controller: { state: string } | null | undefined): boolean {
  return precacheComplete && !!controller && controller.state === 'activated';
}
