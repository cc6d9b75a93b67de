// The readiness charts, drawn from the JSON the page embeds (#chart-data; no inline script).
//
// Skills: a radar of required against current level on wide screens; under 600 px a
// horizontal bar per skill instead (a radar's labels do not fit a phone). The choice follows
// the window: it is redrawn when the width crosses 600 px, and when the colour scheme changes
// (system preference or the site's switch on <html data-theme>), with the colours read from
// the design's custom properties. History: readiness in % by day. The page's tables carry the
// same figures, so nothing here is the only way to read them.
(function () {
  "use strict";
  const source = document.getElementById("chart-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const text = data.text || {};
  const bands = data.bands || {};
  const narrow = window.matchMedia("(max-width: 599px)");
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const charts = {};

  function cssVar(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function palette() {
    return {
      ink: cssVar("--ink", "#1f2933"),
      muted: cssVar("--muted", "#4b5563"),
      line: cssVar("--line", "#d9dde3"),
      brand: cssVar("--brand", "#3b2f8f"),
      warn: cssVar("--warn", "#8a3b00"),
    };
  }

  // "#3b2f8f" -> "rgba(59, 47, 143, 0.25)"; any other colour syntax is used as it is.
  function translucent(colour, alpha) {
    let hex = colour.replace("#", "");
    if (!/^[0-9a-f]{3}([0-9a-f]{3})?$/i.test(hex)) return colour;
    if (hex.length === 3) hex = hex.split("").map((c) => c + c).join("");
    const n = parseInt(hex, 16);
    return "rgba(" + (n >> 16) + ", " + ((n >> 8) & 255) + ", " + (n & 255) + ", " + alpha + ")";
  }

  // A long skill name on several short lines, so that labels fit beside the plot.
  function wrap(label, width) {
    const lines = [];
    let current = "";
    label.split(" ").forEach((word) => {
      if (current && (current + " " + word).length > width) {
        lines.push(current);
        current = word;
      } else {
        current = current ? current + " " + word : word;
      }
    });
    if (current) lines.push(current);
    return lines;
  }

  function bandName(value) {
    return bands[String(value)] || "";
  }

  function levelTooltip(context) {
    const value = context.parsed.r !== undefined ? context.parsed.r : context.parsed.x;
    const name = bandName(Math.floor(value));
    return context.dataset.label + ": " + value + (name ? " · " + name : "");
  }

  function skillsChart(colours) {
    const canvas = document.getElementById("radar-chart");
    if (!canvas) return;
    const box = canvas.parentElement;
    const small = narrow.matches;
    const required = {
      label: text.required || "Required",
      data: data.required,
      borderColor: colours.warn,
      backgroundColor: translucent(colours.warn, small ? 0.55 : 0.12),
      borderWidth: small ? 1 : 2,
    };
    const current = {
      label: text.current || "You",
      data: data.current,
      borderColor: colours.brand,
      backgroundColor: translucent(colours.brand, small ? 0.85 : 0.25),
      borderWidth: small ? 1 : 2,
    };
    const common = {
      animation: false,
      responsive: true,
      plugins: {
        legend: { labels: { color: colours.ink } },
        tooltip: { callbacks: { label: levelTooltip } },
      },
    };
    box.classList.toggle("chart-bars", small);
    box.classList.toggle("chart-radar", !small);
    canvas.dataset.kind = small ? "bar" : "radar";
    if (small) {
      // Each skill gets a row tall enough for its wrapped name.
      const labels = data.labels.map((label) => wrap(label, 16));
      const rows = labels.reduce((sum, lines) => sum + Math.max(lines.length, 2), 0);
      box.style.height = rows * 16 + labels.length * 12 + 90 + "px";
      charts.skills = new Chart(canvas, {
        type: "bar",
        data: { labels: labels, datasets: [required, current] },
        options: Object.assign(common, {
          indexAxis: "y",
          maintainAspectRatio: false,
          scales: {
            x: {
              min: 0,
              max: 5,
              ticks: { stepSize: 1, color: colours.muted, autoSkip: false, font: { size: 10 },
                callback: (value) => (value > 0 ? [String(value), bandName(value)] : "0") },
              grid: { color: colours.line },
              title: { display: true, text: text.level || "Level", color: colours.muted },
            },
            y: { ticks: { color: colours.ink, autoSkip: false, font: { size: 11 } }, grid: { display: false } },
          },
        }),
      });
    } else {
      box.style.height = "";
      charts.skills = new Chart(canvas, {
        type: "radar",
        data: { labels: data.labels.map((label) => wrap(label, 22)), datasets: [required, current] },
        options: Object.assign(common, {
          maintainAspectRatio: true,
          aspectRatio: 1.15,
          scales: {
            r: {
              min: 0,
              max: 5,
              ticks: { stepSize: 1, color: colours.muted, backdropColor: "transparent",
                callback: (value) => (value > 0 ? value + " " + bandName(value) : "") },
              pointLabels: { color: colours.ink, font: { size: 11 } },
              grid: { color: colours.line },
              angleLines: { color: colours.line },
            },
          },
        }),
      });
    }
  }

  function historyChart(colours) {
    const canvas = document.getElementById("history-chart");
    if (!canvas) return;
    charts.history = new Chart(canvas, {
      type: "line",
      data: {
        labels: data.day_labels,
        datasets: [{
          label: text.score || "Score",
          data: data.scores,
          borderColor: colours.brand,
          backgroundColor: colours.brand,
          tension: 0.2,
          pointRadius: data.scores.length > 40 ? 0 : 3,
        }],
      },
      options: {
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (context) => context.parsed.y + "%" } },
        },
        scales: {
          y: {
            min: 0,
            max: 100,
            ticks: { stepSize: 25, color: colours.muted, callback: (value) => value + "%" },
            grid: { color: colours.line },
            title: { display: true, text: text.readiness || "Readiness", color: colours.muted },
          },
          x: {
            ticks: { color: colours.muted, autoSkip: true, maxRotation: 0, maxTicksLimit: narrow.matches ? 4 : 8 },
            grid: { display: false },
          },
        },
      },
    });
  }

  function draw() {
    Object.keys(charts).forEach((key) => {
      charts[key].destroy();
      delete charts[key];
    });
    const colours = palette();
    skillsChart(colours);
    historyChart(colours);
  }

  draw();
  narrow.addEventListener("change", draw);
  dark.addEventListener("change", draw);
  new MutationObserver(draw).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["data-theme"],
  });
})();
