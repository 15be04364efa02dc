/* Search as you type for fields marked data-lookup (web/_lookup.html): after a short pause the typed
   text is sent to the lookup endpoint and its answers are offered as a list box; choosing one fills the
   text and the hidden id. Typing again clears the id, so the server then reads the text itself.
   Without the script the field is a plain text field. */
(function () {
  "use strict";
  var inputs = Array.prototype.slice.call(document.querySelectorAll("input[data-lookup]"));
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
    function choose(option) {
      input.value = option.getAttribute("data-name");
      hidden.value = option.getAttribute("data-id");
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
        option.appendChild(document.createTextNode(item.name));
        var detail = document.createElement("span");
        detail.className = "row-sub";
        detail.textContent = item.detail;
        option.appendChild(detail);
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
      hidden.value = "";
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
