// The raid replay: one replication drawn to scale at the clock's time. Each frame is a list of
// shapes, painted on the canvas and, on request, written as SVG (the same list, so the two
// exports show the same picture). Reads its data from the JSON element #replay-data (inline);
// makes no request.
(function () {
  "use strict";
  function $(id) { return document.getElementById(id); }
  var source = $("replay-data"), canvas = $("replay-canvas");
  if (!source || !canvas) { return; }
  var R = JSON.parse(source.textContent);
  var ctx = canvas.getContext("2d");
  var slider = $("replay-time"), play = $("replay-play"), clock = $("replay-clock");
  var counts = $("replay-counts"), legend = $("replay-legend"), info = $("replay-event");
  var tip = $("replay-tip");

  var TYPE_COLOURS = ["#e8590c", "#1c7ed6", "#2b8a3e", "#ae3ec9", "#c92a2a", "#0b7285",
                      "#f08c00", "#5c940d", "#364fc7", "#862e9c"];
  var UNIT_COLOURS = ["#1864ab", "#2f9e44", "#a61e4d", "#5f3dc4", "#495057", "#0c8599",
                      "#d6336c", "#74b816", "#9c36b5", "#087f5b"];
  // Fate codes (R.fates) and the colour of each in the all-of-the-raid layer.
  var KILLED = 0, LOST = 1, LEAKED = 2, EXPIRED = 3;
  var FATE_COLOURS = ["#1c7ed6", "#9c36b5", "#e03131", "#868e96"];
  var FATE_WORDS = ["intercepted", "lost to EW", "leaked to a target", "fell short"];
  var FADE_S = 600;  // how long an intercept, a loss or an arrival stays marked, raid s
  var SHOT_S = 120;  // how long the line from a fire unit to its intercept stays, raid s
  var TRACK_S = 600;  // the track drawn behind each drone in flight, raid s
  var KEEP_WALL_S = 2.5;  // a missile's track and end stay at least this long on screen, wall s
  var SPEEDS = [1, 10, 60, 300, 1200];  // playback speeds offered, raid s per wall s

  // What a reader sees for a type (or a site of a type): its display name; its key in a replay
  // written before display names were recorded.
  function nameOf(x) { return typeof x === "string" ? x : (x.name || x.type || x.id); }
  function colourOf(list, k) { return list[k % list.length]; }
  var unitTypes = [];
  R.units.forEach(function (u) { if (unitTypes.indexOf(u.type) < 0) { unitTypes.push(u.type); } });
  function unitColour(u) { return colourOf(UNIT_COLOURS, unitTypes.indexOf(R.units[u].type)); }
  function isMissile(ty) { var c = R.types[ty]["class"]; return c !== "drone" && c !== "decoy"; }

  // Routes: cumulative distance at each point, km.
  var cum = R.routes.map(function (pts) {
    var c = [0];
    for (var k = 1; k < pts.length; k++) {
      c.push(c[k - 1] + Math.hypot(pts[k][0] - pts[k - 1][0], pts[k][1] - pts[k - 1][1]));
    }
    return c;
  });
  var T = R.threats, n = T.type.length, S = R.salvos;
  var E = R.events || { t: [], kind: [], threat: [], type: [], interceptor: [], who: [], at: [], hit: [] };
  // Whether each threat's arrival would do damage (a decoy's does none).
  var hitOf = T.type.map(function (ty) { return R.types[ty].decoy ? 0 : 1; });
  E.threat.forEach(function (i, j) { hitOf[i] = E.hit[j]; });
  function along(m, s) {
    var pts = R.routes[m], c = cum[m];
    if (s <= 0) { return pts[0]; }
    if (s >= c[c.length - 1]) { return pts[pts.length - 1]; }
    var k = 0;
    while (k < c.length - 2 && c[k + 1] < s) { k++; }
    var seg = c[k + 1] - c[k], f = seg > 0 ? (s - c[k]) / seg : 0;
    return [pts[k][0] + f * (pts[k + 1][0] - pts[k][0]), pts[k][1] + f * (pts[k + 1][1] - pts[k][1])];
  }
  function flown(i, t) { return Math.max(0, (t - T.t_launch[i]) * R.types[T.type[i]].speed_kms); }
  function position(i, t) { return along(T.route[i], flown(i, t)); }
  function endOf(i) { return T.t_out[i] === null ? R.horizon_s : T.t_out[i]; }
  // The route of threat i between times t0 and t1, as points (km).
  function track(i, t0, t1) {
    var m = T.route[i], c = cum[m], s0 = flown(i, t0), s1 = flown(i, t1), out = [along(m, s0)];
    for (var k = 1; k < c.length - 1; k++) { if (c[k] > s0 && c[k] < s1) { out.push(R.routes[m][k]); } }
    out.push(along(m, s1));
    return out;
  }

  // Views: the defended area (assets and fire units) and the whole raid (rings, EW zones, launch
  // areas and routes too).
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
  R.assets.forEach(function (a) { near.push([a.at[0], a.at[1], 3]); });
  R.units.forEach(function (u) { near.push([u.at[0], u.at[1], 3]); });
  var far = near.slice();
  R.units.forEach(function (u) { far.push([u.at[0], u.at[1], u.range_km[1]]); });
  R.ew_zones.forEach(function (z) { far.push([z.at[0], z.at[1], z.radius_km]); });
  R.launch_areas.forEach(function (l) { far.push([l.at[0], l.at[1], l.radius_km + 5]); });
  R.routes.forEach(function (pts) { pts.forEach(function (p) { far.push([p[0], p[1], 0]); }); });
  var views = { defended: extent(near), whole: extent(far) };
  var view = views.defended;

  var W = 1000, H = 700, scale = 1, ox = 0, oy = 0;
  function fit() {
    var pad = 30, w = view[2] - view[0], h = view[3] - view[1];
    scale = Math.min((W - 2 * pad) / Math.max(w, 1e-6), (H - 2 * pad) / Math.max(h, 1e-6));
    ox = W / 2 - scale * (view[0] + view[2]) / 2;
    oy = H / 2 + scale * (view[1] + view[3]) / 2;
  }
  function px(p) { return [ox + scale * p[0], oy - scale * p[1]]; }

  // ------------------------------------------------------------------ the frame, as shapes
  // A shape: {t: "circle"|"path"|"rect"|"text", cls, stroke, fill, op (opacity), fop (fill
  // opacity), lw (line width), dash, ...}; coordinates in page pixels (W x H).
  var shapes = [], hover = [];
  function add(s) { shapes.push(s); return s; }
  function circleKm(p, rKm, o) {
    var q = px(p);
    o.t = "circle"; o.x = q[0]; o.y = q[1]; o.r = Math.max(rKm * scale, 0.5);
    return add(o);
  }
  function dot(p, r, o) { var q = px(p); o.t = "circle"; o.x = q[0]; o.y = q[1]; o.r = r; return add(o); }
  function line(pts, o) { o.t = "path"; o.pts = pts.map(px); return add(o); }
  function cross(p, r, colour, cls) {
    var q = px(p);
    return add({ t: "path", cls: cls, stroke: colour, lw: 2, pts: [[q[0] - r, q[1] - r], [q[0] + r, q[1] + r]],
                 pts2: [[q[0] - r, q[1] + r], [q[0] + r, q[1] - r]] });
  }
  function text(x, y, s, o) { o.t = "text"; o.x = x; o.y = y; o.s = s; return add(o); }

  function hhmmss(t) {
    var s = Math.max(0, Math.round(t)), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    return h + " h " + String(m).padStart(2, "0") + " min " + String(s % 60).padStart(2, "0") + " s";
  }

  var maxValue = Math.max.apply(null, R.assets.map(function (a) { return a.value; }).concat([1e-9]));
  var assetRadiusKm = R.assets.map(function (a) { return 0.4 + 1.6 * Math.sqrt(a.value / maxValue); });
  var state = { all: false, rings: false, speed: 1, focus: -1 };

  function geography() {
    R.ew_zones.forEach(function (z) {
      circleKm(z.at, z.radius_km, { cls: "ew", stroke: "#9c36b5", fill: "#9c36b5", fop: 0.1, dash: [6, 4] });
    });
    R.launch_areas.forEach(function (l) {
      circleKm(l.at, Math.max(l.radius_km, 2), { cls: "launch", stroke: "#868e96", dash: [3, 3] });
    });
    R.units.forEach(function (u, k) {
      if (state.rings) { circleKm(u.at, u.range_km[1], { cls: "ring", stroke: unitColour(k), op: 0.35 }); }
    });
    R.units.forEach(function (u, k) {
      var q = px(u.at);
      add({ t: "rect", cls: "unit", x: q[0] - 3, y: q[1] - 3, w: 6, h: 6, fill: unitColour(k) });
      hover.push({ x: q[0], y: q[1], r: 6, text: u.id + ": " + nameOf(u) + " (fire unit)" });
    });
    R.sensors.forEach(function (s) {
      var q = px(s.at);
      add({ t: "path", cls: "sensor", fill: "#495057", closed: true,
            pts: [[q[0], q[1] - 5], [q[0] + 4, q[1] + 3], [q[0] - 4, q[1] + 3]] });
      hover.push({ x: q[0], y: q[1], r: 6, text: nameOf(s) + " (sensor)" });
    });
  }

  // Where a threat's flight ended, marked by how: a cross (killed, in the colour of the unit
  // that killed it, or of its fate), a ring (lost to EW), a filled dot (arrived), a plus (fell
  // short).
  function endMark(i, colour, op) {
    var p = position(i, endOf(i)), f = T.fate[i];
    if (f === KILLED) { cross(p, 4, colour === null ? unitColour(T.who[i]) : colour, "intercept").op = op; }
    else if (f === LOST) { dot(p, 4.5, { cls: "lost", stroke: colour || "#9c36b5", lw: 1.5, op: op }); }
    else if (f === LEAKED && hitOf[i]) { dot(p, 4, { cls: "impact hit", fill: colour || "#e03131", stroke: "#ffffff", op: op }); }
    else if (f === LEAKED) { dot(p, 3.5, { cls: "impact", stroke: colour || "#e03131", lw: 1.5, op: op }); }
    else {
      var q = px(p);
      add({ t: "path", cls: "short", stroke: colour || "#495057", lw: 2, op: op,
            pts: [[q[0] - 4, q[1]], [q[0] + 4, q[1]]], pts2: [[q[0], q[1] - 4], [q[0], q[1] + 4]] });
    }
  }

  // Leakers are drawn last, so that where they came from shows above the rest.
  var DRAW_ORDER = [KILLED, EXPIRED, LOST, LEAKED];
  function wholeRaid(tally) {
    DRAW_ORDER.forEach(function (f) {
      for (var i = 0; i < n; i++) {
        if (T.fate[i] !== f) { continue; }
        line(track(i, T.t_launch[i], endOf(i)), { cls: "track fate-" + f, stroke: FATE_COLOURS[f],
             lw: f === LEAKED ? 1.5 : 1, op: f === LEAKED ? 0.8 : 0.4 });
        tally[f]++;
      }
    });
    DRAW_ORDER.forEach(function (f) {
      for (var i = 0; i < n; i++) { if (T.fate[i] === f) { endMark(i, FATE_COLOURS[f], f === LEAKED ? 1 : 0.7); } }
    });
  }

  function atTime(t, tally, leaks, hits) {
    var keep = Math.max(FADE_S, KEEP_WALL_S * state.speed), flying = 0;
    for (var i = 0; i < n; i++) {
      var tl = T.t_launch[i], to = endOf(i), ty = T.type[i], missile = isMissile(ty);
      if (tl > t) { continue; }
      var colour = colourOf(TYPE_COLOURS, ty);
      if (to <= t) {
        tally[T.fate[i]]++;
        if (T.fate[i] === LEAKED) { leaks[T.who[i]]++; hits[T.who[i]] += hitOf[i]; }
        var age = t - to;
        if (missile && age < keep) {
          line(track(i, tl, to), { cls: "track missile", stroke: colour, lw: 2, op: 0.7 });
        }
        if (age < (missile ? keep : FADE_S)) { endMark(i, null, 1); }
        continue;
      }
      flying++;
      var here = position(i, t);
      line(track(i, missile ? tl : Math.max(tl, t - TRACK_S), t),
           { cls: missile ? "track missile" : "track", stroke: colour, lw: missile ? 2 : 1, op: missile ? 0.7 : 0.4 });
      if (missile) { dot(here, 4.5, { cls: "threat missile", fill: colour, stroke: "#1d232b", lw: 1 }); }
      else { dot(here, 2.2, { cls: "threat", fill: colour }); }
      var q = px(here);
      hover.push({ x: q[0], y: q[1], r: 6, text: nameOf(R.types[ty]) + " (" + R.types[ty]["class"] +
                   "), launched at " + hhmmss(tl) });
    }
    for (var k = 0; k < S.t.length; k++) {
      if (S.t[k] > t || t - S.t[k] > FADE_S) { continue; }
      var p = position(S.threat[k], S.t[k]);
      if (t - S.t[k] < SHOT_S) {
        line([R.units[S.unit[k]].at, p], { cls: "shot", stroke: unitColour(S.unit[k]), op: 0.6 });
      }
      if (!S.kill[k]) { dot(p, 3, { cls: "miss", stroke: unitColour(S.unit[k]) }); }
    }
    return flying;
  }

  // What an asset's label and pointer say of the threats that reached it.
  function struck(leaks, hits) {
    if (!leaks) { return ""; }
    var h = hits + " hit" + (hits === 1 ? "" : "s");
    return leaks === hits ? h : leaks + " leak" + (leaks === 1 ? "" : "s") + ", " + h;
  }
  // Labels that do not overlap: the most valuable assets are labelled first, each on the first
  // side (right, left, above, below, then the corners) where its box clears every label and
  // asset already placed; an asset with no room keeps its name for the pointer.
  function assets(leaks, hits) {
    ctx.font = "11px system-ui, sans-serif";
    var boxes = [], order = R.assets.map(function (a, k) { return k; });
    R.assets.forEach(function (a, k) {
      var q = px(a.at), r = Math.max(assetRadiusKm[k] * scale, 0.5);
      var fill = hits[k] ? "#e03131" : (leaks[k] ? "#f59f00" : "#ffd43b");
      circleKm(a.at, assetRadiusKm[k], { cls: "asset", stroke: "#1d232b", fill: fill, fop: 0.85 });
      boxes.push([q[0] - r, q[1] - r, q[0] + r, q[1] + r]);
      hover.push({ x: q[0], y: q[1], r: r + 3, text: a.id + (leaks[k] ? ": " + struck(leaks[k], hits[k]) : "") });
    });
    order.sort(function (a, b) { return R.assets[b].value - R.assets[a].value || a - b; });
    function clear(b) {
      if (b[0] < 0 || b[1] < 0 || b[2] > W || b[3] > H) { return false; }
      return boxes.every(function (o) { return b[2] <= o[0] || b[0] >= o[2] || b[3] <= o[1] || b[1] >= o[3]; });
    }
    order.forEach(function (k) {
      var a = R.assets[k], q = px(a.at), r = Math.max(assetRadiusKm[k] * scale, 0.5) + 2;
      var label = a.id + (leaks[k] ? " (" + struck(leaks[k], hits[k]) + ")" : "");
      var w = ctx.measureText(label).width, h = 12, d = r * 0.7;
      var spots = [[q[0] + r, q[1] - h / 2], [q[0] - r - w, q[1] - h / 2], [q[0] - w / 2, q[1] - r - h],
                   [q[0] - w / 2, q[1] + r], [q[0] + d, q[1] - d - h], [q[0] + d, q[1] + d],
                   [q[0] - d - w, q[1] - d - h], [q[0] - d - w, q[1] + d]];
      for (var s = 0; s < spots.length; s++) {
        var b = [spots[s][0], spots[s][1], spots[s][0] + w, spots[s][1] + h];
        if (clear(b)) {
          boxes.push(b);
          text(b[0], b[3] - 2, label, { cls: "label", fill: "#1d232b", size: 11, halo: "#ffffff" });
          return;
        }
      }
    });
  }

  function scaleBar() {
    var target = (W / 5) / scale, step = Math.pow(10, Math.floor(Math.log10(target)));
    var km = [1, 2, 5, 10].map(function (f) { return f * step; })
      .filter(function (v) { return v <= target; }).pop() || step;
    add({ t: "rect", cls: "scale", x: 20, y: H - 20, w: km * scale, h: 3, fill: "#1d232b" });
    text(20, H - 26, km + " km", { cls: "scale", fill: "#1d232b", size: 12 });
  }

  function build(t) {
    fit();
    shapes = []; hover = [];
    add({ t: "rect", cls: "background", x: 0, y: 0, w: W, h: H, fill: "#fbfcfd" });
    geography();
    var tally = [0, 0, 0, 0], title;
    var leaks = R.assets.map(function () { return 0; }), hits = leaks.slice();
    if (state.all) {
      wholeRaid(tally);
      var hitCount = 0;
      for (var i = 0; i < n; i++) {
        if (T.fate[i] === LEAKED) { leaks[T.who[i]]++; hits[T.who[i]] += hitOf[i]; hitCount += hitOf[i]; }
      }
      counts.textContent = "all of the raid: " + n + " tracks · intercepted " + tally[KILLED] +
        " · lost to EW " + tally[LOST] + " · leaked to a target " + tally[LEAKED] + " (" + hitCount +
        " doing damage) · fell short " + tally[EXPIRED];
      title = "All of the raid: every track, intercept and impact";
    } else {
      var flying = atTime(t, tally, leaks, hits);
      counts.textContent = "in flight " + flying + " · killed " + tally[KILLED] + " · lost to EW " +
        tally[LOST] + " · leaked " + tally[LEAKED] + " · fell short " + tally[EXPIRED];
      title = hhmmss(t) + " after the raid's start";
      var f = state.focus;
      if (f >= 0 && Math.abs(t - E.t[f]) < Math.max(FADE_S, KEEP_WALL_S * state.speed)) {
        dot(E.at[f], 11, { cls: "focus", stroke: "#f08c00", lw: 3 });
      }
    }
    assets(leaks, hits);
    scaleBar();
    text(12, 20, title, { cls: "title", fill: "#1d232b", size: 13, weight: "600" });
    clock.textContent = hhmmss(t) + " after the raid's start";
  }

  // ------------------------------------------------------------------ painting and SVG
  function paint() {
    var ratio = window.devicePixelRatio || 1;
    canvas.width = W * ratio; canvas.height = H * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    shapes.forEach(function (s) {
      ctx.globalAlpha = s.op === undefined ? 1 : s.op;
      ctx.setLineDash(s.dash || []);
      ctx.lineWidth = s.lw || 1;
      if (s.t === "text") {
        ctx.font = (s.weight ? s.weight + " " : "") + s.size + "px system-ui, sans-serif";
        if (s.halo) { ctx.strokeStyle = s.halo; ctx.lineWidth = 3; ctx.lineJoin = "round"; ctx.strokeText(s.s, s.x, s.y); }
        ctx.fillStyle = s.fill; ctx.fillText(s.s, s.x, s.y);
        return;
      }
      ctx.beginPath();
      if (s.t === "circle") { ctx.arc(s.x, s.y, s.r, 0, 2 * Math.PI); }
      else if (s.t === "rect") { ctx.rect(s.x, s.y, s.w, s.h); }
      else {
        [s.pts, s.pts2].forEach(function (pts) {
          if (!pts) { return; }
          pts.forEach(function (p, k) { if (k) { ctx.lineTo(p[0], p[1]); } else { ctx.moveTo(p[0], p[1]); } });
        });
        if (s.closed) { ctx.closePath(); }
      }
      if (s.fill) {
        ctx.globalAlpha = (s.op === undefined ? 1 : s.op) * (s.fop === undefined ? 1 : s.fop);
        ctx.fillStyle = s.fill; ctx.fill();
        ctx.globalAlpha = s.op === undefined ? 1 : s.op;
      }
      if (s.stroke) { ctx.strokeStyle = s.stroke; ctx.stroke(); }
    });
    ctx.globalAlpha = 1; ctx.setLineDash([]); ctx.lineWidth = 1;
  }

  // The SVG namespace, from the HTML parser (so that the page spells out no address).
  var probe = document.createElement("div");
  probe.innerHTML = "<svg></svg>";
  var SVG_NS = probe.firstChild.namespaceURI;
  function r2(x) { return String(Math.round(x * 100) / 100); }
  function svgDocument() {
    var svg = document.createElementNS(SVG_NS, "svg");
    function el(name, attrs, parent) {
      var e = document.createElementNS(SVG_NS, name);
      Object.keys(attrs).forEach(function (k) { if (attrs[k] !== undefined && attrs[k] !== null) { e.setAttribute(k, attrs[k]); } });
      (parent || svg).appendChild(e);
      return e;
    }
    svg.setAttribute("width", String(W)); svg.setAttribute("height", String(H));
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("font-family", "system-ui, sans-serif");
    el("title", {}).textContent = "Raid replay: " + R.scenario + ", " +
      (state.all ? "all of the raid" : clock.textContent);
    shapes.forEach(function (s) {
      var a = { "class": s.cls, opacity: s.op === undefined ? undefined : String(s.op),
                fill: s.fill || "none", "fill-opacity": s.fop === undefined ? undefined : String(s.fop),
                stroke: s.stroke, "stroke-width": s.stroke ? String(s.lw || 1) : undefined,
                "stroke-dasharray": s.dash ? s.dash.join(" ") : undefined };
      if (s.t === "text") {
        el("text", { "class": s.cls, x: r2(s.x), y: r2(s.y), fill: s.fill, "font-size": String(s.size),
                     "font-weight": s.weight, stroke: s.halo, "stroke-width": s.halo ? "3" : undefined,
                     "stroke-linejoin": s.halo ? "round" : undefined,
                     "paint-order": s.halo ? "stroke" : undefined }).textContent = s.s;
        return;
      }
      if (s.t === "circle") { a.cx = r2(s.x); a.cy = r2(s.y); a.r = r2(s.r); el("circle", a); return; }
      if (s.t === "rect") { a.x = r2(s.x); a.y = r2(s.y); a.width = r2(s.w); a.height = r2(s.h); el("rect", a); return; }
      var d = [s.pts, s.pts2].filter(Boolean).map(function (pts) {
        return pts.map(function (p, k) { return (k ? "L" : "M") + r2(p[0]) + " " + r2(p[1]); }).join("");
      }).join("") + (s.closed ? "Z" : "");
      a.d = d;
      el("path", a);
    });
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg) + "\n";
  }

  function download(blob, name) {
    var url = URL.createObjectURL(blob), a = document.createElement("a");
    a.href = url; a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }
  function fileStem() {
    if (state.all) { return "replay-all-of-the-raid"; }
    var s = Math.round(now), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    return "replay-" + h + "h" + String(m).padStart(2, "0") + "m" + String(s % 60).padStart(2, "0") + "s";
  }

  // ------------------------------------------------------------------ legend
  function legendItem(colour, shape, words) {
    var li = document.createElement("li"), s = document.createElement("span");
    s.className = "swatch" + (shape ? " " + shape : "");
    if (shape === "ring") { s.style.borderColor = colour; } else { s.style.background = colour; }
    li.appendChild(s);
    li.appendChild(document.createTextNode(words));
    legend.appendChild(li);
  }
  function unique(list) { return list.filter(function (x, k) { return list.indexOf(x) === k; }); }
  function drawLegend() {
    legend.textContent = "";
    if (state.all) {
      FATE_WORDS.forEach(function (w, f) {
        var mark = ["× where it was killed", "○ where it was lost",
                    "● where it arrived (ring: a decoy, no damage)", "+ where it came down"][f];
        legendItem(FATE_COLOURS[f], "", w + " (track; " + mark + ")");
      });
    } else {
      R.types.forEach(function (ty, k) {
        var what = ty["class"] + (ty.decoy ? ", decoy" : "") + (isMissile(k) ? " missile: its whole track is kept" : "");
        legendItem(colourOf(TYPE_COLOURS, k), "", nameOf(ty) + " (" + what + ")");
      });
      legendItem("#e03131", "", "arrival at a target (ring: a decoy, no damage); ○ lost to EW; + fell short");
    }
    unitTypes.forEach(function (u, k) {
      var first = R.units.filter(function (x) { return x.type === u; })[0];
      legendItem(colourOf(UNIT_COLOURS, k), "square", nameOf(first) + " (fire unit" +
        (state.all ? "" : "; × its kill, ○ its miss") + (state.rings ? "; ring: its maximum range" : "") + ")");
    });
    var sensorNames = unique(R.sensors.map(nameOf));
    if (sensorNames.length) { legendItem("#495057", "square", "sensors (triangles): " + sensorNames.join(", ")); }
    legendItem("#9c36b5", "ring", "EW zone");
    legendItem("#868e96", "ring", "launch area");
    legendItem("#ffd43b", "", "asset, size by value (orange once a decoy arrived, red once hit)");
  }

  // ------------------------------------------------------------------ clock, speed, events
  var end = 0;
  T.t_out.forEach(function (x) { if (x !== null && x > end) { end = x; } });
  slider.max = String(Math.ceil(Math.min(R.horizon_s, end + 600)));
  var now = Math.round(Number(slider.max) / 3);
  function draw() { build(now); paint(); }
  function setTime(t) { now = Math.max(0, Math.min(Number(slider.max), t)); slider.value = String(now); draw(); }

  var playing = false, last = 0;
  function setPlaying(on) { playing = on; play.textContent = on ? "Pause" : "Play"; play.setAttribute("aria-pressed", String(on)); }
  function tick(stamp) {
    if (!playing) { return; }
    // A frame long delayed (a hidden tab) moves the clock no more than half a second's worth.
    var dt = last ? Math.min(0.5, (stamp - last) / 1000) : 0;
    last = stamp;
    setTime(now + dt * state.speed);
    if (now >= Number(slider.max)) { setPlaying(false); return; }
    window.requestAnimationFrame(tick);
  }
  play.addEventListener("click", function () {
    setPlaying(!playing);
    if (playing) {
      if (now >= Number(slider.max)) { setTime(0); }
      last = 0; window.requestAnimationFrame(tick);
    }
  });
  slider.addEventListener("input", function () { state.focus = -1; info.textContent = ""; setTime(Number(slider.value)); });

  // Speeds: fixed steps and the one that plays the whole raid in about a minute (the default).
  var auto = Math.max(1, Number((Number(slider.max) / 60).toPrecision(2)));
  var speeds = unique(SPEEDS.concat([auto])).sort(function (a, b) { return a - b; });
  var speedBox = $("replay-speeds"), speedButtons = [];
  function setSpeed(v) {
    state.speed = v;
    speedButtons.forEach(function (b) { b.setAttribute("aria-pressed", String(Number(b.dataset.speed) === v)); });
  }
  speeds.forEach(function (v) {
    var b = document.createElement("button");
    b.type = "button"; b.dataset.speed = String(v);
    b.textContent = v + "×" + (v === 1 ? " (real time)" : "") + (v === auto ? " (the raid in a minute)" : "");
    b.addEventListener("click", function () { setSpeed(v); if (!playing) { draw(); } });
    speedBox.appendChild(b); speedButtons.push(b);
  });
  setSpeed(auto);

  // Events: how each threat's flight ended, in time order; the buttons step the clock to the
  // previous or next of a kind and say what happened.
  var KINDS = {
    intercept: function (j) { return E.kind[j] === KILLED; },
    leak: function (j) { return E.kind[j] === LEAKED; },
    hit: function (j) { return E.kind[j] === LEAKED && E.hit[j] === 1; }
  };
  function describe(j) {
    var ty = nameOf(R.types[E.type[j]]), k = E.kind[j], what;
    if (k === KILLED) {
      var u = R.units[E.who[j]], ic = R.interceptors[E.interceptor[j]];
      what = ty + " intercepted by " + u.id + " (" + nameOf(u) + (ic === undefined ? "" : ", " + nameOf(ic)) + ")";
    } else if (k === LEAKED) {
      what = ty + " reached " + R.assets[E.who[j]].id + (E.hit[j] ? ": a hit" : " (no damage: a decoy)");
    } else if (k === LOST) { what = ty + " lost to EW"; }
    else { what = ty + " fell short"; }
    return hhmmss(E.t[j]) + ": " + what;
  }
  function step(kind, dir) {
    var test = KINDS[kind], j, found = -1;
    if (dir > 0) { for (j = 0; j < E.t.length; j++) { if (E.t[j] > now + 1e-6 && test(j)) { found = j; break; } } }
    else { for (j = E.t.length - 1; j >= 0; j--) { if (E.t[j] < now - 1e-6 && test(j)) { found = j; break; } } }
    setPlaying(false);
    if (found < 0) {
      info.textContent = "no " + (dir > 0 ? "later " : "earlier ") + kind;
      return;
    }
    state.focus = found;
    if (state.all) { state.all = false; $("replay-all").setAttribute("aria-pressed", "false"); drawLegend(); }
    info.textContent = describe(found);
    setTime(E.t[found]);
  }
  Object.keys(KINDS).forEach(function (kind) {
    var any = E.t.some(function (x, j) { return KINDS[kind](j); });
    [["prev", -1], ["next", 1]].forEach(function (d) {
      var b = $("replay-" + d[0] + "-" + kind);
      if (!b) { return; }
      b.disabled = !any;
      b.addEventListener("click", function () { step(kind, d[1]); });
    });
  });

  // ------------------------------------------------------------------ layers, views, export
  function toggle(id, key) {
    var b = $(id);
    b.setAttribute("aria-pressed", String(state[key]));
    b.addEventListener("click", function () {
      state[key] = !state[key];
      b.setAttribute("aria-pressed", String(state[key]));
      drawLegend(); draw();
    });
  }
  toggle("replay-all", "all");
  toggle("replay-rings", "rings");
  $("replay-view-defended").addEventListener("click", function () { view = views.defended; draw(); });
  $("replay-view-whole").addEventListener("click", function () { view = views.whole; draw(); });
  $("replay-png").addEventListener("click", function () {
    canvas.toBlob(function (blob) { if (blob) { download(blob, fileStem() + ".png"); } }, "image/png");
  });
  $("replay-svg").addEventListener("click", function () {
    download(new Blob([svgDocument()], { type: "image/svg+xml" }), fileStem() + ".svg");
  });

  // Zoom with the wheel about the pointer, pan by dragging; the pointer names what it is on.
  function toPage(ev) {
    var rect = canvas.getBoundingClientRect();
    return [(ev.clientX - rect.left) * W / rect.width, (ev.clientY - rect.top) * H / rect.height];
  }
  function toKm(ev) { var q = toPage(ev); return [(q[0] - ox) / scale, (oy - q[1]) / scale]; }
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = toKm(ev), f = ev.deltaY < 0 ? 1 / 1.25 : 1.25;
    view = [p[0] + (view[0] - p[0]) * f, p[1] + (view[1] - p[1]) * f,
            p[0] + (view[2] - p[0]) * f, p[1] + (view[3] - p[1]) * f];
    draw();
  }, { passive: false });
  var dragFrom = null;
  canvas.addEventListener("mousedown", function (ev) { dragFrom = toKm(ev); });
  window.addEventListener("mouseup", function () { dragFrom = null; });
  canvas.addEventListener("mouseleave", function () { tip.hidden = true; });
  canvas.addEventListener("mousemove", function (ev) {
    if (dragFrom) {
      var p = toKm(ev), dx = dragFrom[0] - p[0], dy = dragFrom[1] - p[1];
      view = [view[0] + dx, view[1] + dy, view[2] + dx, view[3] + dy];
      draw();
      return;
    }
    var q = toPage(ev), best = null, bestD = Infinity;
    hover.forEach(function (h) {
      var d = Math.hypot(h.x - q[0], h.y - q[1]);
      if (d <= h.r && d < bestD) { best = h; bestD = d; }
    });
    if (!best) { tip.hidden = true; return; }
    var rect = canvas.getBoundingClientRect();
    tip.textContent = best.text;
    tip.style.left = (best.x * rect.width / W + 12) + "px";
    tip.style.top = (best.y * rect.height / H + 12) + "px";
    tip.hidden = false;
  });

  drawLegend();
  setTime(now);
}());
