// The minutes: how far they are, the summary and agenda, decisions and action items with
// the lines they cite; each item edited, added or deleted with the version it was shown at.
import { T, api, el, showError, toast } from "../common.js";
import { BASE, NAME_LIMIT, busy, setStale, state } from "./page.js";
import { speakerLabel, speakerName } from "./speakers.js";
import { catchUp, change, compare } from "./sync.js";
import { indexOf, seek } from "./transcript.js";

function citations(numbers) {
  if (!numbers || !numbers.length) return el("span", { class: "flag" }, T.not_cited);
  return el("span", { class: "cites" }, T.cites + ": ", numbers.map((n) =>
    el("button", { type: "button", class: "link cite", title: T.play_from,
                   onclick: () => seek(indexOf(n), true) }, "#" + n)));
}

function link(label, onclick, danger = false) {
  return el("button", { type: "button", class: danger ? "link danger" : "link", onclick }, label);
}

// An item form's buttons: save, and cancel (the panel drawn again as stored).
function formButtons() {
  return el("div", { class: "buttons" },
    el("button", { type: "submit", class: "button" }, T.save),
    el("button", { type: "button", class: "button secondary", onclick: cancel }, T.cancel));
}

function cancel() {
  renderMinutes(true);
  catchUp();
}

function escapeCancels(event) {
  if (event.key === "Escape") { event.preventDefault(); cancel(); }
}

// `force`: drawn again by the minutes panel itself (a save, a cancel); otherwise an open
// item form is kept as typed and the panel is drawn once it closes.
export function renderMinutes(force = false) {
  if (!force && document.querySelector("#minutes form")) { setStale(true); return; }
  const minutes = state.doc.minutes || { status: "pending", decisions: [], action_items: [] };
  const box = document.getElementById("minutes");
  const parts = [];
  // what is true now: still processing, processing failed, or how the minutes ended
  const job = state.doc.job;
  const failedJob = job && ["failed", "cancelled"].includes(job.status);
  const written = minutes.summary || (minutes.topics || []).length ||
    (minutes.decisions || []).length || (minutes.action_items || []).length;
  const said = (text, kind = "muted") =>
    parts.push(el("p", { class: kind, id: "minutes-state" }, text));
  if (busy()) {
    said(state.doc.segments.length ? T.minutes_pending : T.minutes_waiting);
  } else if (failedJob && minutes.status !== "failed") {
    said(T.minutes_after_failure);
  } else if (minutes.status === "not_configured") {
    if (!written) said(T.minutes_not_configured);
  } else if (minutes.status === "failed") {
    said(T.minutes_failed + "：" + (minutes.error || ""), "error");
  } else if (minutes.status !== "done") {
    said(T.minutes_pending);
  } else if (minutes.model && !minutes.reviewed) {
    parts.push(el("p", { class: "ai-draft", id: "ai-draft" },
                  T.ai_draft.replace("{model}", minutes.model)),
               el("button", { type: "button", class: "button secondary small", id: "mark-reviewed",
                              onclick: () => markReviewed(true) }, T.mark_reviewed));
  } else if (minutes.model) {
    parts.push(el("p", { class: "muted small", id: "reviewed" }, T.minutes_reviewed, " ",
                  el("button", { type: "button", class: "button secondary small",
                                 id: "unmark-reviewed", onclick: () => markReviewed(false) },
                     T.unmark_reviewed)));
  }
  if (minutes.summary) {
    parts.push(el("h3", {}, T.summary), el("p", { class: "summary" }, minutes.summary));
  }
  if (minutes.topics && minutes.topics.length) {
    parts.push(el("h3", {}, T.topics),
      el("ul", { id: "agenda" }, minutes.topics.map(
        (topic) => el("li", {}, topic.title || topic.text || String(topic)))));
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
  const stored = (answer) => { state.doc.minutes = answer.minutes; };
  const sent = method === "DELETE" ? undefined
    : method === "PUT" ? { ...body, version: item.version } : body;
  const changed = await change(method, at(item ? item.version : 1), sent, stored,
    async (current) => {
      const words = (shown) => shown.text || shown.task || "";
      if (method === "DELETE" || !(await compare(words(current), words(body)))) {
        const list = state.doc.minutes[kind];
        const index = list.findIndex((shown) => shown.id === id);
        if (index >= 0) list[index] = current;
        renderMinutes(true);
        return false;
      }
      return change(method, at(current.version), { ...body, version: current.version },
                    stored);
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
        link(T.edit, () => decisionForm(item, decision)),
        link(T.delete, () => changeItem("decisions", decision, null), true)));
    return item;
  }));
  const add = el("button", { type: "button", class: "button secondary", id: "add-decision" },
                 T.add_decision);
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
  const cites = el("input", { type: "text", value: decision.segments.join(", "),
                              "aria-label": T.cites, inputmode: "numeric" });
  const form = el("form", { class: "stack item-form" },
    text, el("label", {}, T.cites + " (#)", cites), formButtons());
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
        link(T.edit, () => actionForm(row, action)),
        link(T.delete, () => changeItem("action_items", action, null), true)));
    return row;
  }));
  const heads = [T.task, T.owner, T.due, ""].map((text) => el("th", {}, text));
  const table = el("table", { class: "actions" }, el("thead", {}, el("tr", {}, heads)), body);
  const add = el("button", { type: "button", class: "button secondary", id: "add-action" },
                 T.add_action);
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
  const field = (value, label, more = {}) =>
    el("input", { type: "text", value, maxlength: NAME_LIMIT, "aria-label": label, ...more });
  const owner = field(action.owner || "", T.owner, { list: "speaker-names" });
  const due = field(action.due_date || action.due || "", T.due);
  const cites = field(action.segments.join(", "), T.cites, { maxlength: null });
  const names = state.doc.speakers.map((s) => el("option", { value: speakerLabel(s) }));
  const form = el("form", { class: "stack item-form" },
    el("label", {}, T.task, task), el("label", {}, T.owner, owner), el("label", {}, T.due, due),
    el("label", {}, T.cites + " (#)", cites), el("datalist", { id: "speaker-names" }, names),
    formButtons());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // (a due date typed as a day, 2027-02-26, is read as one by the server)
    changeItem("action_items", shown, {
      task: task.value.trim(), owner: owner.value.trim() || null,
      due: due.value.trim() || null, due_date: null, segments: numbers(cites.value),
    });
  });
  form.addEventListener("keydown", escapeCancels);
  form.addEventListener("input", () => { form.dataset.changed = "1"; });
  row.replaceChildren(el("td", { colspan: "4" }, form));
  task.focus();
}

function numbers(text) {
  return text.split(/[^0-9]+/).filter(Boolean).map(Number);
}


// The clerk says the drafted minutes have been reviewed (or takes that back): exports and
// this page stop (or start again) calling them an AI draft. One entry of the history.
async function markReviewed(reviewed) {
  state.ownChange = Date.now();
  try {
    state.doc = await api("PATCH", BASE, { reviewed });
    renderMinutes();
    toast(T.saved);
  } catch (error) { showError(error); }
}
