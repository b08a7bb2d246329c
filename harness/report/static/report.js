/* iac-harness report: source highlighting, sortable and filterable tables. Small, no dependencies; the pages read
   the same without it (filters stay hidden, tables keep their built order). */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var v = cell.getAttribute("data-v");
    return v !== null ? v : cell.textContent.trim();
  }

  function compare(a, b, numeric) {
    if (numeric) {
      var x = a === "" ? NaN : parseFloat(a);
      var y = b === "" ? NaN : parseFloat(b);
      if (isNaN(x) && isNaN(y)) { return 0; }
      if (isNaN(x)) { return 1; }   /* empty values last whichever the direction */
      if (isNaN(y)) { return -1; }
      return x - y;
    }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function makeSortable(table) {
    var head = table.tHead;
    if (!head || !table.tBodies.length) { return; }
    var headers = head.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.title = "Sort by this column";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        /* numbers: best (highest) first on the first click; text: A to Z */
        var ascending = current ? current === "descending" : kind !== "num";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var a = cellValue(r1, index), b = cellValue(r2, index);
          var numeric = kind === "num";
          if (numeric && (a === "" || b === "")) { return compare(a, b, true); }
          var c = compare(a, b, numeric);
          return ascending ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function makeFilter(box) {
    var table = document.getElementById(box.getAttribute("data-for"));
    if (!table) { return; }
    box.hidden = false;
    var controls = box.querySelectorAll("[data-filter]");
    var count = box.querySelector(".count");
    var rows = table.querySelectorAll("tbody tr");
    function apply() {
      var shown = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var ok = true;
        Array.prototype.forEach.call(controls, function (control) {
          var value = control.value.trim();
          if (!value) { return; }
          var key = control.getAttribute("data-filter");
          if (key === "text") {
            ok = ok && row.textContent.toLowerCase().indexOf(value.toLowerCase()) !== -1;
          } else {
            var attr = row.getAttribute("data-" + key);
            ok = ok && (attr === null || attr === value);
          }
        });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) { count.textContent = shown + " of " + rows.length + " rows"; }
    }
    Array.prototype.forEach.call(controls, function (control) {
      control.addEventListener("input", apply);
      control.addEventListener("change", apply);
    });
    apply();
  }

  function makeListFilter(box) {
    var list = document.getElementById(box.getAttribute("data-for-list"));
    if (!list) { return; }
    box.hidden = false;
    var select = box.querySelector("[data-filter=status]");
    var items = list.querySelectorAll("[data-status]");
    var groups = list.querySelectorAll("section");
    function apply() {
      var want = select.value;
      Array.prototype.forEach.call(items, function (item) {
        var status = item.getAttribute("data-status");
        var ok = !want || status === want ||
          (want === "problems" && (status === "fail" || status === "partial" || status === "error"));
        item.hidden = !ok;
      });
      /* a category with nothing left to show is hidden with its criteria */
      Array.prototype.forEach.call(groups, function (group) {
        group.hidden = !group.querySelector("[data-status]:not([hidden])");
      });
    }
    /* a link to a criterion the default filter hides (from the heatmap, say) shows them all */
    function reveal() {
      var id = decodeURIComponent(window.location.hash.slice(1));
      var target = id && document.getElementById(id);
      if (!target || !list.contains(target)) { return; }
      var folded = target.querySelector("details.folded");
      if (folded) { folded.open = true; }
      if (target.closest("[hidden]")) {
        select.value = "";
        apply();
        target.scrollIntoView();
      }
    }
    select.addEventListener("change", apply);
    window.addEventListener("hashchange", reveal);
    apply();
    reveal();
  }


  /* ---- source highlighting, in the browser ----
     File views and evidence snippets ship their raw text (escaped by the server) inside
     <pre data-lang>; this reads it back as text, splits it into tokens with a few regular
     expressions per language family, and rebuilds it from text nodes and <span class>
     elements (never innerHTML), line by line, so every line of a file view gets its #L<n>
     anchor. Without JavaScript the raw text stays readable as it is. */
  var FAMILY = {
    hcl: "hcl", terraform: "hcl", tf: "hcl", tfvars: "hcl",
    yaml: "yaml", yml: "yaml", json: "json",
    python: "py", py: "py",
    bash: "sh", sh: "sh", shell: "sh", console: "sh", zsh: "sh", dockerfile: "sh", ini: "sh",
    typescript: "c", ts: "c", javascript: "c", js: "c", go: "c", golang: "c", java: "c",
    csharp: "c", cs: "c", rust: "c", kotlin: "c"
  };
  var WORDS = {
    hcl: "resource data variable output locals module provider terraform backend " +
      "required_providers moved import check removed dynamic content for in if for_each",
    py: "and as assert async await break class continue def del elif else except finally " +
      "for from global if import in is lambda nonlocal not or pass raise return try while " +
      "with yield",
    c: "as async await break case catch class const continue default defer do else enum " +
      "export extends finally for from func function go if implements import in instanceof " +
      "interface let new package private protected public readonly return static struct " +
      "super switch this throw try type typeof var void while yield",
    sh: "if then else elif fi for while do done case esac function in export local return " +
      "set unset echo exit",
    yaml: "", json: "", text: ""
  };
  var CONSTANTS = { "true": 1, "false": 1, "null": 1, "nil": 1, "None": 1, "True": 1,
    "False": 1, "undefined": 1 };
  var KEYWORDS = {};
  Object.keys(WORDS).forEach(function (family) {
    KEYWORDS[family] = {};
    WORDS[family].split(" ").forEach(function (w) { if (w) { KEYWORDS[family][w] = 1; } });
  });
  /* [css class, sticky regex]: the first rule that matches at a position wins */
  var COMMENT_HASH = ["c", /#[^\n]*/y];
  var COMMENT_SLASH = ["c", /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/y];
  var DOUBLE = ["s2", /"(?:[^"\\\n]|\\.)*"?/y];
  var SINGLE_CLOSED = ["s1", /'[^'\n]*'/y];
  var SINGLE = ["s1", /'(?:[^'\\\n]|\\.)*'?/y];
  var NUMBER = ["m", /\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?\b/y];
  var SPACE = ["", /\s+/y];
  /* a rule's third item: tried only while its line holds nothing but indentation and list
     dashes */
  var LINE_START = true;
  var RULES = {
    hcl: [SPACE, COMMENT_HASH, COMMENT_SLASH,
      /* a heredoc; an unclosed one runs to the end (never rescanned from every "<<") */
      ["s2", /<<-?([A-Za-z_]\w*)\n(?:[\s\S]*?\n[ \t]*\1\b|[\s\S]*$)/y], DOUBLE, NUMBER],
    /* a key only where a key can start (see LINE_START): tried mid-line, its lookahead
       would rescan a long run of "-" or "a/a/a" from every position */
    yaml: [SPACE, COMMENT_HASH, ["nt", /[\w.\/-]+(?=[ \t]*:(?:\s|$))/y, LINE_START],
      ["nb", /![A-Za-z:]+/y],
      DOUBLE, SINGLE_CLOSED, NUMBER],
    json: [SPACE, ["nt", /"(?:[^"\\\n]|\\.)*"(?=\s*:)/y], DOUBLE, NUMBER],
    py: [SPACE, COMMENT_HASH, ["s2", /"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)/y], DOUBLE,
      SINGLE, NUMBER],
    c: [SPACE, COMMENT_SLASH, ["s2", /`(?:[^`\\]|\\[\s\S])*`?/y], DOUBLE, SINGLE, NUMBER],
    sh: [SPACE, COMMENT_HASH, DOUBLE, SINGLE_CLOSED, ["nv", /\$\{?\w+\}?/y], NUMBER],
    text: [SPACE]
  };
  var WORD = /[A-Za-z_][\w-]*(?:\.[A-Za-z_*][\w-]*)*/y;
  var OPERATOR = /[=!<>]=|&&|\|\||=>|->|[=+\-*\/%<>!?:]/y;
  var PUNCT = /[{}\[\]()\],.;]/y;
  /* above this many characters a text is shown plain (a nicety is not worth a hang) */
  var MAX_HIGHLIGHT = 200000;

  function wordClass(family, text, word, end) {
    if (CONSTANTS[word] === 1) { return "kc"; }
    if (KEYWORDS[family][word] === 1) { return "k"; }
    var rest = text.slice(end, end + 80);
    if (family === "hcl") {
      if (/^[ \t]*=(?!=)/.test(rest)) { return "na"; }
      /* a block: the word opens its line and a label or a brace follows */
      var lineStart = text.lastIndexOf("\n", end - word.length - 1) + 1;
      if (/^[ \t]*$/.test(text.slice(lineStart, end - word.length)) &&
          /^[ \t]*["{]/.test(rest)) {
        return "nb";
      }
      return word.indexOf(".") > 0 ? "nv" : "";
    }
    if ((family === "py" || family === "c") && /^[ \t]*\(/.test(rest)) { return "nf"; }
    return "";
  }

  /* [[css class or "", text], ...] covering ``text`` exactly, in order */
  function tokenize(text, language) {
    var family = FAMILY[(language || "").toLowerCase()] || "text";
    if (text.length > MAX_HIGHLIGHT || family === "text") { return [["", text]]; }
    var rules = RULES[family];
    var out = [];
    var plain = "";
    var i = 0;
    var fresh = true; /* only indentation and list dashes so far on this line */
    while (i < text.length) {
      var hit = null;
      for (var r = 0; r < rules.length && hit === null; r += 1) {
        if (rules[r][2] === LINE_START && !fresh) { continue; }
        rules[r][1].lastIndex = i;
        var m = rules[r][1].exec(text);
        if (m && m[0].length) { hit = [rules[r][0], m[0]]; }
      }
      if (hit === null) {
        WORD.lastIndex = i;
        var w = WORD.exec(text);
        OPERATOR.lastIndex = i;
        PUNCT.lastIndex = i;
        var o = w ? null : OPERATOR.exec(text);
        var p = w || o ? null : PUNCT.exec(text);
        hit = w ? [wordClass(family, text, w[0], i + w[0].length), w[0]]
          : o ? ["o", o[0]] : p ? ["p", p[0]] : ["", text.charAt(i)];
      }
      var newline = hit[1].lastIndexOf("\n");
      if (newline >= 0) {
        fresh = /^[ \t]*$/.test(hit[1].slice(newline + 1));
      } else if (!(/^[ \t]+$/.test(hit[1]) ||
                   (hit[1] === "-" && /[ \t]/.test(text.charAt(i + 1))))) {
        fresh = false;
      }
      if (hit[0]) {
        if (plain) { out.push(["", plain]); plain = ""; }
        out.push(hit);
      } else {
        plain += hit[1];
      }
      i += hit[1].length;
    }
    if (plain) { out.push(["", plain]); }
    return out;
  }

  /* calls ``line(parts)`` once per line of the tokens; parts are [class, text] pieces */
  function eachLine(tokens, line) {
    var parts = [];
    tokens.forEach(function (token) {
      token[1].split("\n").forEach(function (piece, j) {
        if (j > 0) { line(parts); parts = []; }
        if (piece) { parts.push([token[0], piece]); }
      });
    });
    line(parts);
  }

  /* text nodes and <span class> elements: response text is never parsed as HTML */
  function fill(element, parts) {
    parts.forEach(function (part) {
      if (part[0]) {
        var span = document.createElement("span");
        span.className = part[0];
        span.textContent = part[1];
        element.appendChild(span);
      } else {
        element.appendChild(document.createTextNode(part[1]));
      }
    });
  }

  /* the text a <pre> shipped; a final newline ends the last line, it opens no new one */
  function rawText(pre) {
    var text = pre.textContent.replace(/\r/g, "");
    return text.slice(-1) === "\n" ? text.slice(0, -1) : text;
  }

  /* a file view: <div class="line" id="L<n>"> per line, its number a link to itself */
  function buildFileView(pre) {
    var view = document.createElement("div");
    view.className = pre.className;
    var rows = document.createDocumentFragment();
    var number = 0;
    eachLine(tokenize(rawText(pre), pre.getAttribute("data-lang")), function (parts) {
      number += 1;
      var row = document.createElement("div");
      row.className = "line";
      row.id = "L" + number;
      var link = document.createElement("a");
      link.className = "ln";
      link.href = "#L" + number;
      link.textContent = String(number);
      var code = document.createElement("span");
      code.className = "code";
      fill(code, parts);
      row.appendChild(link);
      row.appendChild(code);
      rows.appendChild(row);
    });
    view.appendChild(rows);
    pre.parentNode.replaceChild(view, pre);
  }

  /* an evidence snippet: highlighted in place, numbered from data-first */
  function buildSnippet(pre) {
    var number = parseInt(pre.getAttribute("data-first") || "", 10);
    var code = document.createElement("code");
    eachLine(tokenize(rawText(pre), pre.getAttribute("data-lang")), function (parts) {
      var ln = document.createElement("span");
      ln.className = "ln";
      ln.textContent = isNaN(number) ? "" : String(number);
      number += 1;
      code.appendChild(ln);
      fill(code, parts);
      code.appendChild(document.createTextNode("\n"));
    });
    pre.textContent = "";
    pre.appendChild(code);
  }

  /* a link to #R<n> inside a folded run of code on the response text: that run's row */
  function revealFoldedLine() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var match = /^R(\d+)$/.exec(id);
    Array.prototype.forEach.call(document.querySelectorAll(".folded.hit"), function (row) {
      row.classList.remove("hit");
    });
    if (!match || document.getElementById(id)) { return; }
    var line = parseInt(match[1], 10);
    var rows = document.querySelectorAll(".folded[data-from]");
    for (var i = 0; i < rows.length; i += 1) {
      var from = parseInt(rows[i].getAttribute("data-from"), 10);
      var to = parseInt(rows[i].getAttribute("data-to"), 10);
      if (from <= line && line <= to) {
        rows[i].classList.add("hit");
        rows[i].scrollIntoView({ block: "center" });
        return;
      }
    }
  }

  /* ---- packed regions ----
     The bulky part of a page (criteria and findings, big tables, file text) ships deflated
     and base64-encoded in <script type="application/octet-stream" data-packed> (inert: never
     run). It is inflated with the browser's DecompressionStream, parsed by DOMParser into an
     inert document (nothing in it runs or loads) and its nodes moved into place; the markup
     is the server's autoescaped output, so text from a response stays text.
     data-packed="<kind>": the region continues the zlib stream of that kind's dictionary
     (window.IAC_PACK_DICTIONARIES, written at the start of this file for the site): inflate
     the dictionary's prefix and the region as one stream and drop the dictionary's bytes. */
  function bytesOf(base64) {
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  function inflateBytes(parts) {
    var stream = new Blob(parts).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer().then(function (buffer) {
      return new Uint8Array(buffer);
    });
  }

  /* kind -> [the prefix's bytes, the number of bytes it inflates to] */
  function dictionary(kind) {
    var known = window.IAC_PACK_DICTIONARIES || {};
    if (!Object.prototype.hasOwnProperty.call(known, kind)) {
      return Promise.reject(new Error("no packing dictionary " + kind));
    }
    if (typeof known[kind][0] === "string") { known[kind][0] = bytesOf(known[kind][0]); }
    return Promise.resolve(known[kind]);
  }

  function inflate(holder) {
    var payload = bytesOf(holder.textContent.trim());
    var kind = holder.getAttribute("data-packed");
    var inflated = kind
      ? dictionary(kind).then(function (d) {
        return inflateBytes([d[0], payload]).then(function (bytes) { return bytes.subarray(d[1]); });
      })
      : inflateBytes([payload]);
    return inflated.then(function (bytes) {
      var html = new TextDecoder("utf-8").decode(bytes);
      var body = new DOMParser().parseFromString(html, "text/html").body;
      var nodes = document.createDocumentFragment();
      while (body.firstChild) { nodes.appendChild(document.adoptNode(body.firstChild)); }
      holder.parentNode.replaceChild(nodes, holder);
    });
  }

  function inflateAll() {
    var holders = document.querySelectorAll("script[data-packed]");
    /* inside a promise: a browser without DecompressionStream throws, and that is a rejection */
    return Promise.resolve().then(function () {
      return Promise.all(Array.prototype.map.call(holders, inflate));
    });
  }

  /* the element a link's #fragment names (a file line #L<n>, a criterion) was built or
     inflated after the browser looked for it:
     navigate to it again so it scrolls into view and matches :target */
  function revealTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && document.querySelector(":target") !== target) {
      window.location.replace(window.location.hash);
    }
  }

  function setup() {
    Array.prototype.forEach.call(document.querySelectorAll("pre.file-view[data-lang]"), buildFileView);
    Array.prototype.forEach.call(document.querySelectorAll("pre.snippet[data-lang]"), buildSnippet);
    revealFoldedLine();
    window.addEventListener("hashchange", revealFoldedLine);
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll(".filters[data-for]"), makeFilter);
    Array.prototype.forEach.call(document.querySelectorAll(".filters[data-for-list]"), makeListFilter);
    revealTarget();
  }

  /* inflate, then set the page up; data-ready on <html> says it is done (tests wait on it) */
  function init() {
    inflateAll().then(setup).then(function () {
      document.documentElement.setAttribute("data-ready", "");
    }, function (error) {
      /* a browser without DecompressionStream (before Chrome 80, Firefox 113, Safari 16.4) */
      Array.prototype.forEach.call(document.querySelectorAll("script[data-packed]"), function (holder) {
        var note = document.createElement("p");
        note.className = "error-box";
        note.textContent = "This browser could not unpack the rest of this page (" + error +
          "); open the report in a current Chrome, Firefox, Edge or Safari.";
        holder.parentNode.insertBefore(note, holder);
      });
      document.documentElement.setAttribute("data-ready", "failed");
      throw error;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
