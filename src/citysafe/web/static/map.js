/* The crime map: draws /api/crimes/map's GeoJSON with Leaflet over the configured tiles.
   Without tiles the crimes still show over a blank background; the page's tables hold
   the same figures for anyone who cannot use the map. */
(function () {
  "use strict";
  var holder = document.getElementById("map");
  var status = document.getElementById("map-status");
  var tileNote = document.getElementById("map-tiles");
  if (!holder || !window.L) { return; }

  function say(text) { if (status) { status.textContent = text; } }

  var map = L.map(holder, { keyboard: true, zoomSnap: 0.5 }).setView([54.5, -3.0], 6)  // Great Britain until the data is drawn;
  var tiles = L.tileLayer(holder.dataset.tiles, {
    attribution: holder.dataset.attribution, maxZoom: 19, crossOrigin: true
  });
  var tileFailures = 0;
  tiles.on("tileerror", function () {
    tileFailures += 1;
    if (tileFailures === 1 && tileNote) {
      tileNote.textContent = "The background map could not be loaded: " +
        "crimes are shown over a blank background.";
    }
  });
  tiles.addTo(map);

  var colours = ["#fee391", "#fec44f", "#fe9929", "#d95f0e", "#993404"];
  function shade(count, most) {
    var step = Math.min(colours.length - 1, Math.floor(colours.length * count / (most + 1)));
    return colours[step];
  }

  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;  // place names come from data: never treat them as HTML
    return span;
  }

  function number(n) { return n.toLocaleString("en-GB"); }
  function plural(n) { return n === 1 ? "1 crime" : number(n) + " crimes"; }

  function draw(data) {
    var most = 0;
    data.features.forEach(function (f) { most = Math.max(most, f.properties.count); });
    var layer;
    if (data.mode === "hotspots") {
      var classColours = { "3": "#b2182b", "2": "#ef8a62", "1": "#fddbc7", "0": "#f7f7f7",
                           "-1": "#d1e5f0", "-2": "#67a9cf", "-3": "#2166ac" };
      layer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#555555", weight: 0.3, fillColor: classColours[String(f.properties["class"])],
                   fillOpacity: f.properties["class"] === 0 ? 0.15 : 0.75 };
        },
        onEachFeature: function (f, shape) {
          shape.bindTooltip(label(f.properties.label + ": " + plural(f.properties.count) +
            " in 12 months, z = " + (f.properties.z === null ? "n/a" : f.properties.z.toFixed(2))));
        }
      });
      layer.addTo(map);
      if (data.features.length) { map.fitBounds(layer.getBounds(), { padding: [16, 16], maxZoom: 16 }); }
      var hot = data.features.filter(function (f) { return f.properties["class"] > 0; }).length;
      var cold = data.features.filter(function (f) { return f.properties["class"] < 0; }).length;
      say(number(data.events) + " crimes in 12 months on " + number(data.features.length) +
        " squares of " + data.cell + " m: " + number(hot) + " hot spots (red) and " + number(cold) +
        " cold spots (blue), Getis-Ord Gi* with false discovery rate control.");
      return;
    }
    if (data.mode === "grid") {
      layer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#333333", weight: 0.5, fillColor: shade(f.properties.count, most),
                   fillOpacity: 0.7 };
        },
        onEachFeature: function (f, shape) {
          shape.bindTooltip(label(plural(f.properties.count) + " in this " + data.cell + " m square"));
        }
      });
    } else {
      layer = L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          var n = f.properties.count;
          return L.circleMarker(latlng, {
            radius: 3 + 2 * Math.sqrt(n), color: "#1b1b1b", weight: 1,
            fillColor: shade(n, most), fillOpacity: 0.85
          });
        },
        onEachFeature: function (f, marker) {
          marker.bindTooltip(label(f.properties.location + ": " + plural(f.properties.count)));
        }
      });
    }
    layer.addTo(map);
    if (data.features.length) {
      map.fitBounds(layer.getBounds(), { padding: [16, 16], maxZoom: 16 });
    }
    say(data.features.length
      ? "Showing " + plural(data.mapped) + (data.mode === "grid"
          ? " in " + number(data.features.length) + " squares."
          : " at " + number(data.features.length) + " places.")
      : "No crimes with a location to show for this choice.");
    if (data.features.length) {
      status.textContent += " Darker " + (data.mode === "grid" ? "squares" : "and larger circles") +
        " mark more crimes; the most in one " + (data.mode === "grid" ? "square" : "place") +
        " is " + number(most) + ".";
    }
  }

  say("Loading crimes…");
  fetch(holder.dataset.geojson, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("the server answered " + response.status); }
      return response.json();
    })
    .then(draw)
    .catch(function (error) {
      say("The crimes could not be drawn (" + error.message + "); the tables below list them.");
    });
}());
