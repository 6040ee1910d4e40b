// Streaming benchmark for the demo internal AI tool. Plain browser JS.
// GET /bench?bytes=5000000[&delayMs=0][&cross=1][&auto=0]
// Streams /v1/chat/completions?bytes=N (stream + include_usage), appends the text to #out as it
// arrives, then sets window.__benchResult = { ms, bytes, chunks, events, usage }.
(function () {
  'use strict';
  const CONFIG = window.__DEMO_CONFIG__ || { apiOrigin: '' };
  const params = new URLSearchParams(location.search);
  const out = document.getElementById('out');
  const status = document.getElementById('status');

  async function runBench(opts) {
    opts = opts || {};
    const bytes = Number(opts.bytes ?? params.get('bytes') ?? 5000000);
    const delayMs = opts.delayMs ?? params.get('delayMs');
    const cross = opts.cross ?? /^(1|true)$/i.test(params.get('cross') || '');
    window.__benchResult = undefined;
    window.__benchError = undefined;
    out.textContent = '';
    status.textContent = `Streaming ${bytes.toLocaleString()} bytes…`;

    const q = new URLSearchParams({ bytes: String(bytes) });
    if (delayMs !== null && delayMs !== undefined) q.set('delayMs', String(delayMs));
    const url = `${cross ? CONFIG.apiOrigin : ''}/v1/chat/completions?${q}`;
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    let received = 0;
    let chunks = 0;
    let events = 0;
    let usage = null;
    let buf = '';
    try {
      const t0 = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o',
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: 'Benchmark: please stream a very long reply.' }],
        }),
      });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.getReader();
      let finished = false;
      while (!finished) {
        const { value, done } = await reader.read();
        if (done) break;
        chunks++;
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
          if (j.usage) usage = j.usage;
        }
        buf = buf.slice(start);
        if (text) {
          out.appendChild(document.createTextNode(text));
          received += encoder.encode(text).length;
        }
      }
      const ms = performance.now() - t0;
      window.__benchResult = { ms, bytes: received, chunks, events, usage };
      status.textContent = `Done: ${received.toLocaleString()} bytes in ${ms.toFixed(0)} ms (${chunks} network chunks, ${events} SSE events).`;
      return window.__benchResult;
    } catch (err) {
      window.__benchError = String((err && err.message) || err);
      status.textContent = `Failed: ${window.__benchError}`;
      throw err;
    }
  }

  window.runBench = runBench;
  if (params.get('auto') !== '0') {
    runBench().catch(() => {});
  } else {
    status.textContent = 'Ready. Call window.runBench() to start.';
  }
})();
