// The review page: one key per decision, the token kept for the tab only, nothing loaded from elsewhere.
(function () {
  "use strict";
  const root = document.querySelector(".review");
  if (!root) return;
  const key = root.dataset.document;
  const token = document.getElementById("token");
  const status = document.getElementById("status");
  token.value = sessionStorage.getItem("citykg-token") || "";
  token.addEventListener("change", () => sessionStorage.setItem("citykg-token", token.value));
  const items = () => Array.from(document.querySelectorAll("li.proposal"));
  const undecided = () => items().filter((li) => !li.classList.contains("decided"));

  function select(li) {
    if (!li) return;
    items().forEach((x) => x.classList.toggle("current", x === li));
    document.querySelectorAll(".line.current").forEach((x) => x.classList.remove("current"));
    const line = document.getElementById("line-" + li.dataset.line);
    if (line) { line.classList.add("current"); line.scrollIntoView({block: "center"}); }
    li.focus();
  }

  async function send(body, done) {
    status.textContent = "…";
    const response = await fetch("/review/" + encodeURIComponent(key) + "/decisions", {
      method: "POST",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "Authorization": "Bearer " + token.value},
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) { status.textContent = answer.error || response.statusText; status.className = "error"; return; }
    status.className = "";
    status.textContent = answer.message;
    const decidedNow = new Set(answer.decisions.map((d) => d.fact || d.entity));
    items().forEach((li) => {
      if (decidedNow.has(li.dataset.id)) {
        li.classList.add("decided");
        const d = answer.decisions.find((x) => (x.fact || x.entity) === li.dataset.id);
        li.querySelector(".outcome").textContent = d.decision + (d.into ? " into " + d.into : "");
      }
    });
    if (done) done();
  }

  function decide(li, action) {
    if (!li || li.classList.contains("decided")) return;
    const body = {action: action, target: li.dataset.id};
    const field = (cls) => li.querySelector("." + cls);
    if (action === "merge") {
      body.into = field("into") && field("into").value.trim();
      if (!body.into) { status.textContent = "choose the entity to merge into"; return; }
    }
    if (action === "accept") {
      if (field("type") && field("type").selectedOptions[0] && !field("type").selectedOptions[0].defaultSelected) body.type = field("type").value;
      for (const name of ["value", "role", "object"]) {
        const input = field(name);
        if (input && input.value !== (input.defaultValue || (input.querySelector("option[selected]") || {}).value)) body[name] = input.value;
      }
    }
    send(body, () => select(undecided()[0]));
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) decide(button.closest("li.proposal"), button.dataset.action);
    const mark = event.target.closest("mark[data-item]");
    if (mark) select(items().find((li) => li.dataset.id === mark.dataset.item));
  });
  document.getElementById("accept-all").addEventListener("click", () => send({action: "accept-all"}));
  document.addEventListener("keydown", (event) => {
    if (event.target.matches("input, select, textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
    const current = document.activeElement.closest ? document.activeElement.closest("li.proposal") : null;
    const all = items();
    const at = all.indexOf(current);
    const actions = {a: "accept", r: "reject", m: "merge"};
    if (event.key === "j" || event.key === "ArrowDown") select(all[Math.min(at + 1, all.length - 1)]);
    else if (event.key === "k" || event.key === "ArrowUp") select(all[Math.max(at - 1, 0)]);
    else if (event.key === "A") send({action: "accept-all"});
    else if (event.key === "e" && current) { const input = current.querySelector(".value, .object, .role, .type"); if (input) input.focus(); }
    else if (actions[event.key] && current) decide(current, actions[event.key]);
    else return;
    event.preventDefault();
  });
  select(undecided()[0]);
})();
