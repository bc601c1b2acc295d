// camkit serve: the page. Plain JavaScript over the JSON API; every map, box and number comes from
// the server (the library), except the box at a moved τ, which box.js recomputes from the map.
"use strict";
(() => {
  const token = new URLSearchParams(location.search).get("token");
  const $ = id => document.getElementById(id);
  const el = (tag, attrs = {}, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const withToken = url => token ? url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token) : url;
  const fmt = (v, d = 3) => typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(d)) : String(v);

  async function api(path, opts = {}) {
    const headers = Object.assign({}, opts.headers || {});
    if (token) headers["Authorization"] = "Bearer " + token;
    let r;
    try {
      r = await fetch(path, Object.assign({}, opts, { headers }));
    } catch (e) {
      throw new Error("the server cannot be reached (" + e.message + ")");
    }
    let body;
    try { body = await r.json(); } catch (e) { body = { error: "the server answered " + r.status + " without JSON" }; }
    if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
    return { status: r.status, body };
  }

  function showError(msg) {
    const e = $("error");
    e.textContent = msg || "";
    e.hidden = !msg;
  }

  // ---- viridis, as io.camkit.render.Colormap ----
  const VIRIDIS = [0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151,
    0xbddf26, 0xfde725];
  function viridis(v) {
    if (!(v > 0)) return VIRIDIS[0];
    if (v >= 1) return VIRIDIS[10];
    const pos = v * 10, i = Math.floor(pos), t = pos - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
    const c = s => Math.round(((a >> s) & 255) * (1 - t) + ((b >> s) & 255) * t);
    return (c(16) << 16) | (c(8) << 8) | c(0);
  }

  // ---- state ----
  const state = { models: [], methods: [], source: null, image: null, response: null, cards: [] };

  function loadImage(url) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error("the browser cannot show this image"));
      img.src = url;
    });
  }

  // ---- tabs ----
  document.querySelectorAll(".tab").forEach(t => t.addEventListener("click", () => showPanel(t.dataset.panel)));
  function showPanel(name) {
    document.querySelectorAll(".tab").forEach(t => t.classList.toggle("active", t.dataset.panel === name));
    document.querySelectorAll(".panel").forEach(p => { p.hidden = p.id !== "panel-" + name; });
    if (name === "dataset" && !state.datasetLoaded) loadPage();
    if (name === "evaluation" && !state.evalLoaded) loadEvaluation();
  }

  // ---- explain ----
  function currentModel() {
    return state.models.find(m => m.name === $("model").value) || state.models[0];
  }

  function fillModel() {
    const m = currentModel();
    if (!m) return;
    const layer = $("layer");
    layer.replaceChildren();
    for (const l of m.layers) {
      const o = el("option", { value: l.name }, l.name + "  " + l.shape + (l.name === m.defaultLayer ? " (default)" : "")
        + (l.cam ? "" : " · no CAM") + (l.grad ? "" : " · no gradients"));
      if (l.name === m.defaultLayer) o.selected = true;
      layer.append(o);
    }
    const target = $("target");
    target.replaceChildren(el("option", { value: "predicted" }, "predicted"),
      el("option", { value: "top3" }, "top 3"));
    m.classes.forEach(c => target.append(el("option", { value: c }, c)));
  }

  function chosenMethods() {
    return [...document.querySelectorAll("#methods input:checked")].map(i => i.value);
  }

  async function explain() {
    showError("");
    if (!state.source) { showError("choose an image first (a file, or one from the Dataset tab)"); return; }
    const form = new FormData();
    form.append("model", $("model").value);
    form.append("methods", chosenMethods().join(","));
    form.append("layer", $("layer").value);
    form.append("target", $("target").value);
    if (state.source.file) {
      form.append("image", state.source.file, state.source.file.name);
    } else {
      form.append("dataset", state.source.dataset);
      form.append("index", String(state.source.index));
    }
    $("explain").disabled = true;
    $("results").setAttribute("aria-busy", "true");
    try {
      const { body } = await api("/api/explain", { method: "POST", body: form });
      state.response = body;
      state.image = await loadImage(state.source.url);
      $("tau").value = body.results[0].tau;
      render();
    } catch (e) {
      showError(e.message);
      $("results").replaceChildren();
      $("summary").replaceChildren();
    } finally {
      $("explain").disabled = false;
      $("results").removeAttribute("aria-busy");
    }
  }

  function render() {
    const r = state.response;
    const summary = $("summary");
    summary.replaceChildren();
    const preds = el("table", { id: "predictions" });
    preds.append(el("caption", {}, "Top classes of " + r.image.source));
    for (const p of r.predictions) {
      const tr = el("tr");
      const bar = el("span", { class: "bar" });
      bar.style.width = Math.round(120 * p.probability) + "px";
      tr.append(el("td", {}, p.className), el("td", {}, (100 * p.probability).toFixed(1) + " %"));
      const td = el("td");
      td.append(bar);
      tr.append(td);
      preds.append(tr);
    }
    const times = el("table", { id: "timings" });
    times.append(el("caption", {}, "Timings (ms)"));
    for (const [k, v] of Object.entries(r.timings)) {
      const tr = el("tr");
      tr.append(el("td", {}, k.replace(/Ms$/, "")), el("td", {}, v.toFixed(1)));
      times.append(tr);
    }
    summary.append(preds, times);
    const results = $("results");
    results.replaceChildren();
    state.cards = r.results.map((res, i) => card(res, i));
    state.cards.forEach(c => results.append(c.root));
    redraw();
  }

  function card(res, i) {
    const root = el("div", { class: "card", "data-method": res.method, "data-index": String(i) });
    root.append(el("h3", {}, res.method + " · " + res.className + " · " + res.layer + " (" + res.resolution + ")"));
    const canvas = el("canvas", { class: "overlay" });
    root.append(canvas);
    root.append(el("div", { class: "muted" }, "library τ " + fmt(res.tau, 2) + ": " + res.tauSource));
    const boxLine = el("div", { class: "box-line" });
    root.append(boxLine);
    const links = el("div", { class: "links" });
    const png = el("a", { href: "#", class: "download-png" }, "overlay PNG");
    const json = el("a", { href: "#", class: "download-json" }, "JSON");
    links.append(png, json);
    root.append(links);
    const values = camkitBox.decode(res.map.data);
    const c = { root, canvas, boxLine, res, values };
    png.addEventListener("click", ev => {
      ev.preventDefault();
      canvas.toBlob(b => download(b, stem() + "-" + res.method + "-overlay.png"), "image/png");
    });
    json.addEventListener("click", ev => {
      ev.preventDefault();
      const out = Object.assign({}, state.response, { results: [res] });
      download(new Blob([JSON.stringify(out, null, 2)], { type: "application/json" }), stem() + "-" + res.method + ".json");
    });
    return c;
  }

  function stem() {
    return String(state.response.image.source).replace(/^.*\//, "").replace(/\.[^.]*$/, "") || "image";
  }

  function download(blob, name) {
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function redraw() {
    const tau = Number($("tau").value), opacity = Number($("opacity").value);
    $("tau-value").textContent = tau.toFixed(2);
    $("opacity-value").textContent = opacity.toFixed(2);
    for (const c of state.cards) draw(c, tau, opacity);
  }

  function draw(c, tau, opacity) {
    const img = state.image, W = state.response.image.width, H = state.response.image.height;
    const scale = Math.max(1, Math.floor(256 / Math.max(W, H)));
    const shown = Math.min(1, 512 / Math.max(W, H));
    const cw = Math.round(W * scale * shown), ch = Math.round(H * scale * shown);
    c.canvas.width = cw;
    c.canvas.height = ch;
    const g = c.canvas.getContext("2d");
    g.imageSmoothingEnabled = false;
    g.drawImage(img, 0, 0, cw, ch);
    const gw = c.res.map.width, gh = c.res.map.height;
    const heat = document.createElement("canvas");
    heat.width = gw;
    heat.height = gh;
    const hg = heat.getContext("2d");
    const data = hg.createImageData(gw, gh);
    const alpha = Math.round(255 * opacity);
    for (let i = 0; i < gw * gh; i++) {
      const col = viridis(c.values[i]);
      data.data[4 * i] = (col >> 16) & 255;
      data.data[4 * i + 1] = (col >> 8) & 255;
      data.data[4 * i + 2] = col & 255;
      data.data[4 * i + 3] = alpha;
    }
    hg.putImageData(data, 0, 0);
    g.drawImage(heat, 0, 0, cw, ch);
    const box = camkitBox.boxAt(c.values, gw, gh, tau);
    c.root.dataset.tau = String(tau);
    if (box) {
      const sx = cw / gw, sy = ch / gh;
      g.strokeStyle = "#ff2020";
      g.lineWidth = 2;
      g.strokeRect(box[0] * sx + 1, box[1] * sy + 1, box[2] * sx - 2, box[3] * sy - 2);
      const b = c.res.map.exact ? box : [box[0] * W / gw, box[1] * H / gh, box[2] * W / gw, box[3] * H / gh].map(Math.round);
      c.root.dataset.box = b.join(",");
      c.boxLine.textContent = "box at τ " + tau.toFixed(2) + ": [" + b.join(", ") + "] (x, y, w, h)";
    } else {
      c.root.dataset.box = "none";
      c.boxLine.textContent = "no pixel reaches τ " + tau.toFixed(2) + ": no box";
    }
  }

  function useFile(file) {
    if (!file) return;
    state.source = { file, url: URL.createObjectURL(file) };
    $("source").textContent = file.name + " (" + Math.round(file.size / 1024) + " KB)";
    explain();
  }

  $("file").addEventListener("change", e => useFile(e.target.files[0]));
  const drop = $("drop");
  drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", e => {
    e.preventDefault();
    drop.classList.remove("over");
    useFile(e.dataTransfer.files[0]);
  });
  $("controls").addEventListener("submit", e => { e.preventDefault(); explain(); });
  $("model").addEventListener("change", fillModel);
  $("tau").addEventListener("input", redraw);
  $("opacity").addEventListener("input", redraw);

  // ---- dataset ----
  const page = { index: 0, pages: 1 };
  async function loadPage() {
    const d = $("dataset").value;
    if (!d) { $("dataset-status").textContent = "no dataset served (camkit serve --data DIR)"; return; }
    state.datasetLoaded = true;
    const q = "/api/datasets/" + encodeURIComponent(d) + "/scores?model=" + encodeURIComponent($("model").value)
      + "&method=" + encodeURIComponent($("dataset-method").value) + "&sort=" + encodeURIComponent($("sort").value)
      + "&page=" + page.index + "&size=24";
    try {
      const { status, body } = await api(q);
      if (status === 202) {
        $("dataset-status").textContent = "scoring " + body.done + " / " + body.total + " images…";
        setTimeout(loadPage, 400);
        return;
      }
      page.pages = body.pages;
      $("page-info").textContent = "page " + (page.index + 1) + " / " + body.pages;
      $("dataset-status").textContent = body.total + " images · " + body.method + " at τ " + fmt(body.tau, 2)
        + " (" + body.tauSource + ") · IoU of the predicted class's box with its ground truth";
      const grid = $("grid");
      grid.replaceChildren();
      for (const it of body.items) grid.append(thumb(d, it));
    } catch (e) {
      showError(e.message);
    }
  }

  function thumb(d, it) {
    const root = el("div", { class: "thumb" + (it.iou < 0.5 ? " fail" : ""), "data-index": String(it.index),
      "data-iou": String(it.iou), "data-confidence": String(it.confidence) });
    const canvas = el("canvas");
    const url = withToken("/api/datasets/" + encodeURIComponent(d) + "/image/" + it.index);
    loadImage(url).then(img => {
      const s = Math.max(1, Math.floor(140 / Math.max(img.width, img.height)));
      canvas.width = img.width * s;
      canvas.height = img.height * s;
      const g = canvas.getContext("2d");
      g.imageSmoothingEnabled = false;
      g.drawImage(img, 0, 0, canvas.width, canvas.height);
      g.lineWidth = 2;
      g.strokeStyle = "#00e000";
      for (const o of it.groundTruth) g.strokeRect(o.box[0] * s, o.box[1] * s, o.box[2] * s, o.box[3] * s);
      if (it.box) {
        g.strokeStyle = "#ff2020";
        g.strokeRect(it.box[0] * s, it.box[1] * s, it.box[2] * s, it.box[3] * s);
      }
    }).catch(e => showError(e.message));
    root.append(canvas, el("div", {}, it.id + " · IoU " + it.iou.toFixed(2)),
      el("div", { class: "muted" }, it.predictedClass + " " + (100 * it.confidence).toFixed(0) + " % (true " + it.trueClass + ")"));
    root.addEventListener("click", () => {
      state.source = { dataset: d, index: it.index, url };
      $("source").textContent = d + " / " + it.id;
      showPanel("explain");
      explain();
    });
    return root;
  }

  $("sort").addEventListener("change", () => { page.index = 0; loadPage(); });
  $("dataset").addEventListener("change", () => { page.index = 0; loadPage(); });
  $("dataset-method").addEventListener("change", () => { page.index = 0; loadPage(); });
  $("prev").addEventListener("click", () => { if (page.index > 0) { page.index--; loadPage(); } });
  $("next").addEventListener("click", () => { if (page.index + 1 < page.pages) { page.index++; loadPage(); } });

  // ---- evaluation ----
  async function loadEvaluation() {
    const name = $("evaluation").value;
    const body = $("eval-body");
    if (!name) { body.textContent = "no evaluation folder served (camkit serve --eval DIR)"; return; }
    state.evalLoaded = true;
    try {
      const { body: e } = await api("/api/evaluations/" + encodeURIComponent(name));
      body.replaceChildren();
      const m = e.metrics.metrics || {};
      body.append(el("h2", {}, "Metrics"), table(Object.entries(m).filter(([, v]) => typeof v !== "object"),
        ["metric", "value"], "metrics-table"));
      if (e.methods && e.methods.methods) {
        const rows = e.methods.methods.map(r => {
          const loc = r.localization || {};
          return [r.method, r.layer, loc.gtKnownLocalization, loc.top1Localization, loc.maxBoxAcc, loc.tauStar,
            loc.centredBaseline, loc.wholeImageBaseline, r.msPerImage];
        });
        // the baselines (a fixed box on the same images) stand beside every localization figure
        body.append(el("h2", {}, "Methods"), table(rows,
          ["method", "layer", "GT-known loc", "top-1 loc", "MaxBoxAcc", "τ*", "centred ½-area box GT-known",
            "whole-image box GT-known", "ms/image"], "methods-table"));
      }
      if (e.metrics.maxBoxAccCurve) {
        body.append(el("h2", {}, "GT-known localization (MaxBoxAcc) versus τ"), chart(e.metrics.maxBoxAccCurve));
      }
      const sheets = el("div", { class: "sheets" });
      for (const f of e.files.filter(f => f.endsWith(".png"))) {
        sheets.append(el("h3", {}, f), el("img", { src: withToken("/api/evaluations/" + encodeURIComponent(name) + "/file/" + f), alt: f }));
      }
      body.append(sheets);
    } catch (err) {
      showError(err.message);
    }
  }

  function table(rows, head, id) {
    const t = el("table", { class: "eval-table", id });
    const tr = el("tr");
    head.forEach(h => tr.append(el("th", {}, h)));
    t.append(tr);
    for (const r of rows) {
      const row = el("tr");
      r.forEach(v => row.append(el("td", {}, v === undefined || v === null ? "–" : fmt(v))));
      t.append(row);
    }
    return t;
  }

  function chart(curve) {
    const c = el("canvas", { id: "curve", width: "520", height: "260" });
    const g = c.getContext("2d"), L = 45, B = 30, W = 520 - L - 10, H = 260 - B - 10;
    g.fillStyle = "#fff";
    g.fillRect(0, 0, 520, 260);
    g.strokeStyle = "#888";
    g.strokeRect(L, 10, W, H);
    g.fillStyle = "#333";
    g.font = "11px sans-serif";
    for (let k = 0; k <= 4; k++) {
      g.fillText((k * 25) + "%", 8, 10 + H - k * H / 4 + 4);
      g.fillText((k / 4).toFixed(2), L + k * W / 4 - 10, 10 + H + 16);
    }
    g.fillText("τ", L + W / 2, 258);
    g.strokeStyle = "#2a788e";
    g.lineWidth = 2;
    g.beginPath();
    curve.forEach((p, i) => {
      const x = L + p.tau * W, y = 10 + H - p.gtKnownLoc * H;
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
    let best = curve[0];
    curve.forEach(p => { if (p.gtKnownLoc > best.gtKnownLoc) best = p; });
    g.fillStyle = "#e02020";
    g.beginPath();
    g.arc(L + best.tau * W, 10 + H - best.gtKnownLoc * H, 4, 0, 2 * Math.PI);
    g.fill();
    g.fillText("MaxBoxAcc " + (100 * best.gtKnownLoc).toFixed(1) + " % at τ " + best.tau.toFixed(2),
      L + 8, 24);
    c.dataset.best = String(best.gtKnownLoc);
    return c;
  }
  $("evaluation").addEventListener("change", loadEvaluation);

  // ---- start ----
  async function start() {
    try {
      const [{ body: models }, { body: ds }, { body: ev }] = await Promise.all([
        api("/api/models"), api("/api/datasets"), api("/api/evaluations")]);
      state.models = models.models;
      state.methods = models.methods;
      models.models.forEach(m => $("model").append(el("option", { value: m.name }, m.name)));
      fillModel();
      for (const name of models.methods) {
        const label = el("label");
        const box = el("input", { type: "checkbox", value: name, name: "method" });
        if (name === "cam") box.checked = true;
        label.append(box, " " + name);
        $("methods").append(label);
        $("dataset-method").append(el("option", { value: name }, name));
      }
      ds.datasets.forEach(d => $("dataset").append(el("option", { value: d.name }, d.name + " (" + d.images + ")")));
      ev.evaluations.forEach(n => $("evaluation").append(el("option", { value: n }, n)));
      document.body.dataset.ready = "true";
    } catch (e) {
      showError(e.message);
    }
  }
  start();
})();
