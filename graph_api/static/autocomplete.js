// Names for entity fields: an input with data-search gets suggestions from /search as one types
// (names, aliases, acronyms, in any case and spelling); each suggestion is the entity's id, its
// name and type beside it. data-types limits them to some classes (City,CityDistrict).
(function () {
  "use strict";
  for (const input of document.querySelectorAll("input[data-search]")) {
    const list = document.createElement("datalist");
    list.id = "names-" + input.name;
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    input.after(list);
    let pending;
    input.addEventListener("input", () => {
      clearTimeout(pending);
      const text = input.value.trim();
      if (text.length < 2 || /^[a-z]+\/[a-z0-9]/.test(text)) return;
      pending = setTimeout(async () => {
        const url = new URL("/search", window.location.href);
        url.searchParams.set("q", text);
        url.searchParams.set("limit", "8");
        for (const type of (input.dataset.types || "").split(",").filter(Boolean)) url.searchParams.append("type", type);
        const response = await fetch(url);
        if (!response.ok) return;
        const found = await response.json();
        list.replaceChildren(...found.results.map((hit) => {
          const option = document.createElement("option");
          option.value = hit.id;
          option.label = hit.name + " (" + hit.type + ")";
          return option;
        }));
      }, 150);
    });
  }
})();
