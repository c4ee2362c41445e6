// The meeting page: a player synced to the transcript (speed, skip keys that work while
// typing, pause while typing), inline edits and line surgery (merge, split, delete, insert),
// speakers (rename, add, merge, a range of lines), find and replace, the meeting's facts,
// the minutes with editable decisions and action items, downloads, history with undo.
// Lines and items carry a version: a save over someone else's change shows both to compare.
// Changes made in another window arrive by server-sent events and are drawn here.
"use strict";

const root = document.getElementById("meeting");
const ID = root.dataset.meetingId;
const BASE = "/api/meetings/" + encodeURIComponent(ID);
const FORMATS = root.dataset.formats ? root.dataset.formats.split(",") : [];
const NAME_LIMIT = root.dataset.nameLimit; // (gijiroku/limits.py, as every field's)
const player = document.getElementById("player");

let doc = null;        // the result document
let starts = [];       // segment start times, in order, for finding the line being played
let currentIndex = -1; // the line being played
let editing = null;    // the segment id whose text is being edited
let ownChange = 0;     // when this page last changed the meeting (its own echo is not news)
let stale = false;     // the meeting changed while a line or an item was being edited

// Loading -----------------------------------------------------------------------------------

// `background`: nobody on this page asked for it (a job ended, another window changed the
// meeting). Such a document is drawn only if no line or item is being edited once it has
// arrived, or else when the editing ends (catchUp): drawing it would close the editor.
let loading = Promise.resolve();  // the last document asked for (waited on before a delete)
function load(background = false) {
  const asked = draw(background);
  loading = asked.catch(() => {});
  return asked;
}

async function draw(background) {
  const fresh = await api("GET", BASE);
  if (background && typingNow()) { stale = true; return false; }
  doc = fresh;
  render();
  follow(doc.job);
  return true;
}

function typingNow() {
  return editing !== null || document.querySelector("#minutes form") !== null;
}

function render() {
  document.getElementById("title").textContent = doc.title;
  document.title = doc.title + " · " + T.app_name;
  const meta = [statusText(doc.job, doc.status)];
  if (doc.date) meta.push(doc.date);
  if (doc.place) meta.push(doc.place);
  if (doc.duration) meta.push(clock(doc.duration));
  if (doc.language) meta.push(T["lang_" + doc.language] || doc.language);
  document.getElementById("meta").textContent = meta.join(" · ");
  const failed = doc.job && ["failed", "cancelled"].includes(doc.job.status);
  document.getElementById("failure").hidden = !failed;
  if (failed) document.getElementById("failure-text").textContent = failureText(doc.job);
  // re-runs build on a finished transcript; a failed meeting without one is retried instead
  for (const id of ["rerun-minutes", "rerun-speakers", "apply-dictionary"]) {
    document.getElementById(id).disabled = !doc.segments.length || busy();
  }
  renderSpeakers();
  renderSpeakerTools();
  renderSegments();
  renderMinutes();
  renderFacts();
  renderExports();
}

function busy() {
  return Boolean(doc.job && (doc.job.status === "queued" || doc.job.status === "running"));
}

// Another window's change: the document again, unless it is this page's own echo or a line
// is being typed in (then once the typing ends).
let changes = null;
function watchChanges() {
  changes = new EventSource(BASE + "/events");
  changes.onmessage = (event) => {
    const news = JSON.parse(event.data);
    if (news.deleted) { location.href = "/"; return; }
    if (!doc || news.updated_at === doc.updated_at) return;
    if (typingNow()) { stale = true; return; }
    const echo = Date.now() - ownChange < 3000;
    load(true).then((drawn) => { if (drawn && !echo) toast(T.changed_elsewhere); })
      .catch(showError);
  };
}

function catchUp() {
  if (stale && editing === null) {
    stale = false;
    load(true).catch(showError);
  }
}

// Job progress through server-sent events, then the finished document.
let source = null;
function follow(job) {
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

// Speakers ----------------------------------------------------------------------------------

function speakerName(id) {
  const speaker = doc.speakers.find((s) => s.id === id);
  return speaker ? speakerLabel(speaker) : "";
}

// A speaker as people read it: the name given, else 話者2 / Speaker 2, as the history and the
// exports say it (gijiroku/history.py speaker_label); the chip keeps the short id S2.
function speakerLabel(speaker) {
  if (speaker.name) return speaker.name;
  const number = /^S\d+$/.test(speaker.id) ? speaker.id.slice(1) : speaker.id;
  return fill(T.unnamed_speaker, { n: number });
}

function hue(id) {
  const index = doc.speakers.findIndex((s) => s.id === id);
  return index < 0 ? 0 : (index * 137) % 360;
}

function renderSpeakers() {
  const list = document.getElementById("speakers");
  list.replaceChildren(...doc.speakers.map((speaker) => {
    const input = el("input", {
      type: "text", value: speaker.name || "", placeholder: speakerLabel({ id: speaker.id }),
      maxlength: NAME_LIMIT,
      "aria-label": speaker.id, dataset: { speaker: speaker.id },
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); input.blur(); }
      if (event.key === "Escape") { input.value = speaker.name || ""; input.blur(); }
    });
    input.addEventListener("change", async () => {
      // the name of another speaker: the same person, twice in the list; offer to merge
      const name = input.value.trim();
      const other = name && doc.speakers.find((s) => s.id !== speaker.id && s.name === name);
      if (other && confirm(fill(T.same_name_merge, { name, other: other.id }))) {
        await surgery("POST", BASE + "/speakers/" + encodeURIComponent(speaker.id) + "/merge",
                      { into: other.id });
        return;
      }
      const path = BASE + "/speakers/" + encodeURIComponent(speaker.id);
      const named = await change("PATCH", path, { name: input.value.trim() || null },
                                 (answer) => { doc.speakers = answer.speakers; });
      if (!named) input.value = speaker.name || "";
      renderSpeakers();
      renderSegments(); // names show on every line and in the minutes
      renderMinutes();
    });
    return el("li", { class: "speaker", style: "--hue:" + hue(speaker.id) },
      el("span", { class: "chip", title: speaker.label }, speaker.id), input);
  }));
}

// Transcript --------------------------------------------------------------------------------

function segmentText(segment) {
  // Words are stored without the spaces between them (none in Japanese), so each is found
  // in the line's text in turn; a line retyped so that a word is gone is shown as typed.
  const text = segment.text;
  const parts = [];
  let position = 0;
  for (const word of segment.words) {
    const token = word.text.trim();
    if (!token) continue;
    const at = text.indexOf(token, position);
    if (at < 0) return [text];
    if (at > position) parts.push(text.slice(position, at));
    // words worth checking against the recording (chosen when transcribed) are underlined
    parts.push(word.doubtful
      ? el("span", { class: "low", title: Math.round(word.probability * 100) + "%" }, token)
      : token);
    position = at + token.length;
  }
  if (position < text.length) parts.push(text.slice(position));
  return parts;
}

function renderSegments() {
  const kept = draft(); // a line being typed in is opened again as it was, after the redraw
  starts = doc.segments.map((s) => s.start);
  const list = document.getElementById("segments");
  list.replaceChildren(...doc.segments.map(segmentRow));
  highlight(currentIndex, false);
  if (kept) reopen(kept);
}

// The line being edited: what is typed in it, where the cursor is, and the line as it was
// when the editing began (its version and text: what a save is checked against).
function draft() {
  const box = document.querySelector("#segments .text-edit");
  if (editing === null || !box) return null;
  return { line: box.segmentShown, text: box.value, from: box.selectionStart,
           to: box.selectionEnd };
}

function unsavedLine() {
  const kept = draft();
  return Boolean(kept && kept.text.trim() !== kept.line.text.trim());
}

// Leaving the page with a correction typed and not saved asks first (the browser's question).
function unsavedWork() {
  const form = document.querySelector("#minutes form");
  return unsavedLine() || Boolean(form && form.dataset.changed);
}
window.addEventListener("beforeunload", (event) => {
  if (!unsavedWork()) return;
  event.preventDefault();
  event.returnValue = T.unsaved_leave;
});

function reopen(kept) {
  editing = null;
  const index = doc.segments.findIndex((s) => s.id === kept.line.id);
  if (index >= 0) return edit(index, kept);
  // the line is gone (deleted or merged elsewhere): what was typed is shown, not dropped
  if (kept.text.trim() !== kept.line.text.trim()) {
    showError({ message: fill(T.line_gone, { n: kept.line.id }) + " " + kept.text });
  }
}

// One line drawn again after it changed; a 3-hour session has thousands of lines.
function renderRow(index) {
  const row = rowAt(index);
  if (!row || !doc.segments[index]) return renderSegments();
  const fresh = segmentRow(doc.segments[index], index);
  fresh.tabIndex = row.tabIndex;
  row.replaceWith(fresh);
  if (index === currentIndex) highlight(currentIndex, false);
}

function segmentRow(segment, index) {
  const select = el("select", { class: "who", "aria-label": T.speaker_of_line },
    doc.speakers.map((s) => el("option", { value: s.id, selected: s.id === segment.speaker },
                               speakerLabel(s))));
  if (!segment.speaker) select.prepend(el("option", { value: "", selected: true }, "–"));
  select.addEventListener("change", () => save(segment, { speaker: select.value }));
  const item = el("li", {
    class: "seg", tabindex: index === Math.max(currentIndex, 0) ? "0" : "-1",
    style: "--hue:" + hue(segment.speaker), dataset: { id: segment.id, index },
  },
    el("button", { type: "button", class: "time", title: T.play_from + " (#" + segment.id + ")",
                   onclick: () => seek(index, true) }, clock(segment.start),
       el("span", { class: "number" }, "#" + segment.id)),
    select,
    segment.gap  // speech heard but not made out: said so, for the clerk to listen to
      ? el("p", { class: "text gap" },
           fill(T.gap_line, { from: clock(segment.start), to: clock(segment.end) }))
      : el("p", { class: "text" }, segmentText(segment)),
    el("button", { type: "button", class: "edit link", onclick: () => edit(index) }, T.edit));
  item.addEventListener("click", (event) => {
    if (event.target.closest("select, button, textarea")) return;
    seek(index, true);
  });
  item.addEventListener("dblclick", (event) => {
    if (!event.target.closest("select, button, textarea")) edit(index);
  });
  return item;
}

function rowAt(index) {
  return document.querySelector('#segments .seg[data-index="' + index + '"]');
}

function seek(index, play) {
  const segment = doc.segments[index];
  if (!segment) return;
  player.currentTime = segment.start;
  highlight(index, false);
  focusRow(index);
  if (play) player.play().catch(() => {});
}

function focusRow(index) {
  const row = rowAt(index);
  if (!row) return;
  for (const other of document.querySelectorAll("#segments .seg[tabindex='0']")) {
    other.tabIndex = -1;
  }
  row.tabIndex = 0;
  row.focus({ preventScroll: true });
  row.scrollIntoView({ block: "nearest" });
}

function highlight(index, scroll) {
  const previous = document.querySelector("#segments .seg.current");
  if (previous) previous.classList.remove("current");
  currentIndex = index;
  const row = rowAt(index);
  if (!row) return;
  row.classList.add("current");
  if (scroll) row.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

// the line being played: the last one that starts at or before the player's time
player.addEventListener("timeupdate", () => {
  const time = player.currentTime + 0.05;
  let low = 0, high = starts.length - 1, found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (starts[mid] <= time) { found = mid; low = mid + 1; } else { high = mid - 1; }
  }
  if (found !== currentIndex) highlight(found, !player.paused && editing === null);
});

function edit(index, kept = null) {
  const shown = doc.segments[index];
  const row = rowAt(index);
  if (!shown || !row || editing !== null) return;
  // opened again after a redraw: checked against the line as it was when the typing began,
  // so a change made meanwhile (a replace-all, another window) is shown to compare on save
  const segment = kept ? kept.line : shown;
  editing = segment.id;
  const box = el("textarea", { class: "text-edit", rows: "3", "aria-label": T.edit },
                 kept ? kept.text : segment.text);
  box.segmentShown = segment;
  const done = () => { editing = null; renderRow(index); focusRow(index); catchUp(); };
  const commit = async () => {
    if (box.value.trim() === segment.text.trim()) return done();
    editing = null;
    await save(segment, { text: box.value });
    focusRow(index);
    catchUp();
  };
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); done(); }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      commit();
    }
  });
  box.addEventListener("input", typing);
  // line surgery: what is typed and not saved is saved first, so nothing is lost
  const first = async () => {
    if (box.value.trim() === segment.text.trim()) return true;
    const saved = await save(segment, { text: box.value });
    return saved;
  };
  const split = async () => {
    const at = box.selectionStart;
    if (!(await first())) return;
    await surgery("POST", BASE + "/segments/" + segment.id + "/split", { at }, true);
  };
  const merge = async () => {
    if (!(await first())) return;
    await surgery("POST", BASE + "/segments/" + segment.id + "/merge", undefined, true);
  };
  const remove = async () => {
    if (!confirm(T.confirm_delete_line)) return;
    await surgery("DELETE", BASE + "/segments/" + segment.id, undefined, true);
  };
  const insert = async () => {
    if (!(await first())) return;
    const text = prompt(T.new_line_text);
    if (!text || !text.trim()) return;
    await surgery("POST", BASE + "/segments", { after: segment.id, text: text.trim() }, true);
  };
  const actions = el("div", { class: "buttons" },
    el("button", { type: "button", class: "button", onclick: commit }, T.save),
    el("button", { type: "button", class: "button secondary", onclick: done }, T.cancel),
    el("span", { class: "line-tools buttons" },
      el("button", { type: "button", class: "link", dataset: { tool: "split" },
                     onmousedown: (e) => e.preventDefault(), onclick: split }, T.split_here),
      el("button", { type: "button", class: "link", dataset: { tool: "merge" }, onclick: merge },
         T.merge_next),
      el("button", { type: "button", class: "link", dataset: { tool: "insert" }, onclick: insert },
         T.insert_after),
      el("button", { type: "button", class: "link danger", dataset: { tool: "delete" },
                     onclick: remove }, T.delete_line)));
  row.querySelector(".text").replaceWith(el("div", { class: "editor" }, box, actions));
  row.querySelector(".edit").hidden = true;
  box.focus();
  if (kept) box.setSelectionRange(kept.from, kept.to);
  else box.setSelectionRange(box.value.length, box.value.length);
}

// A change that reshapes the lines (merge, split, delete, insert, speakers): the server
// answers with the whole document, drawn again.
// `fromEditor`: the line being edited is the one reshaped (its text was saved first), so
// its editor closes; a change from another panel keeps the line being typed in open.
async function surgery(method, path, body, fromEditor = false) {
  if (fromEditor) editing = null;
  ownChange = Date.now();
  try {
    applyLines(await api(method, path, body, { Prefer: "return=minimal" }));
  } catch (error) {
    showError(error);
    renderSegments();
    return false;
  }
  render();
  toast(T.saved);
  if (history.open) loadHistory().catch(showError);
  return true;
}

// What a change of the lines answers (only what it changed, not a 3-hour session's 10 MB):
// the lines it wrote, put in or replaced, and those it removed, taken out, in time order as
// the server keeps them; the speakers and the minutes as they are now.
function applyLines(answer) {
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
async function change(method, path, body, apply, conflict) {
  ownChange = Date.now();
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
function compare(theirs, mine, message) {
  const dialog = document.getElementById("conflict");
  document.getElementById("conflict-theirs").textContent = theirs;
  document.getElementById("conflict-mine").textContent = mine;
  document.getElementById("conflict-message").textContent = message || "";
  return new Promise((resolve) => {
    const answer = (value) => () => { dialog.close(); resolve(value); };
    document.getElementById("keep-theirs").onclick = answer(false);
    document.getElementById("save-mine").onclick = answer(true);
    dialog.oncancel = answer(false);
    dialog.showModal();
  });
}

async function save(segment, patch) {
  editing = null;
  const index = doc.segments.findIndex((s) => s.id === segment.id);
  if (index < 0) return false; // the line is gone meanwhile
  const path = BASE + "/segments/" + segment.id;
  const stored = (answer) => { doc.segments[index] = answer.segment; };
  const saved = await change("PATCH", path, { ...patch, version: segment.version }, stored,
    async (current) => {
      doc.segments[index] = current;
      const mine = patch.text !== undefined ? patch.text : speakerName(patch.speaker);
      const theirs = patch.text !== undefined ? current.text : speakerName(current.speaker);
      if (!(await compare(theirs, mine, ERR.stale_version))) return false;
      return change("PATCH", path, { ...patch, version: current.version }, stored);
    });
  renderRow(index); // the changed line, or the line as it is now when refused
  return saved;
}

// Player: speed, skip back and forward, pause while typing --------------------------------

const SETTINGS_KEY = "gijiroku.player";
const playerSettings = { speed: "1", skip: 3, pauseTyping: false, rewind: 2,
  ...JSON.parse(localStorage.getItem(SETTINGS_KEY) || "{}") };
const controls = {
  speed: document.getElementById("speed"), skip: document.getElementById("skip-seconds"),
  pauseTyping: document.getElementById("pause-typing"),
  rewind: document.getElementById("rewind-seconds"),
};
controls.speed.value = playerSettings.speed;
controls.skip.value = playerSettings.skip;
controls.pauseTyping.checked = playerSettings.pauseTyping;
controls.rewind.value = playerSettings.rewind;
player.playbackRate = Number(playerSettings.speed);
player.defaultPlaybackRate = player.playbackRate;

function remember() {
  playerSettings.speed = controls.speed.value;
  playerSettings.skip = Math.min(60, Math.max(1, Number(controls.skip.value) || 3));
  playerSettings.pauseTyping = controls.pauseTyping.checked;
  playerSettings.rewind = Math.min(30, Math.max(0, Number(controls.rewind.value) || 0));
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(playerSettings));
  player.playbackRate = Number(playerSettings.speed);
  player.defaultPlaybackRate = player.playbackRate;
}
for (const control of Object.values(controls)) control.addEventListener("change", remember);
// the audio element resets its rate when a new source loads
player.addEventListener("loadedmetadata", () => {
  player.playbackRate = Number(playerSettings.speed);
});

function skip(direction) {
  const to = player.currentTime + direction * playerSettings.skip;
  player.currentTime = Math.min(Math.max(to, 0), player.duration || to);
}
document.getElementById("skip-back").addEventListener("click", () => skip(-1));
document.getElementById("skip-forward").addEventListener("click", () => skip(1));

function playPause() {
  if (player.paused) resume(); else player.pause();
}

// Resuming goes back a little, so the words before the pause are heard again.
function resume() {
  if (playerSettings.rewind) {
    player.currentTime = Math.max(0, player.currentTime - playerSettings.rewind);
  }
  player.play().catch(() => {});
}

// While the clerk types in a line, playback waits; it goes on a moment after the typing stops.
let typingPause = null;
function typing() {
  if (!playerSettings.pauseTyping) return;
  if (!player.paused) {
    player.pause();
    typingPause = { at: Date.now() };
  }
  if (typingPause) {
    clearTimeout(typingPause.timer);
    typingPause.timer = setTimeout(() => { typingPause = null; resume(); }, 1500);
  }
}

// Keys that work everywhere, in a line being edited too: Ctrl+Space play/pause,
// Ctrl+← back, Ctrl+→ forward (taken before the text box sees them).
document.addEventListener("keydown", (event) => {
  if (!event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return;
  if (event.code === "Space" || event.key === " ") {
    event.preventDefault();
    if (typingPause) { clearTimeout(typingPause.timer); typingPause = null; }
    playPause();
  } else if (event.key === "ArrowLeft") {
    event.preventDefault();
    skip(-1);
  } else if (event.key === "ArrowRight") {
    event.preventDefault();
    skip(1);
  }
}, true);

// Keyboard: the page is usable without a mouse.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (target.closest("input, textarea, select, [contenteditable]") || event.altKey ||
      event.ctrlKey || event.metaKey) return;
  const focused = target.closest ? target.closest("#segments .seg") : null;
  const index = focused ? Number(focused.dataset.index) : Math.max(currentIndex, 0);
  const key = event.key;
  if (key === " " && target.closest("button, a, summary")) return; // their own action
  if (key === " " || key === "p" || key === "P") {
    event.preventDefault();
    if (player.paused) player.play().catch(() => {}); else player.pause();
  } else if (key === "j" || key === "J" || key === "ArrowDown") {
    event.preventDefault();
    seek(Math.min(index + (focused || currentIndex >= 0 ? 1 : 0), doc.segments.length - 1), false);
  } else if (key === "k" || key === "K" || key === "ArrowUp") {
    event.preventDefault();
    seek(Math.max(index - 1, 0), false);
  } else if ((key === "Enter" && focused && target === focused) || key === "e" || key === "E") {
    event.preventDefault();
    edit(index);
  }
});

// Minutes -----------------------------------------------------------------------------------

function citations(numbers) {
  if (!numbers || !numbers.length) return el("span", { class: "flag" }, T.not_cited);
  return el("span", { class: "cites" }, T.cites + ": ", numbers.map((n) => {
    const index = doc.segments.findIndex((s) => s.id === n);
    return el("button", { type: "button", class: "link cite", title: T.play_from,
                          onclick: () => seek(index, true) }, "#" + n);
  }));
}

// `force`: drawn again by the minutes panel itself (a save, a cancel); otherwise an open
// item form is kept as typed and the panel is drawn once it closes.
function renderMinutes(force = false) {
  if (!force && document.querySelector("#minutes form")) { stale = true; return; }
  const minutes = doc.minutes || { status: "pending", decisions: [], action_items: [] };
  const box = document.getElementById("minutes");
  const parts = [];
  // what is true now: still processing, processing failed, or how the minutes ended
  const job = doc.job;
  const failedJob = job && ["failed", "cancelled"].includes(job.status);
  const written = minutes.summary || (minutes.topics || []).length ||
    (minutes.decisions || []).length || (minutes.action_items || []).length;
  if (busy()) {
    parts.push(el("p", { class: "muted", id: "minutes-state" },
                  doc.segments.length ? T.minutes_pending : T.minutes_waiting));
  } else if (failedJob && minutes.status !== "failed") {
    parts.push(el("p", { class: "muted", id: "minutes-state" }, T.minutes_after_failure));
  } else if (minutes.status === "not_configured") {
    if (!written) parts.push(el("p", { class: "muted", id: "minutes-state" }, T.minutes_not_configured));
  } else if (minutes.status === "failed") {
    parts.push(el("p", { class: "error", id: "minutes-state" }, T.minutes_failed + "：" + (minutes.error || "")));
  } else if (minutes.status !== "done") {
    parts.push(el("p", { class: "muted", id: "minutes-state" }, T.minutes_pending));
  } else if (minutes.model) {
    parts.push(el("p", { class: "ai-draft", id: "ai-draft" }, T.ai_draft.replace("{model}", minutes.model)));
  }
  if (minutes.summary) {
    parts.push(el("h3", {}, T.summary), el("p", { class: "summary" }, minutes.summary));
  }
  if (minutes.topics && minutes.topics.length) {
    parts.push(el("h3", {}, T.topics),
      el("ul", { id: "agenda" }, minutes.topics.map((topic) => el("li", {}, topic.title || topic.text || String(topic)))));
  }
  parts.push(el("h3", {}, T.decisions), decisionList(minutes.decisions || []));
  parts.push(el("h3", {}, T.action_items), actionTable(minutes.action_items || []));
  box.replaceChildren(...parts);
}

// A decision or action item added (item null), changed, or deleted (body null), addressed by
// its id and sent with the version it was shown at: a change someone made meanwhile is shown
// to compare (a deletion is not made, and the item is shown as it is now).
async function changeItem(kind, item, body) {
  const id = item ? item.id : null;
  const method = body === null ? "DELETE" : id ? "PUT" : "POST";
  const path = BASE + "/" + kind + (id ? "/" + encodeURIComponent(id) : "");
  const at = (version) => (method === "DELETE" ? path + "?version=" + version : path);
  const stored = (answer) => { doc.minutes = answer.minutes; };
  const sent = method === "DELETE" ? undefined : method === "PUT" ? { ...body, version: item.version } : body;
  const changed = await change(method, at(item ? item.version : 1), sent, stored,
    async (current) => {
      const words = (shown) => shown.text || shown.task || "";
      if (method === "DELETE" || !(await compare(words(current), words(body), ERR.stale_version))) {
        const list = doc.minutes[kind];
        const index = list.findIndex((shown) => shown.id === id);
        if (index >= 0) list[index] = current;
        renderMinutes(true);
        return false;
      }
      return change(method, at(current.version), { ...body, version: current.version }, stored);
    });
  if (changed) renderMinutes(true); // refused: the form stays open with what was typed
  catchUp();
  return changed;
}

function decisionList(decisions) {
  const list = el("ol", { class: "decisions" }, decisions.map((decision) => {
    const item = el("li", { class: decision.flagged ? "flagged" : "" },
      el("p", {}, decision.text), citations(decision.segments),
      el("span", { class: "buttons inline" },
        el("button", { type: "button", class: "link", onclick: () => decisionForm(item, decision) }, T.edit),
        el("button", { type: "button", class: "link danger", onclick: () => changeItem("decisions", decision, null) }, T.delete)));
    return item;
  }));
  const add = el("button", { type: "button", class: "button secondary", id: "add-decision" }, T.add_decision);
  add.addEventListener("click", () => {
    const item = el("li", {});
    list.append(item);
    decisionForm(item, null);
  });
  return el("div", {}, list, add);
}

function decisionForm(item, shown) {
  const decision = shown || { text: "", segments: [] };
  const text = el("textarea", { rows: "3", "aria-label": T.decisions }, decision.text);
  const cites = el("input", { type: "text", value: decision.segments.join(", "), "aria-label": T.cites, inputmode: "numeric" });
  const form = el("form", { class: "stack item-form" },
    text, el("label", {}, T.cites + " (#)", cites),
    el("div", { class: "buttons" },
      el("button", { type: "submit", class: "button" }, T.save),
      el("button", { type: "button", class: "button secondary", onclick: () => { renderMinutes(true); catchUp(); } }, T.cancel)));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    changeItem("decisions", shown, { text: text.value.trim(), segments: numbers(cites.value) });
  });
  form.addEventListener("keydown", escapeCancels);
  form.addEventListener("input", () => { form.dataset.changed = "1"; });
  item.replaceChildren(form);
  text.focus();
}

function actionTable(items) {
  const body = el("tbody", {}, items.map((action) => {
    const row = el("tr", { class: action.flagged ? "flagged" : "" },
      el("td", {}, action.task, el("div", { class: "small" }, citations(action.segments))),
      el("td", {}, speakerName(action.owner) || action.owner || "–"),
      el("td", {}, action.due_date || action.due || "–"),
      el("td", { class: "buttons inline" },
        el("button", { type: "button", class: "link", onclick: () => actionForm(row, action) }, T.edit),
        el("button", { type: "button", class: "link danger", onclick: () => changeItem("action_items", action, null) }, T.delete)));
    return row;
  }));
  const table = el("table", { class: "actions" },
    el("thead", {}, el("tr", {}, el("th", {}, T.task), el("th", {}, T.owner), el("th", {}, T.due), el("th", {}, ""))),
    body);
  const add = el("button", { type: "button", class: "button secondary", id: "add-action" }, T.add_action);
  add.addEventListener("click", () => {
    const row = el("tr", {});
    body.append(row);
    actionForm(row, null);
  });
  return el("div", { class: "table-wrap" }, table, add);
}

function actionForm(row, shown) {
  const action = shown || { task: "", owner: "", due: "", segments: [] };
  const task = el("textarea", { rows: "2", "aria-label": T.task }, action.task);
  const owner = el("input", { type: "text", value: action.owner || "", maxlength: NAME_LIMIT, "aria-label": T.owner, list: "speaker-names" });
  const due = el("input", { type: "text", value: action.due_date || action.due || "", maxlength: NAME_LIMIT, "aria-label": T.due });
  const cites = el("input", { type: "text", value: action.segments.join(", "), "aria-label": T.cites });
  const form = el("form", { class: "stack item-form" },
    el("label", {}, T.task, task), el("label", {}, T.owner, owner), el("label", {}, T.due, due),
    el("label", {}, T.cites + " (#)", cites),
    el("datalist", { id: "speaker-names" }, doc.speakers.map((s) => el("option", { value: speakerLabel(s) }))),
    el("div", { class: "buttons" },
      el("button", { type: "submit", class: "button" }, T.save),
      el("button", { type: "button", class: "button secondary", onclick: () => { renderMinutes(true); catchUp(); } }, T.cancel)));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const dueText = due.value.trim();
    const isDate = /^\d{4}-\d{2}-\d{2}$/.test(dueText);
    changeItem("action_items", shown, {
      task: task.value.trim(), owner: owner.value.trim() || null,
      due: dueText || null, due_date: isDate ? dueText : null, segments: numbers(cites.value),
    });
  });
  form.addEventListener("keydown", escapeCancels);
  form.addEventListener("input", () => { form.dataset.changed = "1"; });
  row.replaceChildren(el("td", { colspan: "4" }, form));
  task.focus();
}

function escapeCancels(event) {
  if (event.key === "Escape") { event.preventDefault(); renderMinutes(true); catchUp(); }
}

function numbers(text) {
  return text.split(/[^0-9]+/).filter(Boolean).map(Number);
}

// Downloads, re-runs, delete, history -------------------------------------------------------

function renderExports() {
  const transcript = document.getElementById("export-transcript").checked;
  const cleanup = document.getElementById("export-cleanup").value;
  document.getElementById("exports").replaceChildren(...FORMATS.map((format) => {
    const query = new URLSearchParams({ format, transcript: String(transcript), cleanup });
    return el("a", { class: "button secondary", href: BASE + "/export?" + query, download: "" },
              format.toUpperCase());
  }));
}
document.getElementById("export-transcript").addEventListener("change", renderExports);
document.getElementById("export-cleanup").addEventListener("change", renderExports);

document.getElementById("rerun-minutes").addEventListener("click", async () => {
  try {
    follow(await api("POST", BASE + "/rerun", { stage: "minutes" }));
    toast(T.processing);
  } catch (error) { showError(error); }
});

document.getElementById("apply-dictionary").addEventListener("click", async () => {
  try {
    const { changes } = await api("POST", BASE + "/dictionary");
    toast(changes.length ? T.dictionary_applied + ": " + changes.map((c) => "#" + c.number).join(", ")
                         : T.dictionary_nothing);
    await load();
    if (history.open) await loadHistory();
  } catch (error) { showError(error); }
});

document.getElementById("rerun-speakers").addEventListener("click", async () => {
  try {
    follow(await api("POST", BASE + "/rerun", { stage: "diarize" }));
    toast(T.processing);
  } catch (error) {
    if (error.code === "edit_conflict" && confirm(T.rerun_edits_confirm)) {
      try {
        follow(await api("POST", BASE + "/rerun", { stage: "diarize", replace_edits: true }));
      } catch (again) { showError(again); }
    } else { showError(error); }
  }
});

document.getElementById("delete-meeting").addEventListener("click", async () => {
  if (!confirm(T.confirm_delete)) return;
  // The page stops listening (and lets a document already asked for arrive) first: a change
  // announced while the meeting is being removed would ask for a document already gone.
  if (changes) changes.close();
  if (source) { source.close(); source = null; }
  await loading;
  try {
    await api("DELETE", BASE);
    location.href = "/";
  } catch (error) {
    showError(error);
    watchChanges();
    follow(doc.job);
  }
});

const history = document.getElementById("history");
history.addEventListener("toggle", () => { if (history.open) loadHistory().catch(showError); });

async function loadHistory() {
  const edits = await api("GET", BASE + "/history");
  const list = document.getElementById("history-list");
  if (!edits.length) return list.replaceChildren(el("li", { class: "muted" }, T.no_history));
  list.replaceChildren(...edits.slice().reverse().map((edit) => el("li", {},
    // the server says what each entry was, in the page's language, and whether it can be
    // undone (a replaced recording cannot)
    el("span", { class: "muted" }, when(edit.created_at)), " ", edit.summary, " ",
    edit.undone_at ? el("em", {}, T.undone) : !edit.undoable ? "" : el("button", {
      type: "button", class: "link", onclick: async () => {
        try {
          await api("POST", BASE + "/history/" + edit.id + "/undo");
          await load();
          await loadHistory();
        } catch (error) { showError(error); }
      },
    }, T.undo))));
}

// Speakers: add one, merge two, give a range of lines to one -------------------------------

function renderSpeakerTools() {
  const options = (blank) => [
    ...(blank ? [el("option", { value: "" }, "–")] : []),
    ...doc.speakers.map((s) => el("option", { value: s.id }, s.id + (s.name ? " " + s.name : "")))];
  document.getElementById("merge-from").replaceChildren(...options(false));
  document.getElementById("merge-into").replaceChildren(...options(false));
  document.getElementById("range-speaker").replaceChildren(...options(false));
  if (doc.speakers.length > 1) document.getElementById("merge-into").selectedIndex = 1;
}

document.getElementById("add-speaker").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = document.getElementById("new-speaker");
  if (await surgery("POST", BASE + "/speakers", { name: name.value.trim() || null })) {
    name.value = "";
  }
});

document.getElementById("merge-speakers").addEventListener("submit", async (event) => {
  event.preventDefault();
  const from = document.getElementById("merge-from").value;
  const into = document.getElementById("merge-into").value;
  if (!confirm(fill(T.confirm_merge_speakers, { from: speakerName(from), into: speakerName(into) }))) return;
  await surgery("POST", BASE + "/speakers/" + encodeURIComponent(from) + "/merge", { into });
});

document.getElementById("speaker-range").addEventListener("submit", async (event) => {
  event.preventDefault();
  await surgery("POST", BASE + "/segments/speaker", {
    first: Number(document.getElementById("range-first").value),
    last: Number(document.getElementById("range-last").value),
    speaker: document.getElementById("range-speaker").value,
  });
});

// Find and replace --------------------------------------------------------------------------

const finder = {
  form: document.getElementById("find-form"), text: document.getElementById("find-text"),
  replace: document.getElementById("replace-text"), whole: document.getElementById("whole-word"),
  dictionary: document.getElementById("to-dictionary"),
  all: document.getElementById("replace-all"), hits: [],
};

async function find() {
  const query = new URLSearchParams({ q: finder.text.value, whole_word: String(finder.whole.checked) });
  finder.hits = await api("GET", BASE + "/find?" + query);
  document.getElementById("find-count").textContent =
    finder.hits.length ? fill(T.hits, { n: finder.hits.length }) : T.no_hits;
  finder.all.textContent = fill(T.replace_all, { n: finder.hits.length });
  finder.all.disabled = !finder.hits.length;
  document.getElementById("hits").replaceChildren(...finder.hits.map((hit) => {
    const before = hit.text.slice(Math.max(0, hit.start - 20), hit.start);
    const after = hit.text.slice(hit.end, hit.end + 20);
    const index = doc.segments.findIndex((s) => s.id === hit.number);
    return el("li", { class: "hit" },
      el("button", { type: "button", class: "link", onclick: () => seek(index, false) }, "#" + hit.number),
      " …" + before, el("mark", {}, hit.text.slice(hit.start, hit.end)),
      finder.replace.value ? el("ins", {}, finder.replace.value) : null, after + "… ",
      el("button", { type: "button", class: "link", onclick: () => replaceHits([[hit.number, hit.start]]) },
         T.replace_one));
  }));
}

async function replaceHits(only) {
  ownChange = Date.now();
  try {
    const done = await api("POST", BASE + "/replace", {
      find: finder.text.value, replace: finder.replace.value, whole_word: finder.whole.checked,
      only, add_to_dictionary: finder.dictionary.checked && only === null,
    });
    toast(fill(T.replaced, { n: done.replaced }));
    await load();
    await find();
    if (history.open) await loadHistory();
  } catch (error) { showError(error); }
}

finder.form.addEventListener("submit", (event) => {
  event.preventDefault();
  find().catch(showError);
});
finder.all.addEventListener("click", () => replaceHits(null));

// The meeting's facts: title, date, place, agenda items, summary ---------------------------

function renderFacts() {
  const form = document.getElementById("facts");
  if (form.contains(document.activeElement)) return; // being typed in
  document.getElementById("fact-title").value = doc.title;
  document.getElementById("fact-date").value = doc.date || "";
  document.getElementById("fact-place").value = doc.place || "";
  document.getElementById("fact-agenda").value = ((doc.minutes || {}).topics || []).join("\n");
  document.getElementById("fact-summary").value = (doc.minutes || {}).summary || "";
}

document.getElementById("facts").addEventListener("submit", async (event) => {
  event.preventDefault();
  ownChange = Date.now();
  try {
    doc = await api("PATCH", BASE, {
      title: document.getElementById("fact-title").value,
      date: document.getElementById("fact-date").value,
      place: document.getElementById("fact-place").value,
      agenda: document.getElementById("fact-agenda").value.split("\n"),
      summary: document.getElementById("fact-summary").value,
    });
    document.activeElement.blur();
    render();
    toast(T.saved);
  } catch (error) { showError(error); }
});

// A failed or cancelled job runs again from the step that failed ---------------------------

document.getElementById("retry").addEventListener("click", async () => {
  try {
    const job = await api("POST", BASE + "/retry");
    doc.job = job;
    document.getElementById("failure").hidden = true;
    toast(T.retrying);
    follow(job);
  } catch (error) { showError(error); }
});

// Tablet widths: the transcript and the side panels as tabs --------------------------------

const grid = document.getElementById("grid");
for (const tab of document.querySelectorAll(".tabs [role=tab]")) {
  tab.addEventListener("click", () => {
    grid.dataset.tab = tab.dataset.tab;
    for (const other of document.querySelectorAll(".tabs [role=tab]")) {
      other.setAttribute("aria-selected", String(other === tab));
    }
  });
}

load().then(watchChanges).catch(showError);
