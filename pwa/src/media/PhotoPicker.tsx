/**
 * "Chụp ảnh" (opens the rear camera where the browser supports `capture`) and "Chọn tệp" (gallery
 * or files). Big buttons backed by hidden file inputs; the input is reset after each pick so the
 * same file can be picked again after a removal.
 */
import type { JSX } from 'preact';
import { useRef } from 'preact/hooks';
import { t } from '../i18n';
import { acceptAttribute, type AcceptedKind } from './prepare';

export function PhotoPicker(props: {
  idPrefix: string;
  accepted: readonly AcceptedKind[];
  disabled?: boolean;
  onFiles: (files: File[]) => void;
  /** Labels override, e.g. "Chụp lại" for a retake. */
  cameraLabel?: string;
}): JSX.Element {
  const camera = useRef<HTMLInputElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const take = (e: Event): void => {
    const input = e.currentTarget as HTMLInputElement;
    const files = input.files ? Array.from(input.files) : [];
    input.value = '';
    if (files.length > 0) props.onFiles(files);
  };
  return (
    <div class="actions picker">
      {props.accepted.includes('image') ? (
        <>
          <button type="button" class="button" disabled={props.disabled} onClick={() => camera.current?.click()}>
            {props.cameraLabel ?? t('docs.take_photo')}
          </button>
          <input
            ref={camera}
            id={`${props.idPrefix}-camera`}
            hidden
            type="file"
            accept="image/*"
            capture="environment"
            tabIndex={-1}
            aria-hidden="true"
            onChange={take}
          />
        </>
      ) : null}
      <button type="button" class="button button--secondary" disabled={props.disabled} onClick={() => picker.current?.click()}>
        {t('docs.pick_file')}
      </button>
      <input
        ref={picker}
        id={`${props.idPrefix}-file`}
        hidden
        type="file"
        accept={acceptAttribute(props.accepted)}
        multiple
        tabIndex={-1}
        aria-hidden="true"
        onChange={take}
      />
    </div>
  );
}
