// The support chat page: plain browser JavaScript, no framework, no build step.
// Messages are rendered with textContent only (never innerHTML): their text is shown, never run.
/* global document, window */
(() => {
  'use strict';

  const API = '/api/chat';
  const STORAGE_KEY = 'passerelle.supportChat';
  const POLL_MS = 2000;
  const SSE_RETRY_MS = 10000;

  const el = {
    messages: document.getElementById('messages'),
    status: document.getElementById('status'),
    typing: document.getElementById('typing'),
    error: document.getElementById('error'),
    form: document.getElementById('composer'),
    input: document.getElementById('input'),
    send: document.getElementById('send'),
    restart: document.getElementById('restart'),
  };

  /** sequence → rendered <li>: a message is shown once, whichever way it arrived. */
  const shown = new Map();
  let session = null; // { sessionId, sessionToken }
  let lastSequence = 0;
  let sessionStatus = 'pending';
  let sseAbort = null;
  let sseLive = false;
  let pollTimer = null;
  let sseRetryTimer = null;
  let generation = 0; // bumped on restart: late answers of an old session are ignored

  // ---- storage ---------------------------------------------------------------------------

  function loadSession() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || 'null');
      if (saved && typeof saved.sessionId === 'string' && typeof saved.sessionToken === 'string') {
        return saved;
      }
    } catch {
      // unreadable: start over
    }
    return null;
  }

  function saveSession(s) {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
    } catch {
      // private mode: the session lasts as long as the page
    }
  }

  // ---- HTTP ------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body, retryAfter) {
      super((body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.code = body && body.code;
      this.retryAfter = retryAfter;
      // A refused field says what is wrong with it ("message is empty once markup … removed").
      const detail = body && Array.isArray(body.details) && body.details[0];
      this.problem = detail && Array.isArray(detail.messages) ? detail.messages[0] : undefined;
    }
  }

  function headers(extra) {
    const h = { Accept: 'application/json', ...extra };
    if (session) h['X-Chat-Token'] = session.sessionToken;
    return h;
  }

  async function api(method, path, body) {
    const res = await fetch(API + path, {
      method,
      headers: headers(body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) throw new ApiError(res.status, data, res.headers.get('Retry-After'));
    return data;
  }

  // ---- rendering -------------------------------------------------------------------------

  const SENDER = { user: 'You', assistant: 'Assistant', staff: 'Support team', system: '' };

  function render(message) {
    if (!message || typeof message.sequence !== 'number' || shown.has(message.sequence)) return;
    const nearBottom =
      el.messages.scrollHeight - el.messages.scrollTop - el.messages.clientHeight < 80;
    const li = document.createElement('li');
    li.className = `msg msg--${message.role}`;
    li.dataset.sequence = String(message.sequence);
    li.dataset.role = message.role;
    const sender =
      message.role === 'user' ? SENDER.user : message.senderName || SENDER[message.role];
    if (sender) {
      const name = document.createElement('span');
      name.className = 'msg__sender';
      name.textContent = sender;
      li.appendChild(name);
    }
    const text = document.createElement('span');
    text.className = 'msg__text';
    text.textContent = message.content;
    li.appendChild(text);

    // Keep sequence order even if a later message arrived first.
    let before = null;
    for (const [seq, node] of shown) {
      if (seq > message.sequence && (!before || seq < Number(before.dataset.sequence))) {
        before = node;
      }
    }
    el.messages.insertBefore(li, before);
    shown.set(message.sequence, li);
    if (message.sequence > lastSequence) lastSequence = message.sequence;
    if (nearBottom || message.role === 'user') li.scrollIntoView({ block: 'end' });
  }

  function renderAll(messages) {
    for (const m of messages || []) render(m);
  }

  function setStatus(status) {
    if (status) sessionStatus = status;
    const link = sseLive ? 'live' : pollTimer ? 'checking for replies every 2 s' : 'offline';
    const who =
      sessionStatus === 'open'
        ? 'A member of our team will answer here'
        : sessionStatus === 'resolved'
          ? 'Conversation resolved: write again if you need more help'
          : 'Our assistant answers right away';
    el.status.textContent = `${who} · ${link}`;
  }

  function showError(text) {
    el.error.textContent = text;
    el.error.hidden = !text;
  }

  function describe(err) {
    if (err instanceof ApiError) {
      if (err.status === 429) {
        return `You are sending messages too quickly. Please wait ${err.retryAfter || 'a few'} s and try again.`;
      }
      if (err.status === 400) return err.problem || err.message;
      if (err.status >= 500) return 'The server had a problem. Please try again in a moment.';
      return err.message;
    }
    return 'Connection problem: check your network and try again.';
  }

  function setBusy(busy) {
    el.send.disabled = busy;
    el.input.disabled = false;
    el.typing.hidden = !busy;
  }

  // ---- session ---------------------------------------------------------------------------

  async function start() {
    const mine = ++generation;
    showError('');
    el.status.textContent = 'Connecting…';
    session = loadSession();
    if (session) {
      try {
        const history = await api(
          'GET',
          `/history?sessionId=${encodeURIComponent(session.sessionId)}&after=0`,
        );
        if (mine !== generation) return;
        renderAll(history.messages);
        setStatus(history.status);
        ready();
        return;
      } catch (err) {
        if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 401)) {
          showError(describe(err));
          retryStartLater(mine);
          return;
        }
        session = null; // expired or deleted: start a new one
      }
    }
    try {
      const created = await api('POST', '/create-session', {});
      if (mine !== generation) return;
      session = { sessionId: created.sessionId, sessionToken: created.sessionToken };
      saveSession(session);
      renderAll(created.messages);
      setStatus(created.status);
      ready();
    } catch (err) {
      showError(describe(err));
      retryStartLater(mine);
    }
  }

  function retryStartLater(mine) {
    setTimeout(() => {
      if (mine === generation) void start();
    }, 5000);
  }

  function ready() {
    el.input.disabled = false;
    el.send.disabled = false;
    el.input.focus();
    connectStream();
  }

  async function sendMessage(text) {
    showError('');
    setBusy(true);
    const mine = generation;
    try {
      const res = await api('POST', '/message', { sessionId: session.sessionId, message: text });
      if (mine !== generation) return;
      render(res.message);
      render(res.reply);
      setStatus(res.status);
      el.input.value = '';
    } catch (err) {
      showError(describe(err)); // the text stays in the box, nothing is lost
    } finally {
      setBusy(false);
      el.input.focus();
    }
  }

  // ---- live updates: SSE read with fetch (headers, no token in the URL), polling fallback --

  async function connectStream() {
    stopStream();
    if (!window.ReadableStream || !window.TextDecoder) {
      startPolling();
      return;
    }
    const mine = generation;
    const abort = new AbortController();
    sseAbort = abort;
    try {
      const res = await fetch(
        `${API}/stream?sessionId=${encodeURIComponent(session.sessionId)}&after=${lastSequence}`,
        {
          headers: headers({ Accept: 'text/event-stream' }),
          signal: abort.signal,
          cache: 'no-store',
        },
      );
      if (!res.ok || !res.body)
        throw new ApiError(res.status, null, res.headers.get('Retry-After'));
      sseLive = true;
      stopPolling();
      setStatus();
      await readEvents(res.body, abort.signal);
    } catch {
      // fall through to polling
    }
    if (abort.signal.aborted || mine !== generation) return;
    sseLive = false;
    sseAbort = null;
    startPolling();
    clearTimeout(sseRetryTimer);
    sseRetryTimer = setTimeout(() => {
      if (mine === generation) void connectStream();
    }, SSE_RETRY_MS);
  }

  async function readEvents(body, signal) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (event === 'message' && data.length) {
          try {
            render(JSON.parse(data.join('\n')));
          } catch {
            // ignore a malformed event
          }
        }
      }
    }
  }

  function stopStream() {
    if (sseAbort) sseAbort.abort();
    sseAbort = null;
    sseLive = false;
    clearTimeout(sseRetryTimer);
  }

  function startPolling() {
    if (pollTimer) return;
    pollTimer = setInterval(poll, POLL_MS);
    setStatus();
  }

  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
  }

  let polling = false;
  async function poll() {
    if (polling || !session) return;
    polling = true;
    const mine = generation;
    try {
      const res = await api(
        'GET',
        `/history?sessionId=${encodeURIComponent(session.sessionId)}&after=${lastSequence}`,
      );
      if (mine !== generation) return;
      renderAll(res.messages);
      setStatus(res.status);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 401)) restart();
    } finally {
      polling = false;
    }
  }

  function restart() {
    stopStream();
    stopPolling();
    try {
      localStorage.removeItem(STORAGE_KEY);
    } catch {
      // nothing saved
    }
    session = null;
    lastSequence = 0;
    shown.clear();
    el.messages.replaceChildren();
    el.input.disabled = true;
    el.send.disabled = true;
    void start();
  }

  // ---- wiring ----------------------------------------------------------------------------

  el.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = el.input.value.trim();
    if (!text || !session || el.send.disabled) return;
    void sendMessage(text);
  });
  el.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      el.form.requestSubmit();
    }
  });
  el.restart.addEventListener('click', restart);

  void start();
})();
