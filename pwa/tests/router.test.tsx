/**
 * The hash router must not miss a link followed during start-up: a hashchange that fired between
 * the first render and the listener's effect (the officer console is a lazily loaded chunk; a tap
 * or a test's navigation can land in that gap) would leave the old screen under the new URL.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { useHashPath } from '../src/router';

let root: HTMLElement;

function Shown(): preact.JSX.Element {
  return <p id="path">{useHashPath()}</p>;
}

beforeEach(() => {
  history.replaceState(null, '', '#/officer?tab=dossier&id=d1');
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});

it('shows the route the URL names even when its hashchange came before the listener', async () => {
  render(<Shown />, root); // first render: effects not run yet
  expect(root.textContent).toBe('/officer?tab=dossier&id=d1');
  // The link is followed now; its event is gone by the time the effect listens.
  history.replaceState(null, '', '#/officer?tab=queue');
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  expect(root.textContent).toBe('/officer?tab=queue');
});

it('follows later hash changes', async () => {
  await act(async () => {
    render(<Shown />, root);
  });
  await act(async () => {
    location.hash = '#/households';
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  expect(root.textContent).toBe('/households');
});
