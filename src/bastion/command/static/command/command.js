/* "Select all" in a picker group: a checkbox with data-check-all toggles the boxes of its
   <details>. No other script; every page works without it. */
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("input[data-check-all]")) return;
  var group = box.closest("details");
  if (!group) return;
  group.querySelectorAll("input[name=targets]").forEach(function (item) {
    item.checked = box.checked;
  });
});
