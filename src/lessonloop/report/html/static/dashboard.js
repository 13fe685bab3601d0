/* lessonloop's charts and tables, drawn in the browser from the JSON the server gives
   (/api/dashboard, /api/replay, /api/lessons/ID) or the report holds inline
   (<script type="application/json" id="...-data">). Needs Chart.js (vendor/chart.umd.min.js).
   Every text is put in the page as text (textContent), never as markup. */
(function () {
  "use strict";
  var PALETTE = ["#2457a6", "#b3261e", "#1f7a3a", "#9a6700", "#6a3d9a", "#00838f", "#c2185b", "#5d4037", "#546e7a", "#ef6c00"];
  var drawn = 0;

  function color(i) { return PALETTE[i % PALETTE.length]; }

  function markDrawn(canvas, points) {
    canvas.dataset.points = String(points);
    drawn += 1;
    document.body.dataset.chartsDrawn = String(drawn);
  }

  function empty(canvas, text) {
    var box = canvas.parentElement;
    var p = document.createElement("p");
    p.className = "muted";
    p.textContent = text;
    box.replaceWith(p);
    p.dataset.emptyChart = canvas.id;
  }

  function chart(id, config, points, emptyText) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    if (!points) { empty(canvas, emptyText || "Nothing recorded yet."); return; }
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    new Chart(canvas, config);
    markDrawn(canvas, points);
  }

  function timeAxis(days) {
    /* Every day from the first to the last (a gap is as wide as it was), or every month when the
       days span more than a year; one axis can be shared by charts meant to be compared. */
    var known = days.filter(function (d) { return typeof d === "string" && /^\d{4}-\d\d-\d\d/.test(d); }).sort();
    if (!known.length) { return { labels: [], monthly: false }; }
    var first = Date.parse(known[0].slice(0, 10) + "T00:00:00Z"), last = Date.parse(known[known.length - 1].slice(0, 10) + "T00:00:00Z");
    var labels = [], monthly = (last - first) / 86400000 > 366;
    if (monthly) {
      var y = +known[0].slice(0, 4), m = +known[0].slice(5, 7), end = known[known.length - 1].slice(0, 7);
      for (;;) {
        var label = y + "-" + (m < 10 ? "0" : "") + m;
        labels.push(label);
        if (label >= end) { break; }
        m += 1; if (m > 12) { m = 1; y += 1; }
      }
    } else {
      for (var t = first; t <= last; t += 86400000) { labels.push(new Date(t).toISOString().slice(0, 10)); }
    }
    return { labels: labels, monthly: monthly };
  }

  function axisOf() {
    /* the time axis of several row lists, each [rows, key] */
    var days = [];
    Array.prototype.forEach.call(arguments, function (pair) { pair[0].forEach(function (r) { days.push(r[pair[1]]); }); });
    return timeAxis(days);
  }

  function pivot(rows, key, series, value, limit, axis) {
    /* rows -> {labels: the time axis, datasets: one per series (the `limit` largest, the rest as "other")} */
    var totals = {}, cells = {};
    axis = axis || axisOf([rows, key]);
    function bucket(day) { return axis.monthly ? String(day).slice(0, 7) : String(day).slice(0, 10); }
    rows.forEach(function (r) {
      var name = r[series];
      totals[name] = (totals[name] || 0) + r[value];
    });
    var names = Object.keys(totals).sort(function (a, b) { return totals[b] - totals[a] || (a < b ? -1 : 1); });
    var kept = names.slice(0, limit), other = names.length > limit;
    rows.forEach(function (r) {
      var name = kept.indexOf(r[series]) >= 0 ? r[series] : "other";
      var k = name + "\u0000" + bucket(r[key]);
      cells[k] = (cells[k] || 0) + r[value];
    });
    var all = other ? kept.concat(["other"]) : kept;
    var datasets = all.map(function (name, i) {
      return { label: name, backgroundColor: color(i), borderColor: color(i),
               data: axis.labels.map(function (d) { return cells[name + "\u0000" + d] || 0; }) };
    });
    return { labels: axis.labels, datasets: datasets };
  }

  function stacked(id, rows, key, series, value, limit, emptyText, axis) {
    var data = pivot(rows, key, series, value, limit, axis);
    var points = rows.filter(function (r) { return r[value] > 0; }).length;
    chart(id, { type: "bar", data: data,
                options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } }, points, emptyText);
    var canvas = document.getElementById(id);
    if (canvas && data.labels.length) { canvas.dataset.axis = data.labels[0] + "/" + data.labels[data.labels.length - 1] + "/" + data.labels.length; }
    periodWords(canvas, axis || axisOf([rows, key]));
  }

  function periodWords(canvas, axis) {
    /* A chart summed by month (over a year of days) says "per month" in its title, not "per day". */
    if (!canvas || !axis.monthly) { return; }
    var card = canvas.closest(".card"), title = card && card.querySelector("h3");
    if (title) { title.textContent = title.textContent.replace("per day", "per month"); }
    canvas.setAttribute("aria-label", (canvas.getAttribute("aria-label") || "").replace("per day", "per month"));
    canvas.dataset.period = "month";
  }

  function cut(text, n) { text = String(text || ""); return text.length > n ? text.slice(0, n - 1) + "\u2026" : text; }

  function pieces(text, width) {
    /* The places a label may break: between words, and after each "/" or "-" of a word longer
       than a line (a path, a hyphenated name). [piece, glue before it]. */
    var out = [];
    String(text || "").split(/\s+/).filter(Boolean).forEach(function (word) {
      if (word.length <= width) { out.push([word, " "]); return; }
      var start = 0;
      for (var i = 0; i < word.length; i += 1) {
        if ((word.charAt(i) === "/" || word.charAt(i) === "-") && i > start && i + 1 < word.length) { out.push([word.slice(start, i + 1), start ? "" : " "]); start = i + 1; }
      }
      out.push([word.slice(start), start ? "" : " "]);
    });
    return out;
  }

  function wrapLabel(text, width, maxLines) {
    /* A label as lines of about `width` characters, broken between words (or after a long
       word's "/" or "-"), never inside one; past `maxLines` the last line ends in an ellipsis,
       still after a whole word. A piece longer than a line keeps a line of its own, whole up to
       twice the width (only a longer one, with no place to break, is cut). */
    var lines = [], line = "";
    pieces(text, width).forEach(function (p) {
      if (!line) { line = p[0]; } else if (line.length + p[1].length + p[0].length <= width) { line += p[1] + p[0]; } else { lines.push(line); line = p[0]; }
    });
    if (line) { lines.push(line); }
    lines = lines.map(function (l) { return cut(l, 2 * width); });
    if (lines.length > maxLines) { lines = lines.slice(0, maxLines); lines[maxLines - 1] += " \u2026"; }
    return lines;
  }

  function table(id, columns, rows) {
    var holder = document.getElementById(id);
    if (!holder) { return; }
    if (!rows.length) { var p = document.createElement("p"); p.className = "muted"; p.textContent = "Nothing recorded yet."; holder.appendChild(p); return; }
    var t = document.createElement("table"), head = t.createTHead().insertRow();
    columns.forEach(function (c) { var th = document.createElement("th"); th.textContent = c[0]; if (c[2]) { th.className = "num"; } head.appendChild(th); });
    var body = t.createTBody();
    rows.forEach(function (r) {
      var tr = body.insertRow();
      columns.forEach(function (c) { var td = tr.insertCell(); td.textContent = c[1](r); if (c[2]) { td.className = "num"; } });
    });
    holder.appendChild(t);
    holder.dataset.rows = String(rows.length);
  }

  function pct(v) { return v === null || v === undefined ? "-" : (v * 100).toFixed(1) + "%"; }
  function num(v) { return v === null || v === undefined ? "-" : String(v); }
  function pval(v) {  /* a p-value in scientific notation when small: 2.85e-31, never a rounded 0 */
    if (v === null || v === undefined) { return "-"; }
    return v !== 0 && v < 0.001 ? v.toExponential(2) : String(Number(v.toPrecision(3)));
  }
  function measured(a) {  /* a habit seen in sessions with it and in sessions without it */
    var w = a.table.with_habit, o = a.table.without_habit;
    return w.bad + w.good > 0 && o.bad + o.good > 0;
  }

  function drawDashboard(d) {
    var errorsAxis = axisOf([d.errors_by_class, "day"], [d.errors_by_tool, "day"]);  /* one axis: compared */
    stacked("chart-errors-class", d.errors_by_class, "day", "class", "errors", 8, "No classified tool errors.", errorsAxis);
    stacked("chart-errors-tool", d.errors_by_tool, "day", "tool", "errors", 8, "No failed tool calls.", errorsAxis);
    drawMistakes(d.top_mistakes.filter(function (m) { return m.failed_sessions > 0; }));
    drawHabits(d.habits);
    drawPrevention(d.prevention);
    sampleNote(d.sample);
    var tokensAxis = axisOf([d.tokens, "day"]);
    stacked("chart-tokens-model", d.tokens, "day", "model", "output", 8, "No token usage recorded.", tokensAxis);
    var byAgent = d.tokens.map(function (r) { return { day: r.day, agent: r.agent, tokens: r.input + r.output + r.cache_creation + r.cache_read }; });
    stacked("chart-tokens-agent", byAgent, "day", "agent", "tokens", 8, "No token usage recorded.", tokensAxis);
    var priced = d.tokens.filter(function (r) { return r.cost_usd !== null; })
      .map(function (r) { return { day: r.day, model: r.model, cost: r.cost_usd }; });
    stacked("chart-cost-model", priced, "day", "model", "cost", 8, "No priced token usage recorded.", tokensAxis);
    var unpriced = {};  /* a model with no known price is named, never drawn as $0 */
    d.tokens.forEach(function (r) { if (r.unpriced_calls) { unpriced[r.model] = (unpriced[r.model] || 0) + r.unpriced_calls; } });
    var note = document.getElementById("cost-note"), names = Object.keys(unpriced).sort();
    if (note) { note.textContent = names.length ? "Cost unknown (no price known) for " + names.map(function (m) { return m + " (" + unpriced[m] + " calls)"; }).join(", ") + ": not in the chart." : ""; }
    drawRuns(d.runs);
  }

  function drawMistakes(top) {
    /* One bar pair per lesson, each labelled in full words on up to three lines (the whole title
       in the tooltip); the box grows with the lines, so that every label has room. */
    var canvas = document.getElementById("chart-mistakes");
    if (!canvas) { return; }
    var box = canvas.parentElement, width = Math.max(18, Math.min(44, Math.floor((box.clientWidth || 600) / 2 / 7)));
    var full = top.map(function (m) { return "#" + m.id + " " + String(m.title || ""); });
    var labels = full.map(function (text) { return wrapLabel(text, width, 3); });
    var lines = labels.reduce(function (n, l) { return n + l.length; }, 0);
    if (top.length) { box.style.height = Math.max(260, lines * 15 + top.length * 12 + 70) + "px"; }
    canvas.dataset.labelWidth = String(width);
    chart("chart-mistakes", { type: "bar", data: {
      labels: labels,
      datasets: [{ label: "sessions where it failed", backgroundColor: color(1), data: top.map(function (m) { return m.failed_sessions; }) },
                 { label: "observations", backgroundColor: color(0), data: top.map(function (m) { return m.observations; }) }] },
      options: { indexAxis: "y", scales: { y: { ticks: { autoSkip: false } } },
                 plugins: { tooltip: { callbacks: { title: function (items) {
                   return items.length ? wrapLabel(full[items[0].dataIndex], 60, 1000) : ""; } } } } } },
      top.length, "No repeated mistakes learned yet.");
  }

  var HABIT_COLUMNS = [
    ["habit", function (a) { return a.habit; }], ["outcome", function (a) { return a.outcome; }],
    ["with: bad/all", function (a) { var w = a.table.with_habit; return w.bad + "/" + (w.bad + w.good); }, true],
    ["rate with", function (a) { return pct(a.rate_with_habit); }, true],
    ["rate without", function (a) { return pct(a.rate_without_habit); }, true],
    ["odds ratio", function (a) { return num(a.odds_ratio); }, true],
    ["p (exact)", function (a) { return pval(a.p_value); }, true],
    ["significant", function (a) { return a.significant ? "yes" : ""; }]
  ];

  function drawHabits(habits) {
    /* The significant habits (p < 0.05) up front; with none, one sentence says so and the
       section goes below the others. Every habit tested, in a closed <details>. */
    var rows = habits.associations.filter(measured).sort(function (a, b) {  /* the strongest evidence first */
      var pa = a.p_value === null ? 2 : a.p_value, pb = b.p_value === null ? 2 : b.p_value;
      return pa - pb || (a.habit < b.habit ? -1 : 1);
    });
    var significant = rows.filter(function (a) { return a.significant; });
    var section = document.getElementById("section-habits"), summary = document.getElementById("habits-summary");
    var tested = rows.length + " habit and outcome pairs tested over " + habits.sessions + " sessions";
    if (significant.length) {
      if (summary) { summary.textContent = significant.length + " significant at p < 0.05 (" + tested + "):"; }
      table("table-habits-significant", HABIT_COLUMNS, significant);
    } else {
      if (summary) { summary.textContent = rows.length ? "No habit is significantly linked to failures yet (" + tested + ", none at p < 0.05)." : "No habit measured yet: each needs sessions with it and sessions without it."; }
      if (section && section.parentElement) { section.parentElement.appendChild(section); section.dataset.placement = "last"; }
    }
    var all = document.getElementById("habits-all");
    if (all) { all.querySelector("summary").textContent = "Every habit tested (" + rows.length + ")"; }
    table("table-habits", HABIT_COLUMNS, rows);
  }

  var PREVENTION_COLUMNS = [
    ["lesson", function (l) { return "#" + l.lesson_id + " " + cut(l.title, 90); }],
    ["stopped", function (l) { return String(l.stops); }, true],
    ["then worked", function (l) { return String(l.worked_after_stop); }, true],
    ["sent again: worked", function (l) { return String(l.resent_worked); }, true],
    ["sent again: failed", function (l) { return String(l.resent_failed); }, true],
    ["repeat rate before", function (l) { return pct(l.repeat_rate_before) + " (" + l.repeat_sessions_before.join("/") + ")"; }, true],
    ["repeat rate after", function (l) { return pct(l.repeat_rate_after) + " (" + l.repeat_sessions_after.join("/") + ")"; }, true]
  ];
  var DECLARED_COLUMNS = [
    ["workflow rule", function (r) { return r.rule; }],
    ["stopped", function (r) { return String(r.stops); }, true],
    ["not sent again", function (r) { return String(r.prevented); }, true],
    ["sent again", function (r) { return String(r.resent); }, true]
  ];

  function drawPrevention(p) {
    /* What the hooks stopped (report/prevention_queries.py): one sentence, the lessons that
       stopped a call or came back, the declared rules' stops. Before any hook: one sentence. */
    var summary = document.getElementById("prevention-summary");
    if (!p) { return; }
    if (!p.hooks_since) {
      if (summary) { summary.textContent = "No hook has decided a call yet: `lessonloop hooks install` lets the lessons stop a mistake before it runs."; }
      return;
    }
    if (summary) {
      summary.textContent = "Since the hooks' first call (" + String(p.hooks_since).slice(0, 10) + "): " + p.stops +
        (p.stops === 1 ? " call" : " calls") + " stopped by a lesson before it ran, " + p.worked_after_stop +
        " changed call(s) then worked, " + p.resent + " sent again unchanged (" + p.resent_worked + " then worked, " +
        p.resent_failed + " failed again). A mistake came back in " + pct(p.repeat_rate_before) +
        " of its later sessions before the hooks, " + pct(p.repeat_rate_after) + " after.";
    }
    table("table-prevention", PREVENTION_COLUMNS, p.lessons);
    if (p.declared.length) { table("table-declared", DECLARED_COLUMNS, p.declared); }
  }

  function sampleNote(sample) {
    /* The bundled sample left out beside real sessions (report/sample_queries.py) is named, once. */
    var note = document.getElementById("sample-note");
    if (!note || !sample || !sample.left_out) { return; }
    var days = sample.first_day ? " (" + sample.first_day + (sample.last_day && sample.last_day !== sample.first_day ? " to " + sample.last_day : "") + ")" : "";
    note.textContent = "The bundled sample's " + sample.sessions + (sample.sessions === 1 ? " session" : " sessions") + days +
      " " + (sample.sessions === 1 ? "is" : "are") + " left out of these dashboards: the store holds real sessions.";
    note.hidden = false;
  }

  function drawRuns(runs) {
    var shown = runs.slice(0, 8), points = 0;
    var datasets = shown.map(function (c, i) {
      points += c.durations.length;
      var odd = {}; c.anomalies.forEach(function (a) { if (a.metric === "duration") { odd[a.run_id] = true; } });
      return { label: cut(c.command, 40), borderColor: color(i), backgroundColor: color(i), showLine: true,
               pointRadius: c.durations.map(function (r) { return odd[r.id] ? 7 : 3; }),
               data: c.durations.map(function (r, n) { return { x: n + 1, y: r.seconds }; }) };
    });
    var most = Math.max.apply(null, [1].concat(shown.map(function (c) { return c.durations.length; })));
    chart("chart-runs", { type: "scatter", data: { datasets: datasets },
      options: { scales: { x: { min: 0, max: most + 1, ticks: { stepSize: 1, precision: 0 },  /* whole runs: never 0.94 to 1.06 */
                                title: { display: true, text: "run of the command" } },
                           y: { beginAtZero: true, title: { display: true, text: "seconds" } } } } },
      points, "No runs of `lessonloop run` recorded.");
    if (!runs.length) { return; }  /* the chart's place already says there are none */
    table("table-runs", [
      ["command", function (c) { return cut(c.command, 80); }], ["runs", function (c) { return c.runs; }, true],
      ["exit reasons", function (c) { return Object.keys(c.reasons).map(function (k) { return k + " " + c.reasons[k]; }).join(", "); }],
      ["anomalies", function (c) { return c.anomalies.map(function (a) { return a.description; }).join("; "); }]
    ], runs);
  }

  function drawReplay(r) {
    var status = document.getElementById("replay-status");
    if (status) { status.textContent = r.evaluated_calls ? ("Replayed " + r.evaluated_calls + " tool calls of " + r.evaluated_sessions + " sessions: recall of repeated usage errors " + pct(r.recall) + ", false alarms " + pct(r.false_alarm_rate) + ".") : "No tool calls to replay."; }
    var days = r.by_day || [];
    var points = days.filter(function (d) { return d.calls > 0; }).length;
    var rows = [];  /* one row per figure, on the time axis the other charts use */
    days.forEach(function (d) {
      rows.push({ day: d.day, figure: "repeated usage errors", n: d.repeated_errors });
      rows.push({ day: d.day, figure: "warned before they happened", n: d.warned_repeated_errors });
      rows.push({ day: d.day, figure: "false alarms", n: d.false_alarms });
    });
    var axis = axisOf([rows, "day"]), data = pivot(rows, "day", "figure", "n", 3, axis);
    var order = ["repeated usage errors", "warned before they happened", "false alarms"];
    data.datasets.sort(function (a, b) { return order.indexOf(a.label) - order.indexOf(b.label); });
    data.datasets.forEach(function (set) { set.backgroundColor = set.borderColor = color(order.indexOf(set.label) + 1); });
    chart("chart-replay", { type: "bar", data: data,
      options: { scales: { y: { beginAtZero: true } } } }, points, "No tool calls to replay.");
    var canvas = document.getElementById("chart-replay");
    if (canvas && axis.labels.length) { canvas.dataset.axis = axis.labels[0] + "/" + axis.labels[axis.labels.length - 1] + "/" + axis.labels.length; }
    periodWords(canvas, axis);
  }

  function drawLesson(d) {
    var curve = d.confidence_curve || [];
    chart("chart-confidence", { type: "line", data: { labels: curve.map(function (p) { return p.day; }), datasets: [
      { label: "confidence (from the evidence)", borderColor: color(0), backgroundColor: color(0), data: curve.map(function (p) { return p.confidence; }) }] },
      options: { scales: { y: { min: 0, max: 1 } } } }, curve.length, "No failing or clean sessions in its evidence to draw a curve from.");
  }

  function inline(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function load(url, draw, failText) {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (res) { if (!res.ok) { throw new Error(res.status + " " + res.statusText); } return res.json(); })
      .then(draw)
      .catch(function (err) {
        var status = document.getElementById("load-status");
        if (status) { status.textContent = failText + ": " + err.message; }
      });
  }

  function boot() {
    if (typeof Chart === "undefined") { return; }
    Chart.defaults.font.size = 12;
    var body = document.body.dataset;
    var d = inline("dashboard-data");
    if (d) { drawDashboard(d); } else if (body.dashboardApi) { load(body.dashboardApi, drawDashboard, "The dashboard could not be loaded"); }
    var r = inline("replay-data");
    if (r) { drawReplay(r); } else if (body.replayApi) { load(body.replayApi, drawReplay, "The replay could not be computed"); }
    var l = inline("lesson-data");
    if (l) { drawLesson(l); } else if (body.lessonApi) { load(body.lessonApi, drawLesson, "The lesson's figures could not be loaded"); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", boot); } else { boot(); }
})();
