// Quick exit: leave for a neutral site and replace this page in the history, so that the
// Back button does not return here. Also on the Escape key.
(function () {
  function leave(event) {
    var link = document.getElementById("quick-exit");
    if (!link) return;
    if (event) event.preventDefault();
    document.body.style.display = "none";
    window.location.replace(link.href);
  }
  document.addEventListener("click", function (e) {
    if (e.target && e.target.id === "quick-exit") leave(e);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") leave(e);
  });
})();
