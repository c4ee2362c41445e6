// The meeting page: a player synced to the transcript, inline edits, speaker names, the
// minutes with editable decisions and action items, downloads, history with undo.
"use strict";

const root = document.getElementById("meeting");
const ID = root.dataset.meetingId;
const BASE = "/api/meetings/" + encodeURIComponent(ID);
const FORMATS = root.dataset.formats ? root.dataset.formats.split(",") : [];
const player = document.getElementById("player");
const LOW = 0.5; // words below this probability are marked for proofreading

let doc = null;        // the result document
let starts = [];       // segment start times, in order, for finding the line being played
let currentIndex = -1; // the line being played
let editing = null;    // the segment id whose text is being edited

// Loading -----------------------------------------------------------------------------------

async function load() {
  doc = await api("GET", BASE);
  render();
  follow(doc.job);
}

function render() {
  document.getElementById("title").textContent = doc.title;
  document.title = doc.title + " · " + T.app_name;
  const meta = [statusText(doc.job, doc.status)];
  if (doc.duration) meta.push(clock(doc.duration));
  if (doc.language) meta.push(doc.language);
  document.getElementById("meta").textContent = meta.join(" · ");
  renderSpeakers();
  renderSegments();
  renderMinutes();
  renderExports();
}

// Job progress through server-sent events, then the finished document.
let source = null;
function follow(job) {
  const box = document.getElementById("job");
  const active = job && (job.status === "queued" || job.status === "running");
  box.hidden = !active;
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
      load().catch(showError);
    }
  };
  source.onerror = () => { // the server went away: try again by polling the document
    source.close();
    source = null;
    setTimeout(() => load().catch(showError), 3000);
  };
}

// Speakers ----------------------------------------------------------------------------------

function speakerName(id) {
  const speaker = doc.speakers.find((s) => s.id === id);
  return speaker ? speaker.name || speaker.label : "";
}

function hue(id) {
  const index = doc.speakers.findIndex((s) => s.id === id);
  return index < 0 ? 0 : (index * 137) % 360;
}

function renderSpeakers() {
  const list = document.getElementById("speakers");
  list.replaceChildren(...doc.speakers.map((speaker) => {
    const input = el("input", {
      type: "text", value: speaker.name || "", placeholder: speaker.label, maxlength: "200",
      "aria-label": speaker.label, dataset: { speaker: speaker.id },
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); input.blur(); }
      if (event.key === "Escape") { input.value = speaker.name || ""; input.blur(); }
    });
    input.addEventListener("change", async () => {
      const path = BASE + "/speakers/" + encodeURIComponent(speaker.id);
      const named = await change("PATCH", path, { name: input.value.trim() || null },
                                 (answer) => { doc.speakers = answer.speakers; });
      if (!named) input.value = speaker.name || "";
      renderSpeakers();
      renderSegments(); // names show on every line and in the minutes
      renderMinutes();
    });
    return el("li", { class: "speaker", style: "--hue:" + hue(speaker.id) },
      el("span", { class: "chip" }, speaker.label), input);
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
    parts.push(word.probability < LOW
      ? el("span", { class: "low", title: Math.round(word.probability * 100) + "%" }, token)
      : token);
    position = at + token.length;
  }
  if (position < text.length) parts.push(text.slice(position));
  return parts;
}

function renderSegments() {
  starts = doc.segments.map((s) => s.start);
  const list = document.getElementById("segments");
  list.replaceChildren(...doc.segments.map(segmentRow));
  highlight(currentIndex, false);
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
                               s.name || s.label)));
  if (!segment.speaker) select.prepend(el("option", { value: "", selected: true }, "–"));
  select.addEventListener("change", () => save(segment, { speaker: select.value }));
  const item = el("li", {
    class: "seg", tabindex: index === Math.max(currentIndex, 0) ? "0" : "-1",
    style: "--hue:" + hue(segment.speaker), dataset: { id: segment.id, index },
  },
    el("button", { type: "button", class: "time", title: T.play_from,
                   onclick: () => seek(index, true) }, clock(segment.start)),
    select,
    el("p", { class: "text" }, segmentText(segment)),
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

function edit(index) {
  const segment = doc.segments[index];
  const row = rowAt(index);
  if (!segment || !row || editing !== null) return;
  editing = segment.id;
  const box = el("textarea", { class: "text-edit", rows: "3", "aria-label": T.edit },
                 segment.text);
  const done = () => { editing = null; renderRow(index); focusRow(index); };
  const commit = async () => {
    if (box.value.trim() === segment.text.trim()) return done();
    editing = null;
    await save(segment, { text: box.value });
    focusRow(index);
  };
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); done(); }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      commit();
    }
  });
  const actions = el("div", { class: "buttons" },
    el("button", { type: "button", class: "button", onclick: commit }, T.save),
    el("button", { type: "button", class: "button secondary", onclick: done }, T.cancel));
  row.querySelector(".text").replaceWith(el("div", { class: "editor" }, box, actions));
  row.querySelector(".edit").hidden = true;
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
}

// One change sent to the API with `Prefer: return=minimal`: it answers with only what changed
// (the line, the speakers or the minutes), which `apply` puts into the document; the caller
// draws that part again. False when refused: the error is shown, the document unchanged.
async function change(method, path, body, apply) {
  try {
    apply(await api(method, path, body, { Prefer: "return=minimal" }));
  } catch (error) {
    showError(error);
    return false;
  }
  toast(T.saved);
  return true;
}

async function save(segment, patch) {
  editing = null;
  const index = doc.segments.indexOf(segment);
  if (index < 0) return; // the document was reloaded meanwhile
  await change("PATCH", BASE + "/segments/" + segment.id, patch,
               (answer) => { doc.segments[index] = answer.segment; });
  renderRow(index); // the changed line, or the line as it was when refused
}

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

function renderMinutes() {
  const minutes = doc.minutes || { status: "pending", decisions: [], action_items: [] };
  const box = document.getElementById("minutes");
  const parts = [];
  if (minutes.status === "not_configured") parts.push(el("p", { class: "muted" }, T.minutes_not_configured));
  else if (minutes.status === "failed") parts.push(el("p", { class: "error" }, T.minutes_failed + ": " + (minutes.error || "")));
  else if (minutes.status !== "done") parts.push(el("p", { class: "muted" }, T.minutes_pending));
  else if (minutes.model) {
    parts.push(el("p", { class: "ai-draft", id: "ai-draft" }, T.ai_draft.replace("{model}", minutes.model)));
  }
  if (minutes.summary) {
    parts.push(el("h3", {}, T.summary), el("p", { class: "summary" }, minutes.summary));
  }
  if (minutes.topics && minutes.topics.length) {
    parts.push(el("h3", {}, T.topics),
      el("ul", {}, minutes.topics.map((topic) => el("li", {}, topic.title || topic.text || String(topic)))));
  }
  parts.push(el("h3", {}, T.decisions), decisionList(minutes.decisions || []));
  parts.push(el("h3", {}, T.action_items), actionTable(minutes.action_items || []));
  box.replaceChildren(...parts);
}

async function changeItem(kind, number, body) {
  const path = BASE + "/" + kind + (number ? "/" + number : "");
  const method = body === null ? "DELETE" : number ? "PUT" : "POST";
  const changed = await change(method, path, body === null ? undefined : body,
                               (answer) => { doc.minutes = answer.minutes; });
  if (changed) renderMinutes(); // refused: the form stays open with what was typed
  return changed;
}

function decisionList(decisions) {
  const list = el("ol", { class: "decisions" }, decisions.map((decision, i) => {
    const item = el("li", { class: decision.flagged ? "flagged" : "" },
      el("p", {}, decision.text), citations(decision.segments),
      el("span", { class: "buttons inline" },
        el("button", { type: "button", class: "link", onclick: () => decisionForm(item, decision, i + 1) }, T.edit),
        el("button", { type: "button", class: "link danger", onclick: () => changeItem("decisions", i + 1, null) }, T.delete)));
    return item;
  }));
  const add = el("button", { type: "button", class: "button secondary", id: "add-decision" }, T.add_decision);
  add.addEventListener("click", () => {
    const item = el("li", {});
    list.append(item);
    decisionForm(item, { text: "", segments: [] }, null);
  });
  return el("div", {}, list, add);
}

function decisionForm(item, decision, number) {
  const text = el("textarea", { rows: "3", "aria-label": T.decisions }, decision.text);
  const cites = el("input", { type: "text", value: decision.segments.join(", "), "aria-label": T.cites, inputmode: "numeric" });
  const form = el("form", { class: "stack item-form" },
    text, el("label", {}, T.cites + " (#)", cites),
    el("div", { class: "buttons" },
      el("button", { type: "submit", class: "button" }, T.save),
      el("button", { type: "button", class: "button secondary", onclick: () => renderMinutes() }, T.cancel)));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    changeItem("decisions", number, { text: text.value.trim(), segments: numbers(cites.value) });
  });
  form.addEventListener("keydown", escapeCancels);
  item.replaceChildren(form);
  text.focus();
}

function actionTable(items) {
  const body = el("tbody", {}, items.map((action, i) => {
    const row = el("tr", { class: action.flagged ? "flagged" : "" },
      el("td", {}, action.task, el("div", { class: "small" }, citations(action.segments))),
      el("td", {}, action.owner || "–"),
      el("td", {}, action.due_date || action.due || "–"),
      el("td", { class: "buttons inline" },
        el("button", { type: "button", class: "link", onclick: () => actionForm(row, action, i + 1) }, T.edit),
        el("button", { type: "button", class: "link danger", onclick: () => changeItem("action_items", i + 1, null) }, T.delete)));
    return row;
  }));
  const table = el("table", { class: "actions" },
    el("thead", {}, el("tr", {}, el("th", {}, T.task), el("th", {}, T.owner), el("th", {}, T.due), el("th", {}, ""))),
    body);
  const add = el("button", { type: "button", class: "button secondary", id: "add-action" }, T.add_action);
  add.addEventListener("click", () => {
    const row = el("tr", {});
    body.append(row);
    actionForm(row, { task: "", owner: "", due: "", segments: [] }, null);
  });
  return el("div", { class: "table-wrap" }, table, add);
}

function actionForm(row, action, number) {
  const task = el("textarea", { rows: "2", "aria-label": T.task }, action.task);
  const owner = el("input", { type: "text", value: action.owner || "", maxlength: "200", "aria-label": T.owner, list: "speaker-names" });
  const due = el("input", { type: "text", value: action.due_date || action.due || "", maxlength: "200", "aria-label": T.due });
  const cites = el("input", { type: "text", value: action.segments.join(", "), "aria-label": T.cites });
  const form = el("form", { class: "stack item-form" },
    el("label", {}, T.task, task), el("label", {}, T.owner, owner), el("label", {}, T.due, due),
    el("label", {}, T.cites + " (#)", cites),
    el("datalist", { id: "speaker-names" }, doc.speakers.map((s) => el("option", { value: s.name || s.label }))),
    el("div", { class: "buttons" },
      el("button", { type: "submit", class: "button" }, T.save),
      el("button", { type: "button", class: "button secondary", onclick: () => renderMinutes() }, T.cancel)));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const dueText = due.value.trim();
    const isDate = /^\d{4}-\d{2}-\d{2}$/.test(dueText);
    changeItem("action_items", number, {
      task: task.value.trim(), owner: owner.value.trim() || null,
      due: dueText || null, due_date: isDate ? dueText : null, segments: numbers(cites.value),
    });
  });
  form.addEventListener("keydown", escapeCancels);
  row.replaceChildren(el("td", { colspan: "4" }, form));
  task.focus();
}

function escapeCancels(event) {
  if (event.key === "Escape") { event.preventDefault(); renderMinutes(); }
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
  try {
    await api("DELETE", BASE);
    location.href = "/";
  } catch (error) { showError(error); }
});

const history = document.getElementById("history");
history.addEventListener("toggle", () => { if (history.open) loadHistory().catch(showError); });

function short(text) {
  text = String(text === null || text === undefined ? T.unnamed : text);
  return text.length > 50 ? text.slice(0, 49) + "…" : text;
}

// One line for a history entry: what changed, before → after.
function describe(edit) {
  const { before, after } = edit;
  if (edit.kind === "segment") {
    const what = before.text !== after.text
      ? "“" + short(before.text) + "” → “" + short(after.text) + "”"
      : short(speakerName(before.speaker)) + " → " + short(speakerName(after.speaker));
    return T.line + " #" + edit.target + ": " + what;
  }
  if (edit.kind === "dictionary") {
    const rules = (after.rules || []).map(([heard, meant]) => heard + " → " + meant).join(", ");
    return T.dictionary + " · " + T.line + " #" + edit.target + ": “" + short(before.text) +
      "” → “" + short(after.text) + "” (" + rules + ")";
  }
  if (edit.kind === "speaker") {
    const speaker = doc.speakers.find((s) => s.id === edit.target);
    return T.speakers + " " + (speaker ? speaker.label : edit.target) + ": " +
      short(before) + " → " + short(after);
  }
  return (T[edit.kind] || edit.kind) + ": " + before.length + " → " + after.length;
}

async function loadHistory() {
  const edits = await api("GET", BASE + "/history");
  const list = document.getElementById("history-list");
  if (!edits.length) return list.replaceChildren(el("li", { class: "muted" }, T.no_history));
  list.replaceChildren(...edits.slice().reverse().map((edit) => el("li", {},
    el("span", { class: "muted" }, when(edit.created_at)), " ", describe(edit), " ",
    edit.undone_at ? el("em", {}, T.undone) : el("button", {
      type: "button", class: "link", onclick: async () => {
        try {
          await api("POST", BASE + "/history/" + edit.id + "/undo");
          await load();
          await loadHistory();
        } catch (error) { showError(error); }
      },
    }, T.undo))));
}

load().catch(showError);
