// The audit log (admins): entries newest first, filtered by dates, person, action and
// object; the next page on demand; the chain checked on demand; the range as CSV.
import { LANG, T, api, el, fill, showError } from "./common.js";

function when(iso) { // to the second: the log is evidence
  return new Date(iso).toLocaleString(LANG === "ja" ? "ja-JP" : "en-GB",
    { dateStyle: "medium", timeStyle: "medium" });
}

const form = document.getElementById("audit-filter");
let oldest = null; // the id of the last entry shown: the next page starts before it

function query(extra) {
  const params = new URLSearchParams();
  for (const name of ["since", "until", "actor", "action", "object_id"]) {
    if (form[name].value.trim()) params.set(name, form[name].value.trim());
  }
  for (const [name, value] of Object.entries(extra || {})) params.set(name, value);
  return params;
}

function object(entry) {
  if (!entry.object_id) return "";
  if (entry.object_type === "meeting") {
    return el("a", { href: "/meetings/" + encodeURIComponent(entry.object_id) },
              entry.object_id);
  }
  return entry.object_type + " " + entry.object_id;
}

function row(entry) {
  const action = T["audit_action_" + entry.action] || entry.action;
  return el("tr", { dataset: { entry: String(entry.id), action: entry.action } },
    el("td", {}, when(entry.at)),
    el("td", {}, entry.actor === null ? el("span", { class: "muted" }, T.audit_installation)
                                      : entry.actor),
    el("td", {}, entry.address),
    el("td", {}, action),
    el("td", {}, object(entry)),
    el("td", { class: "muted" }, entry.detail ? JSON.stringify(entry.detail) : ""));
}

async function load(more) {
  const params = query(more && oldest !== null ? { before: oldest } : {});
  try {
    const found = await api("GET", "/api/audit/entries?" + params);
    const rows = found.entries.map(row);
    const body = document.getElementById("audit-entries");
    if (more) body.append(...rows); else body.replaceChildren(...rows);
    if (found.entries.length) oldest = found.entries[found.entries.length - 1].id;
    document.getElementById("audit-more").hidden = !found.more;
    const csv = new URLSearchParams();
    for (const name of ["since", "until"]) if (params.has(name)) csv.set(name, params.get(name));
    document.getElementById("audit-csv").href = "/api/audit" + (csv.size ? "?" + csv : "");
  } catch (error) { showError(error); }
}

form.addEventListener("submit", (event) => { event.preventDefault(); oldest = null; load(false); });
document.getElementById("audit-more").addEventListener("click", () => load(true));
document.getElementById("audit-verify").addEventListener("click", async () => {
  const shown = document.getElementById("audit-chain");
  try {
    const chain = await api("GET", "/api/audit/verify");
    shown.className = chain.intact ? "ok" : "error";
    shown.textContent = chain.intact
      ? fill(T.audit_intact, { count: chain.entries })
      : fill(T.audit_broken, { id: chain.broken.id, reason: chain.broken.reason });
  } catch (error) { showError(error); }
});
load(false);
