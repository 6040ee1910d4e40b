// Acme Agents - the Tokenwise demo agent console. Plain browser JS, no build step.
// Starts jobs with POST /api/jobs, then polls GET /api/jobs/:id every 500 ms while a job is active and
// refreshes GET /api/jobs every 3 s. URL params: ?speed=fast (jobs take ~1 s), ?cross=1 (use the
// cross-origin API server), ?fail=1|0 (force or suppress a failure).
(function () {
  'use strict';

  /** @type {{ apiOrigin: string, chatUrl?: string, agentUrl?: string }} */
  const CONFIG = window.__DEMO_CONFIG__ || { apiOrigin: '' };
  const params = new URLSearchParams(location.search);
  const cross = /^(1|true|yes|on)$/i.test(params.get('cross') || '');
  const speed = params.get('speed') === 'fast' ? 'fast' : '';
  const failParam = params.get('fail');
  const POLL_MS = 500;
  const LIST_MS = 3000;

  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const el = {
    app: $('app'),
    scrim: $('scrim'),
    sidebarOpen: $('sidebar-open'),
    sidebarClose: $('sidebar-close'),
    chatLink: /** @type {HTMLAnchorElement} */ ($('chat-link')),
    apiHint: $('api-hint'),
    pill: $('agent-pill'),
    templates: $('templates'),
    launch: /** @type {HTMLFormElement} */ ($('launch')),
    instruction: /** @type {HTMLTextAreaElement} */ ($('instruction')),
    run: /** @type {HTMLButtonElement} */ ($('run-job')),
    launchError: $('launch-error'),
    jobs: $('jobs'),
    jobsEmpty: $('jobs-empty'),
    runsCount: $('runs-count'),
    detail: $('job-detail'),
    detailName: $('detail-name'),
    detailStatus: $('detail-status'),
    detailId: $('detail-id'),
    detailModel: $('detail-model'),
    detailInstructions: $('detail-instructions'),
    cancel: /** @type {HTMLButtonElement} */ ($('cancel-job')),
    inTok: $('job-input-tokens'),
    outTok: $('job-output-tokens'),
    totalTok: $('job-total-tokens'),
    steps: $('job-steps'),
    elapsed: $('job-elapsed'),
    toolCounts: $('tool-counts'),
    jobError: $('job-error'),
    timeline: $('timeline'),
  };

  const base = cross ? CONFIG.apiOrigin : '';
  const STATUS_LABEL = {
    queued: 'Queued',
    in_progress: 'Running',
    completed: 'Completed',
    failed: 'Failed',
    cancelled: 'Cancelled',
  };
  const active = (s) => s === 'queued' || s === 'in_progress';

  /** @type {Map<string, any>} */
  const jobs = new Map();
  /** @type {string|null} */
  let selectedId = null;
  /** @type {Map<string, number>} job id -> poll timer */
  const pollers = new Map();

  // ------------------------------------------------------------------------------------------
  // Helpers

  function escapeHtml(s) {
    return String(s).replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    );
  }
  const fmt = (n) => Number(n || 0).toLocaleString('en-US');
  /** Local clock readings (ms) for jobs seen here: the API's timestamps are whole seconds. */
  const clock = new Map();
  function elapsedOf(job) {
    const c = clock.get(job.id);
    const start = c ? c.start : job.created_at * 1000;
    const end = c && c.end ? c.end : (job.completed_at || job.failed_at || job.cancelled_at || 0) * 1000;
    const ms = Math.max(0, (end || Date.now()) - start);
    if (!c && end && ms < 1000) return '<1s'; // whole-second timestamps only
    if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
    const s = Math.round(ms / 1000);
    return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
  }
  function toolCounts(job) {
    /** @type {Record<string, number>} */
    const out = {};
    for (const s of job.steps || []) {
      for (const c of s.tool_calls || []) out[c.function.name] = (out[c.function.name] || 0) + 1;
    }
    return out;
  }
  function ago(sec) {
    const d = Math.max(0, Math.round(Date.now() / 1000 - sec));
    if (d < 5) return 'just now';
    if (d < 60) return `${d}s ago`;
    if (d < 3600) return `${Math.floor(d / 60)} min ago`;
    return new Date(sec * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  function argsPreview(json) {
    try {
      const o = JSON.parse(json);
      return Object.entries(o)
        .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(', ');
    } catch {
      return json;
    }
  }

  async function api(path, init) {
    const res = await fetch(base + path, {
      ...init,
      headers: { 'Content-Type': 'application/json', ...((init && init.headers) || {}) },
    });
    let body = null;
    try {
      body = await res.json();
    } catch {
      /* not JSON */
    }
    if (!res.ok) {
      const msg = (body && body.error && body.error.message) || `HTTP ${res.status}`;
      throw new Error(msg);
    }
    return body;
  }

  // ------------------------------------------------------------------------------------------
  // Rendering

  const ICONS = {
    tool: '<svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" d="M14.7 6.3a4 4 0 0 0-5.4 5.4L4 17l3 3 5.3-5.3a4 4 0 0 0 5.4-5.4l-2.4 2.4-2.6-.4-.4-2.6 2.4-2.4z"/></svg>',
    message:
      '<svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" d="M5 5h14v10H9l-4 4V5z"/></svg>',
  };

  function statusBadge(status) {
    return `<span class="status-badge" data-status="${status}"><span class="status-dot" aria-hidden="true"></span>${STATUS_LABEL[status] || status}</span>`;
  }

  function renderList() {
    const list = [...jobs.values()].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1));
    el.jobsEmpty.hidden = list.length > 0;
    const running = list.filter((j) => active(j.status)).length;
    el.runsCount.textContent = list.length
      ? `${list.length} run${list.length === 1 ? '' : 's'}${running ? ` · ${running} active` : ''}`
      : '';
    const seen = new Set();
    let prev = null;
    for (const job of list) {
      seen.add(job.id);
      let li = /** @type {HTMLElement|null} */ (el.jobs.querySelector(`.job[data-job-id="${job.id}"]`));
      if (!li) {
        li = document.createElement('li');
        li.className = 'job';
        li.dataset.jobId = job.id;
        const btn = document.createElement('button');
        btn.type = 'button';
        btn.className = 'job-open';
        li.append(btn);
      }
      // Keep DOM order = newest first without re-creating items (focus stays put).
      const want = prev ? prev.nextElementSibling : el.jobs.firstElementChild;
      if (want !== li) el.jobs.insertBefore(li, want);
      prev = li;
      li.dataset.status = job.status;
      li.dataset.inputTokens = String(job.usage.input_tokens);
      li.dataset.outputTokens = String(job.usage.output_tokens);
      const btn = /** @type {HTMLButtonElement} */ (li.querySelector('.job-open'));
      if (job.id === selectedId) btn.setAttribute('aria-current', 'true');
      else btn.removeAttribute('aria-current');
      const counts = toolCounts(job);
      const tools = Object.entries(counts)
        .map(([n, c]) => `<span class="mini-tool">${escapeHtml(n)} ×${c}</span>`)
        .join('');
      const progress =
        job.status === 'in_progress' || job.status === 'queued'
          ? '<span class="job-progress" aria-hidden="true"><i></i></span>'
          : '';
      btn.innerHTML =
        `<span class="job-row"><span class="job-name">${escapeHtml(job.name)}</span>${statusBadge(job.status)}</span>` +
        `<span class="job-meta"><span class="job-tokens">${fmt(job.usage.total_tokens)} tokens</span>` +
        `<span>${job.steps.length} step${job.steps.length === 1 ? '' : 's'}</span><span>${ago(job.created_at)}</span></span>` +
        (tools ? `<span class="job-tools">${tools}</span>` : '') +
        progress;
    }
    for (const li of [...el.jobs.children]) {
      if (!seen.has(/** @type {HTMLElement} */ (li).dataset.jobId || '')) li.remove();
    }
  }

  function renderDetail() {
    const job = selectedId ? jobs.get(selectedId) : null;
    el.detail.hidden = !job;
    if (!job) return;
    el.detail.dataset.jobId = job.id;
    el.detail.dataset.status = job.status;
    el.detailName.textContent = job.name;
    el.detailStatus.outerHTML = statusBadge(job.status).replace(
      'class="status-badge"',
      'class="status-badge" id="detail-status"',
    );
    el.detailStatus = $('detail-status');
    el.detailId.textContent = job.id;
    el.detailModel.textContent = job.model;
    el.detailInstructions.textContent = job.instructions;
    el.cancel.hidden = !active(job.status);
    el.cancel.disabled = !active(job.status);
    el.inTok.textContent = fmt(job.usage.input_tokens);
    el.outTok.textContent = fmt(job.usage.output_tokens);
    el.totalTok.textContent = fmt(job.usage.total_tokens);
    el.steps.textContent = String(job.steps.length);
    el.elapsed.textContent = elapsedOf(job);

    const counts = toolCounts(job);
    el.toolCounts.innerHTML = Object.entries(counts)
      .map(
        ([name, n]) =>
          `<span class="tool-count" data-tool="${escapeHtml(name)}" data-count="${n}">${ICONS.tool}<code>${escapeHtml(name)}</code><b>×${n}</b></span>`,
      )
      .join('');
    el.toolCounts.hidden = Object.keys(counts).length === 0;

    el.jobError.hidden = !job.last_error;
    el.jobError.textContent = job.last_error ? job.last_error.message : '';

    const items = job.steps.map((s, i) => {
      const isTool = s.type === 'tool_calls';
      let body = '';
      if (isTool) {
        body = (s.tool_calls || [])
          .map(
            (c) =>
              `<div class="call"><code class="call-name">${escapeHtml(c.function.name)}</code><span class="call-args">${escapeHtml(argsPreview(c.function.arguments))}</span></div>`,
          )
          .join('');
      } else if (s.message) {
        body = `<p class="step-message">${escapeHtml(s.message.content)}</p>`;
      }
      const title = isTool
        ? s.status === 'in_progress'
          ? `Calling ${s.tool_calls.length} tool${s.tool_calls.length === 1 ? '' : 's'}…`
          : `Called ${s.tool_calls.length} tool${s.tool_calls.length === 1 ? '' : 's'}`
        : i === job.steps.length - 1 && job.status === 'completed'
          ? 'Final answer'
          : 'Wrote a message';
      return (
        `<li class="step" data-step-id="${s.id}" data-status="${s.status}" data-type="${s.type}">` +
        `<span class="step-icon" aria-hidden="true">${isTool ? ICONS.tool : ICONS.message}</span>` +
        `<div class="step-body"><div class="step-head"><span class="step-title">${title}</span>` +
        `<span class="step-tokens">${fmt(s.usage.input_tokens)} in · ${fmt(s.usage.output_tokens)} out</span></div>${body}</div></li>`
      );
    });
    if (job.status === 'queued') {
      items.push(
        '<li class="step step-pending"><span class="step-icon spinner" aria-hidden="true"></span><div class="step-body"><span class="step-title">Waiting for a worker…</span></div></li>',
      );
    } else if (job.status === 'in_progress') {
      const last = job.steps[job.steps.length - 1];
      if (!last || last.status !== 'in_progress') {
        items.push(
          '<li class="step step-pending"><span class="step-icon spinner" aria-hidden="true"></span><div class="step-body"><span class="step-title">Thinking…</span></div></li>',
        );
      }
    }
    el.timeline.innerHTML = items.join('');
  }

  function render() {
    renderList();
    renderDetail();
  }

  // ------------------------------------------------------------------------------------------
  // Polling

  function upsert(job) {
    const known = jobs.get(job.id);
    // A list refresh can answer after a newer poll: never step back in time.
    if (known && !active(known.status) && active(job.status)) return;
    if (known && known.usage.total_tokens > job.usage.total_tokens) return;
    jobs.set(job.id, job);
    const c = clock.get(job.id);
    if (c && !c.end && !active(job.status)) c.end = Date.now();
    if (active(job.status)) startPolling(job.id);
    else stopPolling(job.id);
  }

  function startPolling(id) {
    if (pollers.has(id)) return;
    const tick = async () => {
      try {
        const job = await api(`/api/jobs/${encodeURIComponent(id)}`);
        upsert(job);
        render();
      } catch {
        /* transient: try again on the next tick */
      }
      if (pollers.has(id)) pollers.set(id, window.setTimeout(tick, POLL_MS));
    };
    pollers.set(id, window.setTimeout(tick, POLL_MS));
  }
  function stopPolling(id) {
    const t = pollers.get(id);
    if (t !== undefined) clearTimeout(t);
    pollers.delete(id);
  }

  async function refreshList() {
    try {
      const list = await api('/api/jobs');
      for (const job of list.data || []) upsert(job);
      if (!selectedId && list.data && list.data[0]) selectedId = list.data[0].id;
      render();
    } catch {
      /* the list refreshes again shortly */
    }
  }

  // ------------------------------------------------------------------------------------------
  // Actions

  function selectedTemplate() {
    const checked = /** @type {HTMLInputElement|null} */ (el.templates.querySelector('input:checked'));
    return checked ? checked.value : 'triage-inbox';
  }

  async function runJob() {
    const template = selectedTemplate();
    const instructions = el.instruction.value.trim();
    el.launchError.hidden = true;
    if (template === 'custom' && !instructions) {
      el.launchError.textContent = 'Describe the task for the agent first.';
      el.launchError.hidden = false;
      el.instruction.focus();
      return;
    }
    const q = new URLSearchParams();
    if (speed) q.set('speed', speed);
    if (failParam !== null) q.set('fail', failParam);
    const body = template === 'custom' ? { template, instructions } : { template };
    el.run.disabled = true;
    try {
      const job = await api(`/api/jobs${q.toString() ? `?${q}` : ''}`, {
        method: 'POST',
        body: JSON.stringify({ ...body, model: 'gpt-4o' }),
      });
      selectedId = job.id;
      clock.set(job.id, { start: Date.now(), end: 0 });
      upsert(job);
      render();
      if (template === 'custom') el.instruction.value = '';
    } catch (err) {
      el.launchError.textContent = `Could not start the run: ${(err && err.message) || err}`;
      el.launchError.hidden = false;
    } finally {
      el.run.disabled = false;
    }
  }

  async function cancelSelected() {
    const id = selectedId;
    if (!id) return;
    el.cancel.disabled = true;
    try {
      const job = await api(`/api/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
      upsert(job);
    } catch {
      // Finished in the meantime: fetch its final state.
      try {
        upsert(await api(`/api/jobs/${encodeURIComponent(id)}`));
      } catch {
        /* ignore */
      }
    }
    render();
  }

  // ------------------------------------------------------------------------------------------
  // Wiring

  el.launch.addEventListener('submit', (e) => {
    e.preventDefault();
    void runJob();
  });
  el.instruction.addEventListener('input', () => {
    if (el.instruction.value.trim()) {
      const custom = /** @type {HTMLInputElement} */ (el.templates.querySelector('input[value="custom"]'));
      custom.checked = true;
    }
  });
  el.instruction.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
      e.preventDefault();
      void runJob();
    }
  });
  el.templates.addEventListener('change', () => {
    if (selectedTemplate() === 'custom') el.instruction.focus();
  });
  el.jobs.addEventListener('click', (e) => {
    const li = /** @type {HTMLElement|null} */ (/** @type {HTMLElement} */ (e.target).closest('.job'));
    if (!li || !li.dataset.jobId) return;
    selectedId = li.dataset.jobId;
    render();
  });
  el.cancel.addEventListener('click', () => void cancelSelected());
  el.sidebarOpen.addEventListener('click', () => {
    el.app.classList.add('sidebar-visible');
    el.scrim.hidden = false;
  });
  const closeSidebar = () => {
    el.app.classList.remove('sidebar-visible');
    el.scrim.hidden = true;
  };
  el.sidebarClose.addEventListener('click', closeSidebar);
  el.scrim.addEventListener('click', closeSidebar);

  function applyConfig() {
    if (CONFIG.chatUrl) el.chatLink.href = CONFIG.chatUrl;
    el.apiHint.textContent = `Job API: ${cross ? CONFIG.apiOrigin || 'the API server' : location.host} · polled every ${POLL_MS / 1000} s`;
    el.pill.textContent = `gpt-4o · ${cross ? 'cross-origin API' : 'same-origin API'}${speed ? ' · fast' : ''}`;
  }
  applyConfig();
  if (!window.__DEMO_CONFIG__) {
    fetch('/__demo/config')
      .then((r) => r.json())
      .then((c) => {
        Object.assign(CONFIG, c);
        applyConfig();
      })
      .catch(() => {});
  }

  void refreshList();
  window.setInterval(refreshList, LIST_MS);
  // Keep "elapsed" and "x s ago" moving between polls.
  window.setInterval(() => {
    if ([...jobs.values()].some((j) => active(j.status))) render();
  }, 1000);
})();
