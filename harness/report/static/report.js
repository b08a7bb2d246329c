/* iac-harness report: sortable and filterable tables. Small, no dependencies; the pages read
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

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll(".filters[data-for]"), makeFilter);
    Array.prototype.forEach.call(document.querySelectorAll(".filters[data-for-list]"), makeListFilter);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
