// Filters the index as one types: a report stays when every word typed is in its title, its
// headline or its analysis. Nothing is fetched; without this script the whole list shows.
(function () {
  "use strict";
  var form = document.getElementById("filter-form");
  if (!form) { return; }
  var box = document.getElementById("filter");
  var status = document.getElementById("filter-status");
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.analysis"));
  var total = document.querySelectorAll("section.analysis li").length;

  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    sections.forEach(function (section) {
      var analysis = section.querySelector("h2").textContent.toLowerCase();
      var visible = 0;
      section.querySelectorAll("li").forEach(function (item) {
        var text = analysis + " " + item.textContent.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        item.hidden = !match;
        visible += match ? 1 : 0;
      });
      section.hidden = visible === 0;
      shown += visible;
    });
    status.textContent = shown + " of " + total + " reports shown";
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  box.addEventListener("input", apply);
  apply();
})();
