/* panko transcript page: theme, outline, keyboard, find, copy, local times and live updates.
 * Vanilla and small. Loaded in <head> (so the theme is set before the first paint); everything
 * else is event delegation on document, so buttons and keys work while a big page still streams.
 * Per-keystroke work is O(log turns) (binary search over turn positions); only find walks the text. */
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) {} },
  };

  /* ---- theme: the system's unless the reader picked one ---- */
  var saved = store.get("panko-theme");
  if (saved === "light" || saved === "dark") root.setAttribute("data-theme", saved);
  if (store.get("panko-outline") === "closed") root.classList.add("no-outline");
  /* ---- view: filters and wrap, remembered; wrap on by default on phones ---- */
  var FILTERS = { thinking: "hide-thinking", tools: "hide-tools", subagents: "hide-subagents" };
  for (var f in FILTERS) if (store.get("panko-hide-" + f) === "1") root.classList.add(FILTERS[f]);
  var wrapSaved = store.get("panko-wrap");
  if (wrapSaved === "1" || (wrapSaved === null && window.matchMedia && matchMedia("(max-width: 700px)").matches)) root.classList.add("wrap-lines");
  function syncView() {
    for (var f in FILTERS) { var box = doc.getElementById("f-" + f); if (box) box.checked = !root.classList.contains(FILTERS[f]); }
    var w = doc.getElementById("f-wrap");
    if (w) w.checked = root.classList.contains("wrap-lines");
  }
  function setFilter(name, shown) {
    root.classList.toggle(FILTERS[name], !shown);
    store.set("panko-hide-" + name, shown ? "0" : "1");
    syncView();
  }
  function toggleWrap(force) {
    var on = force === undefined ? !root.classList.contains("wrap-lines") : force;
    root.classList.toggle("wrap-lines", on);
    store.set("panko-wrap", on ? "1" : "0");
    syncView();
  }
  function toggleView(force) {
    var v = doc.getElementById("viewbar"), b = doc.getElementById("b-view");
    if (!v) return;
    v.hidden = force === undefined ? !v.hidden : !force;
    if (b) b.setAttribute("aria-expanded", v.hidden ? "false" : "true");
    syncView();
  }
  /* Expand or collapse every collapsible of the session (opening one fetches its part, if any). */
  function expandAll(open) {
    var all = doc.querySelectorAll("#turns details");
    for (var i = 0; i < all.length; i++) all[i].open = open;
    opened.all = open;
    opened.thinking = null;
  }
  /* What the reader last opened or closed everywhere (expand / collapse all, all thinking): content
   * that comes in later (deferred parts) is drawn the same way. */
  var opened = { all: null, thinking: null };
  function openLike(scope) {
    var l, j;
    if (opened.all !== null) for (l = scope.querySelectorAll("details"), j = 0; j < l.length; j++) l[j].open = opened.all;
    if (opened.thinking !== null) for (l = scope.querySelectorAll("details.thinking"), j = 0; j < l.length; j++) l[j].open = opened.thinking;
  }
  function effectiveTheme() {
    var t = root.getAttribute("data-theme");
    if (t) return t;
    return window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function toggleTheme() {
    var next = effectiveTheme() === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", next);
    store.set("panko-theme", next);
  }

  /* ---- helpers ---- */
  var BAR = 44;
  function $(id) { return doc.getElementById(id); }
  function turns() { var t = $("turns"); return t ? t.children : []; }
  function isWide() { return window.matchMedia ? matchMedia("(min-width: 1000px)").matches : true; }
  function openAncestors(node) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    while (el) {
      if (el.tagName === "DETAILS" && !el.open) el.open = true;
      el = el.parentElement;
    }
  }
  /* Index of the first turn whose top is below the line y (binary search: turns are in page order). */
  function firstBelow(y) {
    var list = turns(), lo = 0, hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid].getBoundingClientRect().top > y) hi = mid; else lo = mid + 1;
    }
    return lo;
  }
  /* j/k step by turn index from the turn last moved to (a short last turn that cannot scroll to
   * the top is still "current"); after the reader scrolls, from the turn at the top of the screen. */
  var nav = { index: -1 };
  function indexOf(el) { return Array.prototype.indexOf.call(turns(), el); }
  function goTurn(el) {
    if (!el) return;
    el.scrollIntoView({ block: "start" });
    if (history.replaceState) history.replaceState(null, "", "#" + el.id);
    nav.index = indexOf(el);
    markCurrent(el.id);
  }
  /* The turn last moved to, while it is still on screen (off-screen turns are laid out lazily, so
   * the scroll position alone shifts under us). */
  function navVisible() {
    var el = nav.index >= 0 ? turns()[nav.index] : null;
    if (!el) return null;
    var r = el.getBoundingClientRect();
    return r.bottom > BAR && r.top < innerHeight ? el : null;
  }
  function currentIndex() {
    if (navVisible()) return nav.index;
    return firstBelow(BAR + 14) - 1; // the turn whose top is at or above the line (-1: above the first)
  }
  function step(dir) {
    var list = turns();
    if (!list.length) return;
    var i = currentIndex() + dir;
    goTurn(list[Math.max(0, Math.min(list.length - 1, i))]);
  }

  /* ---- outline ---- */
  function toggleOutline(force) {
    if (isWide()) {
      var closed = force === undefined ? !root.classList.contains("no-outline") : !force;
      root.classList.toggle("no-outline", closed);
      root.classList.remove("show-outline");
      store.set("panko-outline", closed ? "closed" : "open");
    } else {
      root.classList.remove("no-outline");
      root.classList.toggle("show-outline", force === undefined ? !root.classList.contains("show-outline") : force);
    }
  }
  var curLink = null;
  function markCurrent(id) {
    var link = doc.querySelector('#outline-list a[href="#' + id + '"]');
    if (link === curLink) return;
    if (curLink) curLink.classList.remove("cur");
    curLink = link;
    if (!link) return;
    link.classList.add("cur");
    var nav = $("outline"), r = link.getBoundingClientRect(), n = nav.getBoundingClientRect();
    if (r.top < n.top || r.bottom > n.bottom) nav.scrollTop += r.top - n.top - n.height / 3;
  }
  var observer = null;
  function watch(el) {
    if (observer) observer.observe(el);
  }
  function startObserver() {
    if (!window.IntersectionObserver) return;
    observer = new IntersectionObserver(function (entries) {
      markFromScroll();
    }, { rootMargin: "-" + BAR + "px 0px -40% 0px" });
    Array.prototype.forEach.call(turns(), watch);
    var queued = false;
    window.addEventListener("scroll", function () {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () { queued = false; markFromScroll(); });
    }, { passive: true });
  }
  /* The outline marks the turn moved to with j/k while the page has not moved since; at the bottom
   * of the page the last turn (short last turns never reach the top); else the turn under the bar. */
  function markFromScroll() {
    var list = turns();
    if (list.length && innerHeight + scrollY >= root.scrollHeight - 4 && scrollY > 0) {
      var moved = navVisible();
      return markCurrent((moved || list[list.length - 1]).id);
    }
    // The turn that holds the line just under the bar (where j/k put a turn's top).
    var i = firstBelow(BAR + 14) - 1;
    if (list.length) markCurrent(list[Math.max(0, i)].id);
  }
  function addOutline(index, label, abandoned) {
    var list = $("outline-list");
    if (!list || doc.querySelector('#outline-list a[href="#turn-' + index + '"]')) return;
    list.appendChild(outlineItem(index, label, abandoned));
  }
  function outlineItem(index, label, abandoned) {
    var li = doc.createElement("li");
    if (abandoned) li.className = "abandoned";
    var a = doc.createElement("a");
    a.href = "#turn-" + index;
    var num = doc.createElement("span");
    num.className = "on";
    num.textContent = String(index + 1);
    a.appendChild(num);
    var lb = doc.createElement("span");
    lb.className = "lb";
    lb.textContent = label || "";
    a.appendChild(lb);
    li.appendChild(a);
    return li;
  }
  /* The page's outline comes after the turns. While a big page still loads, a stand-in in its
   * place lists the turns that have arrived (their section carries the label); it goes once the
   * real outline is in. */
  var stand = null, standList = null, standCount = 0;
  function fillStandIn() {
    if ($("outline")) {
      if (stand) stand.remove();
      stand = null;
      return;
    }
    var box = $("turns"), layout = box && box.parentElement && box.parentElement.parentElement;
    if (!layout || !box.children.length) return;
    if (!stand) {
      stand = doc.createElement("nav");
      stand.className = "outline";
      stand.setAttribute("aria-label", "Turns");
      var oh = doc.createElement("div"), n = doc.createElement("span"), c = $("turn-count");
      oh.className = "oh";
      oh.textContent = "Turns ";
      n.className = "muted";
      n.textContent = c ? c.textContent : "";
      oh.appendChild(n);
      standList = doc.createElement("ol");
      stand.appendChild(oh);
      stand.appendChild(standList);
      layout.appendChild(stand);
    }
    var list = box.children;
    for (; standCount < list.length; standCount++) {
      var t = list[standCount];
      standList.appendChild(outlineItem(Number(t.id.slice(5)), t.getAttribute("data-label"), t.classList.contains("abandoned")));
    }
  }
  if (doc.readyState === "loading") {
    var standTimer = setInterval(fillStandIn, 250);
    doc.addEventListener("DOMContentLoaded", function () { clearInterval(standTimer); fillStandIn(); });
  }

  /* ---- thinking ---- */
  function toggleThinking() {
    var all = doc.querySelectorAll("details.thinking");
    var anyClosed = false;
    for (var i = 0; i < all.length; i++) if (!all[i].open) { anyClosed = true; break; }
    for (var j = 0; j < all.length; j++) all[j].open = anyClosed;
    opened.thinking = anyClosed;
    var b = $("b-thinking");
    if (b) b.setAttribute("aria-pressed", anyClosed ? "true" : "false");
  }

  /* ---- copy ---- */
  function copyText(btn) {
    var scope = btn.closest(".cpy");
    if (!scope) return;
    if (scope.querySelector(".lazy")) return loadAllIn([scope], function () { if (!scope.querySelector(".lazy")) copyText(btn); });
    var parts = [];
    var raws = scope.querySelectorAll(".raw");
    for (var i = 0; i < raws.length; i++) {
      var r = raws[i];
      if (r.closest(".cpy") !== scope) continue;
      parts.push(r.tagName === "TEMPLATE" ? r.content.textContent : r.textContent);
    }
    var text = parts.join("");
    var done = function () {
      btn.classList.add("done");
      setTimeout(function () { btn.classList.remove("done"); }, 1200);
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text) && done(); });
    else if (fallbackCopy(text)) done();
  }
  /* A permalink (a turn's #N, a tool call's link icon): go there and copy the full link. */
  function copyLink(a) {
    var href = a.getAttribute("href");
    if (!href || href.charAt(0) !== "#") return;
    var url = location.href.split("#")[0] + href;
    var done = function () {
      a.classList.add("copied");
      setTimeout(function () { a.classList.remove("copied"); }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, function () { fallbackCopy(url) && done(); });
    else if (fallbackCopy(url)) done();
  }
  function fallbackCopy(text) {
    var ta = doc.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.className = "offscreen";
    ta.style.position = "fixed"; /* CSSOM, not an inline style attribute: allowed by the CSP */
    ta.style.top = "-1000px";
    doc.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = doc.execCommand("copy"); } catch (e) {}
    ta.remove();
    return ok;
  }

  /* ---- parts a served page left out (collapsed content), fetched when opened ---- */
  var partQ = { ids: [], cbs: [], timer: 0, asked: {} };
  function fillLazy(el, html) {
    var tpl = doc.createElement("template");
    tpl.innerHTML = html;
    localize(tpl.content);
    if (el.classList.contains("auto")) {
      // A deferred run keeps its box (.dpart), so that a live turn sent again can keep showing it
      // until its fresh copy comes (applyTurn).
      el.replaceChildren(tpl.content);
      el.className = "dpart";
      openLike(el);
      return;
    }
    // Parts hold no deferred runs (those are only at a turn's top level): nothing to observe.
    el.replaceWith(tpl.content);
  }
  /* Deferred parts (.lazy.auto: runs of tool calls past the first turns) are open content: each is
   * fetched (or unpacked) as it comes within a few screens of the view. */
  var nearObs = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    var list = [];
    for (var i = 0; i < entries.length; i++) {
      if (!entries[i].isIntersecting) continue;
      list.push(entries[i].target);
      nearObs.unobserve(entries[i].target);
    }
    if (list.length) loadParts(list);
  }, { rootMargin: "3000px 0px" }) : null;
  function retryNear(el) {
    setTimeout(function () { if (nearObs && el.isConnected) nearObs.observe(el); }, 2000);
  }
  function deferIn(scope) {
    var l = scope.querySelectorAll(".lazy.auto");
    if (!nearObs) { if (l.length) loadParts(Array.prototype.slice.call(l)); return; }
    for (var i = 0; i < l.length; i++) nearObs.observe(l[i]);
  }
  /* Fetches the parts of `list` (.lazy elements), in batches, then calls done. */
  function loadParts(list, done) {
    var url = doc.body.getAttribute("data-parts");
    for (var i = 0; i < list.length; i++) {
      var id = list[i].getAttribute("data-part");
      if (id && !partQ.asked[id]) { partQ.asked[id] = 1; partQ.ids.push(id); }
    }
    if (done) partQ.cbs.push(done);
    var packed = !url && doc.body.hasAttribute("data-packed");
    if (!url && !packed) return flushDone();
    if (!partQ.timer) partQ.timer = setTimeout(function () { if (packed) flushPacked(); else flushParts(url); }, 0);
  }
  /* A self-contained page carries its parts gzipped in <template class="pk" data-turns="A-B">. */
  function packOf(turn) {
    var l = doc.querySelectorAll("template.pk");
    for (var i = 0; i < l.length; i++) {
      var r = l[i].getAttribute("data-turns").split("-");
      if (turn >= Number(r[0]) && turn <= Number(r[1])) return l[i];
    }
    return null;
  }
  function unpack(tpl) {
    if (tpl.__parts) return tpl.__parts;
    var bin = atob(tpl.content.textContent.trim()), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    tpl.__parts = window.DecompressionStream
      ? new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text().then(unframe)
      : Promise.reject(new Error("this browser cannot decompress"));
    return tpl.__parts;
  }
  /* A packed group: an index line ["T.K",length,...], then the parts' HTML back to back. */
  function unframe(text) {
    var nl = text.indexOf("\n"), index = JSON.parse(text.slice(0, nl)), map = {}, at = nl + 1;
    for (var i = 0; i + 1 < index.length; i += 2) {
      map[index[i]] = text.slice(at, at + index[i + 1]);
      at += index[i + 1];
    }
    return map;
  }
  function fillFrom(map, ids) {
    for (var i = 0; i < ids.length; i++) {
      var el = doc.querySelector('.lazy[data-part="' + ids[i] + '"]');
      if (el && map[ids[i]] !== undefined) fillLazy(el, map[ids[i]]);
    }
  }
  function flushPacked() {
    partQ.timer = 0;
    var ids = partQ.ids, cbs = partQ.cbs, left = 1;
    partQ.ids = [];
    partQ.cbs = [];
    function finished() { if (--left <= 0) for (var i = 0; i < cbs.length; i++) cbs[i](); }
    ids.forEach(function (id) {
      var tpl = packOf(Number(id.split(".")[0]));
      if (!tpl) return;
      left++;
      unpack(tpl).then(function (map) { fillFrom(map, [id]); }, function () {
        var el = doc.querySelector('.lazy[data-part="' + id + '"]');
        if (el) el.innerHTML = '<span class="muted">this browser cannot show this part (it needs DecompressionStream)</span>';
      }).then(finished);
    });
    finished();
  }
  /* Find in a self-contained page: every packed part is unpacked once, and the parts that hold the
   * text (or hold parts that do) are put in place before the page's own find runs. */
  var partText = {};
  function textOf(html) {
    return html.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&").toLowerCase();
  }
  function findPacked(q, done) {
    var needle = q.toLowerCase();
    fillPackedWhere(function (id, html) { return (partText[id] || (partText[id] = textOf(html))).indexOf(needle) >= 0; }, done);
  }
  /* Puts in place every packed part for which test(id, html) holds, or that holds such a part. */
  function fillPackedWhere(test, done) {
    var tpls = doc.querySelectorAll("template.pk"), all = {}, left = tpls.length;
    if (!left) return done();
    Array.prototype.forEach.call(tpls, function (t) {
      unpack(t).then(function (m) { for (var k in m) all[k] = m[k]; }, function () {}).then(function () { if (--left === 0) fill(); });
    });
    var memo = {};
    function holds(id) {
      if (memo[id] !== undefined) return memo[id];
      memo[id] = false;
      var html = all[id];
      if (html === undefined) return false;
      var yes = test(id, html);
      if (!yes) { var re = /data-part="([\d.]+)"/g, m; while (!yes && (m = re.exec(html))) yes = holds(m[1]); }
      return (memo[id] = yes);
    }
    function fill() {
      for (var round = 0; round < 50; round++) {
        var l = doc.querySelectorAll("#turns .lazy"), any = false;
        for (var i = 0; i < l.length; i++) {
          var id = l[i].getAttribute("data-part");
          if (holds(id)) { fillLazy(l[i], all[id]); any = true; }
        }
        if (!any) break;
      }
      done();
    }
  }
  function flushDone() {
    var cbs = partQ.cbs;
    partQ.cbs = [];
    for (var i = 0; i < cbs.length; i++) cbs[i]();
  }
  function flushParts(url) {
    partQ.timer = 0;
    var ids = partQ.ids, cbs = partQ.cbs, left = 0;
    partQ.ids = [];
    partQ.cbs = [];
    function finished() { if (--left <= 0) for (var i = 0; i < cbs.length; i++) cbs[i](); }
    if (!ids.length) { left = 1; return finished(); }
    for (var at = 0; at < ids.length; at += 100) {
      left++;
      var batch = ids.slice(at, at + 100);
      fetch(url + "?g=" + live.gen + "&p=" + batch.join(","), { cache: "no-store" }).then(function (res) {
        if (!res.ok) throw new Error(String(res.status));
        return res.json();
      }).then(function (a) {
        for (var id in a.parts) {
          var el = doc.querySelector('.lazy[data-part="' + id + '"]');
          if (el) fillLazy(el, a.parts[id]);
        }
        for (var t in a.turns) applyTurn(Number(t), a.turns[t]);
      }).catch(function () {
        for (var k = 0; k < batch.length; k++) {
          delete partQ.asked[batch[k]];
          var el = doc.querySelector('.lazy[data-part="' + batch[k] + '"]');
          if (!el) continue;
          if (el.classList.contains("auto")) {
            el.innerHTML = '<span class="muted">could not be loaded; tried again while in view</span>';
            retryNear(el);
          } else el.innerHTML = '<span class="muted">could not be loaded; close and open again</span>';
        }
      }).then(finished, finished);
    }
  }
  /* ---- printing: a printed page holds every tool call, so the deferred ones come in first ---- */
  /* What a print would show as "loading…": deferred runs (unless tool calls are hidden), and the
   * parts of open collapsibles (after expand all, say) still on their way. */
  function deferredLeft() {
    var l = doc.querySelectorAll("#turns .lazy"), out = [], noTools = root.classList.contains("hide-tools");
    for (var i = 0; i < l.length; i++) {
      var d = l[i].parentElement.closest("details");
      if (l[i].classList.contains("auto") ? !noTools : !d || d.open) out.push(l[i]);
    }
    return out;
  }
  var printing = null;
  function printAll() {
    if (!deferredLeft().length) return window.print();
    if (printing) return;
    printing = doc.createElement("div");
    printing.className = "printing";
    printing.setAttribute("role", "status");
    doc.body.appendChild(printing);
    var last = -1, stuck = 0;
    (function more() {
      var l = deferredLeft(), n = l.length;
      // Parts that cannot be loaded (a stopped share) are printed as they are, after a few seconds.
      stuck = n === last ? stuck + 1 : 0;
      last = n;
      if (!n || stuck > 50) {
        printing.remove();
        printing = null;
        window.print();
        return;
      }
      printing.textContent = "Getting the page ready to print: " + n + (n === 1 ? " part" : " parts") + " to load\u2026";
      loadParts(l, function () { setTimeout(more, stuck ? 100 : 0); });
    })();
  }
  /* Every part inside `scopes`, nested ones included, then done. */
  function loadAllIn(scopes, done) {
    var list = [];
    for (var i = 0; i < scopes.length; i++) {
      var l = scopes[i].querySelectorAll(".lazy");
      for (var j = 0; j < l.length; j++) if (!partQ.asked[l[j].getAttribute("data-part")]) list.push(l[j]);
    }
    if (!list.length) return done();
    loadParts(list, function () { loadAllIn(scopes, done); });
  }
  doc.addEventListener("toggle", function (e) {
    var d = e.target;
    if (!d || d.tagName !== "DETAILS" || !d.open) return;
    var l = d.querySelectorAll(".lazy"), mine = [];
    for (var i = 0; i < l.length; i++) if (l[i].parentElement.closest("details") === d) mine.push(l[i]);
    if (mine.length) loadParts(mine);
  }, true);

  /* ---- find in page ---- */
  var find = { q: "", ranges: [], cur: -1, timer: 0, seq: 0 };
  var canHighlight = !!(window.CSS && CSS.highlights && window.Highlight);
  var MAX_MATCHES = 5000;
  function openFind() {
    var bar = $("findbar");
    if (!bar) return;
    bar.hidden = false;
    var input = $("find-q");
    input.focus();
    input.select();
  }
  function closeFind() {
    var bar = $("findbar");
    if (bar) bar.hidden = true;
    clearMarks();
    find.q = "";
    if (doc.activeElement && doc.activeElement.id === "find-q") doc.activeElement.blur();
  }
  function clearMarks() {
    find.ranges = [];
    find.cur = -1;
    if (canHighlight) { CSS.highlights.delete("panko-find"); CSS.highlights.delete("panko-find-cur"); }
  }
  /* Parts not fetched yet are searched on the server: the turns that hold the text get their parts
   * first, then the page's own find runs. */
  function runFind(q) {
    var url = doc.body.getAttribute("data-search"), seq = ++find.seq;
    find.q = q;
    if (!q || !doc.querySelector("#turns .lazy")) return findInPage(q);
    if (!url) {
      if (!doc.body.hasAttribute("data-packed")) return findInPage(q);
      $("find-n").textContent = "…";
      return findPacked(q, function () { if (seq === find.seq) findInPage(q); });
    }
    $("find-n").textContent = "…";
    fetch(url + "?q=" + encodeURIComponent(q), { cache: "no-store" }).then(function (res) { return res.ok ? res.json() : { turns: [] }; }).then(function (a) {
      var scopes = [];
      for (var i = 0; i < a.turns.length; i++) { var t = $("turn-" + a.turns[i]); if (t) scopes.push(t); }
      loadAllIn(scopes, function () { if (seq === find.seq) findInPage(q); });
    }, function () { if (seq === find.seq) findInPage(q); });
  }
  function findInPage(q) {
    clearMarks();
    find.q = q;
    var count = $("find-n");
    if (!q) { count.textContent = ""; return; }
    var needle = q.toLowerCase();
    var main = $("main");
    var walker = doc.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    var node, capped = false;
    while ((node = walker.nextNode())) {
      var hay = node.data.toLowerCase();
      var at = hay.indexOf(needle);
      while (at >= 0) {
        var r = doc.createRange();
        r.setStart(node, at);
        r.setEnd(node, at + needle.length);
        find.ranges.push(r);
        if (find.ranges.length >= MAX_MATCHES) { capped = true; break; }
        at = hay.indexOf(needle, at + needle.length);
      }
      if (capped) break;
    }
    if (canHighlight && find.ranges.length) CSS.highlights.set("panko-find", new Highlight(...find.ranges));
    if (!find.ranges.length) { count.textContent = "no matches"; return; }
    // Start at the first match below the top of the screen.
    var start = 0;
    for (var i = 0; i < find.ranges.length; i++) {
      if (find.ranges[i].getBoundingClientRect().bottom > BAR) { start = i; break; }
      if (i > 200) break; // good enough: do not lay out the whole page to pick a start
    }
    show(start, capped);
  }
  function show(i, capped) {
    var n = find.ranges.length;
    if (!n) return;
    find.cur = ((i % n) + n) % n;
    var r = find.ranges[find.cur];
    openAncestors(r.startContainer);
    if (canHighlight) CSS.highlights.set("panko-find-cur", new Highlight(r));
    else {
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(r);
    }
    var count = $("find-n");
    count.textContent = find.cur + 1 + " / " + n + (capped || n >= MAX_MATCHES ? "+" : "");
    reveal(r, 3);
  }
  function reveal(r, tries) {
    var rect = r.getBoundingClientRect();
    var el = r.startContainer.parentElement;
    var box = el && el.closest("pre");
    if (box) { // scroll a wide code block sideways to the match
      var br = box.getBoundingClientRect();
      if (rect.left < br.left || rect.right > br.right) box.scrollLeft += rect.left - br.left - br.width / 3;
    }
    if (rect.top < BAR + 8 || rect.bottom > innerHeight - 8) window.scrollBy(0, rect.top - innerHeight / 3);
    // Off-screen turns are laid out lazily (content-visibility): re-check once they are.
    if (tries > 0) requestAnimationFrame(function () {
      var again = r.getBoundingClientRect();
      if (again.top < BAR || again.bottom > innerHeight) reveal(r, tries - 1);
    });
  }

  /* ---- local times ---- */
  var fmtTime, fmtDate, fmtFull, startDay = "";
  function localize(scope) {
    try {
      fmtTime = fmtTime || new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
      fmtDate = fmtDate || new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
      fmtFull = fmtFull || new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
    } catch (e) { return; }
    var list = (scope || doc).querySelectorAll("time[datetime]");
    for (var i = 0; i < list.length; i++) {
      var t = list[i];
      if (t.dataset.local) continue;
      var d = new Date(t.getAttribute("datetime"));
      if (isNaN(d.getTime())) continue;
      var day = d.toDateString();
      if (t.classList.contains("long")) { t.textContent = fmtFull.format(d); if (!startDay) startDay = day; }
      else t.textContent = !startDay || day === startDay ? fmtTime.format(d) : fmtDate.format(d);
      t.title = fmtFull.format(d);
      t.dataset.local = "1";
    }
  }

  /* ---- live updates (SSE) ---- */
  function atBottom() { return innerHeight + scrollY >= root.scrollHeight - 60; }
  /* Off-screen turns get their real height only once laid out: settle over a few frames. */
  function toBottom(frames) {
    window.scrollTo(0, root.scrollHeight);
    if (frames > 0) requestAnimationFrame(function () { if (!atBottom()) toBottom(frames - 1); else window.scrollTo(0, root.scrollHeight); });
  }
  function applyTurn(index, html) {
    var box = $("turns");
    if (!box) return;
    var follow = atBottom();
    var tpl = doc.createElement("template");
    tpl.innerHTML = html;
    var el = tpl.content.firstElementChild;
    if (!el) return;
    el.classList.add("live"); // laid out at once, so the page height is true when following
    var empty = box.parentElement.querySelector(".empty-session");
    if (empty) empty.remove();
    var old = $("turn-" + index);
    if (old) {
      // Deferred runs the reader had are shown as they were until their fresh copies come (as they
      // come near the view): a growing live turn does not collapse under the reader at each change.
      // The turn's parts are asked for anew (the old ones answered for what the turn was).
      var ph = el.querySelectorAll(".lazy");
      for (var p = 0; p < ph.length; p++) {
        var id = ph[p].getAttribute("data-part");
        delete partQ.asked[id];
        var key = ph[p].getAttribute("data-key"), had = key && old.querySelector('.dpart[data-key="' + key + '"]');
        if (!had) continue;
        ph[p].replaceChildren.apply(ph[p], Array.prototype.slice.call(had.childNodes));
        ph[p].classList.add("stale");
      }
      // Keep what the reader opened.
      var was = old.querySelectorAll("details"), now = el.querySelectorAll("details");
      for (var i = 0; i < was.length && i < now.length; i++) if (was[i].open) now[i].open = true;
      if (observer) observer.unobserve(old);
      old.replaceWith(el);
    } else {
      var list = box.children, before = null;
      for (var j = list.length - 1; j >= 0; j--) {
        var n = Number(list[j].id.slice(5));
        if (n > index) before = list[j]; else break;
      }
      box.insertBefore(el, before);
      addOutline(index, el.getAttribute("data-label"), el.classList.contains("abandoned"));
    }
    localize(el);
    deferIn(el);
    watch(el);
    if (follow) toBottom(3);
  }
  function applyMeta(m) {
    if (typeof m.title === "string" && m.title) {
      var h = $("title"), b = $("bar-title");
      if (h) h.textContent = m.title;
      if (b) b.textContent = m.title;
      doc.title = m.title + " · panko";
    }
    if (typeof m.turns === "number") {
      var c = $("turn-count"), o = $("outline-count");
      if (c) c.textContent = String(m.turns);
      if (o) o.textContent = String(m.turns);
    }
    var dur = $("duration");
    if (dur && m.endedAt) {
      var ms = Date.parse(m.endedAt) - Date.parse(dur.getAttribute("data-start"));
      if (ms >= 0) {
        var s = Math.round(ms / 1000), min = Math.floor(s / 60), hr = Math.floor(min / 60);
        dur.textContent = s < 60 ? s + "s" : min < 60 ? min + "m " + String(s % 60).padStart(2, "0") + "s" : hr + "h " + String(min % 60).padStart(2, "0") + "m";
      }
    }
  }
  /* Live state, shown in the bar: connecting, following, reconnecting, ended. The server says
   * `hello` at once on connect; a page that has not heard it within HELLO_MS is behind a proxy that
   * holds event streams until they end (Cloudflare quick tunnels do) and polls `data-updates`. */
  var HELLO_MS = 4000, POLL_MS = 2000;
  var live = { gen: 0, es: null, polling: false, ended: false, timer: 0 };
  function setLive(state, how) {
    var el = $("live");
    if (!el) return;
    el.setAttribute("data-state", state);
    el.textContent = state;
    el.title = "Live updates: " + state + (how ? " (" + how + ")" : "");
  }
  function endLive(why) {
    live.ended = true;
    if (live.es) live.es.close();
    clearTimeout(live.timer);
    setLive("ended", why);
    var run = doc.querySelectorAll("[data-running]");
    for (var i = 0; i < run.length; i++) { run[i].textContent = "no result"; run[i].className = "badge"; run[i].removeAttribute("data-running"); }
  }
  /* The file was rewritten: patching what the page holds would mix two versions; reload, in place. */
  function resync() {
    live.ended = true;
    if (live.es) live.es.close();
    var list = turns(), i = currentIndex();
    if (list[i] && history.replaceState) history.replaceState(null, "", "#" + list[i].id);
    location.reload();
  }
  function onMeta(m) {
    applyMeta(m);
    if (typeof m.generation === "number") live.gen = m.generation;
    goneState(m);
  }
  /* The session file went away: say so (the page keeps what it shows); it may come back. */
  function goneState(m) {
    if (m.gone) setLive("ended", "the session file is gone");
    else if ($("live") && $("live").title.indexOf("file is gone") >= 0) setLive("following", live.polling ? "polling" : "event stream");
  }
  function connect() {
    var body = doc.body, url = body.getAttribute("data-events");
    if (!url) return;
    live.gen = Number(body.getAttribute("data-gen")) || 0;
    if (!window.EventSource) return startPolling();
    var es = (live.es = new EventSource(url)), heard = false;
    live.timer = setTimeout(function () { if (!heard && !live.ended) { es.close(); startPolling(); } }, HELLO_MS);
    es.addEventListener("hello", function (e) {
      heard = true;
      clearTimeout(live.timer);
      setLive("following", "event stream");
      try { goneState(JSON.parse(e.data)); } catch (err) {}
    });
    es.addEventListener("turn", function (e) {
      try { var d = JSON.parse(e.data); applyTurn(d.index, d.html); } catch (err) {}
    });
    es.addEventListener("meta", function (e) {
      try { onMeta(JSON.parse(e.data)); } catch (err) {}
    });
    es.addEventListener("reset", resync);
    es.addEventListener("end", function () { endLive("the viewer stopped"); });
    es.onerror = function () { if (!live.ended && heard) setLive("reconnecting"); };
  }
  function startPolling() {
    var url = doc.body.getAttribute("data-updates");
    if (!url || live.polling || !window.fetch) return;
    live.polling = true;
    var after = "", failures = 0;
    function again(ms) { live.timer = setTimeout(poll, ms); }
    function poll() {
      if (live.ended) return;
      fetch(url + "?g=" + live.gen + after, { cache: "no-store" }).then(function (res) {
        if (res.status === 404) { endLive("the share is gone"); return null; }
        if (!res.ok) throw new Error(String(res.status));
        return res.json();
      }).then(function (a) {
        if (!a || live.ended) return;
        failures = 0;
        if (a.reset) return resync();
        setLive("following", "polling");
        for (var i = 0; i < a.turns.length; i++) applyTurn(a.turns[i].index, a.turns[i].html);
        applyMeta(a.meta);
        live.gen = a.generation;
        goneState(a.meta);
        after = a.more ? "&after=" + a.after + "&at=" + a.at : "";
        again(a.more ? 0 : POLL_MS);
      }).catch(function () {
        failures++;
        setLive("reconnecting");
        again(Math.min(15000, POLL_MS * failures));
      });
    }
    poll();
  }

  /* ---- help ---- */
  function toggleHelp(force) {
    var h = $("help");
    if (h) h.hidden = force === undefined ? !h.hidden : !force;
  }

  /* ---- events (delegated: they work while the page still streams) ---- */
  doc.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target.closest("button, a") : null;
    if (!t) {
      if (e.target.id === "help") toggleHelp(false);
      return;
    }
    if (t.classList.contains("copy")) { e.preventDefault(); copyText(t); return; }
    if (t.classList.contains("pl")) { copyLink(t); return; }
    switch (t.id) {
      case "b-outline": toggleOutline(); return;
      case "b-find": openFind(); return;
      case "b-thinking": toggleThinking(); return;
      case "b-theme": toggleTheme(); return;
      case "b-help": toggleHelp(); return;
      case "b-view": toggleView(); return;
      case "b-expand": expandAll(true); return;
      case "b-collapse": expandAll(false); return;
      case "b-print": printAll(); return;
      case "help-close": toggleHelp(false); return;
      case "find-next": show(find.cur + 1); return;
      case "find-prev": show(find.cur - 1); return;
      case "find-close": closeFind(); return;
    }
    if (t.tagName === "A" && t.closest("#outline") && !isWide()) toggleOutline(false);
  });
  doc.addEventListener("change", function (e) {
    var id = e.target.id;
    if (id === "f-wrap") toggleWrap(e.target.checked);
    else if (id && id.slice(0, 2) === "f-" && FILTERS[id.slice(2)]) setFilter(id.slice(2), e.target.checked);
  });
  doc.addEventListener("input", function (e) {
    if (e.target.id !== "find-q") return;
    $("find-n").classList.remove("hint");
    clearTimeout(find.timer);
    var q = e.target.value;
    find.timer = setTimeout(function () { runFind(q); }, q.length < 3 ? 300 : 120);
  });
  doc.addEventListener("keydown", function (e) {
    var tgt = e.target;
    // Ctrl or Cmd with a letter alone: the browser's find and print, taken over below.
    var chord = (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey ? String(e.key).toLowerCase() : "";
    // The browser's own find cannot see the tool calls not loaded yet; the page's find can. From
    // the page's find, Ctrl+F again is the browser's.
    if (chord === "f" && tgt.id !== "find-q" && $("find-q") && doc.querySelector("#turns .lazy")) {
      e.preventDefault();
      openFind();
      if (!$("find-q").value) {
        $("find-n").textContent = (e.metaKey ? "\u2318" : "Ctrl+") + "F again: the browser's find";
        $("find-n").classList.add("hint");
      }
      return;
    }
    // The browser's own print (Ctrl+P, Cmd+P) would print the tool calls not loaded yet as placeholders.
    if (chord === "p" && deferredLeft().length) {
      e.preventDefault();
      printAll();
      return;
    }
    if (tgt.id === "find-q") {
      if (e.key === "Enter") {
        e.preventDefault();
        if (tgt.value !== find.q) runFind(tgt.value);
        else show(find.cur + (e.shiftKey ? -1 : 1));
      } else if (e.key === "Escape") closeFind();
      return;
    }
    if (e.key === "Escape" && tgt.closest && tgt.closest("#viewbar")) {
      toggleView(false);
      tgt.blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (tgt.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(tgt.tagName)) return;
    var list;
    switch (e.key) {
      case "j": step(1); break;
      case "k": step(-1); break;
      case "g": list = turns(); goTurn(list[0]); break;
      case "G": list = turns(); goTurn(list[list.length - 1]); break;
      case "t": toggleThinking(); break;
      case "o": toggleOutline(); break;
      case "v": toggleView(); break;
      case "w": toggleWrap(); break;
      case "c": setFilter("tools", root.classList.contains("hide-tools")); break;
      case "/": openFind(); break;
      case "?": toggleHelp(); break;
      case "Escape":
        toggleHelp(false);
        toggleView(false);
        closeFind();
        if (!isWide()) toggleOutline(false);
        return;
      default: return;
    }
    e.preventDefault();
  });
  /* Goes to the element a permalink names. One inside a part not fetched yet (a tool call in a
   * sub-agent transcript or a rewound branch) is looked up first: on the server, or in the packed
   * parts of a self-contained page. */
  function goToAnchor(scroll) {
    if (location.hash.length < 2) return;
    var id = decodeURIComponent(location.hash.slice(1)), el = doc.getElementById(id);
    var show = function (e) { openAncestors(e); if (scroll) e.scrollIntoView(); };
    if (el) return show(el);
    if (!doc.querySelector("#turns .lazy") || !/^tool-/.test(id)) return;
    var again = function () { var e = doc.getElementById(id); if (e) { openAncestors(e); e.scrollIntoView(); } };
    var url = doc.body.getAttribute("data-search");
    if (url) {
      fetch(url + "?q=" + encodeURIComponent(id.slice(5)), { cache: "no-store" }).then(function (r) { return r.ok ? r.json() : { turns: [] }; }).then(function (a) {
        var scopes = [];
        for (var i = 0; i < a.turns.length; i++) { var t = $("turn-" + a.turns[i]); if (t) scopes.push(t); }
        loadAllIn(scopes, again);
      }, function () {});
    } else if (doc.body.hasAttribute("data-packed")) {
      var mark = 'id="' + id + '"';
      fillPackedWhere(function (pid, html) { return html.indexOf(mark) >= 0; }, again);
    }
  }
  window.addEventListener("hashchange", function () { goToAnchor(false); });

  /* ---- a reload comes back to where the reader was ---- */
  // The browser would restore the scroll offset, but tool calls not loaded yet above it are not as
  // tall as they will be: the turn (or tool call) at the top of the screen is kept instead, and how
  // far down into it the view was.
  var posKey = "panko-pos:" + location.pathname;
  var tabStore = {
    get: function () { try { return JSON.parse(sessionStorage.getItem(posKey) || "null"); } catch (e) { return null; } },
    set: function (v) { try { sessionStorage.setItem(posKey, JSON.stringify(v)); } catch (e) {} },
  };
  // Only when the place can be kept: else the browser's own restoring is better than none.
  try {
    sessionStorage.setItem(posKey + ":probe", "1");
    sessionStorage.removeItem(posKey + ":probe");
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  } catch (e) {}
  /* The turn at the top of the screen, and the tool call there, if one is. */
  function placeAtTop() {
    var t = turns()[firstBelow(BAR + 14) - 1];
    if (!t) return { y: scrollY };
    var r = t.getBoundingClientRect(), at = doc.elementFromPoint(r.left + 24, BAR + 14);
    var call = at && at.closest ? at.closest(".tool[id]") : null;
    var place = { y: scrollY, turn: t.id, off: BAR - r.top };
    if (call && t.contains(call)) { place.call = call.id; place.callOff = BAR - call.getBoundingClientRect().top; }
    return place;
  }
  window.addEventListener("pagehide", function () {
    var place = placeAtTop();
    place.hash = location.hash;
    tabStore.set(place);
  });
  /* After a reload (or back to the page), the saved place; false when there is none to go back to. */
  function restorePlace() {
    var navs = performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    var kind = navs.length ? navs[0].type : "";
    var saved = tabStore.get();
    if (!saved || (kind !== "reload" && kind !== "back_forward") || saved.hash !== location.hash) return false;
    // The call, when it is in the page (a deferred one is not yet: then its turn).
    var call = saved.call ? doc.getElementById(saved.call) : null, el = call || (saved.turn ? doc.getElementById(saved.turn) : null);
    if (!el) window.scrollTo(0, saved.y || 0);
    else {
      if (call) openAncestors(call);
      window.scrollTo(0, el.getBoundingClientRect().top + scrollY - BAR + ((call ? saved.callOff : saved.off) || 0));
    }
    return true;
  }

  function ready() {
    live.gen = Number(doc.body.getAttribute("data-gen")) || 0;
    localize(doc);
    deferIn(doc);
    startObserver();
    connect();
    if (!restorePlace()) goToAnchor(true);
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
