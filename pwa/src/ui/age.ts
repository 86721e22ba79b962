/** How long something has waited, in the volunteer's words: "vừa xong", "25 phút", "3 giờ", "2 ngày". */
import { t } from '../i18n';

export function formatAge(sinceMs: number, nowMs: number = Date.now()): string {
  const minutes = Math.max(0, Math.floor((nowMs - sinceMs) / 60_000));
  if (minutes < 1) return t('age.just_now');
  if (minutes < 60) return t('age.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('age.hours', { n: hours });
  return t('age.days', { n: Math.floor(hours / 24) });
}
