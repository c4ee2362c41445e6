// The council's record (会議録): the proceedings found from the chair's words (agenda items,
// votes, events) as rows the clerk corrects, and the record's details (body, session,
// attendance, signing members, heading style). Each save is one entry of the history.
import { T, api, el, showError, toast } from "../common.js";
import { refreshHistory } from "./history.js";
import { BASE, state } from "./page.js";
import { load } from "./sync.js";

const METHODS = ["", "異議なし", "起立", "挙手", "記名"];
const RESULTS = ["可決", "否決", "承認", "認定", "同意", "採択", "不採択", "継続審査", "付託"];
const EVENTS = ["開会", "開議", "休憩", "再開", "散会", "延会", "閉会", "署名議員指名",
                "発言取消し"];
const LISTS = ["present", "absent", "officials", "staff", "signers"];

// The fields of a row of each list: [key, label, kind ("text", "select", "time"), choices]
const FIELDS = {
  agenda: [["item", T.item_no, "text"], ["bill", T.bill, "text"], ["title", T.item_title, "text"]],
  votes: [["bill", T.bill, "text"], ["method", T.method, "select", METHODS],
          ["result", T.result, "select", RESULTS], ["committee", T.committee, "text"]],
  events: [["kind", T.event_kind, "select", EVENTS], ["at", T.event_at, "time"]],
};
const CONTAINERS = { agenda: "agenda-rows", votes: "vote-rows", events: "event-rows" };

let drawnFor = null; // the document the rows were drawn from (a redraw keeps typing)

function field([key, label, kind, choices], value) {
  const attributes = { "data-key": key, "aria-label": label, title: label };
  if (kind === "select") {
    return el("select", attributes, ...choices.map((choice) => el(
      "option", { value: choice, selected: choice === (value || "") },
      choice || T.no_vote)));
  }
  return el("input", { ...attributes, type: kind, value: value || "", placeholder: label,
                       maxlength: kind === "text" ? "200" : null });
}

function row(list, entry) {
  const lines = (entry.segments || []).map((n) => "#" + n).join(" ");
  return el("div", { class: "proceedings-row", "data-segments": JSON.stringify(entry.segments || []) },
    ...FIELDS[list].map((spec) => field(spec, entry[spec[0]])),
    el("span", { class: "muted small", title: T.cited_lines }, lines),
    el("button", { type: "button", class: "button secondary small", "data-remove": "",
                   onclick: (event) => event.target.closest(".proceedings-row").remove() },
       T.remove_row));
}

function drawList(list, entries) {
  const container = document.getElementById(CONTAINERS[list]);
  container.replaceChildren(
    ...entries.map((entry) => row(list, entry)),
    el("button", { type: "button", class: "button secondary small", "data-add": list,
                   onclick: (event) => event.target.before(row(list, {})) }, T.add_row));
}

function collect(list) {
  return [...document.getElementById(CONTAINERS[list]).querySelectorAll(".proceedings-row")]
    .map((node) => {
      const entry = { segments: JSON.parse(node.dataset.segments || "[]") };
      for (const input of node.querySelectorAll("[data-key]")) {
        entry[input.dataset.key] = input.value.trim() || null;
      }
      if (list === "agenda") entry.title = entry.title || "";
      return entry;
    });
}

function drawProceedings(found) {
  document.getElementById("proceedings-edited").hidden = !found.edited;
  for (const list of Object.keys(FIELDS)) drawList(list, found[list]);
}

function drawRecord(record) {
  for (const name of ["body", "session", "number", "chair"]) {
    document.getElementById("record-" + name).value = record[name] ?? "";
  }
  for (const name of LISTS) {
    document.getElementById("record-" + name).value = (record[name] || []).join("\n");
  }
  document.getElementById("record-marker").value = record.style.marker;
  document.getElementById("record-honorific").value = record.style.honorific;
  document.getElementById("record-era").value = record.style.era;
  document.getElementById("record-numbers").value = record.style.numbers;
}

// Drawn when the meeting page draws, once per document: a redraw while the clerk is typing
// in the panel waits (the form keeps what was typed).
export async function renderCouncil() {
  const panel = document.getElementById("council");
  if (!state.doc || drawnFor === state.doc.updated_at || panel.contains(document.activeElement)) {
    return;
  }
  drawnFor = state.doc.updated_at;
  try {
    const [found, record] = await Promise.all([api("GET", BASE + "/proceedings"),
                                               api("GET", BASE + "/record")]);
    drawProceedings(found);
    drawRecord(record);
  } catch (error) { showError(error); }
}

async function saved(answer) {
  state.ownChange = Date.now();
  drawProceedings(answer);
  toast(T.saved);
  refreshHistory();
}

document.getElementById("proceedings").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await saved(await api("PATCH", BASE + "/proceedings", {
      agenda: collect("agenda"), votes: collect("votes"), events: collect("events"),
    }));
  } catch (error) { showError(error); }
});

document.getElementById("recognise-again").addEventListener("click", async () => {
  if (!confirm(T.recognise_confirm)) return;
  try {
    await saved(await api("PATCH", BASE + "/proceedings", { recognise: true }));
  } catch (error) { showError(error); }
});

document.getElementById("record").addEventListener("submit", async (event) => {
  event.preventDefault();
  const value = (name) => document.getElementById("record-" + name).value;
  const lines = (name) => value(name).split("\n").map((x) => x.trim()).filter(Boolean);
  try {
    const record = await api("PATCH", BASE + "/record", {
      body: value("body"), session: value("session"), chair: value("chair"),
      number: value("number") ? Number(value("number")) : null,
      ...Object.fromEntries(LISTS.map((name) => [name, lines(name)])),
      style: { marker: value("marker"), honorific: value("honorific"), era: value("era"),
               numbers: value("numbers") },
    });
    state.ownChange = Date.now();
    drawRecord(record);
    toast(T.saved);
    refreshHistory();
  } catch (error) { showError(error); }
});

// 整文 suggestions, line by line: shown when the box is opened, each accepted by the clerk
// as an edit of its line (the line's version is sent: a line changed since is refused).
async function showSuggestions() {
  const list = document.getElementById("tidy-list");
  try {
    const found = await api("GET", BASE + "/suggestions");
    list.replaceChildren(...(found.length ? found.map((item) => el("li", {},
      el("span", { class: "muted small" }, "#" + item.segment + " "),
      el("del", {}, item.text), " → ", el("ins", {}, item.proposed), " ",
      el("button", {
        type: "button", class: "button secondary small", "data-accept": String(item.segment),
        onclick: async (event) => {
          try {
            state.ownChange = Date.now();
            await api("PATCH", BASE + "/segments/" + item.segment,
                      { text: item.proposed, version: item.version });
            event.target.closest("li").remove();
            toast(T.saved);
            await load(true);
            refreshHistory();
          } catch (error) { showError(error); }
        },
      }, T.accept))) : [el("li", { class: "muted" }, T.tidy_none)]));
  } catch (error) { showError(error); }
}
document.getElementById("tidy-box").addEventListener("toggle", (event) => {
  if (event.target.open) showSuggestions();
});
