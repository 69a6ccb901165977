// Ursa web GUI: a small client of the admin API (docs/gui.md). Every view reads the same endpoints as curl or ursactl,
// with the caller's credentials: none from loopback (admin by default), else a user token kept in sessionStorage
// (never in a URL) and sent as "Authorization: Bearer". Data is put into the page as text nodes only (no innerHTML).
'use strict';

const TOKEN_KEY = 'ursa.userToken';
const ADMIN_GROUP = 'mesh-system:admin';
const ctx = { info: null, caller: null, admin: false, types: [], view: null };

// ---------- API ----------

class ApiError extends Error {
    constructor(status, body) {
        super((body && (body.detail || body.details)) || ('HTTP ' + status));
        this.status = status;
        this.body = body || {};
    }
}

function authHeaders(extra) {
    const headers = Object.assign({}, extra);
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers['Authorization'] = 'Bearer ' + token;
    return headers;
}

/** Options of a call whose 401 must not bring up the login form (only the caller's own identity check does). */
const NO_LOGIN = { noLogin: true };

async function call(path, options) {
    const { noLogin, ...o } = options || {};
    const r = await fetch(path, Object.assign({}, o, { headers: authHeaders(Object.assign({ Accept: 'application/json' }, o.headers)) }));
    if (r.status === 401 && !noLogin) {
        showLogin('The control plane refused the credentials: ' + (await r.text()).slice(0, 300));
        throw new ApiError(401, {});
    }
    return r;
}

async function getJson(path, options) {
    const r = await call(path, options);
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new ApiError(r.status, body);
    return body;
}

async function getText(path, accept) {
    const r = await call(path, { headers: { Accept: accept } });
    const text = await r.text();
    if (!r.ok) throw new ApiError(r.status, safeJson(text));
    return text;
}

/** Every item of a paged list (follows "next"). */
async function listAll(path) {
    const sep = path.includes('?') ? '&' : '?';
    let page = await getJson(path + sep + 'size=1000');
    const items = page.items.slice();
    while (page.next) {
        const u = new URL(page.next, location.origin);
        page = await getJson(u.pathname + u.search);
        items.push(...page.items);
    }
    return items;
}

function safeJson(text) {
    try { return JSON.parse(text); } catch (e) { return { detail: text }; }
}

// ---------- DOM ----------

/** h('tag', {attr: v, onclick: f}, child...) with children as nodes or text. */
function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
        if (v === null || v === undefined || v === false) continue;
        if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
        else if (k === 'class') el.className = v;
        else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat(Infinity)) {
        if (c === null || c === undefined || c === false) continue;
        el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
}

const link = (href, text, attrs) => h('a', Object.assign({ href: href }, attrs), text);
const enc = encodeURIComponent;

function table(caption, headers, rows, attrs) {
    return h('table', attrs,
        h('caption', null, caption),
        h('thead', null, h('tr', null, headers.map(x => h('th', { scope: 'col' }, x)))),
        h('tbody', null, rows.length ? rows.map(r => h('tr', r.attrs || null, r.cells.map(c => h('td', null, c))))
            : h('tr', null, h('td', { colspan: headers.length, class: 'muted' }, 'none'))));
}

function badge(text, kind) {
    return h('span', { class: 'badge ' + kind }, text);
}

function when(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return h('time', { datetime: iso, title: iso }, d.toLocaleString());
}

function setMain(title, ...content) {
    const main = document.getElementById('main');
    main.replaceChildren(h('h1', null, title), ...content);
    document.title = title + ' · Ursa';
}

function errorBox(e) {
    return h('p', { class: 'error', role: 'alert' }, e.status ? e.status + ': ' + e.message : String(e.message || e));
}

// ---------- login ----------

function showLogin(reason) {
    sessionStorage.removeItem(TOKEN_KEY);
    const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, size: 60 });
    const form = h('form', { id: 'login', class: 'card',
            onsubmit: async ev => {
                ev.preventDefault();
                sessionStorage.setItem(TOKEN_KEY, input.value.trim());
                await start();
            } },
        h('p', null, 'This control plane needs a user token (generate one with ', h('code', null, 'ursactl generate user-token'),
            '). It is kept in this browser tab only and sent as an Authorization header.'),
        h('label', { for: 'token' }, 'User token'), input, ' ', h('button', { type: 'submit' }, 'Log in'),
        reason ? h('p', { class: 'error', role: 'alert' }, reason) : null);
    setMain('Log in', form);
    input.focus();
}

// ---------- live updates (GET /events as Server-Sent Events, read with fetch so the token goes in a header) ----------

const live = { listeners: new Set(), retry: 1000, timer: null, abort: null };

function setLive(state, text) {
    const el = document.getElementById('live');
    el.dataset.state = state;
    el.textContent = text;
}

async function connectEvents() {
    live.abort = new AbortController();
    try {
        const r = await fetch('/events', { headers: authHeaders({ Accept: 'text/event-stream' }), signal: live.abort.signal });
        if (!r.ok || !r.body) throw new Error('HTTP ' + r.status);
        setLive('live', 'live');
        live.retry = 1000;
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let cut;
            while ((cut = buffer.indexOf('\n\n')) >= 0) {
                const block = buffer.slice(0, cut);
                buffer = buffer.slice(cut + 2);
                const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5)).join('\n');
                if (data) {
                    const event = safeJson(data);
                    live.listeners.forEach(f => f(event));
                }
            }
        }
        throw new Error('stream ended');
    } catch (e) {
        if (live.abort.signal.aborted) return; // the page is going away (pagehide)
        setLive('down', 'disconnected — reconnecting');
        clearTimeout(live.timer);
        live.timer = setTimeout(connectEvents, live.retry);
        live.retry = Math.min(live.retry * 2, 5000);
    }
}

/** Re-renders the current view (debounced) when an event it cares about arrives. */
function refreshOn(matches) {
    let pending = null;
    const listener = e => {
        if (!matches(e)) return;
        clearTimeout(pending);
        pending = setTimeout(route, 250);
    };
    live.listeners.add(listener);
    return () => live.listeners.delete(listener);
}

// ---------- views ----------

const POLICY_SCOPE = t => t.policy && t.scope === 'Mesh';
const isPolicy = type => ctx.types.some(t => t.name === type && POLICY_SCOPE(t));

/** How many dataplanes of a mesh match the filters (the server counts: one item fetched, its total read). */
async function dataplaneCount(meshName, filters) {
    return (await getJson('/meshes/' + enc(meshName) + '/dataplanes/_overview?size=1' + filters)).total;
}

/** The global's counts: one read of GET /global-insight, beside the zones' KDS state. */
async function globalCounts() {
    const [insight, zones] = await Promise.all([getJson('/global-insight'), getJson('/zones/_overview').then(r => r.items)]);
    const byMesh = Object.values(insight.dataplanes.byMesh || {});
    const byZone = insight.dataplanes.byZone || {};
    return { meshes: insight.meshes.total, policies: insight.policies.total, zones,
        dataplanes: byMesh.reduce((n, d) => n + d.total, 0), online: byMesh.reduce((n, d) => n + d.online, 0),
        perZone: new Map(zones.map(z => [z.name, byZone[z.name] || { online: 0, total: 0 }])) };
}

/** A zone CP's counts (it has no /global-insight): per mesh, the policy lists' and the dataplane overview's totals. */
async function zoneCounts() {
    const meshes = await listAll('/meshes');
    const policyTypes = ctx.types.filter(POLICY_SCOPE);
    const counts = { meshes: meshes.length, policies: 0, dataplanes: 0, online: 0, zones: [], perZone: new Map() };
    await Promise.all(meshes.map(async m => {
        const [lists, total, up] = await Promise.all([
            Promise.all(policyTypes.map(t => getJson('/meshes/' + enc(m.name) + '/' + t.path + '?size=1'))),
            dataplaneCount(m.name, ''), dataplaneCount(m.name, '&state=online')]);
        counts.policies += lists.reduce((n, l) => n + l.total, 0);
        counts.dataplanes += total;
        counts.online += up;
    }));
    return counts;
}

async function overview() {
    const global = ctx.info.mode === 'global';
    const [counts, health] = await Promise.all([global ? globalCounts() : zoneCounts(),
        call('/q/health/ready').then(r => r.json()).catch(() => ({ status: 'unknown' }))]);
    const summary = h('dl', { class: 'summary', id: 'summary' },
        h('dt', null, global ? 'Global control plane' : 'Zone control plane'),
        h('dd', null, badge(health.status === 'UP' ? 'ready' : 'not ready', health.status === 'UP' ? 'ok' : 'bad'), ' version ' + ctx.info.version),
        h('dt', null, 'Meshes'), h('dd', { id: 'count-meshes' }, String(counts.meshes)),
        h('dt', null, 'Policies'), h('dd', { id: 'count-policies' }, String(counts.policies)),
        h('dt', null, 'Dataplanes'), h('dd', { id: 'count-dataplanes' }, counts.online + ' online / ' + counts.dataplanes));
    const parts = [summary];
    if (global) parts.push(zonesSection(counts.zones, counts.perZone));
    setMain(global ? 'Federation overview' : 'Zone ' + ctx.info.zone, ...parts);
    return refreshOn(e => ['Zone', 'ZoneInsight', 'Mesh', 'Dataplane', 'DataplaneInsight'].includes(e.type) || isPolicy(e.type));
}

function zonesSection(zones, perZone) {
    const rows = zones.map(z => {
        const subs = z.zoneInsight.subscriptions;
        const last = subs.length ? subs[subs.length - 1] : null;
        const stat = (last && last.status && last.status.stat) || {};
        const inZone = perZone.get(z.name);
        const sum = f => Object.values(stat).reduce((n, s) => n + (s[f] || 0), 0);
        const counters = h('details', null, h('summary', null, 'per type'),
            table('KDS counters of zone ' + z.name, ['type', 'resources sent', 'responses sent', 'ACKed', 'NACKed', 'last NACK'],
                Object.entries(stat).map(([type, s]) => ({ cells: [type, s.resourcesSent ?? s.resources ?? 0, s.responsesSent ?? s.responsesApplied ?? 0,
                    s.responsesAcknowledged ?? 0, s.responsesRejected ?? 0, s.lastNackError || s.lastRejectError || '—'] }))));
        const synced = Object.entries(stat).filter(([type]) => type === 'Mesh' || isPolicy(type));
        const meshesSent = synced.filter(([type]) => type === 'Mesh').reduce((n, [, s]) => n + (s.resourcesSent || 0), 0);
        const policiesSent = synced.filter(([type]) => type !== 'Mesh').reduce((n, [, s]) => n + (s.resourcesSent || 0), 0);
        return { attrs: { 'data-zone': z.name }, cells: [
            h('strong', null, z.name),
            badge(z.state, z.state === 'online' ? 'ok' : 'bad'),
            z.enabled ? 'yes' : 'no',
            last ? when(last.connectTime) : '—',
            last && last.status ? when(last.status.lastUpdateTime) : '—',
            last ? (last.zoneCpVersion || '—') : '—',
            String(meshesSent), String(policiesSent),
            inZone.online + ' / ' + inZone.total,
            sum('responsesAcknowledged') + ' / ' + sum('responsesRejected'),
            counters] };
    });
    return h('section', null, h('h2', null, 'Zones'),
        h('div', { class: 'scroll' }, table('Zones and their KDS connection', ['zone', 'state', 'enabled', 'connected', 'last sync', 'version',
            'meshes sent', 'policies sent', 'dataplanes online / total', 'ACKed / NACKed', 'counters'], rows, { id: 'zones' })));
}

async function meshes() {
    const list = await listAll('/meshes');
    setMain('Meshes', h('ul', { class: 'links' }, list.map(m => h('li', null, link('#/meshes/' + enc(m.name), m.name)))),
        ctx.admin ? h('p', null, link('#/edit/-/meshes', 'New mesh', { class: 'button' })) : null);
    return refreshOn(e => e.type === 'Mesh');
}

async function mesh(name) {
    const types = ctx.types.filter(POLICY_SCOPE);
    const lists = await Promise.all(types.map(t => listAll('/meshes/' + enc(name) + '/' + t.path)));
    const sections = types.map((t, i) => h('section', { class: 'policy-type', 'data-type': t.name },
        h('h2', null, link('#/meshes/' + enc(name) + '/' + t.path, t.pluralDisplayName), ' ', h('span', { class: 'muted' }, '(' + lists[i].length + ')')),
        lists[i].length ? h('ul', { class: 'links' }, lists[i].map(p => h('li', null, link(resourceHref(name, t.path, p.name), p.name), origin(p)))) : null));
    setMain('Mesh ' + name,
        h('p', null, link('#/resource/-/meshes/' + enc(name), 'Mesh YAML'), ' · ', link('#/dataplanes?mesh=' + enc(name), 'Dataplanes')),
        ctx.admin ? h('p', null, link('#/edit/' + enc(name) + '/', 'New policy', { class: 'button' })) : null,
        ...sections);
    return refreshOn(e => e.mesh === name && isPolicy(e.type));
}

function origin(r) {
    const zone = r.labels && r.labels['kuma.io/origin'] === 'zone' ? r.labels['kuma.io/zone'] : null;
    return zone ? h('span', { class: 'muted' }, ' (from zone ' + zone + ')') : null;
}

const resourceHref = (mesh, plural, name) => '#/resource/' + enc(mesh) + '/' + plural + '/' + enc(name);
const resourcePath = (mesh, plural, name) => (mesh === '-' ? '' : '/meshes/' + enc(mesh)) + '/' + plural + (name ? '/' + enc(name) : '');

async function policyList(meshName, plural) {
    const type = ctx.types.find(t => t.path === plural);
    if (!type) throw new ApiError(404, { detail: 'unknown type ' + plural });
    const items = await listAll('/meshes/' + enc(meshName) + '/' + plural);
    setMain(type.pluralDisplayName + ' in ' + meshName,
        h('p', null, link('#/meshes/' + enc(meshName), '← mesh ' + meshName)),
        ctx.admin ? h('p', null, link('#/edit/' + enc(meshName) + '/' + plural, 'New ' + type.singularDisplayName, { class: 'button' })) : null,
        table(type.pluralDisplayName, ['name', 'origin', 'modified'], items.map(p => ({ attrs: { 'data-name': p.name },
            cells: [link(resourceHref(meshName, plural, p.name), p.name), origin(p) || 'global', when(p.modificationTime)] })), { id: 'resources' }));
    return refreshOn(e => e.mesh === meshName && e.type === type.name);
}

async function resource(meshName, plural, name) {
    const path = resourcePath(meshName, plural, name);
    let yaml;
    try {
        yaml = await getText(path, 'application/yaml');
    } catch (e) {
        if (e.status === 404) {
            setMain(name, h('p', { class: 'error', role: 'alert', id: 'gone' }, name + ' does not exist (any more).'));
            return null;
        }
        throw e;
    }
    const actions = [];
    if (ctx.admin && !(ctx.types.find(t => t.path === plural) || {}).readOnly) {
        actions.push(link('#/edit/' + enc(meshName) + '/' + plural + '/' + enc(name), 'Edit', { class: 'button', id: 'edit' }));
        const confirmBox = h('div', { class: 'confirm', hidden: true, role: 'alertdialog', 'aria-labelledby': 'confirm-text' },
            h('p', { id: 'confirm-text' }, 'Delete ' + plural + ' ' + name + '? This cannot be undone.'),
            h('button', { type: 'button', class: 'danger', id: 'confirm-delete', onclick: async () => {
                const r = await call(path, { method: 'DELETE' });
                if (r.ok) location.hash = meshName === '-' ? '#/meshes' : '#/meshes/' + enc(meshName) + '/' + plural;
                else confirmBox.append(errorBox(new ApiError(r.status, await r.json().catch(() => ({})))));
            } }, 'Delete'),
            ' ', h('button', { type: 'button', onclick: () => { confirmBox.hidden = true; } }, 'Cancel'));
        actions.push(' ', h('button', { type: 'button', class: 'danger', id: 'delete', onclick: () => {
            confirmBox.hidden = false;
            document.getElementById('confirm-delete').focus();
        } }, 'Delete…'), confirmBox);
    }
    const extra = [];
    if (plural === 'dataplanes') extra.push(h('p', null, link('#/dataplane/' + enc(meshName) + '/' + enc(name), 'Dataplane details')));
    setMain(name, h('p', { class: 'muted' }, plural + (meshName === '-' ? '' : ' in mesh ' + meshName)), ...extra,
        h('div', { class: 'actions' }, actions), h('pre', { id: 'yaml', tabindex: '0', 'aria-label': 'YAML of ' + name }, yaml));
    return refreshOn(e => e.name === name && (e.mesh || '-') === (meshName === '-' ? '-' : meshName));
}

const TEMPLATE = (meshName, type) => type === 'Mesh' ? 'type: Mesh\nname: my-mesh\n'
    : 'type: ' + type + '\nmesh: ' + meshName + '\nname: my-' + type.toLowerCase() + '\nspec:\n  targetRef:\n    kind: Mesh\n';

async function editor(meshName, plural, name) {
    if (!ctx.admin) {
        setMain('Read only', h('p', { role: 'alert' }, 'User ' + ctx.caller.name + ' may read but not write resources.'));
        return null;
    }
    const type = plural ? ctx.types.find(t => t.path === plural) : null;
    const text = name ? await getText(resourcePath(meshName, plural, name), 'application/yaml')
        : TEMPLATE(meshName, type ? type.name : 'MeshTimeout');
    const area = h('textarea', { id: 'editor', name: 'yaml', rows: 18, cols: 80, spellcheck: 'false', 'aria-describedby': 'editor-help errors' }, text);
    const errors = h('div', { id: 'errors', 'aria-live': 'assertive' });
    const form = h('form', { class: 'editor', onsubmit: async ev => {
        ev.preventDefault();
        errors.replaceChildren();
        const doc = area.value;
        const target = targetOf(doc, meshName);
        if (!target) {
            errors.replaceChildren(h('p', { class: 'error', role: 'alert' }, 'The document needs top-level "type:" and "name:" (and "mesh:" for a policy).'));
            return;
        }
        const r = await call(target.path, { method: 'PUT', body: doc, headers: { 'Content-Type': 'application/yaml' } });
        if (r.ok) {
            location.hash = target.href;
            return;
        }
        const body = await r.json().catch(() => ({}));
        errors.replaceChildren(fieldErrors(r.status, body));
    } },
        h('label', { for: 'editor' }, 'YAML'),
        h('p', { id: 'editor-help', class: 'muted' }, 'Kuma 2.14 universal format; the control plane validates the document on save.'),
        errors, // above the text area, so a refusal is seen without scrolling
        area, h('div', null, h('button', { type: 'submit', id: 'save' }, 'Save'), ' ',
            link(name ? resourceHref(meshName, plural, name) : '#/meshes', 'Cancel')));
    setMain(name ? 'Edit ' + name : 'New ' + (type ? type.singularDisplayName : 'resource'), form);
    area.focus();
    return null; // an open editor is not replaced by live updates
}

/** Where a YAML document goes, from its top-level type, mesh and name. */
function targetOf(doc, fallbackMesh) {
    const top = key => { const m = doc.match(new RegExp('^' + key + ':\\s*["\']?([^"\'\\s#]+)', 'm')); return m ? m[1] : null; };
    const typeName = top('type');
    const name = top('name');
    const type = ctx.types.find(t => t.name === typeName);
    if (!type || !name) return null;
    if (type.scope !== 'Mesh') return { path: resourcePath('-', type.path, name), href: resourceHref('-', type.path, name) };
    const meshName = top('mesh') || (fallbackMesh !== '-' ? fallbackMesh : null);
    if (!meshName) return null;
    return { path: resourcePath(meshName, type.path, name), href: resourceHref(meshName, type.path, name) };
}

/** The server's refusal: each invalid field path next to its reason. */
function fieldErrors(status, body) {
    const fields = body.invalid_parameters || [];
    return h('div', { class: 'error', role: 'alert' },
        h('p', null, status + ': ' + (body.title || body.detail || 'refused')),
        fields.length ? h('dl', { class: 'field-errors' }, fields.map(f => [h('dt', null, h('code', null, f.field)), h('dd', null, f.reason)]))
            : h('p', null, body.detail || ''));
}

async function dataplanes(query) {
    const meshList = await listAll('/meshes');
    const meshName = query.get('mesh') || (meshList[0] && meshList[0].name) || 'default';
    const params = new URLSearchParams();
    for (const k of ['zone', 'state']) if (query.get(k)) params.set(k, query.get(k));
    if (query.get('service')) params.append('tag', 'kuma.io/service:' + query.get('service'));
    const items = await listAll('/meshes/' + enc(meshName) + '/dataplanes/_overview' + (params.toString() ? '?' + params : ''));
    const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
    const form = h('form', { class: 'filters', role: 'search', onsubmit: ev => {
        ev.preventDefault();
        const q = new URLSearchParams(new FormData(ev.target));
        for (const [k, v] of [...q.entries()]) if (!v) q.delete(k);
        location.hash = '#/dataplanes?' + q;
    } },
        field('f-mesh', 'Mesh', h('select', { id: 'f-mesh', name: 'mesh' }, meshList.map(m => h('option', { value: m.name, selected: m.name === meshName }, m.name)))),
        field('f-zone', 'Zone', h('input', { id: 'f-zone', name: 'zone', value: query.get('zone') || '' })),
        field('f-service', 'Service', h('input', { id: 'f-service', name: 'service', value: query.get('service') || '' })),
        field('f-state', 'State', h('select', { id: 'f-state', name: 'state' },
            ['', 'online', 'offline'].map(s => h('option', { value: s, selected: s === (query.get('state') || '') }, s || 'any')))),
        h('button', { type: 'submit' }, 'Filter'));
    const services = d => (d.dataplane.networking.inbound || []).map(i => i.tags['kuma.io/service']).filter(Boolean).join(', ');
    const nacks = d => (d.dataplaneInsight.subscriptions || []).filter(s => s.status && s.status.lastNack).length;
    setMain('Dataplanes', form,
        table(items.length + ' dataplane(s) in mesh ' + meshName, ['name', 'zone', 'services', 'address', 'state', 'NACKs'],
            items.map(d => ({ attrs: { 'data-name': d.name }, cells: [link('#/dataplane/' + enc(meshName) + '/' + enc(d.name), d.name), d.zone || '—', services(d),
                d.dataplane.networking.address, badge(d.state, d.state === 'online' ? 'ok' : 'bad'), String(nacks(d))] })), { id: 'dataplanes' }));
    return refreshOn(e => e.mesh === meshName && (e.type === 'Dataplane' || e.type === 'DataplaneInsight'));
}

async function dataplane(meshName, name) {
    const base = '/meshes/' + enc(meshName) + '/dataplanes/' + enc(name);
    const o = await getJson(base + '/_overview');
    const subs = o.dataplaneInsight.subscriptions || [];
    const parts = [
        h('p', null, badge(o.state, o.state === 'online' ? 'ok' : 'bad'), ' zone ' + (o.zone || '—') + ' · ', link(resourceHref(meshName, 'dataplanes', name), 'YAML')),
        table('xDS streams', ['control plane', 'connected', 'disconnected', 'last NACK'], subs.map(s => ({ cells: [
            s.controlPlaneInstanceId || '—', when(s.connectTime), when(s.disconnectTime),
            s.status && s.status.lastNack ? JSON.stringify(s.status.lastNack) : '—'] })))];
    // At the global these answers come from the dataplane's zone over KDS (docs/api.md#dataplane-inspection): a zone
    // that is offline or slow answers an error, shown in place of the section.
    const [policies, config] = await Promise.allSettled([getJson(base + '/_policies'), getText(base + '/_config', 'application/json')]);
    parts.push(h('section', null, h('h2', null, 'Effective policies'), ...(policies.status === 'fulfilled' ? [
        table('Policies applied to ' + name, ['type', 'policies', 'why'], (policies.value.policies || []).map(p => ({ attrs: { 'data-type': p.type }, cells: [
            p.type, (p.matched || []).map(m => m.name).join(', '), (p.matched || []).map(m => m.reason).join('; ')] })), { id: 'policies' }),
        h('details', null, h('summary', null, 'Merged configuration per policy'), h('pre', { tabindex: '0' }, JSON.stringify(policies.value.policies, null, 2)))]
        : [errorBox(policies.reason)])));
    parts.push(h('section', null, h('h2', null, 'xDS configuration'), config.status === 'fulfilled'
        ? h('details', null, h('summary', null, 'listeners, routes, clusters, endpoints'), h('pre', { id: 'config', tabindex: '0' }, config.value))
        : errorBox(config.reason)));
    setMain('Dataplane ' + name, ...parts);
    return refreshOn(e => e.mesh === meshName && (e.name === name || isPolicy(e.type)));
}

async function crossZone() {
    const ingresses = await listAll('/zoneingresses');
    const meshList = await listAll('/meshes');
    const strategies = (await Promise.all(meshList.map(m => listAll('/meshes/' + enc(m.name) + '/meshloadbalancingstrategies')))).flat();
    const failover = strategies.map(s => {
        const rows = [];
        for (const to of (s.spec.to || [])) {
            const cz = to.default && to.default.localityAwareness && to.default.localityAwareness.crossZone;
            if (!cz) continue;
            (cz.failover || []).forEach((f, i) => rows.push({ cells: [String(i + 1), to.targetRef.name || to.targetRef.kind,
                f.to ? (f.to.type + (f.to.zones ? ': ' + f.to.zones.join(', ') : '')) : '—', f.from && f.from.zones ? f.from.zones.join(', ') : 'any zone'] }));
        }
        return h('section', null, h('h3', null, link(resourceHref(s.mesh, 'meshloadbalancingstrategies', s.name), s.mesh + ' / ' + s.name)),
            table('Failover order', ['#', 'service', 'to', 'from'], rows));
    });
    setMain('Zone ingresses and cross-zone services',
        table('Services each zone offers through its ingress', ['zone', 'ingress', 'address', 'mesh', 'service', 'instances'],
            ingresses.flatMap(zi => (zi.availableServices || [{}]).map(s => ({ cells: [zi.zone || '—', zi.name,
                (zi.networking && (zi.networking.advertisedAddress || zi.networking.address)) + ':' + (zi.networking && (zi.networking.advertisedPort || zi.networking.port)),
                s.mesh || '—', s.tags ? s.tags['kuma.io/service'] : '—', s.instances === undefined ? '—' : String(s.instances)] }))), { id: 'ingresses' }),
        h('h2', null, 'Failover order (MeshLoadBalancingStrategy)'),
        failover.length ? failover : h('p', { class: 'muted' }, 'No MeshLoadBalancingStrategy defines a cross-zone failover: the local zone first, then every other zone.'));
    return refreshOn(e => e.type === 'ZoneIngress' || e.type === 'MeshLoadBalancingStrategy');
}

// ---------- routing ----------

async function route() {
    if (ctx.view) ctx.view();
    ctx.view = null;
    const [path, queryString] = location.hash.replace(/^#/, '').split('?');
    const query = new URLSearchParams(queryString || '');
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
    for (const a of document.querySelectorAll('#nav a')) {
        const target = a.getAttribute('href').replace(/^#/, '');
        a.toggleAttribute('aria-current', target === '/' ? seg.length === 0 : path.startsWith(target));
    }
    try {
        if (seg.length === 0) ctx.view = await overview();
        else if (seg[0] === 'meshes' && seg.length === 1) ctx.view = await meshes();
        else if (seg[0] === 'meshes' && seg.length === 2) ctx.view = await mesh(seg[1]);
        else if (seg[0] === 'meshes' && seg.length === 3) ctx.view = await policyList(seg[1], seg[2]);
        else if (seg[0] === 'resource') ctx.view = await resource(seg[1], seg[2], seg[3]);
        else if (seg[0] === 'edit') ctx.view = await editor(seg[1], seg[2], seg[3]);
        else if (seg[0] === 'dataplanes') ctx.view = await dataplanes(query);
        else if (seg[0] === 'dataplane') ctx.view = await dataplane(seg[1], seg[2]);
        else if (seg[0] === 'crosszone') ctx.view = await crossZone();
        else setMain('Not found', h('p', null, 'No such page: ' + path));
        performance.mark('ursa-view-rendered'); // the data is on the page (page-load measurements read this mark)
    } catch (e) {
        if (e.status !== 401) setMain('Error', errorBox(e));
    }
}

async function start() {
    // The three start-up reads go out together; only who-am-i's refusal brings up the login form.
    const infoAndTypes = Promise.all([getJson('/', NO_LOGIN), getJson('/_resources', NO_LOGIN).then(r => r.resources)]);
    infoAndTypes.catch(() => {}); // read below, once the caller is known
    let caller;
    try {
        caller = await getJson('/who-am-i');
        [ctx.info, ctx.types] = await infoAndTypes;
    } catch (e) {
        if (e.status !== 401) setMain('Error', errorBox(e));
        return;
    }
    ctx.caller = caller;
    ctx.admin = (caller.groups || []).includes(ADMIN_GROUP);
    document.getElementById('cp-mode').textContent = ctx.info.mode + (ctx.info.zone ? ' · ' + ctx.info.zone : '');
    document.getElementById('who').textContent = caller.name + (ctx.admin ? ' (admin)' : ' (read only)');
    const logout = document.getElementById('logout');
    logout.hidden = !sessionStorage.getItem(TOKEN_KEY);
    if (!ctx.started) {
        ctx.started = true;
        logout.addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); location.reload(); });
        window.addEventListener('hashchange', () => route().then(() => {
            // keyboard users land on the new page's content, unless the view focused a field itself
            const main = document.getElementById('main');
            if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
        }));
        connectEvents();
        // a page kept in the back/forward cache would hold its stream (one of the browser's few connections per host)
        window.addEventListener('pagehide', () => { clearTimeout(live.timer); live.abort.abort(); });
        window.addEventListener('pageshow', ev => { if (ev.persisted) connectEvents(); });
    }
    await route();
}

start();
