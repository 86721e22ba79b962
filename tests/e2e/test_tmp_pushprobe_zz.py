from typing import Any
from pathlib import Path
from tests.e2e.conftest import LiveServer, CHROMIUM, CHROMIUM_ARGS
from tests.e2e.helpers import install_app

def test_probe(server: LiveServer, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(str(tmp_path / "prof"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        ctx.grant_permissions(["notifications"], origin=server.url)
        page = ctx.new_page()
        page.goto(server.url + "/")
        page.wait_for_selector("#login-username")
        install_app(page)
        key = server.api("GET", "/api/push/vapid-public-key").json()["public_key"]
        print("RESULT", page.evaluate("""async (k) => { const b = atob(k.replace(/-/g,'+').replace(/_/g,'/') + '='.repeat((4-k.length%4)%4)); const u = Uint8Array.from(b, c => c.charCodeAt(0));
          const r = await navigator.serviceWorker.ready; const t0 = Date.now(); try { const s = await r.pushManager.subscribe({userVisibleOnly:true, applicationServerKey:u}); return 'ok ' + s.endpoint } catch (e) { return e.name + ': ' + e.message + ' after ' + (Date.now()-t0) + 'ms' } }""", key))
        ctx.close()
