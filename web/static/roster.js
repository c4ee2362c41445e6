// The roster page (名簿): people with their reading, seat, title and group, on one or more
// rosters; a clerk's CSV imported whole or not at all; how many voiceprints each person has.
import { CSRF, T, api, el, fill, showError, toast } from "./common.js";

const people = document.getElementById("people");
const filter = document.getElementById("roster-filter");

function personRow(person) {
  const prints = Object.values(person.voiceprints).reduce((a, b) => a + b, 0);
  const remove = el("button", {
    type: "button", class: "link danger", "aria-label": T.delete + ": " + person.name,
    onclick: async () => {
      if (!confirm(fill(T.confirm_remove_person, { name: person.name }))) return;
      try {
        const roster = filter.value;
        await api("DELETE", "/api/roster/" + encodeURIComponent(person.name)
                  + (roster ? "?roster=" + encodeURIComponent(roster) : ""));
        await load();
      } catch (error) { showError(error); }
    },
  }, T.delete);
  return el("tr", { dataset: { person: person.name } },
    el("td", {}, person.seat === null ? "" : String(person.seat)),
    el("td", {}, person.name),
    el("td", {}, person.reading),
    el("td", {}, person.title),
    el("td", {}, person.group),
    el("td", {}, person.rosters.join("、")),
    el("td", { class: "voiceprints" }, prints ? fill(T.voiceprint_count, { n: prints }) : T.no_voiceprint),
    el("td", {}, remove));
}

async function load() {
  const chosen = filter.value;
  const [listed, rosters] = await Promise.all([
    api("GET", "/api/roster" + (chosen ? "?roster=" + encodeURIComponent(chosen) : "")),
    api("GET", "/api/rosters"),
  ]);
  people.replaceChildren(...listed.map(personRow));
  filter.replaceChildren(el("option", { value: "" }, T.all_rosters),
    ...rosters.map((r) => el("option", { value: r.name }, r.name + " (" + r.people + ")")));
  filter.value = rosters.some((r) => r.name === chosen) ? chosen : "";
  document.getElementById("roster-names").replaceChildren(
    ...rosters.map((r) => el("option", { value: r.name })));
}

document.getElementById("person-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const data = Object.fromEntries([...new FormData(form)].filter(([, v]) => String(v).trim()));
  if (!data.name) { toast(T.person_name_needed, "error"); return; }
  if (data.seat) data.seat = Number(data.seat);
  try {
    await api("POST", "/api/roster", data);
    form.reset();
    toast(T.saved);
    await load();
  } catch (error) { showError(error); }
});

document.getElementById("import-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const file = form.elements.file.files[0];
  if (!file) { toast(T.no_file, "error"); return; }
  const body = new FormData();
  body.append("file", file, file.name);
  if (form.elements.roster.value.trim()) body.append("roster", form.elements.roster.value.trim());
  // not through api(): the file goes as it is (a Shift_JIS CSV must not be read as text here)
  const response = await fetch("/api/roster/import", {
    method: "POST", body, headers: { "X-CSRF-Token": CSRF }, credentials: "same-origin" });
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    toast((answer && answer.error && answer.error.message) || response.statusText, "error");
    return;
  }
  toast(fill(T.roster_imported, answer));
  form.reset();
  await load();
});

filter.addEventListener("change", () => load().catch(showError));
load().catch(showError);
