// The raid replay: one replication drawn on a canvas, to scale, at the time the slider shows.
// Reads its data from the JSON element #replay-data (inline); makes no request.
(function () {
  "use strict";
  var source = document.getElementById("replay-data");
  var canvas = document.getElementById("replay-canvas");
  if (!source || !canvas) { return; }
  var R = JSON.parse(source.textContent);
  var ctx = canvas.getContext("2d");
  var slider = document.getElementById("replay-time");
  var play = document.getElementById("replay-play");
  var clock = document.getElementById("replay-clock");
  var counts = document.getElementById("replay-counts");
  var legend = document.getElementById("replay-legend");

  var TYPE_COLOURS = ["#e8590c", "#1c7ed6", "#2b8a3e", "#ae3ec9", "#c92a2a", "#0b7285",
                      "#f08c00", "#5c940d", "#364fc7", "#862e9c"];
  var UNIT_COLOURS = ["#1864ab", "#2f9e44", "#a61e4d", "#5f3dc4", "#495057", "#0c8599",
                      "#d6336c", "#74b816", "#9c36b5", "#087f5b"];
  var FATE = { killed: 0, lost: 1, leaked: 2, expired: 3 };
  var FADE_S = 600;  // how long an intercept or a loss stays marked, s
  var SHOT_S = 120;  // how long the line from a fire unit to its intercept stays, s
  var TRACK_S = 600;  // the track drawn behind each threat in flight, s

  function colourOf(list, k) { return list[k % list.length]; }
  var unitTypes = [];
  R.units.forEach(function (u) { if (unitTypes.indexOf(u.type) < 0) { unitTypes.push(u.type); } });
  function unitColour(u) { return colourOf(UNIT_COLOURS, unitTypes.indexOf(R.units[u].type)); }

  // Routes: cumulative distance at each point, km.
  var cum = R.routes.map(function (pts) {
    var c = [0];
    for (var k = 1; k < pts.length; k++) {
      c.push(c[k - 1] + Math.hypot(pts[k][0] - pts[k - 1][0], pts[k][1] - pts[k - 1][1]));
    }
    return c;
  });
  var T = R.threats;
  var n = T.type.length;
  function position(i, t) {
    var m = T.route[i], pts = R.routes[m], c = cum[m];
    var s = Math.max(0, (t - T.t_launch[i]) * R.types[T.type[i]].speed_kms);
    if (s >= c[c.length - 1]) { return pts[pts.length - 1]; }
    var k = 0;
    while (k < c.length - 2 && c[k + 1] < s) { k++; }
    var seg = c[k + 1] - c[k], f = seg > 0 ? (s - c[k]) / seg : 0;
    return [pts[k][0] + f * (pts[k + 1][0] - pts[k][0]), pts[k][1] + f * (pts[k + 1][1] - pts[k][1])];
  }

  // Views: the defended area (assets, fire units with their rings, sensors, EW zones) and the
  // whole raid (launch areas and routes too).
  function extent(items) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    items.forEach(function (it) {
      var r = it[2] || 0;
      b[0] = Math.min(b[0], it[0] - r); b[1] = Math.min(b[1], it[1] - r);
      b[2] = Math.max(b[2], it[0] + r); b[3] = Math.max(b[3], it[1] + r);
    });
    return b;
  }
  var near = [];
  R.assets.forEach(function (a) { near.push([a.at[0], a.at[1], 2]); });
  R.units.forEach(function (u) { near.push([u.at[0], u.at[1], u.range_km[1]]); });
  R.ew_zones.forEach(function (z) { near.push([z.at[0], z.at[1], z.radius_km]); });
  var far = near.slice();
  R.launch_areas.forEach(function (l) { far.push([l.at[0], l.at[1], l.radius_km + 5]); });
  R.routes.forEach(function (pts) { pts.forEach(function (p) { far.push([p[0], p[1], 0]); }); });
  var views = { defended: extent(near), whole: extent(far) };
  var view = views.defended;

  var W = 1000, H = 700, scale = 1, ox = 0, oy = 0;
  function layout() {
    var ratio = window.devicePixelRatio || 1;
    canvas.width = W * ratio; canvas.height = H * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    var pad = 30, w = view[2] - view[0], h = view[3] - view[1];
    scale = Math.min((W - 2 * pad) / Math.max(w, 1e-6), (H - 2 * pad) / Math.max(h, 1e-6));
    ox = W / 2 - scale * (view[0] + view[2]) / 2;
    oy = H / 2 + scale * (view[1] + view[3]) / 2;
  }
  function px(p) { return [ox + scale * p[0], oy - scale * p[1]]; }
  function circle(p, rKm, stroke, fill, dash) {
    var q = px(p);
    ctx.beginPath();
    ctx.arc(q[0], q[1], Math.max(rKm * scale, 0.5), 0, 2 * Math.PI);
    ctx.setLineDash(dash || []);
    if (fill) { ctx.fillStyle = fill; ctx.fill(); }
    if (stroke) { ctx.strokeStyle = stroke; ctx.stroke(); }
    ctx.setLineDash([]);
  }
  function dot(p, r, fill) {
    var q = px(p);
    ctx.beginPath(); ctx.arc(q[0], q[1], r, 0, 2 * Math.PI); ctx.fillStyle = fill; ctx.fill();
  }
  function cross(p, r, colour) {
    var q = px(p);
    ctx.beginPath();
    ctx.moveTo(q[0] - r, q[1] - r); ctx.lineTo(q[0] + r, q[1] + r);
    ctx.moveTo(q[0] - r, q[1] + r); ctx.lineTo(q[0] + r, q[1] - r);
    ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.stroke(); ctx.lineWidth = 1;
  }
  var maxValue = Math.max.apply(null, R.assets.map(function (a) { return a.value; }));
  var assetRadiusKm = [];
  R.assets.forEach(function (a) { assetRadiusKm.push(0.4 + 1.6 * Math.sqrt(a.value / maxValue)); });

  function scaleBar() {
    var target = (W / 5) / scale, step = Math.pow(10, Math.floor(Math.log10(target)));
    var km = [1, 2, 5, 10].map(function (f) { return f * step; })
      .filter(function (v) { return v <= target; }).pop() || step;
    ctx.fillStyle = "#1d232b"; ctx.fillRect(20, H - 20, km * scale, 3);
    ctx.font = "12px system-ui, sans-serif"; ctx.fillText(km + " km", 20, H - 26);
  }

  function hhmm(t) {
    var m = Math.floor(t / 60);
    return Math.floor(m / 60) + " h " + String(m % 60).padStart(2, "0") + " min";
  }

  function draw(t) {
    layout();
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = "#fbfcfd"; ctx.fillRect(0, 0, W, H);
    R.ew_zones.forEach(function (z) { circle(z.at, z.radius_km, "#9c36b5", "rgba(156,54,181,0.10)", [6, 4]); });
    R.launch_areas.forEach(function (l) { circle(l.at, Math.max(l.radius_km, 2), "#868e96", null, [3, 3]); });
    R.units.forEach(function (u, k) {
      circle(u.at, u.range_km[1], unitColour(k) + "55", null);
      var q = px(u.at); ctx.fillStyle = unitColour(k); ctx.fillRect(q[0] - 3, q[1] - 3, 6, 6);
    });
    R.sensors.forEach(function (s) {
      var q = px(s.at);
      ctx.beginPath(); ctx.moveTo(q[0], q[1] - 5); ctx.lineTo(q[0] + 4, q[1] + 3); ctx.lineTo(q[0] - 4, q[1] + 3);
      ctx.closePath(); ctx.fillStyle = "#495057"; ctx.fill();
    });
    var hits = R.assets.map(function () { return 0; });
    var seen = [0, 0, 0, 0], flying = 0;
    for (var i = 0; i < n; i++) {
      var tl = T.t_launch[i], to = T.t_out[i];
      if (tl > t) { continue; }
      if (to !== null && to <= t) {
        seen[T.fate[i]]++;
        if (T.fate[i] === FATE.leaked) { hits[T.who[i]]++; }
        if (T.fate[i] === FATE.lost && t - to < FADE_S) {
          var q = px(position(i, to));
          ctx.beginPath(); ctx.arc(q[0], q[1], 5, 0, 2 * Math.PI); ctx.strokeStyle = "#9c36b5"; ctx.stroke();
        }
        continue;
      }
      flying++;
      var cls = R.types[T.type[i]]["class"], colour = colourOf(TYPE_COLOURS, T.type[i]);
      var here = position(i, t), tail = px(position(i, Math.max(tl, t - TRACK_S))), head = px(here);
      ctx.beginPath(); ctx.moveTo(tail[0], tail[1]); ctx.lineTo(head[0], head[1]);
      ctx.strokeStyle = colour + "66"; ctx.stroke();
      dot(here, cls === "drone" || cls === "decoy" ? 2.2 : 4, colour);
    }
    var S = R.salvos;
    for (var k = 0; k < S.t.length; k++) {
      if (S.t[k] > t || t - S.t[k] > FADE_S) { continue; }
      var p = position(S.threat[k], S.t[k]);
      if (t - S.t[k] < SHOT_S) {
        var from = px(R.units[S.unit[k]].at), to2 = px(p);
        ctx.beginPath(); ctx.moveTo(from[0], from[1]); ctx.lineTo(to2[0], to2[1]);
        ctx.strokeStyle = unitColour(S.unit[k]) + "99"; ctx.stroke();
      }
      if (S.kill[k]) { cross(p, 4, unitColour(S.unit[k])); }
      else { var q2 = px(p); ctx.beginPath(); ctx.arc(q2[0], q2[1], 3, 0, 2 * Math.PI); ctx.strokeStyle = unitColour(S.unit[k]); ctx.stroke(); }
    }
    R.assets.forEach(function (a, k) {
      circle(a.at, assetRadiusKm[k], "#1d232b", hits[k] ? "rgba(224,49,49,0.85)" : "rgba(255,212,59,0.85)");
      var q = px(a.at);
      ctx.fillStyle = "#1d232b"; ctx.font = "11px system-ui, sans-serif";
      ctx.fillText(a.id + (hits[k] ? " (" + hits[k] + " hit" + (hits[k] > 1 ? "s" : "") + ")" : ""),
                   q[0] + assetRadiusKm[k] * scale + 3, q[1] + 4);
    });
    scaleBar();
    clock.textContent = hhmm(t) + " after the raid's start";
    counts.textContent = "in flight " + flying + " · killed " + seen[0] + " · lost to EW " + seen[1] +
      " · leaked " + seen[2] + " · expired " + seen[3];
  }

  function swatch(colour, shape) {
    var s = document.createElement("span");
    s.className = "swatch" + (shape ? " " + shape : "");
    if (shape === "ring") { s.style.borderColor = colour; } else { s.style.background = colour; }
    return s;
  }
  function legendItem(colour, shape, text) {
    var li = document.createElement("li");
    li.appendChild(swatch(colour, shape));
    li.appendChild(document.createTextNode(text));
    legend.appendChild(li);
  }
  R.types.forEach(function (ty, k) { legendItem(colourOf(TYPE_COLOURS, k), "", ty.id + " (" + ty["class"] + ")"); });
  unitTypes.forEach(function (u, k) { legendItem(colourOf(UNIT_COLOURS, k), "square", u + " (fire unit, ring: maximum range; × its kill, ○ its miss)"); });
  legendItem("#495057", "square", "sensor (triangle)");
  legendItem("#9c36b5", "ring", "EW zone; ○ threat lost to EW");
  legendItem("#868e96", "ring", "launch area");
  legendItem("rgba(255,212,59,0.85)", "", "asset, size by value (red once hit)");

  var playing = false, last = 0;
  var speed = R.horizon_s / 60;  // the whole raid in a minute
  function tick(now) {
    if (!playing) { return; }
    var dt = last ? (now - last) / 1000 : 0;
    last = now;
    var t = Math.min(Number(slider.max), Number(slider.value) + dt * speed);
    slider.value = String(t);
    draw(t);
    if (t >= Number(slider.max)) { playing = false; play.textContent = "Play"; return; }
    window.requestAnimationFrame(tick);
  }
  play.addEventListener("click", function () {
    playing = !playing;
    play.textContent = playing ? "Pause" : "Play";
    if (playing) {
      if (Number(slider.value) >= Number(slider.max)) { slider.value = "0"; }
      last = 0; window.requestAnimationFrame(tick);
    }
  });
  slider.addEventListener("input", function () { draw(Number(slider.value)); });
  document.getElementById("replay-view-defended").addEventListener("click", function () {
    view = views.defended; draw(Number(slider.value));
  });
  document.getElementById("replay-view-whole").addEventListener("click", function () {
    view = views.whole; draw(Number(slider.value));
  });
  // Zoom with the wheel about the pointer, pan by dragging.
  function toKm(ev) {
    var rect = canvas.getBoundingClientRect();
    var x = (ev.clientX - rect.left) * W / rect.width, y = (ev.clientY - rect.top) * H / rect.height;
    return [(x - ox) / scale, (oy - y) / scale];
  }
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = toKm(ev), f = ev.deltaY < 0 ? 1 / 1.25 : 1.25;
    view = [p[0] + (view[0] - p[0]) * f, p[1] + (view[1] - p[1]) * f,
            p[0] + (view[2] - p[0]) * f, p[1] + (view[3] - p[1]) * f];
    draw(Number(slider.value));
  }, { passive: false });
  var dragFrom = null;
  canvas.addEventListener("mousedown", function (ev) { dragFrom = toKm(ev); });
  window.addEventListener("mouseup", function () { dragFrom = null; });
  canvas.addEventListener("mousemove", function (ev) {
    if (!dragFrom) { return; }
    var p = toKm(ev), dx = dragFrom[0] - p[0], dy = dragFrom[1] - p[1];
    view = [view[0] + dx, view[1] + dy, view[2] + dx, view[3] + dy];
    draw(Number(slider.value));
  });
  var end = 0;
  T.t_out.forEach(function (x) { if (x !== null && x > end) { end = x; } });
  slider.max = String(Math.ceil(Math.min(R.horizon_s, end + 600)));
  slider.value = String(Math.round(Number(slider.max) / 3));
  draw(Number(slider.value));
}());
