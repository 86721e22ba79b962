/**
 * The console's question for an access reason (docs/privacy.md, "who looked at whom"): an
 * in-page dialog, Vietnamese first, instead of the browser's prompt() — which cannot be styled
 * or translated, is blocked in some embedded browsers and freezes the page while open. The HTTP
 * client (../api/http.ts) awaits the answer; cancelling sends nothing and the 428 is shown.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { setAccessReasonPrompt } from '../api/http';
import { ot } from './i18n';
import { Dialog } from './ui';

const MAX_REASON = 500;
type Resolve = (answer: string | undefined) => void;
let open: ((resolve: Resolve) => void) | undefined;

setAccessReasonPrompt(
  () =>
    new Promise<string | undefined>((resolve) => {
      // No console mounted (tests, a page being torn down): no reason, the 428 stands.
      if (open) open(resolve);
      else resolve(undefined);
    }),
);

/** Mounted once by the console; shows the question while a request waits for it. */
export function ReasonPromptHost(): JSX.Element | null {
  const [waiting, setWaiting] = useState<Resolve[]>([]);
  const [text, setText] = useState('');
  const [tried, setTried] = useState(false);
  useEffect(() => {
    open = (resolve) => setWaiting((w) => [...w, resolve]);
    return () => {
      open = undefined;
    };
  }, []);
  const current = waiting[0];
  if (!current) return null;
  const finish = (answer: string | undefined): void => {
    current(answer);
    setWaiting((w) => w.slice(1));
    setText('');
    setTried(false);
  };
  const reason = text.normalize('NFC').trim();
  const invalid = !reason || reason.length > MAX_REASON;
  const submit = (e: Event): void => {
    e.preventDefault();
    setTried(true);
    if (!invalid) finish(reason);
  };
  return (
    <Dialog title={ot('pv.ask_title')} onClose={() => finish(undefined)}>
      <form onSubmit={submit} noValidate>
        <p>{ot('pv.ask_explain')}</p>
        <label class="oc-field">
          <span>
            {ot('pv.ask_label')}
            <strong class="oc-req"> *{ot('common.required')}</strong>
          </span>
          <textarea
            name="access_reason"
            rows={3}
            maxLength={MAX_REASON}
            required
            aria-required="true"
            aria-invalid={tried && invalid ? 'true' : 'false'}
            value={text}
            onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
          />
        </label>
        {tried && invalid ? (
          <p class="oc-hint" role="alert">
            {ot('pv.ask_needed')}
          </p>
        ) : null}
        <div class="oc-row oc-row--end">
          <button type="button" class="oc-btn oc-btn--ghost" onClick={() => finish(undefined)}>
            {ot('common.cancel')}
          </button>
          <button type="submit" class="oc-btn oc-btn--primary">
            {ot('pv.ask_send')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
