/**
 * Under a console form: what the page itself refused (a Vietnamese sentence, before anything is
 * sent) and what the server answered, both read out by screen readers.
 */
import type { JSX } from 'preact';
import { ErrorBox } from '../ui';

export function FormErrors(props: { problem: string | undefined; error?: unknown }): JSX.Element {
  return (
    <>
      {props.problem ? (
        <p class="oc-error" role="alert">
          {props.problem}
        </p>
      ) : null}
      <ErrorBox error={props.error} />
    </>
  );
}
