/* Search as you type for fields marked data-lookup (web/_lookup.html): after a short pause the typed
   text is sent to the lookup endpoint and its answers are offered as a list box; choosing one fills the
   text and the hidden id. Typing again clears the id, so the server then reads the text itself.
   A field with data-lookup-add chooses several (web/_people.html): the one chosen is added to that list
   as a ticked box named data-lookup-name, the text is cleared, and an answer's `warning` is shown in the
   element data-lookup-warning. Without the script the field is a plain text field. */
(function () {
  "use strict";
  /* A field with data-lookup-radios (the deviation form) keeps its radio list: as you type, the list is
     replaced by the answers (the ticked one and the options marked data-keep stay). */
  Array.prototype.slice.call(document.querySelectorAll("input[data-lookup-radios]")).forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-lookup-radios"));
    var name = input.getAttribute("data-lookup-radio-name");
    var timer = null, asked = 0;
    function radio(item) {
      var li = document.createElement("li");
      li.className = "choice";
      var box = document.createElement("input");
      box.type = "radio"; box.name = name; box.value = String(item.id); box.id = name + "-found-" + item.id;
      var label = document.createElement("label");
      label.htmlFor = box.id;
      var units = (item.care_units || []).slice(0, 3).join(", ");
      label.textContent = units ? item.name + " (" + units + ")" : item.name;
      li.appendChild(box); li.appendChild(document.createTextNode(" ")); li.appendChild(label);
      return li;
    }
    function render(items) {
      var kept = Array.prototype.slice.call(list.children).filter(function (li) {
        var box = li.querySelector("input");
        return li.hasAttribute("data-keep") || (box && box.checked);
      });
      var keptValues = kept.map(function (li) { var box = li.querySelector("input"); return box ? box.value : ""; });
      var keep = kept.filter(function (li) { return !li.hasAttribute("data-keep"); });
      var tail = kept.filter(function (li) { return li.hasAttribute("data-keep"); });
      list.textContent = "";
      keep.forEach(function (li) { list.appendChild(li); });
      items.forEach(function (item) { if (keptValues.indexOf(String(item.id)) < 0) { list.appendChild(radio(item)); } });
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "muted small";
        none.textContent = input.getAttribute("data-lookup-empty");
        list.appendChild(none);
      }
      tail.forEach(function (li) { list.appendChild(li); });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var mine = ++asked;
        var url = new URL(input.getAttribute("data-lookup"), window.location.href);
        url.searchParams.set("q", input.value.trim());
        fetch(url.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (body) { if (mine === asked) { render(Array.isArray(body) ? body : (body.items || [])); } })
          .catch(function () { /* the server-side search button still works */ });
      }, 200);
    });
  });

  var inputs = Array.prototype.slice.call(document.querySelectorAll("input[data-lookup]:not([data-lookup-radios])"));
  inputs.forEach(function (input) {
    var hidden = document.getElementById(input.getAttribute("data-lookup-target"));
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var timer = null, asked = 0, active = -1;

    function options() { return Array.prototype.slice.call(list.querySelectorAll("[role=option]")); }
    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    var chosenList = document.getElementById(input.getAttribute("data-lookup-add") || "");
    var warning = document.getElementById(input.getAttribute("data-lookup-warning") || "");
    function add(option) {
      var id = option.getAttribute("data-id");
      var name = input.getAttribute("data-lookup-name");
      var boxes = Array.prototype.slice.call(chosenList.querySelectorAll("input[type=checkbox]"));
      var already = boxes.filter(function (box) { return box.value === id; })[0];
      if (already) { already.checked = true; return; }
      Array.prototype.slice.call(chosenList.querySelectorAll(".chips-empty")).forEach(function (li) { li.remove(); });
      var item = document.createElement("li");
      var label = document.createElement("label");
      label.className = "chip";
      var box = document.createElement("input");
      box.type = "checkbox"; box.name = name; box.value = id; box.checked = true;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + option.getAttribute("data-name") + " "));
      var detail = document.createElement("span");
      detail.className = "row-sub";
      detail.textContent = option.getAttribute("data-detail") || "";
      label.appendChild(detail);
      item.appendChild(label);
      chosenList.appendChild(item);
      if (option.getAttribute("data-warning") && warning) { warning.hidden = false; }
    }
    function choose(option) {
      if (chosenList) {
        add(option);
        input.value = "";
      } else {
        input.value = option.getAttribute("data-name");
        hidden.value = option.getAttribute("data-id");
      }
      close();
    }
    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
    }
    function render(items) {
      list.textContent = "";
      items.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-id", item.id);
        option.setAttribute("data-name", item.name);
        option.setAttribute("data-detail", item.detail || "");
        if (item.warning) { option.setAttribute("data-warning", item.warning); }
        option.appendChild(document.createTextNode(item.name));
        var detail = document.createElement("span");
        detail.className = "row-sub";
        detail.textContent = item.detail;
        option.appendChild(detail);
        if (item.warning) {
          var note = document.createElement("span");
          note.className = "row-sub lookup-warning";
          note.textContent = item.warning;
          option.appendChild(note);
        }
        option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(option); });
        list.appendChild(option);
      });
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "lookup-empty";
        none.textContent = input.getAttribute("data-lookup-empty");
        list.appendChild(none);
      }
      list.hidden = false; active = -1;
      input.setAttribute("aria-expanded", "true");
    }
    function search() {
      var text = input.value.trim();
      var mine = ++asked;
      if (!text) { close(); return; }
      var url = new URL(input.getAttribute("data-lookup"), window.location.href);
      url.searchParams.set("q", text);
      fetch(url.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (body) { if (mine === asked) { render(body.items || []); } })
        .catch(function () { if (mine === asked) { close(); } });
    }
    input.addEventListener("input", function () {
      if (hidden) { hidden.value = ""; }
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(options()[active]); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", close);
  });
}());
