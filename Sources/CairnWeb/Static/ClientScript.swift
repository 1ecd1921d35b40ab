/// The UI's JavaScript, served at `/static/cairn.js`: pan and zoom of the lineage graph, the live
/// event log of a run, client-side filtering of the log, confirmations. Every page works without it.
enum ClientScript {
    /// The script text.
    static let javaScript = #"""
        "use strict";
        (function () {
          function panZoom(viewport) {
            var svg = viewport.querySelector("svg");
            if (!svg) { return; }
            var base = svg.viewBox.baseVal;
            var initial = { x: base.x, y: base.y, width: base.width, height: base.height };
            var drag = null;
            function scale() { return base.width / svg.clientWidth; }
            viewport.addEventListener("wheel", function (event) {
              event.preventDefault();
              var factor = event.deltaY > 0 ? 1.15 : 1 / 1.15;
              var rect = svg.getBoundingClientRect();
              var px = base.x + (event.clientX - rect.left) * base.width / rect.width;
              var py = base.y + (event.clientY - rect.top) * base.height / rect.height;
              base.x = px - (px - base.x) * factor;
              base.y = py - (py - base.y) * factor;
              base.width *= factor;
              base.height *= factor;
            }, { passive: false });
            viewport.addEventListener("pointerdown", function (event) {
              if (event.target.closest("a")) { return; }
              drag = { x: event.clientX, y: event.clientY, bx: base.x, by: base.y, s: scale() };
              viewport.classList.add("dragging");
              viewport.setPointerCapture(event.pointerId);
            });
            viewport.addEventListener("pointermove", function (event) {
              if (!drag) { return; }
              base.x = drag.bx - (event.clientX - drag.x) * drag.s;
              base.y = drag.by - (event.clientY - drag.y) * drag.s;
            });
            function end() { drag = null; viewport.classList.remove("dragging"); }
            viewport.addEventListener("pointerup", end);
            viewport.addEventListener("pointercancel", end);
            viewport.addEventListener("dblclick", function () {
              base.x = initial.x; base.y = initial.y; base.width = initial.width; base.height = initial.height;
            });
          }

          function filterLog(table) {
            var step = document.getElementById("log-step");
            var type = document.getElementById("log-type");
            var level = document.getElementById("log-level");
            function apply() {
              var rows = table.querySelectorAll("tbody tr");
              for (var i = 0; i < rows.length; i++) {
                var row = rows[i];
                var visible = (!step || !step.value || row.dataset.step === step.value)
                  && (!type || !type.value || row.dataset.type === type.value)
                  && (!level || !level.value || row.dataset.level === level.value);
                row.classList.toggle("hidden", !visible);
              }
            }
            [step, type, level].forEach(function (control) { if (control) { control.addEventListener("change", apply); } });
            table.addEventListener("cairn:rows", apply);
            apply();
          }

          function liveLog(table) {
            var url = table.dataset.stream;
            if (!url || !window.EventSource) { return; }
            var body = table.querySelector("tbody");
            var source = new EventSource(url);
            source.addEventListener("record", function (message) {
              var data = JSON.parse(message.data);
              var empty = body.querySelector("tr.placeholder");
              if (empty) { empty.remove(); }
              body.insertAdjacentHTML("beforeend", data.row);
              var badge = document.getElementById("run-status");
              if (badge && data.status) {
                badge.textContent = data.status;
                badge.className = "badge " + data.status.toLowerCase();
              }
              table.dispatchEvent(new Event("cairn:rows"));
            });
            source.addEventListener("end", function () {
              source.close();
              window.location.reload();
            });
          }

          function graphQLConsole(form) {
            var output = document.getElementById("graphql-result");
            var token = document.querySelector("meta[name=csrf-token]").content;
            form.addEventListener("submit", function (event) {
              event.preventDefault();
              output.textContent = "Running…";
              fetch("/graphql", {
                method: "POST",
                headers: { "Content-Type": "application/json", "X-Cairn-CSRF": token },
                body: JSON.stringify({ query: form.elements.query.value })
              }).then(function (response) { return response.json(); })
                .then(function (json) { output.textContent = JSON.stringify(json, null, 2); })
                .catch(function (error) { output.textContent = String(error); });
            });
          }

          function refreshWhileInProgress() {
            var meta = document.querySelector("meta[name=cairn-refresh]");
            if (!meta) { return; }
            window.setInterval(function () {
              var active = document.activeElement;
              var typing = active && ["INPUT", "TEXTAREA", "SELECT"].indexOf(active.tagName) >= 0;
              if (!typing) { window.location.reload(); }
            }, Number(meta.content) * 1000);
          }

          document.addEventListener("DOMContentLoaded", function () {
            refreshWhileInProgress();
            var graphQLForm = document.getElementById("graphql-console");
            if (graphQLForm) { graphQLConsole(graphQLForm); }
            document.querySelectorAll(".graph-viewport").forEach(panZoom);
            document.querySelectorAll("table.log").forEach(function (table) { filterLog(table); liveLog(table); });
            document.querySelectorAll("form[data-confirm]").forEach(function (form) {
              form.addEventListener("submit", function (event) {
                if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
              });
            });
          });
        })();
        """#
}
