/* Progressive enhancement of the classification wizard: show and hide the questions of the current
   step as the answers change, by the questionnaire's `relevant_when` conditions. Without this
   script the server does the same after "Next". Unanswered answers count as "could be either". */
(function () {
  "use strict";
  var form = document.querySelector('form[data-test="wizard"]');
  if (!form) { return; }
  var leaveOpen = form.getAttribute("data-leave-open");
  var noneOfThese = form.getAttribute("data-none");
  var earlier = {};
  try { earlier = JSON.parse(form.elements.answers.value || "{}"); } catch (e) { earlier = {}; }
  var fieldsets = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-question]"));
  var here = {};
  fieldsets.forEach(function (fs) { here[fs.getAttribute("data-question")] = fs; });

  function valueOf(id) {
    var fs = here[id];
    if (!fs) { return Object.prototype.hasOwnProperty.call(earlier, id) ? earlier[id] : undefined; }
    if (fs.hidden) { return undefined; }
    var picked = Array.prototype.slice.call(fs.querySelectorAll("input:checked")).map(function (i) { return i.value; });
    if (fs.getAttribute("data-type") === "multiple") {
      if (!picked.length) { return undefined; }
      if (picked.length === 1 && picked[0] === noneOfThese) { return []; }
      if (picked.length === 1 && picked[0] === "unsure") { return "unsure"; }
      return picked.filter(function (v) { return v !== noneOfThese && v !== "unsure"; });
    }
    return picked.length && picked[0] !== leaveOpen ? picked[0] : undefined;
  }

  /* true, false, or null (undecided). */
  function evaluate(cond) {
    if (cond === null || cond === undefined) { return true; }
    var i, r, verdict;
    if (cond.all) {
      verdict = true;
      for (i = 0; i < cond.all.length; i++) { r = evaluate(cond.all[i]); if (r === false) { return false; } if (r === null) { verdict = null; } }
      return verdict;
    }
    if (cond.any) {
      verdict = false;
      for (i = 0; i < cond.any.length; i++) { r = evaluate(cond.any[i]); if (r === true) { return true; } if (r === null) { verdict = null; } }
      return verdict;
    }
    if (cond.question) {
      var value = valueOf(cond.question);
      var list = cond["in"] || cond.not_in || [];
      if (value === undefined || value === "unsure") { return null; }
      var hit = Array.isArray(value) ? value.some(function (v) { return list.indexOf(v) >= 0; }) : list.indexOf(value) >= 0;
      return cond.not_in ? !hit : hit;
    }
    return null;
  }

  function refs(cond, out) {
    if (cond && typeof cond === "object") {
      if (typeof cond.question === "string") { out.push(cond.question); }
      Object.keys(cond).forEach(function (k) { refs(cond[k], out); });
    }
    return out;
  }

  function refresh() {
    var shown = [];
    fieldsets.forEach(function (fs) {
      var cond = JSON.parse(fs.getAttribute("data-relevant-when") || "null");
      var waiting = refs(cond, []).some(function (id) { return here[id] && here[id] !== fs && valueOf(id) === undefined; });
      fs.hidden = waiting || evaluate(cond) === false;
      if (!fs.hidden) { shown.push(fs.getAttribute("data-question")); }
    });
    form.elements.shown.value = shown.join(",");
  }

  form.addEventListener("change", refresh);
  refresh();
}());
