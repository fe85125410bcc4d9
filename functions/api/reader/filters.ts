/**
 * The reader page's filters, spliced into its script (same scope, same rules: plain ES2022, no
 * template literals or backslashes, every record string set as text and bidi-isolated).
 *
 * Outlet and entity filters are offered from `GET /facets` (most frequent values first) and sent
 * to `GET /summaries?outlet=&entity=`; both combine. The page's own URL holds them, so a filtered
 * view can be shared or bookmarked, and Back/Forward step through filter changes. An API without
 * `/facets` (or one that refuses it) gets no filter bar: the page shows the unfiltered list.
 */
export const FILTERS_JS = `
  var FILTER_KINDS = ['outlet', 'entity'];
  var FILTER_ALL = { outlet: 'All outlets', entity: 'Anyone, any organisation or place' };
  var FACET_LIMIT = 50;
  var filters = { available: false, outlet: '', entity: '' };

  function readFilters(params) {
    FILTER_KINDS.forEach(function (k) { filters[k] = clean((params.get(k) || '').trim()); });
  }
  function anyFilter() { return FILTER_KINDS.some(function (k) { return filters[k] !== ''; }); }
  // The API's list query for the current filters ('' when the API has none).
  function filterQuery() {
    if (!filters.available) return '';
    return FILTER_KINDS.map(function (k) {
      return filters[k] ? '&' + k + '=' + encodeURIComponent(filters[k]) : '';
    }).join('');
  }
  function filteredPageUrl() {
    var params = new URLSearchParams(location.search);
    FILTER_KINDS.forEach(function (k) { if (filters[k]) params.set(k, filters[k]); else params.delete(k); });
    var query = params.toString();
    return location.pathname + (query ? '?' + query : '');
  }

  function facetOption(value, label) { return el('option', { value: value, dir: 'auto' }, label); }
  function ensureOption(select, value) {
    if (!value) return;
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
    if (!known) select.appendChild(facetOption(value, value));
  }
  function showFilterState() {
    FILTER_KINDS.forEach(function (k) {
      var select = $('filter-' + k);
      ensureOption(select, filters[k]);
      select.value = filters[k];
    });
    $('filter-clear').hidden = !anyFilter();
    document.querySelectorAll('.entity[data-entity]').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-entity') === filters.entity));
    });
  }

  async function loadFacets() {
    var pages;
    try {
      pages = await Promise.all(FILTER_KINDS.map(function (k) {
        return getJson('facets?kind=' + k + '&limit=' + FACET_LIMIT);
      }));
    } catch (e) {
      // No /facets on this API (404), or refused: the page works unfiltered, without the bar.
      filters.available = false;
      $('filters').hidden = true;
      return;
    }
    FILTER_KINDS.forEach(function (k, i) {
      var select = $('filter-' + k);
      select.replaceChildren(facetOption('', FILTER_ALL[k]));
      pages[i].values.forEach(function (v) {
        select.appendChild(facetOption(clean(v.value), clean(v.value) + ' (' + v.count + ')'));
      });
    });
    filters.available = true;
    $('filters').hidden = false;
    showFilterState();
  }

  // A filter change: a new history entry (Back undoes it), then the list from its first page.
  function applyFilters() {
    history.pushState(null, '', filteredPageUrl());
    showFilterState();
    reloadList();
  }
  function setFilter(kind, value) {
    filters[kind] = clean(value || '');
    applyFilters();
  }
  function clearFilters() {
    FILTER_KINDS.forEach(function (k) { filters[k] = ''; });
    applyFilters();
  }

  // A card's outlet and entities: buttons that filter by them when the API can.
  function outletNode(outlet) {
    if (!filters.available) return el('bdi', { class: 'outlet' }, outlet);
    var button = el('button', { type: 'button', class: 'outlet outlet-filter', dir: 'auto', title: 'Only this outlet' }, outlet);
    button.addEventListener('click', function () { setFilter('outlet', outlet); });
    return button;
  }
  function entityList(entities) {
    var list = el('ul', { class: 'entities', 'aria-label': 'People, organisations and places' });
    entities.forEach(function (e) {
      var item = el('li');
      if (filters.available) {
        var name = clean(e.name);
        var button = el('button', {
          type: 'button', class: 'entity', dir: 'auto', 'data-entity': name, 'data-type': e.type,
          'aria-pressed': String(name === filters.entity), title: 'Only summaries that mention this ' + e.type,
        }, e.name);
        button.addEventListener('click', function () { setFilter('entity', name); });
        item.appendChild(button);
      } else {
        item.appendChild(el('bdi', { class: 'entity', 'data-type': e.type }, e.name));
      }
      list.appendChild(item);
    });
    return list;
  }

  function startFilters() {
    readFilters(PARAMS);
    FILTER_KINDS.forEach(function (k) {
      $('filter-' + k).addEventListener('change', function (event) { setFilter(k, event.target.value); });
    });
    $('filter-clear').addEventListener('click', clearFilters);
    $('filters').addEventListener('submit', function (event) { event.preventDefault(); });
    window.addEventListener('popstate', function () {
      if (TEXT_ID) return;
      readFilters(new URLSearchParams(location.search));
      showFilterState();
      reloadList();
    });
  }
`;
