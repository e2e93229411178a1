/* The add-a-venue form: click the map to fill in longitude and latitude (no postcode needed).
   The recorded venues are drawn for reference; without JavaScript the fields are typed. */
(function () {
  "use strict";
  var holder = document.getElementById("pick-map");
  var lon = document.getElementById("v-lon");
  var lat = document.getElementById("v-lat");
  if (!holder || !lon || !lat || !window.L) { return; }
  holder.hidden = false;
  holder.style.height = "300px";
  var lats = JSON.parse(holder.dataset.venues || "[]");
  var lons = JSON.parse(holder.dataset.lons || "[]");
  var map = L.map(holder, { keyboard: true });
  L.tileLayer(holder.dataset.tiles, { attribution: holder.dataset.attribution, maxZoom: 19 })
    .addTo(map);
  var known = L.featureGroup();
  lats.forEach(function (y, i) {
    L.circleMarker([y, lons[i]], { radius: 4, color: "#4a4a4a", fillOpacity: 0.6 }).addTo(known);
  });
  known.addTo(map);
  if (lats.length) { map.fitBounds(known.getBounds(), { padding: [16, 16], maxZoom: 16 }); }
  else { map.setView([54.5, -3.0], 6); }
  var marker = null;
  map.on("click", function (event) {
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    if (marker) { marker.remove(); }
    marker = L.circleMarker(event.latlng, { radius: 8, color: "#0b4f8a", fillOpacity: 0.9 }).addTo(map);
  });
}());
