// Draws the browse page's charts: each element's data-figure holds a Plotly figure
// (JSON made on the server); a choice in the facets form shows it at once.
"use strict";
document.querySelectorAll(".chart[data-figure]").forEach((element) => {
  const figure = JSON.parse(element.dataset.figure);
  Plotly.newPlot(element, figure.data, figure.layout, {responsive: true, displaylogo: false});
});
document.querySelectorAll("#facets select").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
