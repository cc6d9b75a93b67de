// Draws the readiness charts from the JSON the page embeds (no inline script).
(function () {
  const source = document.getElementById("chart-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const brand = "#3b2f8f";
  const radar = document.getElementById("radar-chart");
  if (radar) {
    new Chart(radar, {
      type: "radar",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Required", data: data.required, borderColor: "#8a3b00", backgroundColor: "rgba(138,59,0,0.12)" },
          { label: "You", data: data.current, borderColor: brand, backgroundColor: "rgba(59,47,143,0.25)" },
        ],
      },
      options: { scales: { r: { min: 0, max: 5, ticks: { stepSize: 1 } } }, animation: false },
    });
  }
  const history = document.getElementById("history-chart");
  if (history) {
    new Chart(history, {
      type: "line",
      data: { labels: data.days, datasets: [{ label: "Score", data: data.scores, borderColor: brand, tension: 0.2 }] },
      options: { scales: { y: { min: 0, max: 100 } }, animation: false },
    });
  }
})();
