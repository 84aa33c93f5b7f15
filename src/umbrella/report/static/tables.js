"use strict";
// The Copy and Download CSV buttons above every table of the page: the numbers as shown in
// its cells, the header row first. Nothing leaves the page: the CSV is a Blob saved by the
// browser, the copy goes to the clipboard.
(function () {
  function cellText(cell) {
    return (cell.textContent || "").replace(/\s+/g, " ").trim();
  }

  function rows(table) {
    return Array.from(table.rows).map(function (row) {
      return Array.from(row.cells).map(cellText);
    });
  }

  function csvField(text) {
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function toCsv(table) {
    return rows(table).map(function (r) { return r.map(csvField).join(","); }).join("\r\n") + "\r\n";
  }

  function toTsv(table) {
    return rows(table).map(function (r) { return r.join("\t"); }).join("\n") + "\n";
  }

  // The file's name: the heading the table sits under, then the table's place on the page.
  function fileName(box, index) {
    var heading = "";
    for (var el = box.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[23]$/.test(el.tagName)) { heading = el.textContent || ""; break; }
    }
    var slug = heading.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    return (slug || "table") + "-" + (index + 1) + ".csv";
  }

  function flash(button, text) {
    var was = button.textContent;
    button.textContent = text;
    setTimeout(function () { button.textContent = was; }, 1200);
  }

  function copyFallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }

  document.querySelectorAll("div.table-box").forEach(function (box, index) {
    var table = box.querySelector("table");
    var copy = box.querySelector("button.copy-table");
    var csv = box.querySelector("button.csv-table");
    if (!table || !copy || !csv) return;
    copy.addEventListener("click", function () {
      var text = toTsv(table);
      var done = function () { flash(copy, "Copied"); };
      var failed = function () { flash(copy, copyFallback(text) ? "Copied" : "Copy failed"); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        failed();
      }
    });
    csv.addEventListener("click", function () {
      var blob = new Blob([toCsv(table)], { type: "text/csv;charset=utf-8" });
      var url = URL.createObjectURL(blob);
      var link = document.createElement("a");
      link.href = url;
      link.download = fileName(box, index);
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 5000);
    });
  });
})();
