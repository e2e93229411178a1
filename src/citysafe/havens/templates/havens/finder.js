/* The public finder: the phone's location (rounded to about 10 m before it leaves the phone),
   the nearest Safe Havens open now from /api/havens/nearest, and a map of them. Without
   JavaScript or location the typed search works on its own. */
(function () {
  "use strict";
  var button = document.getElementById("locate");
  var status = document.getElementById("locate-status");
  var list = document.getElementById("result-list");
  var heading = document.getElementById("results-heading");
  var advice = document.getElementById("advice");
  var holder = document.getElementById("havens-map");
  var map = null;
  var layer = null;

  function say(text) { status.textContent = text; }
  function distance(m) { return m < 1000 ? m + " m" : (m / 1000).toFixed(1) + " km"; }
  function clock(iso) {
    return new Date(iso).toLocaleTimeString("en-GB",
      { hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" });
  }
  function day(iso) {  // the UK date, as a number of days, to count days between two times
    var text = new Date(iso).toLocaleDateString("en-CA", { timeZone: "Europe/London" });
    return Math.round(Date.parse(text + "T00:00:00Z") / 86400000);
  }
  function until(r, at) {
    var days = day(r.open_until) - day(at);
    if (days >= 6) { return "Open all week"; }
    var when = days === 0 ? "" : days === 1 ? " tomorrow" : " on " + new Date(r.open_until)
      .toLocaleDateString("en-GB", { weekday: "long", timeZone: "Europe/London" });
    return "Open until " + clock(r.open_until) + when;
  }
  function line(tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text;  // names come from data: never treated as HTML
    if (className) { node.className = className; }
    return node;
  }
  function item(r, at) {
    var li = document.createElement("li");
    li.appendChild(line("h3", r.name));
    li.appendChild(line("p", distance(r.distance_m) + " away, about " + r.walk_minutes +
      " minute" + (r.walk_minutes === 1 ? "" : "s") + " walk"));
    li.appendChild(line("p", until(r, at), "open"));
    if (r.address) { li.appendChild(line("p", r.address)); }
    li.appendChild(line("p", "Today: " + r.hours_today, "note"));
    return li;
  }
  function draw(results, here) {
    if (!window.L || !holder || (!results.length && !here)) { return; }
    holder.hidden = false;
    if (!map) {
      map = L.map(holder, { keyboard: true });
      L.tileLayer(holder.dataset.tiles, { attribution: holder.dataset.attribution, maxZoom: 19 })
        .addTo(map);
    }
    if (layer) { layer.remove(); }
    layer = L.featureGroup();
    if (here) {
      L.circleMarker(here, { radius: 8, color: "#0b4f8a", fillOpacity: 0.9 })
        .bindTooltip(line("span", "You are here")).addTo(layer);
    }
    results.forEach(function (r) {
      L.circleMarker([r.lat, r.lon], { radius: 9, color: "#00703c", fillOpacity: 0.9 })
        .bindTooltip(line("span", r.name)).addTo(layer);
    });
    layer.addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 17 });
  }
  function show(data, here) {
    list.textContent = "";
    data.results.forEach(function (r) { list.appendChild(item(r, data.at)); });
    heading.textContent = data.results.length ? "Open now near you" : "No Safe Haven open near you";
    advice.textContent = data.advice || "";
    advice.hidden = data.near;
    draw(data.results, here);
  }
  function search(position) {
    var lat = position.coords.latitude.toFixed(4);
    var lon = position.coords.longitude.toFixed(4);
    say("Looking for Safe Havens open now…");
    fetch("/api/havens/nearest?lat=" + lat + "&lon=" + lon + "&limit=5",
      { headers: { Accept: "application/json" }, cache: "no-store", referrerPolicy: "no-referrer" })
      .then(function (response) {
        if (!response.ok) { throw new Error("the server answered " + response.status); }
        return response.json();
      })
      .then(function (data) {
        show(data, [Number(lat), Number(lon)]);
        say(data.results.length ? "Showing the nearest open now." : "");
      })
      .catch(function (error) {
        say("The search did not work (" + error.message + "). Type a street or area name instead.");
      });
  }
  if (button && navigator.geolocation) {
    button.hidden = false;
    button.addEventListener("click", function () {
      say("Finding where you are…");
      navigator.geolocation.getCurrentPosition(search, function (error) {
        say("We could not get your location (" + error.message + "). Type a street or area name below.");
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
  if (holder && holder.dataset.results) {
    draw(JSON.parse(holder.dataset.results).results, null);
  }
}());
