// The dashboard's map (layout=map): pins for the events the list beside it holds (each <li>
// carries its place), clustered, on the operator's tiles when there are any. The list stays the
// complete, keyboard-usable form; each item's "Show on map" button opens its pin. Without
// tiles, or offline, the markers are drawn all the same (they are plain HTML, no images).
(function () {
  'use strict';
  var box = document.getElementById('event-map');
  if (!box || !window.L) return;
  var items = Array.prototype.slice.call(document.querySelectorAll('.map-list li[data-lat]'));
  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }
  function escapeHtml(value) {
    return value.replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  box.textContent = '';
  box.classList.add('is-drawn');
  var map = L.map(box, { scrollWheelZoom: false, keyboard: true, worldCopyJump: true });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  var credit = box.dataset.attribution ? escapeHtml(box.dataset.attribution) : '';
  if (credit && box.dataset.credit) {
    credit = '<a href="' + escapeHtml(box.dataset.credit) + '">' + credit + '</a>';
  }
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: credit }).addTo(map);
  } else if (credit) {
    map.attributionControl.addAttribution(credit);
  }
  var group = L.markerClusterGroup
    ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 })
    : L.featureGroup();
  var markers = [];
  items.forEach(function (item) {
    var lat = parseFloat(item.dataset.lat);
    var lon = parseFloat(item.dataset.lon);
    if (!isFinite(lat) || !isFinite(lon)) return;
    var title = item.dataset.title || '';
    var marker = L.marker([lat, lon], {
      icon: L.divIcon({ className: 'map-pin', html: '', iconSize: [20, 20] }),
      title: title,
      alt: title,
      keyboard: true,
    });
    var popup = document.createElement('div');
    var link = item.querySelector('a');
    if (link) {
      var copy = link.cloneNode(true);
      popup.appendChild(copy);
    } else {
      popup.appendChild(text('strong', title));
    }
    var meta = item.querySelector('.card-meta');
    if (meta) popup.appendChild(text('p', meta.textContent, 'card-meta'));
    marker.bindPopup(popup);
    group.addLayer(marker);
    markers.push(marker);
    var button = item.querySelector('button.map-show');
    if (button) {
      button.hidden = false;
      button.addEventListener('click', function () {
        var open = function () { marker.openPopup(); };
        if (group.zoomToShowLayer) group.zoomToShowLayer(marker, open);
        else { map.setView([lat, lon], Math.max(map.getZoom(), 13)); open(); }
        box.scrollIntoView({ block: 'nearest' });
      });
    }
  });
  map.addLayer(group);
  if (markers.length) {
    map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 13 });
  } else {
    map.setView([20, 0], 2);
  }
})();
