/**
 * A signature drawn with a finger or stylus on a canvas (pointer events, so mouse, touch and pen
 * behave the same). The parent asks for the PNG only when it needs it (`toPng`), so nothing is
 * encoded while the person is still drawing.
 */
import type { JSX } from 'preact';
import { useEffect, useImperativeHandle, useRef } from 'preact/hooks';
import type { Ref } from 'preact';
import { t } from '../i18n';

export interface SignaturePadHandle {
  /** PNG of the drawing on a white background; undefined when nothing has been drawn. */
  toPng(): Promise<Blob | undefined>;
  clear(): void;
}

export interface SignaturePadProps {
  label: string;
  /** Called with true after the first stroke, false after clearing. */
  onInk?: (hasInk: boolean) => void;
  handle: Ref<SignaturePadHandle>;
}

/** Backing-store size: enough for a legible signature, small enough to stay a few KB as PNG. */
const WIDTH = 600;
const HEIGHT = 240;

export function SignaturePad(props: SignaturePadProps): JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const ink = useRef(false);
  const last = useRef<{ x: number; y: number } | null>(null);

  const context = (): CanvasRenderingContext2D | null => canvas.current?.getContext('2d') ?? null;

  const reset = (): void => {
    const ctx = context();
    if (ctx) {
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, WIDTH, HEIGHT);
    }
    ink.current = false;
    props.onInk?.(false);
  };

  useEffect(reset, []);

  useImperativeHandle(props.handle, () => ({
    clear: reset,
    toPng: () =>
      new Promise<Blob | undefined>((resolve) => {
        const c = canvas.current;
        if (!c || !ink.current) return resolve(undefined);
        c.toBlob((blob) => resolve(blob ?? undefined), 'image/png');
      }),
  }));

  const point = (e: PointerEvent): { x: number; y: number } => {
    const c = canvas.current!;
    const r = c.getBoundingClientRect();
    const sx = r.width ? WIDTH / r.width : 1;
    const sy = r.height ? HEIGHT / r.height : 1;
    return { x: (e.clientX - r.left) * sx, y: (e.clientY - r.top) * sy };
  };

  const down = (e: PointerEvent): void => {
    e.preventDefault();
    canvas.current?.setPointerCapture?.(e.pointerId);
    last.current = point(e);
    stroke(last.current);
  };
  const move = (e: PointerEvent): void => {
    if (!last.current) return;
    e.preventDefault();
    const p = point(e);
    stroke(p);
    last.current = p;
  };
  const up = (): void => {
    last.current = null;
  };

  const stroke = (to: { x: number; y: number }): void => {
    const ctx = context();
    const from = last.current ?? to;
    if (!ctx) return;
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 3.5;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x + 0.01, to.y);
    ctx.stroke();
    if (!ink.current) {
      ink.current = true;
      props.onInk?.(true);
    }
  };

  return (
    <div class="signature">
      <canvas
        ref={canvas}
        class="signature-pad"
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-label={props.label}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
        onPointerLeave={up}
      />
      <button type="button" class="button button--secondary" onClick={reset}>
        {t('consent.clear')}
      </button>
    </div>
  );
}
