// The pipeline board: drag a card onto another column to move the lead there. The drop sends
// the card's own move form, so the server decides as for any move; one that needs a reason or
// facts the lead lacks answers with the lead's stage form.
document.addEventListener("DOMContentLoaded", function () {
  var dragged = null;

  function formOf(card) {
    return card.querySelector("form.card-move");
  }

  function canMoveTo(card, stage) {
    var form = card && formOf(card);
    return Boolean(form && form.querySelector('option[value="' + stage + '"]'));
  }

  document.querySelectorAll(".board-card[draggable=true]").forEach(function (card) {
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.companyId);
      card.classList.add("dragging");
    });
    card.addEventListener("dragend", function () {
      card.classList.remove("dragging");
      dragged = null;
      document.querySelectorAll(".drop-target").forEach(function (column) {
        column.classList.remove("drop-target");
      });
    });
  });

  document.querySelectorAll(".board-column[data-stage]").forEach(function (column) {
    var stage = column.dataset.stage;
    column.addEventListener("dragover", function (event) {
      if (canMoveTo(dragged, stage)) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        column.classList.add("drop-target");
      }
    });
    column.addEventListener("dragleave", function (event) {
      if (!column.contains(event.relatedTarget)) {
        column.classList.remove("drop-target");
      }
    });
    column.addEventListener("drop", function (event) {
      if (!canMoveTo(dragged, stage)) {
        return;
      }
      event.preventDefault();
      var form = formOf(dragged);
      form.elements.stage.value = stage;
      form.requestSubmit();
    });
  });
});
