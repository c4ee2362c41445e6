// The accounts page (admins): every person with their role, groups and whether they may sign
// in, each changed in place; a new account; a new API token, shown once.
import { T, api, el, showError, toast } from "./common.js";

const ROLES = ["viewer", "editor", "approver", "admin"];

function groupsOf(text) {
  return text.split(/[,、，]/).map((g) => g.trim()).filter(Boolean);
}

async function change(name, body) {
  try {
    await api("PATCH", "/api/users/" + encodeURIComponent(name), body);
    toast(T.saved);
    await load();
  } catch (error) { showError(error); }
}

async function token(name) {
  try {
    const made = await api("POST", "/api/users/" + encodeURIComponent(name) + "/token");
    const box = document.getElementById("new-token");
    box.replaceChildren(T.token_once + " ", el("code", {}, made.token));
    box.hidden = false;
  } catch (error) { showError(error); }
}

function row(user) {
  const role = el("select", { "aria-label": T.user_role,
                              onchange: () => change(user.name, { role: role.value }) },
    ROLES.map((r) => el("option", { value: r, selected: r === user.role }, T["role_" + r])));
  const groups = el("input", { type: "text", value: user.groups.join(", "),
                               "aria-label": T.user_groups,
                               onchange: () => change(user.name, { groups: groupsOf(groups.value) }) });
  const allowed = el("input", { type: "checkbox", checked: !user.disabled,
                                "aria-label": T.user_signin,
                                onchange: () => change(user.name, { disabled: !allowed.checked }) });
  return el("tr", { dataset: { user: user.name } },
    el("td", {}, user.name, user.source !== "local" ? el("span", { class: "muted" },
                                                           " (" + user.source + ")") : ""),
    el("td", {}, role), el("td", {}, groups), el("td", {}, allowed),
    el("td", {}, el("button", { type: "button", class: "link",
                                onclick: () => token(user.name) }, T.new_token)));
}

async function load() {
  const [users, groups] = await Promise.all([api("GET", "/api/users"),
                                             api("GET", "/api/groups")]);
  document.getElementById("users").replaceChildren(...users.map(row));
  document.getElementById("groups").replaceChildren(...groups.map((group) =>
    el("tr", { dataset: { group: group.name } }, el("td", {}, group.name),
       el("td", {}, group.members.join(", ") || "—"), el("td", {}, String(group.meetings)))));
}

document.getElementById("group-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await api("POST", "/api/groups", { name: event.target.name.value.trim() });
    event.target.reset();
    toast(T.saved);
    await load();
  } catch (error) { showError(error); }
});

document.getElementById("user-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const body = { name: form.name.value.trim(), role: form.role.value,
                 groups: groupsOf(form.groups.value) };
  if (form.password.value) body.password = form.password.value;
  try {
    await api("POST", "/api/users", body);
    form.reset();
    toast(T.saved);
    await load();
  } catch (error) { showError(error); }
});

load().catch(showError);
