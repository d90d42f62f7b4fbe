// Cable QA: a citation link scrolls its paragraph into view in the evidence panel; an entity in a
// paragraph, or a filter chip's ×, is passed to the server through the hidden "bridge" textbox.
(() => {
  function send(action, payload) {
    const box = document.querySelector("#cableqa-bridge textarea, #cableqa-bridge input");
    if (!box) return;
    // A nonce: the same entity clicked twice is still a change.
    box.value = JSON.stringify([action, payload, Date.now()]);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function show(id) {
    const target = document.getElementById(id);
    if (!target) return false;
    const turn = target.closest("details");
    if (turn) turn.open = true;
    target.scrollIntoView({ behavior: "smooth", block: "center" });
    target.classList.add("flash");
    setTimeout(() => target.classList.remove("flash"), 1800);
    return true;
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest('a[href^="#p-"]');
    if (link) {
      event.preventDefault();
      event.stopPropagation();
      show(link.getAttribute("href").slice(1));
      return;
    }
    const entity = event.target.closest("[data-entity]");
    if (entity && entity.closest(".evidence")) {
      send("add-entity", entity.getAttribute("data-entity"));
      return;
    }
    const chip = event.target.closest("[data-remove-filter]");
    if (chip) {
      send("remove", JSON.parse(chip.getAttribute("data-remove-filter")));
    }
  }, true);

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const entity = event.target.closest && event.target.closest(".evidence [data-entity]");
    if (entity) send("add-entity", entity.getAttribute("data-entity"));
  });
})();
