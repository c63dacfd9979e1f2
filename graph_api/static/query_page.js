// The query page: YASGUI when it is installed, else a plain editor; the named queries as
// examples; CSV/JSON downloads from /sparql?format=; an IRI of the graph in the results opens its
// entity page on this server. Every request goes to this server.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("citykg-config").textContent);
  const endpoint = new URL(config.endpoint, window.location.href).toString();
  const examples = Object.fromEntries(config.examples.map((ex) => [ex.name, ex]));
  let editor;

  function downloadLink(format) {
    const url = new URL(endpoint);
    url.searchParams.set("query", editor.getQuery());
    url.searchParams.set("format", format);
    return url.toString();
  }

  function wireDownloads() {
    for (const format of ["csv", "json"]) {
      const link = document.getElementById("download-" + format);
      const refresh = () => { link.href = downloadLink(format); };
      link.addEventListener("mousedown", refresh);
      link.addEventListener("focus", refresh);
      link.addEventListener("click", refresh);
    }
  }

  function yasguiEditor() {
    const Yasgui = window.Yasgui;
    // Only the completers that work offline (LOV's class and property look-ups are remote).
    Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
    Yasgui.Yasqe.defaults.value = config.defaultQuery;
    Yasgui.defaults.endpointCatalogueOptions.getData = () => [{ endpoint: endpoint }];
    const yasgui = new Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      corsProxy: undefined,
      yasr: { defaultPlugin: "table" },
    });
    yasgui.getTab().setEndpoint(endpoint);
    return {
      getQuery: () => yasgui.getTab().getQuery(),
      load: (ex) => {
        const tab = yasgui.addTab(true, { name: ex.title.ro, requestConfig: { endpoint: endpoint } });
        const opened = yasgui.getTab(tab) || yasgui.getTab();
        opened.setQuery(ex.query);
        opened.query();
      },
    };
  }

  // an IRI of the graph (config.base + "org/utcn") -> /entities/org/utcn: the graph's IRIs are not served
  // where they point yet, this server has a page for each entity.
  const entityId = /^[a-z]+\/[a-z0-9][a-z0-9-]*$/;
  function localPage(href) {
    if (!href || !href.startsWith(config.base)) return null;
    const id = href.slice(config.base.length);
    return entityId.test(id) ? "/entities/" + id : null;
  }

  function relink(root) {
    for (const link of root.querySelectorAll("a[href]")) {
      const local = localPage(link.getAttribute("href"));
      if (local) {
        link.setAttribute("href", local);
        link.dataset.iri = config.base + local.slice("/entities/".length);
      }
    }
  }

  function watchResults(container) {
    relink(container);
    new MutationObserver(() => relink(container)).observe(container, { childList: true, subtree: true });
  }

  function cellText(term) {
    if (!term) return "";
    if (term.type === "literal" && term["xml:lang"]) return term.value + "@" + term["xml:lang"];
    return term.value;
  }

  function plainEditor() {
    const area = document.getElementById("query");
    const status = document.getElementById("status");
    const results = document.getElementById("results");
    area.value = config.defaultQuery;

    async function run() {
      status.className = "";
      status.textContent = "running…";
      results.replaceChildren();
      const started = performance.now();
      try {
        const response = await fetch(endpoint, {
          method: "POST",
          headers: {
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json, text/turtle;q=0.9",
          },
          body: area.value,
        });
        const type = response.headers.get("content-type") || "";
        if (!response.ok) {
          const text = await response.text();
          let message = text;
          try { message = JSON.parse(text).error || text; } catch (e) { /* not JSON */ }
          throw new Error(response.status + ": " + message);
        }
        if (!type.startsWith("application/sparql-results+json")) {
          const pre = document.createElement("pre");
          pre.textContent = await response.text();
          results.append(pre);
          status.textContent = "graph in " + Math.round(performance.now() - started) + " ms";
          return;
        }
        const data = await response.json();
        if ("boolean" in data) {
          status.textContent = "ASK: " + data.boolean;
          return;
        }
        const table = document.createElement("table");
        const head = table.createTHead().insertRow();
        for (const name of data.head.vars) {
          const th = document.createElement("th");
          th.textContent = "?" + name;
          head.append(th);
        }
        const body = table.createTBody();
        for (const row of data.results.bindings) {
          const tr = body.insertRow();
          for (const name of data.head.vars) {
            const cell = tr.insertCell();
            const term = row[name];
            const local = term && term.type === "uri" ? localPage(term.value) : null;
            if (local) {
              const link = document.createElement("a");
              link.href = local;
              link.textContent = term.value;
              cell.append(link);
            } else {
              cell.textContent = cellText(term);
            }
          }
        }
        results.append(table);
        status.textContent = data.results.bindings.length + " rows in " +
          Math.round(performance.now() - started) + " ms";
      } catch (error) {
        status.className = "error";
        status.textContent = error.message;
      }
    }

    document.getElementById("run").addEventListener("click", run);
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run();
    });
    return {
      getQuery: () => area.value,
      load: (ex) => { area.value = ex.query; run(); },
    };
  }

  editor = window.Yasgui ? yasguiEditor() : plainEditor();
  watchResults(document.getElementById("yasgui") || document.getElementById("results"));
  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", () => editor.load(examples[button.dataset.name]));
  }
  wireDownloads();
})();
