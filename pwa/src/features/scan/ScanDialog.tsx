/**
 * The scanner: the phone's camera (rear one preferred) in a full-screen dialog, looking for the
 * CCCD's QR code a few times a second, or a photo from the gallery. Everything runs on the
 * device; nothing is sent anywhere. A QR code that is not a CCCD's is reported and scanning
 * goes on; the first usable one closes the dialog.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { localToday } from '../../forms/messages';
import { t } from '../../i18n';
import { parseCccdQr, type CccdQr } from '../../sync/cccd-qr';
import { unusable } from './compare';
import { qrDetector, type QrDetector } from './detector';
import './scan.css';

const SCAN_EVERY_MS = 250;
/** Photos are scaled down to this long edge before decoding: a QR code needs far less. */
const PHOTO_MAX_EDGE = 2000;

type Phase = 'starting' | 'scanning' | 'no-camera';

/** Consecutive failed frames (about 5 s) before a failing decoder is reported. */
const FAILURES_BEFORE_TELLING = 20;

function detectorMessage(err: unknown): string {
  return t('scan.detector_error', { message: err instanceof Error ? err.message : String(err) });
}

function cameraMessage(err: unknown): string {
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return t('scan.denied');
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return t('scan.no_camera');
  return t('scan.camera_error', { message: err instanceof Error ? err.message : String(err) });
}

async function decodePhoto(detector: QrDetector, file: File): Promise<string[]> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, PHOTO_MAX_EDGE / Math.max(bitmap.width, bitmap.height));
  let small: ImageBitmap | undefined;
  try {
    if (scale < 1) {
      small = await createImageBitmap(bitmap, {
        resizeWidth: Math.round(bitmap.width * scale),
        resizeHeight: Math.round(bitmap.height * scale),
        resizeQuality: 'high',
      });
    }
    return await detector.detect(small ?? bitmap);
  } finally {
    small?.close();
    bitmap.close(); // a phone photo's pixels are tens of megabytes: free them now
  }
}

export function ScanDialog(props: {
  onDetected: (scan: CccdQr, detector: QrDetector['kind']) => void;
  onCancel: () => void;
}): JSX.Element {
  const { onDetected, onCancel } = props;
  const video = useRef<HTMLVideoElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const detector = useRef<Promise<QrDetector> | undefined>(undefined);
  const done = useRef(false);
  const [phase, setPhase] = useState<Phase>('starting');
  const [kind, setKind] = useState<QrDetector['kind'] | undefined>();
  const [cameraError, setCameraError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [reading, setReading] = useState(false);

  const getDetector = (): Promise<QrDetector> => {
    detector.current ??= qrDetector().then((d) => {
      setKind(d.kind);
      return d;
    });
    return detector.current;
  };

  /** True when one of the texts was a usable card (and the dialog is done). */
  const handle = (texts: string[], via: QrDetector['kind']): boolean => {
    for (const text of texts) {
      const scan = parseCccdQr(text, localToday());
      if (unusable(scan)) {
        setNotice(scan.problems[0]?.code === 'too_many_fields' ? t('scan.too_many_fields') : t('scan.not_cccd'));
        continue;
      }
      if (!done.current) {
        done.current = true;
        onDetected(scan, via);
      }
      return true;
    }
    return false;
  };

  useEffect(() => {
    cancel.current?.focus();
    let stopped = false;
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onCancel();
    };
    document.addEventListener('keydown', onKey);

    let failures = 0;
    const scanFrame = async (d: QrDetector): Promise<void> => {
      if (stopped || done.current) return;
      const v = video.current;
      try {
        if (v && v.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && handle(await d.detect(v), d.kind)) return;
        failures = 0;
      } catch (err) {
        // One bad frame (camera still starting) is normal; a decoder that keeps failing (its
        // WebAssembly could not load) is said, and scanning goes on in case it recovers.
        failures += 1;
        if (failures === FAILURES_BEFORE_TELLING) setCameraError(detectorMessage(err));
      }
      if (!stopped) timer = setTimeout(() => void scanFrame(d), SCAN_EVERY_MS);
    };

    void (async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setPhase('no-camera');
        setCameraError(t('scan.no_camera'));
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
      } catch (err) {
        setPhase('no-camera');
        setCameraError(cameraMessage(err));
        return;
      }
      if (stopped) {
        stream.getTracks().forEach((track) => {
          track.stop();
        });
        return;
      }
      const v = video.current;
      if (!v) return;
      v.srcObject = stream;
      await v.play().catch(() => undefined); // autoplay of a muted inline video is allowed
      let d: QrDetector;
      try {
        d = await getDetector();
      } catch (err) {
        setCameraError(detectorMessage(err));
        return;
      }
      setPhase('scanning');
      void scanFrame(d);
    })();

    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      stream?.getTracks().forEach((track) => {
        track.stop();
      });
      document.removeEventListener('keydown', onKey);
    };
  }, []);

  const onPhoto = async (e: Event): Promise<void> => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setReading(true);
    setNotice(undefined);
    try {
      let d: QrDetector;
      try {
        d = await getDetector();
      } catch (err) {
        setNotice(detectorMessage(err));
        return;
      }
      const texts = await decodePhoto(d, file);
      if (texts.length === 0) setNotice(t('scan.not_found_in_photo'));
      else handle(texts, d.kind);
    } catch {
      setNotice(t('scan.not_found_in_photo')); // not an image the browser can decode, or no code
    } finally {
      setReading(false);
    }
  };

  const status = reading ? t('scan.reading_photo') : phase === 'starting' ? t('scan.starting') : phase === 'scanning' ? t('scan.scanning') : '';
  return (
    <div class="scan-dialog" role="dialog" aria-modal="true" aria-labelledby="scan-title" data-detector={kind ?? ''} data-phase={phase}>
      <div class="scan-dialog__head">
        <h2 id="scan-title">{t('scan.title')}</h2>
        <button ref={cancel} type="button" class="button button--secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
      {phase === 'no-camera' ? null : (
        <div class="scan-dialog__view">
          <video ref={video} class="scan-dialog__video" playsInline muted autoPlay aria-hidden="true" />
          <div class="scan-dialog__frame" aria-hidden="true" />
        </div>
      )}
      {cameraError ? (
        <p class="scan-dialog__error" role="alert">
          {cameraError}
        </p>
      ) : (
        <p class="scan-dialog__hint">{t('scan.hint')}</p>
      )}
      <p class="scan-dialog__status" aria-live="polite">
        {notice ? <strong>{notice}</strong> : status}
      </p>
      <label class="button scan-dialog__photo" for="scan-photo">
        {t('scan.photo')}
      </label>
      <input id="scan-photo" class="scan-dialog__file" type="file" accept="image/*" onChange={(e) => void onPhoto(e)} />
    </div>
  );
}
