/**
 * A QR code as inline SVG, drawn from the modules computed by `qrcode-generator` (bundled in the
 * officer chunk only). One path of unit squares; a 4-module quiet zone as the standard asks.
 */
import type { JSX } from 'preact';
import qrcode from 'qrcode-generator';

export function qrModules(text: string, level: 'L' | 'M' | 'Q' | 'H' = 'M'): boolean[][] {
  const qr = qrcode(0, level);
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

export function qrPath(modules: boolean[][], quiet = 4): string {
  let d = '';
  modules.forEach((row, r) => {
    row.forEach((dark, c) => {
      if (dark) d += `M${c + quiet} ${r + quiet}h1v1h-1z`;
    });
  });
  return d;
}

export function QrCode(props: { text: string; label: string; size?: number }): JSX.Element {
  const modules = qrModules(props.text);
  const side = modules.length + 8;
  return (
    <svg class="oc-qr" viewBox={`0 0 ${side} ${side}`} width={props.size ?? 240} height={props.size ?? 240} role="img" aria-label={props.label} shape-rendering="crispEdges">
      <rect width={side} height={side} fill="#fff" />
      <path d={qrPath(modules)} fill="#000" />
    </svg>
  );
}
