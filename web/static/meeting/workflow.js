// The meeting's workflow: its state as a badge under the title (下書き, 校正中, 承認済, 公開)
// and the steps that can be taken from it, with a comment (a reason is required to reopen
// an approved meeting). The server decides who may take which step.
import { T, api, el, showError, toast } from "../common.js";
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
  const now = state.doc.state || "draft";
  const badge = document.getElementById("state-badge");
  badge.textContent = T["state_" + now] || now;
  badge.dataset.state = now;
  const buttons = document.getElementById("state-actions");
  buttons.replaceChildren(...NEXT[now].map((to) => el("button", {
    type: "button", class: "button secondary", dataset: { to },
    onclick: () => step(to),
  }, T["step_" + to] || to)));
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
