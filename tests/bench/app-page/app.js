/* global window, document, location, fetch, performance, requestAnimationFrame, URLSearchParams, TextDecoder, TextEncoder */
// App-traffic benchmark page (tests/bench, figure 1b). Plain browser JS.
// GET /app?api=<model API origin>[&n=200][&c=8][&bytes=5000000]
// window.runAppBench() loads n JSON API replies (GET and POST, c at a time; none is a model-API format)
// and, at the same time, streams one model reply of `bytes` bytes (SSE, cross-origin), rendering both into
// the page as they arrive. It resolves two animation frames after everything is rendered with
// { ms, jsonDoneMs, streamDoneMs, requests, jsonBytes, rows, streamBytes, events }.
(function () {
  'use strict';
  const params = new URLSearchParams(location.search);
  const cards = document.getElementById('cards');
  const reply = document.getElementById('reply');
  const status = document.getElementById('status');

  /** The i-th request of the session: customers (GET), search (POST), activity (GET), GraphQL (POST). */
  function request(i) {
    switch (i % 4) {
      case 0:
        return { label: `GET /api/customers?page=${i}`, url: `/api/customers?page=${i}`, init: {} };
      case 1:
        return {
          label: `POST /api/search #${i}`,
          url: '/api/search',
          init: {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ query: 'quarterly report', filters: { space: ['eng', 'ops'] }, page: i }),
          },
        };
      case 2:
        return { label: `GET /api/activity?page=${i}`, url: `/api/activity?page=${i}`, init: {} };
      default:
        return {
          label: `POST /graphql #${i}`,
          url: '/graphql',
          init: {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json' },
            body: JSON.stringify({
              query: 'query Projects($page: Int!) { viewer { projects(page: $page) { edges { node { id name } } } } }',
              variables: { page: i },
            }),
          },
        };
    }
  }

  /** The list of rows in any of the four reply shapes. */
  function rowsOf(j) {
    if (Array.isArray(j)) return j;
    if (Array.isArray(j.data)) return j.data;
    if (Array.isArray(j.hits)) return j.hits;
    const edges = j.data && j.data.viewer && j.data.viewer.projects && j.data.viewer.projects.edges;
    return Array.isArray(edges) ? edges.map((e) => e.node) : [];
  }

  function renderCard(label, rows) {
    const section = document.createElement('section');
    const h = document.createElement('h2');
    h.textContent = `${label} · ${rows.length} rows`;
    section.appendChild(h);
    const table = document.createElement('table');
    for (const row of rows.slice(0, 8)) {
      const tr = document.createElement('tr');
      for (const v of Object.values(row).slice(0, 5)) {
        const td = document.createElement('td');
        td.textContent = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
        tr.appendChild(td);
      }
      table.appendChild(tr);
    }
    section.appendChild(table);
    cards.appendChild(section);
  }

  async function loadJson(n, concurrency, progress) {
    let next = 0;
    let bytes = 0;
    let rows = 0;
    let done = 0;
    async function worker() {
      while (next < n) {
        const r = request(next++);
        const res = await fetch(r.url, r.init);
        if (!res.ok) throw new Error(`${r.label}: HTTP ${res.status}`);
        const text = await res.text();
        bytes += text.length;
        const list = rowsOf(JSON.parse(text));
        rows += list.length;
        renderCard(r.label, list);
        done++;
        progress(done);
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { bytes, rows, requests: done };
  }

  async function streamReply(api, bytes, progress) {
    const res = await fetch(`${api}/v1/chat/completions?bytes=${bytes}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'demo-gpt-4o',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'Summarise this quarter for the whole account list, at length.' }],
      }),
    });
    if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    let buf = '';
    let received = 0;
    let events = 0;
    for (let finished = false; !finished;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let text = '';
      let start = 0;
      let idx;
      while ((idx = buf.indexOf('\n\n', start)) !== -1) {
        const block = buf.slice(start, idx);
        start = idx + 2;
        if (!block.startsWith('data: ')) continue;
        const data = block.slice(6);
        events++;
        if (data === '[DONE]') {
          finished = true;
          break;
        }
        const j = JSON.parse(data);
        const c = j.choices && j.choices[0] && j.choices[0].delta && j.choices[0].delta.content;
        if (c) text += c;
      }
      buf = buf.slice(start);
      if (text) {
        reply.appendChild(document.createTextNode(text));
        received += encoder.encode(text).length;
        progress(received);
      }
    }
    return { bytes: received, events };
  }

  async function runAppBench(opts) {
    opts = opts || {};
    const api = opts.api || params.get('api') || '';
    const n = Number(opts.n || params.get('n') || 200);
    const concurrency = Number(opts.c || params.get('c') || 8);
    const bytes = Number(opts.bytes || params.get('bytes') || 5000000);
    cards.textContent = '';
    reply.textContent = '';
    let jsonDone = 0;
    let streamed = 0;
    const show = () => (status.textContent = `JSON ${jsonDone}/${n} · reply ${(streamed / 1e6).toFixed(1)} MB`);
    const t0 = performance.now();
    let jsonDoneMs = 0;
    let streamDoneMs = 0;
    const [json, stream] = await Promise.all([
      loadJson(n, concurrency, (d) => {
        jsonDone = d;
        show();
      }).then((r) => ((jsonDoneMs = performance.now() - t0), r)),
      streamReply(api, bytes, (b) => {
        streamed = b;
        show();
      }).then((r) => ((streamDoneMs = performance.now() - t0), r)),
    ]);
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const ms = performance.now() - t0;
    status.textContent = `Done in ${ms.toFixed(0)} ms: ${json.requests} JSON replies, ${stream.bytes} reply bytes.`;
    return {
      ms,
      jsonDoneMs,
      streamDoneMs,
      requests: json.requests,
      jsonBytes: json.bytes,
      rows: json.rows,
      streamBytes: stream.bytes,
      events: stream.events,
    };
  }

  window.runAppBench = runAppBench;
  status.textContent = 'Ready. Call window.runAppBench() to start.';
})();
