// The document and the server: loading and drawing it, changes made in another window
// (server-sent events), a job's progress, and the two ways this page sends a change
// (`change`: one line, speaker or item; `surgery`: a change that reshapes the lines).
// Lines and items carry a version: a save over someone else's change shows both to compare.
import { ERR, T, api, harmless, showError, statusText, toast } from "../common.js";
import { renderActions } from "./actions.js";
import { renderCouncil } from "./council.js";
import { renderFacts, renderHeading } from "./facts.js";
import { renderMarks } from "./marks.js";
import { renderWorkflow } from "./workflow.js";
import { refreshHistory } from "./history.js";
import { renderMinutes } from "./minutes.js";
import { BASE, setStale, showJob, state } from "./page.js";
import { renderSpeakerTools, renderSpeakers } from "./speakers.js";
import { renderSegments } from "./transcript.js";

// `background`: nobody on this page asked for it (a job ended, another window changed the
// meeting). Such a document is drawn only if no line or item is being edited once it has
// arrived, or else when the editing ends (catchUp): drawing it would close the editor.
let loading = Promise.resolve();  // the last document asked for (waited on before a delete)
export function load(background = false) {
  const asked = draw(background);
  loading = asked.catch(() => {});
  return asked;
}

async function draw(background) {
  const fresh = await api("GET", BASE);
  if (background && typingNow()) { setStale(true); return false; }
  state.doc = fresh;
  render();
  follow(state.doc.job);
  return true;
}

export function typingNow() {
  return state.editing !== null || document.querySelector("#minutes form") !== null;
}

export function render() {
  showJob(state.doc.job);
  renderHeading();
  renderSpeakers();
  renderSpeakerTools();
  renderSegments();
  renderMinutes();
  renderFacts();
  renderActions();
  renderCouncil();
  renderMarks();
  renderWorkflow();
}

// Another window's change: the document again, unless it is this page's own echo or a line
// is being typed in (then once the typing ends).
let changes = null;
export function watchChanges() {
  changes = new EventSource(BASE + "/events");
  changes.onmessage = (event) => {
    const news = JSON.parse(event.data);
    if (news.deleted) { location.href = "/"; return; }
    if (!state.doc || news.updated_at === state.doc.updated_at) return;
    if (typingNow()) { setStale(true); return; }
    const echo = Date.now() - state.ownChange < 3000;
    load(true).then((drawn) => { if (drawn && !echo) toast(T.changed_elsewhere); })
      .catch(showError);
  };
}

export function catchUp() {
  if (state.stale && !typingNow()) {
    setStale(false);
    load(true).catch(showError);
  }
}

// Job progress through server-sent events, then the finished document.
let source = null;
export function follow(job) {
  const box = document.getElementById("job");
  const active = job && (job.status === "queued" || job.status === "running");
  box.hidden = !active;
  if (active) document.getElementById("failure").hidden = true;
  if (!active || source) return;
  source = new EventSource("/api/jobs/" + encodeURIComponent(job.id) + "/events");
  source.onmessage = (event) => {
    const view = JSON.parse(event.data);
    document.getElementById("job-bar").value = view.progress;
    document.getElementById("job-text").textContent =
      statusText(view) + " " + Math.round(view.progress * 100) + "%";
    if (!["queued", "running"].includes(view.status)) {
      source.close();
      source = null;
      load(true).catch(showError);
    }
  };
  source.onerror = () => { // the server went away: try again by polling the document
    source.close();
    source = null;
    setTimeout(() => load(true).catch(showError), 3000);
  };
}

// Before the meeting is deleted the page stops listening, and lets a document already asked
// for arrive: a change announced while the meeting is being removed would ask for a document
// already gone. `listen` starts again when the deletion was refused.
export async function stopListening() {
  if (changes) changes.close();
  if (source) { source.close(); source = null; }
  await loading;
}

export function listen() {
  watchChanges();
  follow(state.doc.job);
}

// A change that reshapes the lines (merge, split, delete, insert, speakers).
// `fromEditor`: the line being edited is the one reshaped (its text was saved first), so
// its editor closes; a change from another panel keeps the line being typed in open.
export async function surgery(method, path, body, fromEditor = false) {
  if (fromEditor) state.editing = null;
  state.ownChange = Date.now();
  try {
    applyLines(await api(method, path, body, { Prefer: "return=minimal" }));
  } catch (error) {
    showError(error);
    renderSegments();
    return false;
  }
  render();
  toast(T.saved);
  refreshHistory();
  return true;
}

// What a change of the lines answers (only what it changed, not a 3-hour session's 10 MB):
// the lines it wrote, put in or replaced, and those it removed, taken out, in time order as
// the server keeps them; the speakers and the minutes as they are now.
function applyLines(answer) {
  const doc = state.doc;
  const written = new Map(answer.lines.map((line) => [line.id, line]));
  const removed = new Set(answer.removed);
  doc.segments = doc.segments.filter((s) => !removed.has(s.id) && !written.has(s.id))
    .concat([...written.values()])
    .sort((a, b) => a.start - b.start || a.id - b.id);
  doc.speakers = answer.speakers;
  doc.minutes = answer.minutes;
  doc.updated_at = answer.updated_at;
}

// One change sent to the API with `Prefer: return=minimal`: it answers with only what changed
// (the line, the speakers or the minutes), which `apply` puts into the document; the caller
// draws that part again. False when refused: the error is shown, the document unchanged.
// A save over someone else's change (409 stale_version) asks `conflict` what to do.
export async function change(method, path, body, apply, conflict) {
  state.ownChange = Date.now();
  try {
    apply(await api(method, path, body, { Prefer: "return=minimal" }));
  } catch (error) {
    if (error.code === "stale_version" && conflict) return conflict(error.body.current);
    showError(error);
    return false;
  }
  toast(T.saved);
  return true;
}

// Theirs and mine side by side: keep theirs, or save mine over it (with their version).
export function compare(theirs, mine, message = ERR.stale_version) {
  const dialog = document.getElementById("conflict");
  document.getElementById("conflict-theirs").textContent = harmless(theirs);
  document.getElementById("conflict-mine").textContent = harmless(mine);
  document.getElementById("conflict-message").textContent = message || "";
  return new Promise((resolve) => {
    const answer = (value) => () => { dialog.close(); resolve(value); };
    document.getElementById("keep-theirs").onclick = answer(false);
    document.getElementById("save-mine").onclick = answer(true);
    dialog.oncancel = answer(false);
    dialog.showModal();
  });
}
