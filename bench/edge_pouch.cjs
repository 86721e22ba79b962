// PouchDB side of bench/edge_link.py: replicate the same dossiers to pouchdb-server through the
// throttling proxy, restarting a one-shot replication at once after a reset (as our client
// does), then a first pull into a fresh local database. Run by edge_link.py with the scratch
// directory's node_modules on NODE_PATH; prints one JSON line.
//
//   node edge_pouch.cjs push <docs.json> <remote db url> <scratch dir>
//   node edge_pouch.cjs pull <remote db url> <scratch dir>
"use strict";
const fs = require("fs");
const path = require("path");
const PouchDB = require("pouchdb-node");

const mode = process.argv[2];

// One one-shot replication with a watchdog: a request whose connection died without an error
// (no progress for 30 s, far longer than an outage) is cancelled and counted as a failure.
function replicateOnce(source, target) {
  return new Promise((resolve, reject) => {
    const rep = PouchDB.replicate(source, target, { batch_size: 100 });
    let timer;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => { rep.cancel(); reject(new Error("stalled")); }, 30000);
    };
    arm();
    rep.on("change", arm);
    rep.on("complete", (info) => {
      clearTimeout(timer);
      if (info.status === "complete" && info.ok !== false) resolve(info);
      else reject(new Error("replication " + info.status));
    });
    rep.on("error", (err) => { clearTimeout(timer); reject(err); });
  });
}

async function untilDone(run) {
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const result = await run();
      if (result && result.ok === false) throw new Error("replication not ok");
      return attempts;
    } catch (err) {
      // The link is down or the connection was reset: try again at once, then every 250 ms.
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function push(docsPath, remote, scratch) {
  const docs = JSON.parse(fs.readFileSync(docsPath, "utf8"));
  const local = new PouchDB(path.join(scratch, "device-" + Date.now()));
  // One document per dossier, written as two revisions (create, then submission), like the two
  // signed mutations on our side.
  for (const d of docs) {
    const created = await local.put({ _id: d._id, ...d.create });
    await local.put({ _id: d._id, _rev: created.rev, ...d.create, ...d.submit });
  }
  process.stdout.write("ready\n");
  const t0 = Date.now();
  const attempts = await untilDone(() => replicateOnce(local, remote));
  return { seconds: (Date.now() - t0) / 1000, attempts };
}

async function pull(remote, scratch) {
  const fresh = new PouchDB(path.join(scratch, "fresh-" + Date.now()));
  const t0 = Date.now();
  const attempts = await untilDone(() => replicateOnce(remote, fresh));
  const info = await fresh.info();
  return { seconds: (Date.now() - t0) / 1000, attempts, docs: info.doc_count };
}

async function main() {
  const args = process.argv.slice(3);
  const out = mode === "push" ? await push(args[0], args[1], args[2]) : await pull(args[0], args[1]);
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((err) => { console.error(err); process.exit(1); });
