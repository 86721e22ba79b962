/** The household's satisfaction with a handed-over result, recorded offline and queued. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import { navigate } from '../../router';
import { LiveView, Screen } from '../../ui/common';
import { useLive } from '../../ui/hooks';
import { RATING_COMMENT_MAX, recordRating } from './actions';
import { getDossier, ratingOf } from './drafts';
import { RATING_VALUES, type RatingValue } from './types';
import './dossier.css';

export function RatingScreen(props: { dossierId: string }): JSX.Element {
  const back = `/dossiers/${encodeURIComponent(props.dossierId)}`;
  const live = useLive(async () => ({ row: await getDossier(props.dossierId), rating: await ratingOf(props.dossierId) }), [props.dossierId]);
  const [choice, setChoice] = useState<RatingValue | undefined>();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  return (
    <Screen title={t('rating.title')} back={back}>
      <LiveView live={live}>
        {({ row, rating }) => {
          if (!row) return <p class="muted">{t('dossier.not_found')}</p>;
          if (rating) return <p class="notice">{t('dossier.rated', { rating: t(`rating.${rating.rating}` as MessageKey) })}</p>;
          if (row.status !== 'done' && row.status !== 'result_returned') return <p class="notice">{t('rating.too_early')}</p>;
          const save = async (e: Event): Promise<void> => {
            e.preventDefault();
            if (!choice) return setError(t('rating.choose'));
            setBusy(true);
            try {
              await recordRating(props.dossierId, choice, comment);
              navigate(back);
            } catch (err) {
              setBusy(false);
              setError(t('common.error', { message: err instanceof Error ? err.message : String(err) }));
            }
          };
          return (
            <form class="stack" onSubmit={(e) => void save(e)} noValidate>
              <fieldset class="stack">
                <legend>{t('rating.question')}</legend>
                <ul class="choice-list">
                  {RATING_VALUES.map((v) => (
                    <li key={v}>
                      <label class="choice">
                        <input type="radio" name="rating" value={v} checked={choice === v} onChange={() => setChoice(v)} />
                        <span>{t(`rating.${v}` as MessageKey)}</span>
                      </label>
                    </li>
                  ))}
                </ul>
              </fieldset>
              <div class="field">
                <label for="rating-comment">{t('rating.comment')}</label>
                <textarea
                  id="rating-comment"
                  maxLength={RATING_COMMENT_MAX}
                  value={comment}
                  onInput={(e) => setComment((e.currentTarget as HTMLTextAreaElement).value)}
                />
              </div>
              {error ? (
                <p class="error" role="alert">
                  {error}
                </p>
              ) : null}
              <button class="button" type="submit" disabled={busy || !choice}>
                {t('rating.save')}
              </button>
            </form>
          );
        }}
      </LiveView>
    </Screen>
  );
}
