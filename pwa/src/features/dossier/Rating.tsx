/**
 * The CITIZEN's satisfaction at hand-over (issue 11): the volunteer passes the phone; a
 * full-screen page asks the citizen with three large faces and words, read aloud in Vietnamese
 * with the browser's speech synthesis where a Vietnamese voice exists. Stored as the citizen's
 * rating (`by: "citizen"` in the queued `rating` mutation), apart from anything the volunteer
 * records; one per dossier.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import { navigate } from '../../router';
import { LiveView, Screen } from '../../ui/common';
import { useLive } from '../../ui/hooks';
import { recordRating } from './actions';
import { getDossier, ratingOf } from './drafts';
import { RATING_VALUES, type RatingValue } from './types';
import './dossier.css';

const FACES: Record<RatingValue, string> = { very_satisfied: '😄', satisfied: '🙂', not_satisfied: '😞' };

/** Speaks `text` in Vietnamese when the browser has a Vietnamese voice; otherwise stays silent. */
export function speakVietnamese(text: string): boolean {
  const synth = typeof window !== 'undefined' ? window.speechSynthesis : undefined;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return false;
  const voice = synth.getVoices().find((v) => v.lang.toLowerCase().startsWith('vi'));
  if (!voice) return false;
  synth.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = 'vi-VN';
  u.voice = voice;
  u.rate = 0.9;
  synth.speak(u);
  return true;
}

function CitizenRating(props: { dossierId: string; back: string }): JSX.Element {
  const [choice, setChoice] = useState<RatingValue | undefined>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    speakVietnamese(t('rating.citizen_question'));
    return () => window.speechSynthesis?.cancel();
  }, []);
  const pick = (v: RatingValue): void => {
    setChoice(v);
    setError(undefined);
    speakVietnamese(t(`rating.${v}` as MessageKey));
  };
  const send = async (): Promise<void> => {
    if (!choice) return setError(t('rating.choose'));
    setBusy(true);
    try {
      await recordRating(props.dossierId, choice, '', undefined, undefined, 'citizen');
      setDone(true);
      speakVietnamese(t('rating.citizen_thanks'));
    } catch (err) {
      setBusy(false);
      setError(t('common.error', { message: err instanceof Error ? err.message : String(err) }));
    }
  };
  if (done) {
    return (
      <div class="citizen-rating" role="dialog" aria-modal="true" aria-labelledby="citizen-rating-q">
        <p id="citizen-rating-q" class="citizen-rating__question">
          {t('rating.citizen_thanks')}
        </p>
        <button type="button" class="button" onClick={() => navigate(props.back)}>
          {t('rating.citizen_give_back')}
        </button>
      </div>
    );
  }
  return (
    <div class="citizen-rating" role="dialog" aria-modal="true" aria-labelledby="citizen-rating-q">
      <p id="citizen-rating-q" class="citizen-rating__question">
        {t('rating.citizen_question')}
      </p>
      <button type="button" class="button button--ghost" onClick={() => speakVietnamese(t('rating.citizen_question'))}>
        🔊 {t('rating.citizen_listen')}
      </button>
      <div class="citizen-rating__faces" role="radiogroup" aria-labelledby="citizen-rating-q">
        {RATING_VALUES.map((v) => (
          <button
            key={v}
            type="button"
            role="radio"
            aria-checked={choice === v}
            class={`citizen-rating__face${choice === v ? ' citizen-rating__face--chosen' : ''}`}
            onClick={() => pick(v)}
          >
            <span aria-hidden="true" class="citizen-rating__emoji">
              {FACES[v]}
            </span>
            <span>{t(`rating.${v}` as MessageKey)}</span>
          </button>
        ))}
      </div>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" class="button citizen-rating__send" disabled={busy || !choice} onClick={() => void send()}>
        {t('rating.citizen_send')}
      </button>
    </div>
  );
}

export function RatingScreen(props: { dossierId: string }): JSX.Element {
  const back = `/dossiers/${encodeURIComponent(props.dossierId)}`;
  const live = useLive(async () => ({ row: await getDossier(props.dossierId), rating: await ratingOf(props.dossierId) }), [props.dossierId]);
  const [started, setStarted] = useState(false);
  if (started) return <CitizenRating dossierId={props.dossierId} back={back} />;
  return (
    <Screen title={t('rating.title')} back={back}>
      <LiveView live={live}>
        {({ row, rating }) => {
          if (!row) return <p class="muted">{t('dossier.not_found')}</p>;
          if (rating) return <p class="notice">{t('dossier.rated', { rating: t(`rating.${rating.rating}` as MessageKey) })}</p>;
          if (row.status !== 'done' && row.status !== 'result_returned') return <p class="notice">{t('rating.too_early')}</p>;
          return (
            <div class="stack">
              <p>{t('rating.citizen_hand_over')}</p>
              <button type="button" class="button" onClick={() => setStarted(true)}>
                {t('rating.citizen_start')}
              </button>
            </div>
          );
        }}
      </LiveView>
    </Screen>
  );
}
