// AJIB sandbox web chat: polls /api/messages and patches the DOM; no build step, no dependencies.
// Message HTML comes sanitised by the server (sandbox/webchat/html.rs); everything else is set as text.
'use strict';

(function () {
  const POLL_MS = 700;
  // What the server allows (sandbox/webchat/upload.rs), checked here too so a big file is not sent for nothing.
  const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
  const MAX_CAPTION_CHARS = 1024;
  const $ = (selector) => document.querySelector(selector);
  const els = {
    messages: $('#messages'),
    user: $('#user'),
    text: $('#text'),
    attach: $('#attach'),
    file: $('#file'),
    composer: $('#composer'),
    replykb: $('#replykb'),
    status: $('#status'),
    toast: $('#toast'),
  };

  let users = [];
  let user = null; // Id of the user being played.
  let after = 0; // Highest revision applied for that user.
  let generation = 0; // Bumped on a user switch so stale answers are dropped.
  let shown = new Map(); // seq -> { el, rev }
  let replyKey = 'null';
  let timer = null;
  let inFlight = false;
  let again = false;
  let toastTimer = null;

  // Fetches and decodes JSON; a refusal throws with the server's {"error": ..} message.
  async function request(path, init) {
    const res = await fetch(path, init);
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.error || res.status + ' ' + res.statusText);
    return data;
  }

  function api(path, body) {
    const init = body === undefined
      ? { cache: 'no-store' }
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    return request(path, init);
  }

  function el(tag, className, text) {
    const it = document.createElement(tag);
    if (className) it.className = className;
    if (text !== undefined) it.textContent = text;
    return it;
  }

  function nearBottom() {
    const m = els.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
  }

  function toBottom() {
    els.messages.scrollTop = els.messages.scrollHeight;
  }

  function setStatus(text, offline) {
    els.status.textContent = text;
    els.status.classList.toggle('offline', !!offline);
  }

  function userName(id) {
    const it = users.find((u) => u.id === id);
    return it ? it.name : String(id);
  }

  function toast(text, alert) {
    showToast(text, alert ? 'alert' : 'info', 2500);
  }

  // A refused send or upload: red, and up long enough to read.
  function showError(text) {
    showToast(text, 'error', 6000);
  }

  // kind: 'info', 'error', or 'alert' (stays until clicked).
  function showToast(text, kind, ms) {
    clearTimeout(toastTimer);
    els.toast.textContent = text;
    els.toast.classList.toggle('alert', kind === 'alert');
    els.toast.classList.toggle('error', kind === 'error');
    els.toast.dataset.kind = kind;
    els.toast.hidden = false;
    if (kind !== 'alert') toastTimer = setTimeout(() => { els.toast.hidden = true; }, ms);
  }

  function time(at) {
    if (!at) return '';
    const d = new Date(at * 1000);
    return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
  }

  function formatSize(n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
    return (n / 1024 / 1024).toFixed(1) + ' MB';
  }

  // Builds (or rebuilds, after an edit) one message element.
  function fill(node, m) {
    node.className = 'msg ' + m.from + (m.keyboard ? ' has-kb' : '');
    node.dataset.testid = 'msg';
    node.dataset.seq = m.seq;
    node.dataset.from = m.from;
    node.dataset.kind = m.kind;
    if (m.message_id !== null) node.dataset.messageId = m.message_id;
    node.replaceChildren();

    const bubble = el('div', 'bubble');
    bubble.dir = m.dir;
    if (m.photo) {
      const img = el('img', 'photo');
      img.alt = 'photo';
      img.dataset.testid = 'photo';
      const stick = nearBottom();
      img.addEventListener('load', () => { if (stick) toBottom(); });
      img.src = m.photo;
      bubble.append(img);
    }
    if (m.document) {
      const label = m.document.name + ' · ' + formatSize(m.document.size);
      if (m.document.url !== null) {
        const a = el('a', 'doc', label);
        a.href = m.document.url;
        a.download = m.document.name;
        a.dataset.testid = 'document';
        bubble.append(a);
      } else {
        // One of the user's older files: the web chat no longer keeps its bytes.
        const span = el('span', 'doc gone', label);
        span.title = 'Sent; no longer kept by the web chat';
        span.dataset.testid = 'document';
        bubble.append(span);
      }
    }
    if (m.html) {
      const text = el('div', 'text');
      text.innerHTML = m.html; // Sanitised server-side: only Telegram's tags, checked hrefs.
      bubble.append(text);
    }
    bubble.append(el('span', 'meta', (m.edited ? 'edited ' : '') + time(m.at)));
    node.append(bubble);

    if (m.kind === 'invoice') {
      // Telegram draws a Pay button under an invoice; here it pays in sandbox Stars.
      const pay = el('button', 'pay', '⭐ Pay');
      pay.type = 'button';
      pay.dataset.testid = 'pay-stars';
      pay.addEventListener('click', () => payStars(m.message_id, pay));
      node.append(pay);
    }

    if (m.keyboard) {
      const kb = el('div', 'kb');
      kb.dataset.testid = 'inline-keyboard';
      for (const row of m.keyboard) {
        const r = el('div', 'row');
        for (const b of row) {
          const button = el('button', '', b.text);
          button.type = 'button';
          button.dir = 'auto';
          if (b.data !== null) {
            button.dataset.data = b.data;
            button.addEventListener('click', () => press(m.message_id, b.data, button));
          } else if (b.url !== null) {
            button.className = 'url';
            button.dataset.url = b.url;
            button.title = b.url;
            button.addEventListener('click', () => openLink(b.url));
          } else {
            button.disabled = true;
          }
          r.append(button);
        }
        kb.append(r);
      }
      node.append(kb);
    }
  }

  function renderReplyKeyboard(kb) {
    const key = JSON.stringify(kb);
    if (key === replyKey) return;
    replyKey = key;
    els.replykb.replaceChildren();
    els.replykb.hidden = !kb;
    els.text.placeholder = (kb && kb.placeholder) || 'Message';
    if (!kb) return;
    for (const row of kb.rows) {
      const r = el('div', 'row');
      for (const text of row) {
        const button = el('button', '', text);
        button.type = 'button';
        button.dir = 'auto';
        button.addEventListener('click', () => send(text));
        r.append(button);
      }
      els.replykb.append(r);
    }
  }

  function apply(data) {
    const first = after === 0;
    const stick = first || nearBottom();
    for (const m of data.messages) {
      const old = shown.get(m.seq);
      if (m.deleted) {
        if (old) old.el.remove();
        shown.delete(m.seq);
        continue;
      }
      if (old) {
        if (old.rev !== m.rev) {
          fill(old.el, m);
          old.rev = m.rev;
        }
        continue;
      }
      const node = el('div');
      fill(node, m);
      els.messages.append(node);
      shown.set(m.seq, { el: node, rev: m.rev });
    }
    after = Math.max(after, data.rev);
    renderReplyKeyboard(data.reply_keyboard);
    // Answers that came before the chat was opened are old news.
    if (!first) for (const n of data.notices) toast(n.text, n.alert);
    if (stick && data.messages.length) toBottom();
  }

  async function poll() {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    clearTimeout(timer);
    const gen = generation;
    try {
      const data = await api('api/messages?user=' + encodeURIComponent(user) + '&after=' + after);
      if (gen === generation) {
        apply(data);
        setStatus('sandbox · chatting as ' + userName(user), false);
      }
    } catch (err) {
      if (gen === generation) setStatus('offline, retrying: ' + err.message, true);
    } finally {
      inFlight = false;
    }
    if (again) {
      again = false;
      poll();
    } else {
      timer = setTimeout(poll, POLL_MS);
    }
  }

  async function send(text) {
    if (!text.trim() || user === null) return;
    try {
      await api('api/send', { user, text });
    } catch (err) {
      showError('Not sent: ' + err.message);
      return false;
    }
    poll();
    return true;
  }

  // Sends a file as the user, as a photo or a document (the server decides by its bytes).
  async function upload(file, caption) {
    if (user === null) return false;
    caption = caption.trim();
    let problem = null;
    if (file.size === 0) problem = file.name + ' is empty';
    else if (file.size > MAX_UPLOAD_BYTES) {
      problem = file.name + ' is ' + formatSize(file.size) + '; a bot can download at most ' + formatSize(MAX_UPLOAD_BYTES);
    } else if ([...caption].length > MAX_CAPTION_CHARS) {
      problem = 'the caption is longer than ' + MAX_CAPTION_CHARS + ' characters';
    }
    if (problem !== null) {
      showError('Not sent: ' + problem);
      return false;
    }
    const params = new URLSearchParams({ user: String(user), name: file.name });
    if (caption) params.set('caption', caption);
    els.attach.classList.add('pending');
    els.attach.disabled = true;
    try {
      await request('api/upload?' + params, {
        method: 'POST',
        headers: { 'content-type': file.type || 'application/octet-stream' },
        body: file,
      });
    } catch (err) {
      showError('Not sent: ' + err.message);
      return false;
    } finally {
      els.attach.classList.remove('pending');
      els.attach.disabled = false;
    }
    poll();
    return true;
  }

  // The text in the box becomes the caption, and is cleared once the file is sent.
  async function sendFile(file) {
    const caption = els.text.value;
    if ((await upload(file, caption)) && els.text.value === caption) els.text.value = '';
    els.text.focus();
  }

  // A t.me/<channel> link joins that channel when the sandbox has it (as the Telegram
  // app would); any other link opens in a new tab.
  async function openLink(url) {
    const channel = /^https:\/\/t\.me\/([A-Za-z][A-Za-z0-9_]{4,31})$/.exec(url);
    if (channel) {
      try {
        await api('api/join', { user, channel: channel[1] });
        toast('Joined @' + channel[1] + ' (sandbox)', false);
        return;
      } catch (err) {
        // Not a sandbox channel: open it like any link.
      }
    }
    window.open(url, '_blank', 'noopener');
  }

  async function payStars(messageId, button) {
    button.disabled = true;
    try {
      const answer = await api('api/pay-stars', { user, message_id: messageId });
      toast(answer.text, !answer.paid);
    } catch (err) {
      toast(err.message, true);
    }
    button.disabled = false;
    poll();
  }

  async function press(messageId, data, button) {
    button.classList.add('pending');
    try {
      await api('api/press', { user, message_id: messageId, data });
    } catch (err) {
      toast(err.message, false);
    }
    button.classList.remove('pending');
    poll();
  }

  function switchTo(id) {
    user = id;
    after = 0;
    generation += 1;
    shown = new Map();
    replyKey = 'null';
    els.messages.replaceChildren();
    renderReplyKeyboard(null);
    els.user.value = String(id);
    history.replaceState(null, '', '#user=' + id);
    poll();
  }

  els.composer.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = els.text.value;
    if (!text.trim()) return;
    els.text.value = '';
    if ((await send(text)) === false) els.text.value = text;
    els.text.focus();
  });
  els.attach.addEventListener('click', () => els.file.click());
  els.file.addEventListener('change', () => {
    const file = els.file.files[0];
    els.file.value = ''; // So picking the same file again fires 'change' again.
    if (file) sendFile(file);
  });
  // Dropping a file on the chat sends it too.
  const carriesFiles = (event) => Array.from(event.dataTransfer.types).includes('Files');
  els.messages.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    els.messages.classList.add('dropping');
  });
  els.messages.addEventListener('dragleave', () => els.messages.classList.remove('dropping'));
  els.messages.addEventListener('drop', (event) => {
    els.messages.classList.remove('dropping');
    if (!carriesFiles(event)) return;
    event.preventDefault();
    const file = event.dataTransfer.files[0];
    if (file) sendFile(file);
  });
  for (const button of document.querySelectorAll('.quick button')) {
    button.addEventListener('click', () => send(button.dataset.text));
  }
  els.user.addEventListener('change', () => switchTo(Number(els.user.value)));
  els.toast.addEventListener('click', () => { els.toast.hidden = true; });
  els.messages.addEventListener('click', (event) => {
    const spoiler = event.target.closest('.spoiler');
    if (spoiler) spoiler.classList.add('revealed');
  });

  async function start() {
    try {
      users = await api('api/users');
    } catch (err) {
      setStatus('offline: ' + err.message, true);
      setTimeout(start, 2000);
      return;
    }
    for (const u of users) {
      const talksTo = u.bot ? ' → @' + u.bot : '';
      const option = el('option', '', u.name + (u.username ? ' (@' + u.username + ')' : '') + talksTo);
      option.value = String(u.id);
      els.user.append(option);
    }
    if (!users.length) {
      setStatus('no simulated users', true);
      return;
    }
    const wanted = Number((location.hash.match(/user=(-?\d+)/) || [])[1]);
    switchTo(users.some((u) => u.id === wanted) ? wanted : users[0].id);
    els.text.focus();
  }

  start();
})();
