/**
 * The console's styles, shipped inside its JS chunk (injected once as a <style> element) so the
 * volunteer bundle and the precache never carry them. Desktop-first and dense, still usable on a
 * tablet (targets ≥ 40px, tables scroll sideways). Builds on the app's variables (styles.css).
 */
const CSS = `
main:has(.oc){max-width:1400px}
.oc{--oc-red:#a1001b;--oc-amber:#8a5300;--oc-amber-bg:#fff4ce;--oc-blue:#0b4f9c;--oc-green:#0f5132;--oc-grey:#4a4a4a;font-size:15px}
.oc h1{font-size:1.35rem;margin:8px 0 12px}.oc h2{font-size:1.1rem;margin:0 0 8px}.oc h3{font-size:1rem;margin:12px 0 6px}
.oc-top{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between;border-bottom:2px solid var(--brand,#0f5132);padding-bottom:8px;margin-bottom:8px}
.oc-top__title{display:flex;flex-direction:column}
.oc-tabs{display:flex;flex-wrap:wrap;gap:4px}
.oc-tab{padding:10px 14px;border-radius:8px 8px 0 0;color:var(--ink,#111);text-decoration:none;font-weight:600;min-height:40px}
.oc-tab--on{background:var(--brand,#0f5132);color:#fff}
.oc-btn{font:inherit;font-weight:600;white-space:nowrap;min-height:40px;padding:6px 14px;border:2px solid var(--brand,#0f5132);border-radius:8px;background:#fff;color:var(--brand,#0f5132);cursor:pointer;text-decoration:none;display:inline-flex;align-items:center;gap:4px}
.oc-btn:disabled{opacity:.5;cursor:not-allowed}
.oc-btn--primary{background:var(--brand,#0f5132);color:#fff}
.oc-btn--danger{background:var(--oc-red);border-color:var(--oc-red);color:#fff}
.oc-btn--danger-outline{border-color:var(--oc-red);color:var(--oc-red)}
.oc-btn--ghost{border-color:transparent}
.oc-link{font:inherit;background:none;border:0;padding:4px 0;color:var(--focus,#0b57d0);text-decoration:underline;cursor:pointer;text-align:left;min-height:32px}
.oc-row{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}
.oc-row--between{justify-content:space-between;align-items:center}
.oc-row--end{justify-content:flex-end}
.oc-stack{display:flex;flex-direction:column;gap:10px}
.oc-field{display:flex;flex-direction:column;gap:2px;font-weight:600;min-width:170px;flex:1 1 170px}
.oc-field--inline{flex:0 0 auto;min-width:0}
.oc-field input,.oc-field select,.oc-field textarea{font:inherit;font-weight:400;min-height:40px;padding:6px 10px;border:2px solid var(--line,#8a8a8a);border-radius:6px;background:#fff;width:100%}
.oc-field textarea{resize:vertical}
.oc [aria-invalid=true]{border-color:var(--oc-red)}
.oc-filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end;background:var(--soft,#eef5f1);padding:10px;border-radius:8px;margin-bottom:10px}
.oc-checks{display:flex;flex-wrap:wrap;gap:4px 14px;border:0;margin:0;padding:0}
.oc-checks legend{font-weight:600;padding:0;margin-bottom:2px}
.oc-check{display:inline-flex;gap:6px;align-items:center;min-height:36px;font-weight:400}
.oc-check input{width:20px;height:20px}
.oc-table-wrap{overflow-x:auto;margin-bottom:12px}
.oc-table{border-collapse:collapse;width:100%;font-size:.93rem}
.oc-table caption{text-align:left;font-weight:700;padding:6px 0}
.oc-table th,.oc-table td{border-bottom:1px solid #d0d0d0;padding:6px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.oc-table thead th{background:#f3f3f3;position:sticky;top:0}
.oc-table--kv th{width:40%;font-weight:600}
.oc-row--overdue{background:#fde8eb}.oc-row--soon{background:#fff7e0}.oc-row--loud{outline:3px solid var(--oc-red);outline-offset:-3px}
.oc-row--muted{color:#666}.oc-row--missing td{color:var(--oc-red);font-weight:600}
.oc-nowrap{white-space:nowrap}
.oc-code{font-family:ui-monospace,monospace;font-weight:700;white-space:nowrap}
.oc-mono{font-family:ui-monospace,monospace;font-size:.82rem;word-break:break-all}
.oc-muted{color:var(--muted,#3d3d3d)}
.oc-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.oc-badges{display:inline-flex;flex-wrap:wrap;gap:4px}
.oc-badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:.8rem;font-weight:700;border:1px solid currentColor;white-space:nowrap}
.oc-badge--red{color:#fff;background:var(--oc-red);border-color:var(--oc-red)}
.oc-badge--amber{color:#3d2600;background:#ffd466;border-color:#c98a00}
.oc-badge--blue{color:var(--oc-blue);background:#e7f0fb}
.oc-badge--green{color:var(--oc-green);background:#e5f3ea}
.oc-badge--grey{color:var(--oc-grey);background:#f2f2f2}
.oc-badge--loud{color:#fff;background:#d0001f;border:2px solid #000;text-transform:uppercase;letter-spacing:.03em;animation:oc-pulse 1.2s ease-in-out 3}
@keyframes oc-pulse{50%{transform:scale(1.08)}}
@media (prefers-reduced-motion:reduce){.oc-badge--loud{animation:none}}
.oc-notice{display:flex;flex-wrap:wrap;gap:10px;align-items:center;background:#e7f0fb;border:2px solid var(--oc-blue);border-radius:8px;padding:8px 12px;margin-bottom:10px}
.oc-live{font-size:.85rem;padding:2px 8px;border-radius:999px;background:#f2f2f2}
.oc-live--open{background:#e5f3ea;color:var(--oc-green)}
.oc-live--retrying,.oc-live--unsupported{background:var(--oc-amber-bg);color:var(--oc-amber)}
.oc-pager{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:10px 0}
.oc-empty{padding:24px;text-align:center;background:#f7f7f7;border-radius:8px}
.oc-error{color:var(--oc-red);font-weight:600;background:#fde8eb;border-left:4px solid var(--oc-red);padding:8px 12px;margin:8px 0}
.oc-error p{margin:0}
.oc-success{color:var(--oc-green);font-weight:600;background:#e5f3ea;border-left:4px solid var(--oc-green);padding:8px 12px}
.oc-warn{color:var(--oc-amber);font-weight:600}
.oc-preview{border:1px dashed #8a8a8a;border-radius:8px;padding:8px 12px;text-align:center}
.oc-preview p{margin:2px 0}
.oc-warnbox{background:var(--oc-amber-bg);border:2px solid #c98a00;border-radius:8px;padding:8px 12px;margin:8px 0}
.oc-hint{color:var(--oc-amber);margin:0}
.oc-req{color:var(--oc-red)}
.oc-bad{color:var(--oc-red);font-weight:700}
.oc-grid{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:14px;align-items:start}
@media (max-width:900px){.oc-grid{grid-template-columns:1fr}}
.oc-col{display:flex;flex-direction:column;gap:14px}
.oc-card{border:1px solid #c8c8c8;border-radius:10px;padding:12px;background:#fff}
.oc-card--overdue{border:2px solid var(--oc-red);background:#fff8f8}
.oc-dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0}
.oc-dl dt{font-weight:600}.oc-dl dd{margin:0}
.oc-dl--row{border-bottom:1px dashed #ccc;padding:4px 0}
.oc-sig{border-radius:10px;padding:10px 14px;margin:10px 0}
.oc-sig p{margin:2px 0}
.oc-sig--valid{background:#e5f3ea;border:1px solid var(--oc-green)}
.oc-sig--none{background:#f2f2f2;border:1px solid #999}
.oc-sig--invalid{background:#d0001f;color:#fff;border:4px solid #000;font-size:1.05rem}
.oc-sig__title{font-size:1.5rem;font-weight:800;text-transform:uppercase}
.oc-actions{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:8px}
.oc-docs ul{margin:0;padding-left:0;list-style:none}
.oc-letter{white-space:pre-wrap;background:#fafafa;border-left:4px solid #999;margin:6px 0;padding:8px 12px;font-family:Georgia,serif}
.oc-entry{border-top:1px solid #e2e2e2;padding:6px 0}
.oc-entry summary{cursor:pointer;min-height:32px}
.oc-diff th{width:28%}
.oc-diff--added td:nth-child(4){color:var(--oc-green);font-weight:600}
.oc-diff--removed td:nth-child(3){color:var(--oc-red);text-decoration:line-through}
.oc-diff--changed td:nth-child(3){color:var(--oc-red)}.oc-diff--changed td:nth-child(4){color:var(--oc-green);font-weight:600}
.oc-component{border-top:1px solid #e2e2e2;padding-top:4px}
.oc-thumbs{display:flex;flex-wrap:wrap;gap:8px}
.oc-thumb{font:inherit;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:4px;width:150px;min-height:120px;border:1px solid #bbb;border-radius:8px;background:#fafafa;padding:4px;cursor:zoom-in}
.oc-thumb img{max-width:140px;max-height:110px;object-fit:contain}
.oc-thumb__meta{font-size:.75rem;color:#555}
.oc-thumb--missing{border:2px dashed var(--oc-red);color:var(--oc-red);background:#fde8eb;cursor:default}
.oc-thumb--pdf{cursor:pointer}
.oc-backdrop{position:fixed;inset:0;background:rgba(0,0,0,.5);display:flex;align-items:flex-start;justify-content:center;padding:4vh 12px;z-index:50;overflow:auto}
.oc-dialog{background:#fff;border-radius:12px;padding:16px;width:min(560px,100%);box-shadow:0 8px 40px rgba(0,0,0,.35)}
.oc-dialog--wide{width:min(960px,100%)}
.oc-dialog__head{display:flex;justify-content:space-between;align-items:center;gap:8px}
.oc-dialog__close{font-size:1.6rem;line-height:1}
.oc-picklist{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:4px}
.oc-pick{padding:4px 8px;border-radius:6px}
.oc-pick--on{background:var(--oc-amber-bg)}
.oc-viewer{position:relative;overflow:hidden;height:70vh;background:#222;border-radius:8px;touch-action:none;cursor:grab;display:flex;align-items:center;justify-content:center;margin:8px 0}
.oc-viewer img{max-width:100%;max-height:100%;transform-origin:center center;user-select:none}
.oc-tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px;margin:10px 0}
.oc-tile{border:1px solid #c8c8c8;border-left:6px solid #999;border-radius:8px;padding:8px 12px}
.oc-tile p{margin:0}
.oc-tile--ok{border-left-color:var(--oc-green)}.oc-tile--bad{border-left-color:var(--oc-red)}
.oc-tile__title{font-weight:600}.oc-tile__value{font-size:1.8rem;font-weight:800}.oc-tile__target,.oc-tile__detail{font-size:.85rem;color:#444}
.oc-charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(480px,100%),1fr));gap:14px;margin:10px 0}
.oc-chart{margin:0;border:1px solid #ddd;border-radius:8px;padding:8px}
.oc-chart figcaption{font-weight:700;margin-bottom:4px}
.oc-chart svg{font-size:14px;font-family:inherit}
.oc-chart__label,.oc-chart__value{fill:#111}
.oc-bar rect{fill:#5b6b7a}.oc-bar--ok rect{fill:#1f7a4a}.oc-bar--bad rect{fill:#b3122e}.oc-bar--warn rect{fill:#c98a00}
.oc-chart__target line{stroke:#000;stroke-width:1.5}.oc-chart__target text{font-size:10px;fill:#000}
.oc-ticket{display:flex;flex-wrap:wrap;gap:24px;align-items:center;margin-top:12px;padding:12px;border:2px solid var(--brand,#0f5132);border-radius:10px}
.oc-ticket__code{font-family:ui-monospace,monospace;font-size:3rem;font-weight:800;letter-spacing:.12em;margin:8px 0}
.oc-qr{background:#fff}
.oc-scroll{overflow-x:auto;max-width:100%}
.oc-scroll>.oc-table{min-width:520px}.oc-scroll>.oc-table th{white-space:nowrap}
.oc-goals{list-style:none;padding:0;margin:8px 0;display:grid;gap:6px}
.oc-goal{padding:6px 10px;border-left:4px solid #5b6b7a;background:#f6f7f8}.oc-goal--ok{border-color:#1f7a4a}.oc-goal--bad{border-color:#b3122e}
.oc-chips{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}
.oc-chip{padding:6px 10px;border:1px solid #5b6b7a;border-radius:16px;text-decoration:none;color:inherit;min-height:32px}.oc-chip--on{background:#0f5132;color:#fff;border-color:#0f5132}
.oc-chart__grid line{stroke:#ccc;stroke-width:1}
.oc-line--ok path,.oc-line--ok circle{stroke:#1f7a4a;fill:#1f7a4a}.oc-line--ok{color:#1f7a4a}
.oc-line--warn path,.oc-line--warn circle{stroke:#8a5a00;fill:#8a5a00}.oc-line--warn{color:#8a5a00}
.oc-line path{fill:none}
.oc-legend__item{margin-right:12px}
@media print{.oc-chips,.oc-top button{display:none}.oc-scroll{overflow:visible}}
`;

const ID = 'oc-styles';

let sheet: CSSStyleSheet | null = null;

/** Add the console's styles once (idempotent). A constructed stylesheet is CSSOM, not inline
 * markup, so the server's Content-Security-Policy (`style-src 'self'`, no 'unsafe-inline')
 * allows it; a <style> element is only the fallback for browsers without one. */
export function injectStyles(): void {
  if (typeof document === 'undefined') return;
  if ('adoptedStyleSheets' in document && typeof CSSStyleSheet === 'function' &&
      'replaceSync' in CSSStyleSheet.prototype) {
    if (sheet && document.adoptedStyleSheets.includes(sheet)) return;
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return;
  }
  if (document.getElementById(ID)) return;
  const style = document.createElement('style');
  style.id = ID;
  style.textContent = CSS;
  document.head.append(style);
}
