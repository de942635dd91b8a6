"use strict";
// tsplot --html: draws the embedded, already downsampled series on a canvas,
// with hover read-out, drag-to-zoom on the time axis, a legend that toggles
// series, and the report's steps marked. No network, no library.
(function () {
  var D = JSON.parse(document.getElementById("tsplot-data").textContent);
  var COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];
  var cv = document.getElementById("chart"), ctx = cv.getContext("2d");
  var readout = document.getElementById("readout"), legend = document.getElementById("legend");
  var hidden = D.series.map(function () { return false; });
  var full = [D.t0, D.t1], view = full.slice(), drag = null, hover = null;
  var M = { l: 70, r: 20, t: 16, b: 34 };

  document.getElementById("title").textContent = D.title;
  document.title = D.title;

  // Offsets (seconds east of UTC) in force from each time on, as tsplot's
  // zone had them, so labels match the terminal chart and the SVG.
  function offsetAt(t) {
    var o = D.offsets[0][1];
    for (var i = 0; i < D.offsets.length && D.offsets[i][0] <= t; i++) o = D.offsets[i][1];
    return o;
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function civil(t) { return new Date(Math.floor((t + offsetAt(t)) * 1000)); }
  function fmtTime(t, step) {
    // Past what a Date holds (8.64e15 ms), a time is only a number.
    if (!D.time || !(Math.abs(t) < 8.6e12)) return fmtNum(t);
    var d = civil(t);
    var hm = pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
    var date = d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
    if (step === undefined) return date + " " + hm + ":" + pad(d.getUTCSeconds());
    if (step >= 86400) return date;
    if (step >= 60) return (view[1] - view[0] > 86400 ? date.slice(5) + " " : "") + hm;
    return hm + ":" + pad(d.getUTCSeconds());
  }
  // v among ticks step apart: the digits that tell them apart, as the
  // terminal chart and the SVG label them (chart/ticks.rs: label).
  function tickLabel(v, step) {
    if (v === 0 || !isFinite(v)) return v === 0 ? "0" : String(v);
    if (!(step > 0) || !isFinite(step)) step = Math.abs(v);
    var se = Math.floor(Math.log10(step) + 1e-9), a = Math.abs(v), s;
    if (a >= 1e-4 && a < 1e15) {
      s = v.toFixed(Math.min(Math.max(-se, 0), 19));
      if (s.indexOf(".") >= 0) s = s.replace(/0+$/, "").replace(/\.$/, "");
      return s === "-0" ? "0" : s;
    }
    s = v.toExponential(Math.min(Math.max(Math.floor(Math.log10(a)) - se, 0), 16)).split("e");
    var m = s[0].indexOf(".") >= 0 ? s[0].replace(/0+$/, "").replace(/\.$/, "") : s[0];
    return m + "e" + s[1].replace(/^\+/, "");
  }
  // A read-out (chart/ticks.rs: value_label): whole numbers in full, others
  // to 12 significant digits, past 1e15 or below 1e-4 every digit there is.
  function fmtNum(v) {
    if (v === null || v === undefined) return "–";
    var a = Math.abs(v);
    if (v === 0 || !isFinite(v)) return tickLabel(v, 1);
    if (!(a >= 1e-4 && a < 1e15)) return v.toExponential().replace("e+", "e");
    if (Math.floor(v) === v) return v.toFixed(0);
    return tickLabel(v, Math.pow(10, Math.floor(Math.log10(a)) - 11));
  }
  function niceStep(raw) {
    if (!(raw > 0) || !isFinite(raw)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(raw))), ms = [1, 2, 5, 10];
    for (var i = 0; i < ms.length; i++) if (isFinite(ms[i] * p) && ms[i] * p >= raw * (1 - 1e-12)) return ms[i] * p;
    return p;
  }
  // Round ticks over lo..hi, at most about n, whole ones for whole data:
  // from an integer index (adding steps stalls at 1e17 + 2), never finer
  // than the values' precision, at most 1000 (chart/ticks.rs: values).
  function valueTicks(lo, hi, n, integral) {
    if (!(isFinite(lo) && isFinite(hi)) || hi <= lo) return { step: Math.abs(lo) || 1, values: [lo] };
    n = Math.min(Math.max(n, 1), 1000);
    var half = hi * 0.5 - lo * 0.5, step = niceStep(half / n / 1.25);
    var finest = Math.max(Math.abs(lo), Math.abs(hi)) * 1e-15;
    if (integral) finest = Math.max(finest, 1);
    if (step < finest) step = niceStep(finest);
    for (var k = 0; k < 64 && Math.floor(hi / step) - Math.ceil(lo / step) > n; k++) step = niceStep(step * 1.5);
    var first = Math.ceil(lo / step - 1e-9), last = Math.floor(hi / step + 1e-9), out = [];
    if (!(step > 0) || !isFinite(last - first) || last - first > 1000) return { step: half, values: [lo, hi] };
    for (var i = first; i <= last; i++) out.push(Math.abs(i * step) < step * 1e-9 ? 0 : i * step);
    return { step: step, values: out };
  }
  var TSTEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000, 7776000, 31536000];
  function timeStep(span, n) {
    var raw = span / Math.max(n, 1);
    for (var i = 0; i < TSTEPS.length; i++) if (TSTEPS[i] >= raw) return TSTEPS[i];
    return niceStep(raw);
  }

  // Points of series s inside the view, each [t, min, max, first, last] or
  // null (a gap).
  function visible(s) {
    var pts = D.series[s].points, out = [];
    for (var i = 0; i < pts.length; i++) {
      var p = pts[i];
      if (p === null) { out.push(null); continue; }
      if (p[0] >= view[0] && p[0] <= view[1]) out.push(p);
    }
    return out;
  }
  function yRange() {
    var lo = Infinity, hi = -Infinity;
    D.series.forEach(function (_, s) {
      if (hidden[s]) return;
      visible(s).forEach(function (p) { if (p) { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[2]); } });
    });
    if (!isFinite(lo)) { lo = D.y0; hi = D.y1; }
    if (D.ymin !== null) lo = D.ymin;
    if (D.ymax !== null) hi = D.ymax;
    // A limit past the data leaves the view empty there (as chart/model.rs).
    var margin = function (v) { return Math.max(Math.abs(v) * 0.05, 1); };
    if (hi <= lo) {
      if (D.ymin !== null && D.ymax === null) hi = lo + margin(lo);
      else if (D.ymax !== null && D.ymin === null) lo = hi - margin(hi);
      else { var d = margin(lo); lo -= d; hi += d; }
    }
    lo = Math.max(lo, -Number.MAX_VALUE); hi = Math.min(hi, Number.MAX_VALUE);
    if (hi <= lo) { lo = D.y0; hi = D.y1; }
    // In halves: the span of -1e308..1e308 overflows.
    var pad = (hi * 0.5 - lo * 0.5) * 0.08;
    lo = D.ymin !== null ? lo : Math.max(lo - pad, -Number.MAX_VALUE);
    hi = D.ymax !== null ? hi : Math.min(hi + pad, Number.MAX_VALUE);
    return [lo, hi];
  }

  var W, H, yr;
  // What the last frame drew, for the self-test: the value axis labels and
  // how many pieces each series' line was drawn in.
  var drawnTicks = [], drawnPieces = [];
  // Where v falls from lo (0) to hi (1), finite for any finite input:
  // quartered first, which is exact, so no difference overflows.
  function unit(v, lo, hi) {
    var r = (v * 0.25 - lo * 0.25) / (hi * 0.25 - lo * 0.25);
    return r !== r ? 0.5 : Math.max(-1e9, Math.min(1e9, r));
  }
  function X(t) { return M.l + unit(t, view[0], view[1]) * (W - M.l - M.r); }
  function T(x) { var f = (x - M.l) / (W - M.l - M.r); return view[0] * (1 - f) + view[1] * f; }
  function Y(v) { return H - M.b - unit(v, yr[0], yr[1]) * (H - M.t - M.b); }

  function draw() {
    var dpr = window.devicePixelRatio || 1;
    W = cv.clientWidth; H = cv.clientHeight;
    cv.width = W * dpr; cv.height = H * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    yr = yRange();
    ctx.font = "12px sans-serif";
    ctx.lineWidth = 1;
    // grid and ticks
    ctx.strokeStyle = "#e4e4e4"; ctx.fillStyle = "#444";
    var yt = valueTicks(yr[0], yr[1], Math.max(2, Math.floor((H - M.t - M.b) / 50)), D.integral);
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    drawnTicks = yt.values.map(function (v) { return tickLabel(v, yt.step); });
    yt.values.forEach(function (v, i) {
      ctx.beginPath(); ctx.moveTo(M.l, Y(v)); ctx.lineTo(W - M.r, Y(v)); ctx.stroke();
      ctx.fillText(drawnTicks[i], M.l - 6, Y(v));
    });
    var n = Math.max(2, Math.floor((W - M.l - M.r) / 110)), span = (view[1] * 0.5 - view[0] * 0.5) * 2 || 1;
    var ts = D.time ? timeStep(span, n) : valueTicks(view[0], view[1], n, true).step;
    // Never finer than the times' precision: every tick is a new one.
    ts = Math.max(ts, niceStep(Math.max(Math.abs(view[0]), Math.abs(view[1])) * 1e-15));
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    // time ticks fall on round local times; counted, so the loop ends
    var o = D.time ? offsetAt(view[0]) : 0, t0i = Math.ceil((view[0] + o) / ts);
    for (var k = 0, t = t0i * ts - o; k <= 2 * n + 2 && t <= view[1]; k++, t = (t0i + k) * ts - o) {
      ctx.beginPath(); ctx.moveTo(X(t), M.t); ctx.lineTo(X(t), H - M.b); ctx.stroke();
      var label = D.time ? fmtTime(t, ts) : tickLabel(t, ts), half = ctx.measureText(label).width / 2;
      // Labels near the edges are pulled inside the canvas.
      ctx.fillText(label, Math.min(Math.max(X(t), half + 2), W - half - 2), H - M.b + 6);
    }
    ctx.strokeStyle = "#888";
    ctx.strokeRect(M.l, M.t, W - M.l - M.r, H - M.t - M.b);
    if (D.ylabel) {
      ctx.save(); ctx.translate(14, (H - M.b + M.t) / 2); ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "center"; ctx.fillText(D.ylabel, 0, 0); ctx.restore();
    }
    // series: every bucket's first, extreme values and last in time order,
    // so spikes show at any zoom
    ctx.save();
    ctx.beginPath(); ctx.rect(M.l, M.t, W - M.l - M.r, H - M.t - M.b); ctx.clip();
    D.series.forEach(function (s, i) {
      if (hidden[i]) return;
      ctx.strokeStyle = COLORS[i % COLORS.length]; ctx.lineWidth = 1.5;
      ctx.beginPath();
      var pen = false;
      drawnPieces[i] = 0;
      visible(i).forEach(function (p) {
        if (p === null) { pen = false; return; }
        var x = X(p[0]);
        var seq = p[3] <= p[4] ? [p[3], p[1], p[2], p[4]] : [p[3], p[2], p[1], p[4]];
        seq.forEach(function (v) {
          if (pen) ctx.lineTo(x, Y(v)); else { ctx.moveTo(x, Y(v)); pen = true; drawnPieces[i]++; }
        });
      });
      ctx.stroke();
    });
    // steps from --report
    D.marks.forEach(function (m) {
      if (hidden[m.series] || m.time < view[0] || m.time > view[1]) return;
      ctx.strokeStyle = COLORS[m.series % COLORS.length]; ctx.setLineDash([4, 3]); ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(X(m.time), M.t); ctx.lineTo(X(m.time), H - M.b); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.beginPath(); ctx.arc(X(m.time), Y(m.after), 3.5, 0, 7); ctx.fill();
    });
    if (drag && drag.x1 !== undefined) {
      ctx.fillStyle = "rgba(80,120,200,0.15)";
      ctx.fillRect(Math.min(drag.x0, drag.x1), M.t, Math.abs(drag.x1 - drag.x0), H - M.t - M.b);
    }
    if (hover !== null) {
      ctx.strokeStyle = "#555"; ctx.beginPath(); ctx.moveTo(hover, M.t); ctx.lineTo(hover, H - M.b); ctx.stroke();
    }
    ctx.restore();
  }

  // The bucket of series s nearest to time t, or null.
  function nearest(s, t) {
    var pts = D.series[s].points, best = null, bd = Infinity;
    for (var i = 0; i < pts.length; i++) {
      var p = pts[i];
      if (p && Math.abs(p[0] - t) < bd) { bd = Math.abs(p[0] - t); best = p; }
    }
    return best;
  }
  function showReadout(x) {
    var t = T(x), rows = [fmtTime(t)];
    D.series.forEach(function (s, i) {
      if (hidden[i]) return;
      var p = nearest(i, t);
      if (!p) return;
      var v = p[1] === p[2] ? fmtNum(p[4]) : fmtNum(p[1]) + "…" + fmtNum(p[2]);
      rows.push(s.name + ": " + v);
    });
    D.marks.forEach(function (m) {
      if (!hidden[m.series] && Math.abs(X(m.time) - x) < 5)
        rows.push("step " + D.series[m.series].name + ": " + fmtNum(m.before) + " → " + fmtNum(m.after) + " at " + fmtTime(m.time));
    });
    readout.textContent = rows.join("\n");
    readout.style.display = "block";
    readout.style.left = Math.min(x + 14, W - 220) + "px";
    readout.style.top = (M.t + 8) + "px";
  }

  function pos(e) { var r = cv.getBoundingClientRect(); return e.clientX - r.left; }
  cv.addEventListener("mousedown", function (e) { drag = { x0: pos(e) }; });
  cv.addEventListener("mousemove", function (e) {
    var x = pos(e);
    if (drag) drag.x1 = x;
    if (x >= M.l && x <= W - M.r) { hover = x; showReadout(x); } else { hover = null; readout.style.display = "none"; }
    draw();
  });
  cv.addEventListener("mouseleave", function () { hover = null; readout.style.display = "none"; draw(); });
  window.addEventListener("mouseup", function () {
    if (drag && drag.x1 !== undefined && Math.abs(drag.x1 - drag.x0) > 4) {
      var a = T(Math.min(drag.x0, drag.x1)), b = T(Math.max(drag.x0, drag.x1));
      view = [Math.max(a, full[0]), Math.min(b, full[1])];
    }
    drag = null; draw();
  });
  function reset() { view = full.slice(); draw(); }
  cv.addEventListener("dblclick", reset);
  document.getElementById("reset").addEventListener("click", reset);

  D.series.forEach(function (s, i) {
    var item = document.createElement("button");
    item.className = "item";
    var sw = document.createElement("span");
    sw.className = "swatch"; sw.style.background = COLORS[i % COLORS.length];
    item.appendChild(sw);
    item.appendChild(document.createTextNode(s.name));
    item.addEventListener("click", function () {
      hidden[i] = !hidden[i];
      item.classList.toggle("off", hidden[i]);
      draw();
    });
    legend.appendChild(item);
  });
  window.addEventListener("resize", draw);
  draw();

  // `page.html#selftest`: drive the page the way a user would and write what
  // it showed into the DOM, for the headless-browser test.
  if (location.hash === "#selftest") {
    var r = cv.getBoundingClientRect(), x = r.left + (M.l + W - M.r) / 2, y = r.top + H / 2;
    cv.dispatchEvent(new MouseEvent("mousemove", { clientX: x, clientY: y, bubbles: true }));
    var hovered = readout.textContent;
    cv.dispatchEvent(new MouseEvent("mousedown", { clientX: x - 40, clientY: y, bubbles: true }));
    cv.dispatchEvent(new MouseEvent("mousemove", { clientX: x + 40, clientY: y, bubbles: true }));
    window.dispatchEvent(new MouseEvent("mouseup", { clientX: x + 40, clientY: y, bubbles: true }));
    var zoomed = view[1] - view[0] < full[1] - full[0];
    reset();
    var first = legend.querySelector("button");
    if (first) first.click();
    var toggled = hidden[0] === true;
    if (first) first.click();
    var out = document.createElement("pre");
    out.id = "selftest";
    out.textContent = JSON.stringify({
      series: D.series.length, legend: legend.children.length, marks: D.marks.length,
      hover: hovered, zoomed: zoomed, toggled: toggled, yticks: drawnTicks, pieces: drawnPieces,
      errors: window.__tsplotErrors
    });
    document.body.appendChild(out);
  }
})();
