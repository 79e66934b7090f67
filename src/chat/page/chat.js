// The support chat page: plain browser JavaScript, no framework, no build step.
// Messages are rendered with textContent only (never innerHTML): their text is shown, never run.
/* global document, window */
(() => {
  'use strict';

  // The page's language, chosen by the server (?lang=, Accept-Language, else French).
  const LANG = document.documentElement.lang === 'en' ? 'en' : 'fr';
  /** What this script writes on the page, in both languages; errors by the API's `code`. */
  const TEXT = {
    fr: {
      you: 'Vous',
      staff: 'Équipe support',
      connecting: 'Connexion…',
      live: 'en direct',
      polling: 'nouvelles réponses vérifiées toutes les 2 s',
      offline: 'hors ligne',
      open: 'Un membre de notre équipe vous répondra ici',
      resolved: 'Conversation résolue : écrivez à nouveau si vous avez besoin d’aide',
      pending: 'Notre assistant répond tout de suite',
      network: 'Problème de connexion : vérifiez votre réseau et réessayez.',
      server: 'Le serveur a rencontré un problème. Réessayez dans un instant.',
      rateLimited: (wait) =>
        `Vous envoyez des messages trop vite. Patientez ${wait || 'quelques'} s puis réessayez.`,
      messageEmpty:
        'Votre message est vide une fois le balisage et les caractères de contrôle retirés.',
      messageTooLong: 'Votre message dépasse 4 000 caractères.',
      commentTooLong: 'Votre commentaire dépasse 1 000 caractères.',
      ratingInvalid: 'Choisissez une note de 1 à 5.',
      // The server's notices (src/chat/chat-messages.ts) are stored in English: shown in French.
      notices: {
        'A member of our team will reply here as soon as possible. You can keep this page open or come back later.':
          'Un membre de notre équipe vous répondra ici dès que possible. Vous pouvez garder cette page ouverte ou revenir plus tard.',
        'Sorry, our assistant cannot answer right now. Your message is saved and a member of our team will reply here shortly.':
          'Désolé, notre assistant ne peut pas répondre pour le moment. Votre message est enregistré et un membre de notre équipe vous répondra ici rapidement.',
        'This conversation has been marked as resolved. Write again here if you need more help.':
          'Cette conversation a été marquée comme résolue. Écrivez à nouveau ici si vous avez besoin d’aide.',
      },
      codes: {
        PAYLOAD_TOO_LARGE: 'Ce message est trop long.',
        NOT_FOUND: 'Cette conversation est introuvable : commencez-en une nouvelle.',
        AUTH_REQUIRED: 'Votre session a expiré : commencez une nouvelle conversation.',
        SESSION_INVALID: 'Votre session a expiré : commencez une nouvelle conversation.',
        CHAT_NOT_RESOLVED: 'Vous pourrez noter cette conversation une fois qu’elle sera résolue.',
        CHAT_ALREADY_RATED: 'Vous avez déjà noté cette conversation. Merci !',
      },
    },
    en: {
      you: 'You',
      staff: 'Support team',
      connecting: 'Connecting…',
      live: 'live',
      polling: 'checking for replies every 2 s',
      offline: 'offline',
      open: 'A member of our team will answer here',
      resolved: 'Conversation resolved: write again if you need more help',
      pending: 'Our assistant answers right away',
      network: 'Connection problem: check your network and try again.',
      server: 'The server had a problem. Please try again in a moment.',
      rateLimited: (wait) =>
        `You are sending messages too quickly. Please wait ${wait || 'a few'} s and try again.`,
      messageEmpty: 'Your message is empty once markup and control characters are removed.',
      messageTooLong: 'Your message is longer than 4,000 characters.',
      commentTooLong: 'Your comment is longer than 1,000 characters.',
      ratingInvalid: 'Choose a rating from 1 to 5.',
      notices: {},
      codes: {
        PAYLOAD_TOO_LARGE: 'This message is too long.',
        NOT_FOUND: 'This conversation no longer exists: start a new one.',
        AUTH_REQUIRED: 'Your session has expired: start a new conversation.',
        SESSION_INVALID: 'Your session has expired: start a new conversation.',
        CHAT_NOT_RESOLVED: 'You can rate this conversation once it is resolved.',
        CHAT_ALREADY_RATED: 'You have already rated this conversation. Thank you!',
      },
    },
  }[LANG];

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
    rating: document.getElementById('rating'),
    ratingComment: document.getElementById('rating-comment'),
    ratingSend: document.getElementById('rating-send'),
    ratingThanks: document.getElementById('rating-thanks'),
  };

  /** sequence → rendered <li>: a message is shown once, whichever way it arrived. */
  const shown = new Map();
  let session = null; // { sessionId, sessionToken, lang }
  let lastSequence = 0;
  let sessionStatus = 'pending';
  let rated = false;
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
        // `lang` (the welcome's language) may be missing from sessions saved before it existed.
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
      this.field = detail ? detail.field : undefined;
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

  const SENDER = { user: TEXT.you, assistant: 'Assistant', staff: TEXT.staff, system: '' };

  function render(message) {
    if (!message || typeof message.sequence !== 'number' || shown.has(message.sequence)) {
      return false;
    }
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
    text.textContent =
      (message.role === 'system' && TEXT.notices[message.content]) || message.content;
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
    return true;
  }

  function renderAll(messages) {
    for (const m of messages || []) render(m);
  }

  function setStatus(status) {
    if (status) sessionStatus = status;
    const link = sseLive ? 'live' : pollTimer ? 'polling' : 'offline';
    const who = TEXT[sessionStatus] || TEXT.pending;
    el.status.textContent = `${who} · ${TEXT[link]}`;
    el.status.dataset.link = link;
    el.status.dataset.session = sessionStatus;
    showRating();
  }

  /** The rating form while a resolved conversation is not rated; thanks once it is. */
  function showRating() {
    el.rating.hidden = !(session && sessionStatus === 'resolved' && !rated);
    el.ratingThanks.hidden = !rated;
  }

  /** `rating` from the API: a number once rated, null before, absent when not told. */
  function setRated(rating) {
    if (rating === undefined) return;
    rated = rating !== null;
    showRating();
  }

  function showError(text) {
    el.error.textContent = text;
    el.error.hidden = !text;
  }

  /** The page's own words for an API error (by its code), else the server's (English) ones. */
  function describe(err) {
    if (!(err instanceof ApiError)) return TEXT.network;
    if (err.status === 429) return TEXT.rateLimited(err.retryAfter);
    if (err.code === 'VALIDATION_FAILED') {
      const problem = err.problem || '';
      if (err.field === 'message' && /empty/.test(problem)) return TEXT.messageEmpty;
      if (err.field === 'message' && /longer/.test(problem)) return TEXT.messageTooLong;
      if (err.field === 'comment') return TEXT.commentTooLong;
      if (err.field === 'rating') return TEXT.ratingInvalid;
    }
    if (err.code && TEXT.codes[err.code]) return TEXT.codes[err.code];
    if (err.status >= 500) return TEXT.server;
    return err.problem || err.message;
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
    el.status.textContent = TEXT.connecting;
    session = loadSession();
    if (session) {
      try {
        const history = await api(
          'GET',
          `/history?sessionId=${encodeURIComponent(session.sessionId)}&after=0`,
        );
        if (mine !== generation) return;
        if (history.lastSequence <= 1 && session.lang !== LANG) {
          // Nothing said yet, and the welcome is in the other language: greet again in this one.
          throw new ApiError(404, null, null);
        }
        rated = history.rating !== null && history.rating !== undefined;
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
      const created = await api('POST', '/create-session', { lang: LANG });
      if (mine !== generation) return;
      session = {
        sessionId: created.sessionId,
        sessionToken: created.sessionToken,
        lang: created.lang,
      };
      rated = false;
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
          let message = null;
          try {
            message = JSON.parse(data.join('\n'));
          } catch {
            // ignore a malformed event
          }
          // Events carry messages only: a new staff or system one may come with a new status
          // (resolved, reopened), which a quick history call tells.
          if (render(message) && message.role !== 'user') void poll();
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
  let pollAgain = false; // asked while a poll was under way: its answer may predate the change
  async function poll() {
    if (!session) return;
    if (polling) {
      pollAgain = true;
      return;
    }
    polling = true;
    pollAgain = false;
    const mine = generation;
    try {
      const res = await api(
        'GET',
        `/history?sessionId=${encodeURIComponent(session.sessionId)}&after=${lastSequence}`,
      );
      if (mine !== generation) return;
      renderAll(res.messages);
      setRated(res.rating);
      setStatus(res.status);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 401)) restart();
    } finally {
      polling = false;
      if (pollAgain) void poll();
    }
  }

  async function sendRating(rating, comment) {
    showError('');
    el.ratingSend.disabled = true;
    const mine = generation;
    try {
      await api('POST', `/sessions/${encodeURIComponent(session.sessionId)}/rating`, {
        rating,
        ...(comment ? { comment } : {}),
      });
      if (mine !== generation) return;
      setRated(rating);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'CHAT_ALREADY_RATED') {
        rated = true; // rated before (another tab): just thank them
        showRating();
      } else showError(describe(err));
    } finally {
      el.ratingSend.disabled = false;
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
    rated = false;
    lastSequence = 0;
    shown.clear();
    showRating();
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
  el.rating.addEventListener('submit', (event) => {
    event.preventDefault();
    const choice = el.rating.querySelector('input[name="rating"]:checked');
    if (!choice || !session || el.ratingSend.disabled) return;
    void sendRating(Number(choice.value), el.ratingComment.value.trim());
  });

  void start();
})();
