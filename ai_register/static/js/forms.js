/* Progressive enhancement for forms: a block marked data-show-when="name=value" is shown only while
   the radio button `name` has `value` checked. Without the script every block stays visible. */
(function () {
  "use strict";
  var blocks = Array.prototype.slice.call(document.querySelectorAll("[data-show-when]"));
  if (!blocks.length) { return; }
  function refresh() {
    blocks.forEach(function (block) {
      var rule = block.getAttribute("data-show-when").split("=");
      var checked = document.querySelector('input[name="' + rule[0] + '"]:checked');
      block.hidden = !checked || checked.value !== rule[1];
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.type === "radio") { refresh(); }
  });
  refresh();
}());
