import sys; sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from common import write
from sync.states import *
from sync.errors import SyncError
cases = []; n = 0
def nid():
    global n; n += 1; return f"ST-{n:03d}"
def case(rule, comment, state, action, actor):
    c = {"id": nid(), "rule": rule, "op": "transition", "comment": comment, "state": state, "action": action, "actor": actor}
    try:
        t = transition(state, action, actor); c["expected"] = {"state": t.target, "outcome": t.outcome}
    except SyncError as e: c["error"] = e.code
    cases.append(c)
for s in STATES:
    for a in ACTIONS:
        actor = sorted(TRANSITIONS[a].actors, key=ACTORS.index)[0]
        case("ST3", f"{s} × {a} by an allowed actor", s, a, actor)
for a in ACTIONS:
    src = sorted(TRANSITIONS[a].sources, key=STATES.index)[0]
    for who in ACTORS:
        case("ST4", f"{a} from {src} by {who}", src, a, who)
case("ST5", "illegal_transition is checked before the actor", "done", "receive", "volunteer")
case("ST5", "unknown state", "archived", "submit", "volunteer")
case("ST5", "unknown action", "draft", "delete", "volunteer")
case("ST5", "unknown actor", "draft", "submit", "citizen")
for s in STATES:
    cases.append({"id": nid(), "rule": "ST1", "op": "describe", "comment": "labels, terminal flag, deadline clock, legal actions",
                  "state": s, "expected": {"label_vi": LABELS_VI[s], "label_en": LABELS_EN[s], "terminal": s in TERMINAL,
                                           "clock": CLOCK[s], "actions": list(allowed_actions(s))}})
for s in ("submitted", "received", "processing", "supplement_requested", "done"):
    cases.append({"id": nid(), "rule": "ST2", "op": "describe", "comment": f"deadline clock in {s}: starts at receive, runs, pauses for a supplement, ends",
                  "state": s, "expected": {"label_vi": LABELS_VI[s], "label_en": LABELS_EN[s], "terminal": s in TERMINAL,
                                           "clock": CLOCK[s], "actions": list(allowed_actions(s))}})
write("states", "Dossier state machine. op=transition: transition(state, action, actor) → expected {state, outcome} (outcome null except "
      "approve/reject) or error code. op=describe: per-state data (Vietnamese/English label, terminal, deadline clock, legal actions in ACTIONS order).",
      "st-dossier-states", cases)
