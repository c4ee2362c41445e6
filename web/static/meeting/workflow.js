// The meeting's workflow: its state as a badge under the title (下書き, 校正中, 承認済, 公開)
// and the steps that can be taken from it, with a comment (a reason is required to reopen
// an approved meeting). The server decides who may take which step.
import { T, api, el, showError, toast, when } from "../common.js";
import { BASE, state } from "./page.js";
import { render } from "./sync.js";

// Where each state may go (gijiroku/workflow.py STEPS).
const NEXT = {
  draft: ["review", "approved"],
  review: ["approved", "draft"],
  approved: ["published", "review", "draft"],
  published: ["review", "draft"],
};

export function renderWorkflow() {
  document.getElementById("group-name").textContent = state.doc.group || T.no_group;
  const select = document.getElementById("group-select"); // (admins')
  if (select && select.options.length) select.value = state.doc.group || "";
  const now = state.doc.state || "draft";
  const badge = document.getElementById("state-badge");
  badge.textContent = T["state_" + now] || now;
  badge.dataset.state = now;
  renderSteps(state.doc.steps || []);
  const buttons = document.getElementById("state-actions");
  buttons.replaceChildren(...NEXT[now].map((to) => el("button", {
    type: "button", class: "button secondary", dataset: { to },
    onclick: () => step(to),
  }, T["step_" + to] || to)));
}

// Who took each step, when and why; the latest one shown, the others under it.
function renderSteps(steps) {
  const box = document.getElementById("state-steps");
  box.hidden = steps.length === 0;
  const said = (step) => [T["state_" + step.from] + " → " + T["state_" + step.to],
    step.by || "", when(step.at)].filter(Boolean).join("　") +
    (step.comment ? "：" + step.comment : "");
  if (steps.length) document.getElementById("state-last").textContent = said(steps.at(-1));
  document.getElementById("state-step-list").replaceChildren(
    ...steps.map((step) => el("li", { dataset: { to: step.to } }, said(step))));
}

async function step(to) {
  const comment = document.getElementById("state-comment").value;
  try {
    state.ownChange = Date.now();
    state.doc = await api("POST", BASE + "/state", { state: to, comment });
    document.getElementById("state-comment").value = "";
    render();
    toast(T["state_" + to] || to);
  } catch (error) { showError(error); }
}

// Admins move a meeting to another group (its members see it from then on), or to none.
const groupSelect = document.getElementById("group-select");
if (groupSelect) {
  (async () => {
    try {
      const groups = await api("GET", "/api/groups");
      groupSelect.replaceChildren(el("option", { value: "" }, T.no_group),
        ...groups.map((group) => el("option", { value: group.name }, group.name)));
      groupSelect.value = state.doc ? state.doc.group || "" : "";
    } catch (error) { showError(error); }
  })();
  document.getElementById("group-move").addEventListener("click", async () => {
    try {
      state.ownChange = Date.now();
      state.doc = await api("PUT", BASE + "/group", { group: groupSelect.value || null });
      render();
      toast(T.moved_group);
    } catch (error) { showError(error); }
  });
}
