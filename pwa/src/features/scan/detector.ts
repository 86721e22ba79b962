/**
 * A QR-code detector that works on the device, offline: the browser's own BarcodeDetector where
 * it has one that reads QR codes (Android Chrome), else the ZXing WebAssembly ponyfill. The
 * ponyfill would fetch its .wasm from a CDN by default; here it is an asset of our own build
 * (imported with ?url, hashed, precached by the service worker like the rest of the app).
 */
import { BarcodeDetector as ZXingBarcodeDetector, prepareZXingModule } from 'barcode-detector/ponyfill';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

export interface QrDetector {
  readonly kind: 'native' | 'wasm';
  /** Raw texts of the QR codes found in the image, in the order the detector gives them. */
  detect(source: ImageBitmapSource): Promise<string[]>;
}

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: ImageBitmapSource): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

/** The wasm URL handed to Emscripten: always our own origin, never the CDN default. */
export const ZXING_WASM_URL: string = wasmUrl;

let configured = false;

function wrap(kind: QrDetector['kind'], detector: BarcodeDetectorLike): QrDetector {
  return {
    kind,
    detect: async (source) => (await detector.detect(source)).map((b) => b.rawValue),
  };
}

async function nativeDetector(): Promise<QrDetector | undefined> {
  const Native = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Native) return undefined;
  try {
    if (!(await Native.getSupportedFormats()).includes('qr_code')) return undefined;
    return wrap('native', new Native({ formats: ['qr_code'] }));
  } catch {
    return undefined; // a half-implemented native API: the ponyfill is the reliable path
  }
}

export async function qrDetector(): Promise<QrDetector> {
  const native = await nativeDetector();
  if (native) return native;
  if (!configured) {
    prepareZXingModule({
      overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? ZXING_WASM_URL : prefix + path) },
    });
    configured = true;
  }
  return wrap('wasm', new ZXingBarcodeDetector({ formats: ['qr_code'] }));
}
