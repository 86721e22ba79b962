/**
 * Photos and scans of a dossier. Blobs are fetched with the session (bearer) and shown through
 * object URLs. The full-size viewer zooms with the wheel, pinch (two pointers) and the +/− keys
 * and buttons, pans by dragging or with the arrow keys; Escape closes it.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getBlob } from '../../api/http';
import { openFile } from '../http-ui';
import { fmtBytes } from '../format';
import { ot } from '../i18n';
import type { AttachmentRef } from '../types';
import { Dialog } from '../ui';

export function useBlobUrl(url: string | undefined): { src?: string; failed: boolean } {
  const [state, setState] = useState<{ src?: string; failed: boolean }>({ failed: false });
  useEffect(() => {
    if (!url) return undefined;
    let objectUrl: string | undefined;
    let alive = true;
    getBlob(url).then(
      (blob) => {
        if (!alive) return;
        objectUrl = URL.createObjectURL(blob);
        setState({ src: objectUrl, failed: false });
      },
      () => alive && setState({ failed: true }),
    );
    return () => {
      alive = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  return state;
}

const isPdf = (a: AttachmentRef): boolean => a.content_type === 'application/pdf';

export function Thumb(props: { attachment: AttachmentRef; label: string }): JSX.Element {
  const a = props.attachment;
  const [open, setOpen] = useState(false);
  const blob = useBlobUrl(a.present && !isPdf(a) ? a.url : undefined);
  if (!a.present) {
    return (
      <div class="oc-thumb oc-thumb--missing" role="note">
        <strong>{ot('att.missing')}</strong>
        <span class="oc-mono">{a.sha256.slice(0, 12)}…</span>
      </div>
    );
  }
  if (isPdf(a)) {
    return (
      <button type="button" class="oc-thumb oc-thumb--pdf" onClick={() => void openFile(a.url).catch(() => undefined)}>
        <strong>PDF</strong>
        <span>{fmtBytes(a.size)}</span>
      </button>
    );
  }
  return (
    <>
      <button type="button" class="oc-thumb" onClick={() => setOpen(true)} aria-label={ot('att.open', { label: props.label })}>
        {blob.src ? <img src={blob.src} alt={props.label} loading="lazy" /> : <span>{blob.failed ? ot('att.load_failed') : ot('common.loading')}</span>}
        <span class="oc-thumb__meta">
          {a.width && a.height ? `${a.width}×${a.height} · ` : ''}
          {fmtBytes(a.size)}
        </span>
      </button>
      {open && blob.src ? <ImageViewer src={blob.src} label={props.label} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

export const MIN_ZOOM = 0.5;
export const MAX_ZOOM = 8;
const clampZoom = (z: number): number => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));

export function ImageViewer(props: { src: string; label: string; onClose: () => void }): JSX.Element {
  const [zoom, setZoom] = useState(1);
  const [pan, setPan] = useState({ x: 0, y: 0 });
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const pinch = useRef<{ distance: number; zoom: number } | undefined>(undefined);

  const zoomBy = (factor: number): void => setZoom((z) => clampZoom(z * factor));
  const reset = (): void => {
    setZoom(1);
    setPan({ x: 0, y: 0 });
  };
  const distance = (): number => {
    const [a, b] = [...pointers.current.values()];
    return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
  };
  const onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    zoomBy(e.deltaY < 0 ? 1.15 : 1 / 1.15);
  };
  const onDown = (e: PointerEvent): void => {
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.current.size === 2) pinch.current = { distance: distance(), zoom };
  };
  const onMove = (e: PointerEvent): void => {
    const prev = pointers.current.get(e.pointerId);
    if (!prev) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.current.size >= 2 && pinch.current && pinch.current.distance > 0) {
      setZoom(clampZoom((pinch.current.zoom * distance()) / pinch.current.distance));
    } else if (pointers.current.size === 1) {
      setPan((p) => ({ x: p.x + e.clientX - prev.x, y: p.y + e.clientY - prev.y }));
    }
  };
  const onUp = (e: PointerEvent): void => {
    pointers.current.delete(e.pointerId);
    if (pointers.current.size < 2) pinch.current = undefined;
  };
  const onKey = (e: KeyboardEvent): void => {
    const step = 40;
    if (e.key === '+' || e.key === '=') zoomBy(1.25);
    else if (e.key === '-') zoomBy(0.8);
    else if (e.key === '0') reset();
    else if (e.key === 'ArrowLeft') setPan((p) => ({ ...p, x: p.x + step }));
    else if (e.key === 'ArrowRight') setPan((p) => ({ ...p, x: p.x - step }));
    else if (e.key === 'ArrowUp') setPan((p) => ({ ...p, y: p.y + step }));
    else if (e.key === 'ArrowDown') setPan((p) => ({ ...p, y: p.y - step }));
    else return;
    e.preventDefault();
  };
  return (
    <Dialog title={props.label} onClose={props.onClose} wide>
      <div class="oc-row">
        <button type="button" class="oc-btn" onClick={() => zoomBy(1.25)} aria-label={ot('viewer.zoom_in')}>
          +
        </button>
        <button type="button" class="oc-btn" onClick={() => zoomBy(0.8)} aria-label={ot('viewer.zoom_out')}>
          −
        </button>
        <button type="button" class="oc-btn" onClick={reset}>
          {ot('viewer.reset')}
        </button>
        <span class="oc-muted" aria-live="polite">
          {Math.round(zoom * 100)}%
        </span>
        <a class="oc-btn oc-btn--ghost" href={props.src} target="_blank" rel="noopener">
          {ot('viewer.open_tab')}
        </a>
      </div>
      <div
        class="oc-viewer"
        tabIndex={0}
        role="img"
        aria-label={`${props.label} — ${ot('viewer.help')}`}
        onWheel={onWheel}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={onUp}
        onKeyDown={onKey}
      >
        <img
          src={props.src}
          alt=""
          draggable={false}
          data-zoom={String(zoom)}
          style={{ transform: `translate(${pan.x}px, ${pan.y}px) scale(${zoom})` }}
        />
      </div>
      <p class="oc-muted">{ot('viewer.help')}</p>
    </Dialog>
  );
}
