// Acme Assist - the Tokenwise demo internal AI tool. Plain browser JS, no build step.
// It is a real client: it fetches the demo API, reads the body stream, decodes SSE / NDJSON / the AI SDK
// data stream and renders deltas. After the first reply of a new conversation it makes one hidden,
// non-streamed "auto-title" call and uses the answer as the conversation's title (?autotitle=0: off).
(function () {
  'use strict';

  /** @type {{ apiOrigin: string, chatOrigin?: string, agentUrl?: string }} */
  const CONFIG = window.__DEMO_CONFIG__ || { apiOrigin: '' };

  const FORMATS = {
    'openai-chat-sse': {
      kind: 'openai-chat',
      path: '/v1/chat/completions',
      model: 'gpt-4o',
      stream: true,
      usage: true,
      label: 'OpenAI Chat · SSE',
    },
    'openai-chat-sse-nousage': {
      kind: 'openai-chat',
      path: '/v1/chat/completions',
      model: 'gpt-4o',
      stream: true,
      usage: false,
      label: 'OpenAI Chat · SSE, no usage',
    },
    'openai-chat-json': {
      kind: 'openai-chat',
      path: '/v1/chat/completions',
      model: 'gpt-4o',
      stream: false,
      usage: true,
      label: 'OpenAI Chat · JSON',
    },
    'openai-responses-sse': {
      kind: 'openai-responses',
      path: '/v1/responses',
      model: 'gpt-4o',
      stream: true,
      usage: true,
      label: 'OpenAI Responses · SSE',
    },
    'anthropic-sse': {
      kind: 'anthropic',
      path: '/v1/messages',
      model: 'claude-sonnet-4-5',
      stream: true,
      usage: true,
      label: 'Anthropic Messages · SSE',
    },
    ollama: {
      kind: 'ollama',
      path: '/api/chat',
      model: 'llama3.2:3b',
      stream: true,
      usage: true,
      label: 'Ollama · /api/chat',
    },
    'ollama-generate': {
      kind: 'ollama-generate',
      path: '/api/generate',
      model: 'llama3.2:3b',
      stream: true,
      usage: true,
      label: 'Ollama · /api/generate',
    },
    'ai-sdk-data': {
      kind: 'ai-sdk',
      path: '/api/ai-sdk/chat',
      model: 'gpt-4o',
      stream: true,
      usage: true,
      label: 'Vercel AI SDK · data stream',
    },
    'ai-sdk-data-steps': {
      kind: 'ai-sdk',
      path: '/api/ai-sdk/chat?steps=2',
      model: 'gpt-4o',
      stream: true,
      usage: true,
      label: 'Vercel AI SDK · with tool',
    },
  };
  const TITLE_MODEL = 'gpt-4o-mini';
  const TITLE_PROMPT =
    'Write a 3-5 word title for this conversation. Reply with the title only: no quotes, no punctuation at the end.';
  const DEFAULT_FORMAT = 'openai-chat-sse';

  const KEYS = {
    conversations: 'acme-assist:conversations',
    active: 'acme-assist:active',
    settings: 'acme-assist:settings',
  };

  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const el = {
    app: $('app'),
    sidebar: $('sidebar'),
    scrim: $('scrim'),
    sidebarOpen: $('sidebar-open'),
    sidebarClose: $('sidebar-close'),
    newChat: $('new-chat'),
    convList: $('conv-list'),
    historyEmpty: $('history-empty'),
    format: /** @type {HTMLSelectElement} */ ($('format')),
    cross: /** @type {HTMLInputElement} */ ($('cross-origin')),
    apiHint: $('api-origin-hint'),
    title: $('chat-title'),
    modelPill: $('model-pill'),
    thread: $('thread'),
    empty: $('empty'),
    suggestions: $('suggestions'),
    messages: $('messages'),
    composer: /** @type {HTMLFormElement} */ ($('composer')),
    prompt: /** @type {HTMLTextAreaElement} */ ($('prompt')),
    send: /** @type {HTMLButtonElement} */ ($('send')),
    stop: /** @type {HTMLButtonElement} */ ($('stop')),
    agentsLink: /** @type {HTMLAnchorElement} */ ($('agents-link')),
  };

  // ------------------------------------------------------------------------------------------
  // Storage

  function load(key, fallback) {
    try {
      const raw = localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch {
      return fallback;
    }
  }
  function store(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      /* storage full or disabled: the demo still works for this page */
    }
  }

  const state = {
    /** @type {Array<{id:string,title:string,createdAt:number,updatedAt:number,messages:any[]}>} */
    conversations: Array.isArray(load(KEYS.conversations, [])) ? load(KEYS.conversations, []) : [],
    /** @type {string|null} */
    activeId: load(KEYS.active, null),
    settings: Object.assign({ format: DEFAULT_FORMAT, cross: false }, load(KEYS.settings, {})),
    /** @type {null | { controller: AbortController, conv: any, msg: any }} */
    streaming: null,
  };

  // A reload mid-stream leaves a message marked streaming; it can never finish now.
  for (const c of state.conversations) {
    for (const m of c.messages || []) if (m.status === 'streaming') m.status = 'stopped';
    if (c.titleSource === 'pending') c.titleSource = 'prompt';
  }

  // URL params preselect the backend: ?format=anthropic-sse&cross=1
  const params = new URLSearchParams(location.search);
  if (params.has('format') && FORMATS[params.get('format')]) state.settings.format = params.get('format');
  if (params.has('cross')) state.settings.cross = /^(1|true|yes|on)$/i.test(params.get('cross') || '');
  if (!FORMATS[state.settings.format]) state.settings.format = DEFAULT_FORMAT;
  store(KEYS.settings, state.settings);
  const autoTitle = !/^(0|false|no|off)$/i.test(params.get('autotitle') || '');

  let saveTimer = 0;
  function saveNow() {
    clearTimeout(saveTimer);
    saveTimer = 0;
    store(KEYS.conversations, state.conversations);
    store(KEYS.active, state.activeId);
  }
  function saveSoon() {
    if (!saveTimer) saveTimer = window.setTimeout(saveNow, 600);
  }
  window.addEventListener('pagehide', saveNow);

  const uid = () => Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  const activeConv = () => state.conversations.find((c) => c.id === state.activeId) || null;

  function titleFrom(text) {
    const t = text.replace(/\s+/g, ' ').trim();
    return t.length > 44 ? t.slice(0, 42).trimEnd() + '…' : t || 'New chat';
  }

  // ------------------------------------------------------------------------------------------
  // Markdown-ish rendering (escape first; then a small safe subset)

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  }
  function inline(s) {
    return escapeHtml(s)
      .replace(/`([^`\n]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[\s(])\*([^*\s][^*\n]*?)\*(?=[\s).,!?:;]|$)/g, '$1<em>$2</em>');
  }
  function renderMarkdown(src) {
    const out = [];
    const lines = src.split('\n');
    let i = 0;
    let para = [];
    const flush = () => {
      if (para.length) out.push('<p>' + para.map(inline).join('<br>') + '</p>');
      para = [];
    };
    while (i < lines.length) {
      const line = lines[i];
      const fence = line.match(/^```\s*([\w-]*)\s*$/);
      if (fence) {
        flush();
        const code = [];
        i++;
        while (i < lines.length && !/^```\s*$/.test(lines[i])) code.push(lines[i++]);
        i++; // closing fence (or end of a still-streaming block)
        const lang = fence[1] ? `<span class="code-lang">${escapeHtml(fence[1])}</span>` : '';
        out.push(`<pre class="code">${lang}<code>${escapeHtml(code.join('\n'))}</code></pre>`);
        continue;
      }
      const heading = line.match(/^(#{1,4})\s+(.*)$/);
      if (heading) {
        flush();
        out.push(`<h4>${inline(heading[2])}</h4>`);
        i++;
        continue;
      }
      if (/^\s*[-*]\s+/.test(line) || /^\s*\d+[.)]\s+/.test(line)) {
        flush();
        const ordered = /^\s*\d+[.)]\s+/.test(line);
        const re = ordered ? /^\s*\d+[.)]\s+/ : /^\s*[-*]\s+/;
        const items = [];
        while (i < lines.length && re.test(lines[i])) items.push(lines[i++].replace(re, ''));
        const tag = ordered ? 'ol' : 'ul';
        out.push(`<${tag}>${items.map((t) => `<li>${inline(t)}</li>`).join('')}</${tag}>`);
        continue;
      }
      if (line.trim() === '') flush();
      else para.push(line);
      i++;
    }
    flush();
    return out.join('');
  }

  // ------------------------------------------------------------------------------------------
  // Rendering

  const ICON_SPARK =
    '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d="M12 2.5l1.9 5.2 5.3 1.9-5.3 1.9L12 16.7l-1.9-5.2-5.3-1.9 5.3-1.9L12 2.5zm6.2 11.3l.9 2.4 2.4.9-2.4.9-.9 2.4-.9-2.4-2.4-.9 2.4-.9.9-2.4z"/></svg>';

  function renderSettings() {
    if (CONFIG.agentUrl) el.agentsLink.href = CONFIG.agentUrl;
    el.format.value = state.settings.format;
    el.cross.checked = !!state.settings.cross;
    el.apiHint.textContent = state.settings.cross
      ? `Requests go to ${CONFIG.apiOrigin || 'the API server'}`
      : `Requests stay on ${location.host}`;
    const f = FORMATS[state.settings.format];
    el.modelPill.textContent = `${f.model} · ${f.label}${state.settings.cross ? ' · cross-origin' : ''}`;
  }

  function renderSidebar() {
    const sorted = state.conversations.slice().sort((a, b) => b.updatedAt - a.updatedAt);
    el.convList.textContent = '';
    for (const c of sorted) {
      const li = document.createElement('li');
      li.className = 'conv-item';
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'conv';
      open.dataset.id = c.id;
      open.textContent = c.title;
      open.title = c.title;
      open.dataset.titleSource = c.titleSource || 'prompt';
      if (c.titleResponseId) open.dataset.titleResponseId = c.titleResponseId;
      if (c.id === state.activeId) open.setAttribute('aria-current', 'page');
      const del = document.createElement('button');
      del.type = 'button';
      del.className = 'conv-delete';
      del.dataset.id = c.id;
      del.setAttribute('aria-label', `Delete conversation: ${c.title}`);
      del.innerHTML =
        '<svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M6 6l12 12M18 6L6 18"/></svg>';
      li.append(open, del);
      el.convList.append(li);
    }
    el.historyEmpty.hidden = sorted.length > 0;
  }

  function metaText(m) {
    const f = FORMATS[m.format];
    const parts = [f ? f.label : m.format, m.cross ? 'cross-origin' : 'same origin'];
    if (m.steps > 1) parts.push(`${m.steps} steps`);
    if (m.usage && typeof m.usage.output === 'number') {
      parts.push(`${m.usage.input ?? '?'} in · ${m.usage.output} out tokens`);
    } else if (m.status === 'done' && f && !f.usage) {
      parts.push('no usage on the wire');
    }
    return parts.join(' · ');
  }

  function buildMessage(m) {
    const art = document.createElement('article');
    art.className = `message ${m.role}`;
    art.dataset.mid = m.id;
    const avatar = document.createElement('div');
    avatar.className = `avatar ${m.role === 'user' ? 'avatar-user' : 'avatar-bot'}`;
    avatar.setAttribute('aria-hidden', 'true');
    if (m.role === 'user') avatar.textContent = 'AK';
    else avatar.innerHTML = ICON_SPARK;
    const body = document.createElement('div');
    body.className = 'msg-body';
    const who = document.createElement('div');
    who.className = 'msg-author';
    who.textContent = m.role === 'user' ? 'You' : 'Acme Assist';
    const bubble = document.createElement('div');
    bubble.className = m.role === 'user' ? 'bubble' : 'bubble markdown';
    body.append(who, bubble);
    if (m.role === 'assistant') {
      const meta = document.createElement('div');
      meta.className = 'msg-meta';
      body.append(meta);
    }
    art.append(avatar, body);
    updateMessage(m, art);
    return art;
  }

  /** Bring one message element up to date with its data. */
  function updateMessage(m, art) {
    art = art || el.messages.querySelector(`[data-mid="${m.id}"]`);
    if (!art) return;
    const bubble = art.querySelector('.bubble');
    if (m.role === 'user') {
      bubble.textContent = m.content;
      return;
    }
    art.dataset.status = m.status;
    if (m.responseId) art.dataset.responseId = m.responseId;
    else delete art.dataset.responseId;
    art.setAttribute('aria-busy', m.status === 'streaming' ? 'true' : 'false');
    let src = m.content || '';
    if (m.status === 'streaming') {
      // Hide a half-streamed "**bold" opener until its closing marker arrives.
      const marks = src.split('**').length - 1;
      if (marks % 2 === 1) {
        const at = src.lastIndexOf('**');
        src = src.slice(0, at) + src.slice(at + 2);
      }
    }
    let html = renderMarkdown(src);
    if (m.status === 'streaming') {
      if (!m.content) {
        html = '<span class="typing" aria-label="Assistant is typing"><i></i><i></i><i></i></span>';
      } else {
        // Put the caret inside the last block so it follows the text instead of starting a new line.
        const caret = '<span class="caret" aria-hidden="true"></span>';
        const tail = /(<\/(?:p|li|h4|code)>(?:<\/(?:ul|ol|pre)>)?)$/;
        html = tail.test(html) ? html.replace(tail, caret + '$1') : html + caret;
      }
    }
    if (m.status === 'error') {
      html += `<p class="msg-error" role="alert">${escapeHtml(m.error || 'Something went wrong.')}</p>`;
    }
    if (m.tools && m.tools.length) {
      const chips = m.tools
        .map((t) => {
          const q = t.args && typeof t.args.query === 'string' ? ` “${escapeHtml(t.args.query)}”` : '';
          const st = t.done ? 'done' : 'running';
          const verb = t.done ? 'Used' : 'Using';
          return `<div class="tool-chip" data-tool="${escapeHtml(t.name)}" data-state="${st}"><span class="tool-dot" aria-hidden="true"></span>${verb} <code>${escapeHtml(t.name)}</code>${q}</div>`;
        })
        .join('');
      html = chips + html;
    }
    bubble.innerHTML = html;
    const meta = art.querySelector('.msg-meta');
    meta.textContent = '';
    if (m.status === 'stopped') {
      const tag = document.createElement('span');
      tag.className = 'tag tag-stopped';
      tag.textContent = 'Stopped';
      meta.append(tag);
    } else if (m.status === 'error') {
      const tag = document.createElement('span');
      tag.className = 'tag tag-error';
      tag.textContent = 'Error';
      meta.append(tag);
    }
    const info = document.createElement('span');
    info.className = 'meta-info';
    info.textContent = metaText(m);
    meta.append(info);
    if (m.status !== 'streaming' && m.content) {
      const copy = document.createElement('button');
      copy.type = 'button';
      copy.className = 'copy-btn';
      copy.dataset.mid = m.id;
      copy.textContent = 'Copy';
      copy.setAttribute('aria-label', 'Copy reply');
      meta.append(copy);
    }
  }

  function renderTitle() {
    const conv = activeConv();
    el.title.textContent = conv ? conv.title : 'New chat';
    el.title.dataset.titleSource = conv ? conv.titleSource || 'prompt' : 'none';
    document.title = conv ? `${conv.title} · Acme Assist` : 'Acme Assist · Tokenwise demo';
  }

  /** The address names the open conversation (?c=<id>), so each conversation has a URL of its own. */
  function syncUrl() {
    const u = new URL(location.href);
    if (state.activeId) u.searchParams.set('c', state.activeId);
    else u.searchParams.delete('c');
    if (u.href !== location.href) history.pushState(null, '', u);
  }

  function renderThread() {
    syncUrl();
    const conv = activeConv();
    el.messages.textContent = '';
    const msgs = conv ? conv.messages : [];
    el.empty.hidden = msgs.length > 0;
    renderTitle();
    for (const m of msgs) el.messages.append(buildMessage(m));
    scrollToBottom(true);
  }

  let stickToBottom = true;
  el.thread.addEventListener('scroll', () => {
    const t = el.thread;
    stickToBottom = t.scrollHeight - t.scrollTop - t.clientHeight < 80;
  });
  function scrollToBottom(force) {
    if (force || stickToBottom) el.thread.scrollTop = el.thread.scrollHeight;
  }

  function setStreaming(on) {
    el.send.hidden = on;
    el.stop.hidden = !on;
    el.composer.classList.toggle('is-streaming', on);
    updateSendEnabled();
  }
  function updateSendEnabled() {
    el.send.disabled = el.prompt.value.trim() === '' || !!state.streaming;
  }
  function autosize() {
    el.prompt.style.height = 'auto';
    el.prompt.style.height = Math.min(el.prompt.scrollHeight, 220) + 'px';
  }

  // Coalesce re-renders of the streaming message to one per frame.
  let pendingFrame = 0;
  function scheduleUpdate(m) {
    if (pendingFrame) return;
    pendingFrame = requestAnimationFrame(() => {
      pendingFrame = 0;
      updateMessage(m);
      scrollToBottom(false);
    });
  }

  // ------------------------------------------------------------------------------------------
  // Networking: one real client per wire format

  async function* readSSE(body) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    const parse = (block) => {
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const idx = line.indexOf(':');
        const field = idx === -1 ? line : line.slice(0, idx);
        let value = idx === -1 ? '' : line.slice(idx + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      return data.length ? { event, data: data.join('\n') } : null;
    };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
        let start = 0;
        let idx;
        while ((idx = buf.indexOf('\n\n', start)) !== -1) {
          const ev = parse(buf.slice(start, idx));
          start = idx + 2;
          if (ev) yield ev;
        }
        buf = buf.slice(start);
      }
      buf += decoder.decode();
      if (buf.trim()) {
        const ev = parse(buf);
        if (ev) yield ev;
      }
    } finally {
      try {
        reader.releaseLock();
      } catch {
        /* already released */
      }
    }
  }

  /** Yield the lines of a body (NDJSON, the AI SDK data stream), without their line breaks. */
  async function* readLines(body) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let start = 0;
        let idx;
        while ((idx = buf.indexOf('\n', start)) !== -1) {
          const line = buf.slice(start, idx).replace(/\r$/, '');
          start = idx + 1;
          if (line.trim()) yield line;
        }
        buf = buf.slice(start);
      }
      buf += decoder.decode();
      if (buf.trim()) yield buf;
    } finally {
      try {
        reader.releaseLock();
      } catch {
        /* already released */
      }
    }
  }

  async function httpError(res) {
    let detail = '';
    try {
      const j = await res.json();
      detail = (j && (typeof j.error === 'string' ? j.error : j.error && j.error.message)) || '';
    } catch {
      /* not JSON */
    }
    return new Error(`The assistant is unavailable (HTTP ${res.status})${detail ? `: ${detail}` : '.'}`);
  }

  /** Send the conversation and stream the reply into `msg`, calling `update()` as it changes. */
  async function request(formatKey, cross, history, msg, signal, update, chatId) {
    const f = FORMATS[formatKey];
    const base = cross ? CONFIG.apiOrigin : '';
    let body;
    if (f.kind === 'openai-chat') {
      body = { model: f.model, messages: history, stream: f.stream };
      if (f.stream && f.usage) body.stream_options = { include_usage: true };
    } else if (f.kind === 'ollama') {
      body = { model: f.model, messages: history, stream: true };
    } else if (f.kind === 'ollama-generate') {
      body = { model: f.model, prompt: history[history.length - 1].content, stream: true };
    } else if (f.kind === 'ai-sdk') {
      // The useChat() request shape: the chat id and UI messages (content + text parts).
      body = {
        id: chatId,
        messages: history.map((m, i) => ({
          id: `${chatId}-${i}`,
          role: m.role,
          content: m.content,
          parts: [{ type: 'text', text: m.content }],
        })),
      };
    } else if (f.kind === 'openai-responses') {
      body = { model: f.model, input: history, stream: true };
    } else {
      body = { model: f.model, max_tokens: 1024, messages: history, stream: true };
    }
    const res = await fetch(base + f.path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    if (!res.ok) throw await httpError(res);

    if (f.kind === 'ollama' || f.kind === 'ollama-generate') {
      // Ollama has no response id on the wire; the demo server names it in a header.
      msg.responseId = res.headers.get('x-demo-response-id');
      if (!res.body) throw new Error('The response had no body.');
      for await (const line of readLines(res.body)) {
        const j = JSON.parse(line);
        if (j.error) throw new Error(typeof j.error === 'string' ? j.error : 'Stream error');
        const piece = f.kind === 'ollama' ? j.message && j.message.content : j.response;
        if (typeof piece === 'string') msg.content += piece;
        if (j.done) {
          if (typeof j.eval_count === 'number') msg.usage = { input: j.prompt_eval_count, output: j.eval_count };
          update();
          break;
        }
        update();
      }
      return;
    }

    if (f.kind === 'ai-sdk') {
      if (!res.body) throw new Error('The response had no body.');
      msg.tools = [];
      msg.steps = 0;
      for await (const line of readLines(res.body)) {
        const colon = line.indexOf(':');
        if (colon < 1) continue;
        const code = line.slice(0, colon);
        const value = JSON.parse(line.slice(colon + 1));
        if (code === 'f') {
          if (!msg.responseId) msg.responseId = value.messageId;
          msg.steps += 1;
        } else if (code === '0') {
          msg.content += value;
        } else if (code === '9') {
          msg.tools.push({ id: value.toolCallId, name: value.toolName, args: value.args, done: false });
        } else if (code === 'a') {
          const t = msg.tools.find((x) => x.id === value.toolCallId);
          if (t) t.done = true;
        } else if (code === 'd') {
          if (value.usage) msg.usage = { input: value.usage.promptTokens, output: value.usage.completionTokens };
        } else if (code === '3') {
          throw new Error(typeof value === 'string' ? value : 'Stream error');
        }
        update();
      }
      return;
    }

    if (!f.stream) {
      const j = await res.json();
      msg.responseId = j.id;
      msg.content = (j.choices && j.choices[0] && j.choices[0].message && j.choices[0].message.content) || '';
      if (j.usage) msg.usage = { input: j.usage.prompt_tokens, output: j.usage.completion_tokens };
      update();
      return;
    }
    if (!res.body) throw new Error('The response had no body.');

    for await (const ev of readSSE(res.body)) {
      if (f.kind === 'openai-chat') {
        if (ev.data === '[DONE]') break;
        const j = JSON.parse(ev.data);
        if (j.error) throw new Error(j.error.message || 'Stream error');
        if (j.id && !msg.responseId) msg.responseId = j.id;
        const delta = j.choices && j.choices[0] && j.choices[0].delta;
        if (delta && typeof delta.content === 'string') msg.content += delta.content;
        if (j.usage) msg.usage = { input: j.usage.prompt_tokens, output: j.usage.completion_tokens };
      } else if (f.kind === 'openai-responses') {
        const j = JSON.parse(ev.data);
        const type = j.type || ev.event;
        if (type === 'response.created') msg.responseId = j.response.id;
        else if (type === 'response.output_text.delta') msg.content += j.delta;
        else if (type === 'response.completed') {
          const u = j.response.usage;
          if (u) msg.usage = { input: u.input_tokens, output: u.output_tokens };
        } else if (type === 'response.failed' || type === 'error') {
          throw new Error((j.response && j.response.error && j.response.error.message) || j.message || 'Stream error');
        }
      } else {
        const j = JSON.parse(ev.data);
        const type = j.type || ev.event;
        if (type === 'message_start') {
          msg.responseId = j.message.id;
          msg.usage = { input: j.message.usage.input_tokens, output: undefined };
        } else if (type === 'content_block_delta' && j.delta && j.delta.type === 'text_delta') {
          msg.content += j.delta.text;
        } else if (type === 'message_delta' && j.usage) {
          msg.usage = { input: msg.usage ? msg.usage.input : undefined, output: j.usage.output_tokens };
        } else if (type === 'error') {
          throw new Error((j.error && j.error.message) || 'Stream error');
        } else if (type === 'message_stop') {
          break;
        }
      }
      update();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Actions

  async function send(text) {
    text = text.trim();
    if (!text || state.streaming) return;
    let conv = activeConv();
    const now = Date.now();
    if (!conv) {
      conv = { id: uid(), title: titleFrom(text), createdAt: now, updatedAt: now, messages: [] };
      state.conversations.push(conv);
      state.activeId = conv.id;
      syncUrl(); // like real chat apps: a new conversation gets its own address as it starts
    }
    const user = { id: uid(), role: 'user', content: text };
    const history = conv.messages
      .filter((m) => m.content && m.status !== 'error')
      .map((m) => ({ role: m.role, content: m.content }))
      .concat([{ role: 'user', content: text }]);
    const msg = {
      id: uid(),
      role: 'assistant',
      content: '',
      status: 'streaming',
      format: state.settings.format,
      cross: !!state.settings.cross,
      responseId: null,
      usage: null,
      error: null,
    };
    conv.messages.push(user, msg);
    conv.updatedAt = now;
    saveNow();

    el.prompt.value = '';
    autosize();
    if (conv.id === state.activeId && el.messages.childElementCount === conv.messages.length - 2) {
      el.empty.hidden = true;
      el.title.textContent = conv.title;
      document.title = `${conv.title} · Acme Assist`;
      el.messages.append(buildMessage(user), buildMessage(msg));
    } else {
      renderThread();
    }
    renderSidebar();
    scrollToBottom(true);

    const controller = new AbortController();
    state.streaming = { controller, conv, msg };
    setStreaming(true);
    try {
      await request(
        msg.format,
        msg.cross,
        history,
        msg,
        controller.signal,
        () => {
          scheduleUpdate(msg);
          saveSoon();
        },
        conv.id,
      );
      msg.status = 'done';
    } catch (err) {
      if (controller.signal.aborted) {
        msg.status = 'stopped';
      } else {
        msg.status = 'error';
        msg.error =
          err instanceof TypeError
            ? `Could not reach the assistant (${err.message}).`
            : (err && err.message) || String(err);
      }
    } finally {
      if (pendingFrame) cancelAnimationFrame(pendingFrame);
      pendingFrame = 0;
      state.streaming = null;
      conv.updatedAt = Date.now();
      saveNow();
      updateMessage(msg);
      setStreaming(false);
      scrollToBottom(false);
      if (document.activeElement === document.body || document.activeElement === el.stop) el.prompt.focus();
    }
    // The first reply of a new conversation is in: ask the model for a title, out of sight.
    const firstReply = conv.messages.length === 2 && conv.messages[1] === msg;
    if (autoTitle && firstReply && msg.status === 'done' && !conv.titleSource) {
      void generateTitle(conv, text, msg.content, msg.cross);
    }
  }

  /** The hidden auto-title call: one non-streamed chat completion, never shown as a turn. */
  async function generateTitle(conv, userText, replyText, cross) {
    conv.titleSource = 'pending';
    renderSidebar();
    if (conv.id === state.activeId) renderTitle();
    try {
      const res = await fetch((cross ? CONFIG.apiOrigin : '') + '/v1/chat/completions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'x-demo-kind': 'title' },
        body: JSON.stringify({
          model: TITLE_MODEL,
          messages: [
            { role: 'system', content: TITLE_PROMPT },
            { role: 'user', content: userText },
            { role: 'assistant', content: replyText },
          ],
          stream: false,
          max_tokens: 16,
          metadata: { kind: 'title' },
        }),
      });
      if (!res.ok) throw await httpError(res);
      const j = await res.json();
      const raw = (j.choices && j.choices[0] && j.choices[0].message && j.choices[0].message.content) || '';
      const title = raw
        .replace(/^["'\s]+|["'.\s]+$/g, '')
        .replace(/\s+/g, ' ')
        .slice(0, 60);
      if (!title) throw new Error('empty title');
      conv.title = title;
      conv.titleSource = 'auto';
      conv.titleResponseId = j.id;
    } catch {
      conv.titleSource = 'prompt'; // keep the title taken from the first message
    }
    if (!state.conversations.includes(conv)) return; // deleted meanwhile
    saveNow();
    renderSidebar();
    if (conv.id === state.activeId) renderTitle();
  }

  function stop() {
    if (state.streaming) state.streaming.controller.abort();
  }

  function openConversation(id) {
    state.activeId = id;
    saveNow();
    renderSidebar();
    renderThread();
    closeSidebar();
  }

  function newChat() {
    state.activeId = null;
    saveNow();
    renderSidebar();
    renderThread();
    closeSidebar();
    el.prompt.focus();
  }

  function deleteConversation(id) {
    if (state.streaming && state.streaming.conv.id === id) stop();
    state.conversations = state.conversations.filter((c) => c.id !== id);
    if (state.activeId === id) state.activeId = null;
    saveNow();
    renderSidebar();
    renderThread();
  }

  function openSidebar() {
    el.app.classList.add('sidebar-visible');
    el.scrim.hidden = false;
  }
  function closeSidebar() {
    el.app.classList.remove('sidebar-visible');
    el.scrim.hidden = true;
  }

  // ------------------------------------------------------------------------------------------
  // Wiring

  el.composer.addEventListener('submit', (e) => {
    e.preventDefault();
    void send(el.prompt.value);
  });
  el.prompt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      if (!state.streaming) void send(el.prompt.value);
    }
  });
  el.prompt.addEventListener('input', () => {
    autosize();
    updateSendEnabled();
  });
  el.stop.addEventListener('click', stop);
  el.newChat.addEventListener('click', newChat);
  el.convList.addEventListener('click', (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    const del = target.closest('.conv-delete');
    if (del) return deleteConversation(del.dataset.id);
    const open = target.closest('.conv');
    if (open) openConversation(open.dataset.id);
  });
  el.messages.addEventListener('click', (e) => {
    const btn = /** @type {HTMLElement} */ (e.target).closest('.copy-btn');
    if (!btn) return;
    const conv = activeConv();
    const m = conv && conv.messages.find((x) => x.id === btn.dataset.mid);
    if (!m) return;
    const done = () => {
      btn.textContent = 'Copied';
      setTimeout(() => (btn.textContent = 'Copy'), 1200);
    };
    if (navigator.clipboard) navigator.clipboard.writeText(m.content).then(done, () => {});
  });
  el.suggestions.addEventListener('click', (e) => {
    const btn = /** @type {HTMLElement} */ (e.target).closest('.suggestion');
    if (btn) void send(btn.textContent || '');
  });
  el.format.addEventListener('change', () => {
    state.settings.format = FORMATS[el.format.value] ? el.format.value : DEFAULT_FORMAT;
    store(KEYS.settings, state.settings);
    renderSettings();
  });
  el.cross.addEventListener('change', () => {
    state.settings.cross = el.cross.checked;
    store(KEYS.settings, state.settings);
    renderSettings();
  });
  el.sidebarOpen.addEventListener('click', openSidebar);
  el.sidebarClose.addEventListener('click', closeSidebar);
  el.scrim.addEventListener('click', closeSidebar);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      if (el.app.classList.contains('sidebar-visible')) closeSidebar();
      else if (state.streaming) stop();
    }
  });

  // An address naming a conversation opens it (a reload, a bookmark, back and forward).
  const fromUrl = () => new URLSearchParams(location.search).get('c');
  if (fromUrl() && state.conversations.some((c) => c.id === fromUrl())) state.activeId = fromUrl();
  window.addEventListener('popstate', () => {
    const id = fromUrl();
    state.activeId = id && state.conversations.some((c) => c.id === id) ? id : null;
    renderSidebar();
    renderThread();
  });
  if (state.activeId && !activeConv()) state.activeId = null;
  renderSettings();
  renderSidebar();
  renderThread();
  updateSendEnabled();

  // If the config was not injected (page opened some other way), ask the server for it.
  if (!window.__DEMO_CONFIG__) {
    fetch('/__demo/config')
      .then((r) => r.json())
      .then((c) => {
        Object.assign(CONFIG, c);
        renderSettings();
      })
      .catch(() => {});
  }
  el.prompt.focus();
})();
