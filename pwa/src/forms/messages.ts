import { getLang } from '../i18n';
import type { FormIssue } from '../sync/forms';

/** Message of a validation issue in the UI language (Vietnamese unless English was chosen). */
export function issueMessage(issue: FormIssue): string {
  return getLang() === 'en' ? issue.message_en : issue.message_vi;
}

/** Map of field path → first message, as the renderer consumes it (paths like `kids[0].name`). */
export function issuesByPath(issues: readonly FormIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) out[issue.path] ??= issueMessage(issue);
  return out;
}

/** Local calendar date as YYYY-MM-DD: the device's "today" for date bounds. */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
