// memdir serve's web view: live updates (server-sent events) and the chat panel. No build step.
(function () {
  'use strict';
  const body = document.body;
  const events = body.dataset.events;
  document.querySelectorAll('textarea, input').forEach((el) =>
    el.addEventListener('input', () => { el.closest('form') && (el.closest('form').dataset.dirty = '1'); }));

  let refreshing = false;
  let again = false;
  async function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    try {
      const res = await fetch(location.href, { headers: { 'X-Memdir-Refresh': '1' } });
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      doc.querySelectorAll('[data-live]').forEach((fresh) => {
        const old = document.getElementById(fresh.id);
        if (!old) return;
        const form = old.querySelector('form[data-dirty]') || (old.matches('form[data-dirty]') ? old : null);
        if (form) {
          const freshHash = fresh.querySelector('input[name=hash]');
          const oldHash = form.querySelector('input[name=hash]');
          if (freshHash && oldHash && freshHash.value !== oldHash.value) {
            const note = old.querySelector('.stale');
            if (note) note.hidden = false;
          }
          return;
        }
        old.innerHTML = fresh.innerHTML;
        old.querySelectorAll('textarea, input').forEach((el) =>
          el.addEventListener('input', () => { el.closest('form').dataset.dirty = '1'; }));
      });
      const stamp = document.getElementById('updated');
      if (stamp) stamp.textContent = 'updated ' + new Date().toLocaleTimeString();
    } finally {
      refreshing = false;
      if (again) { again = false; refresh(); }
    }
  }
  if (events) {
    const es = new EventSource(events);
    es.addEventListener('change', refresh);
  }

  const chat = document.getElementById('chat-form');
  if (chat) {
    chat.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const input = chat.querySelector('[name=message]');
      const out = document.getElementById('chat-log');
      const text = input.value;
      if (!text.trim()) return;
      input.value = '';
      delete chat.dataset.dirty;
      const you = document.createElement('div');
      you.className = 'msg user';
      you.textContent = text;
      out.appendChild(you);
      const reply = document.createElement('div');
      reply.className = 'msg assistant';
      let current = null;
      out.appendChild(reply);
      const status = document.getElementById('chat-status');
      status.textContent = 'thinking…';
      const res = await fetch(chat.dataset.api, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: text }], streaming: true, stream_tokens: true }),
      });
      if (!res.ok) {
        status.textContent = 'error ' + res.status + ': ' + (await res.text());
        return;
      }
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const event = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = event.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (!data || data === '[DONE]') continue;
          const m = JSON.parse(data);
          if (m.message_type === 'assistant_message') {
            if (!current) { current = document.createElement('span'); reply.appendChild(current); }
            current.textContent += m.content;
          } else if (m.message_type === 'tool_call_message') {
            current = null;
            const t = document.createElement('div');
            t.className = 'tool';
            t.textContent = '→ ' + m.tool_call.name + ' ' + m.tool_call.arguments;
            reply.appendChild(t);
          } else if (m.message_type === 'tool_return_message') {
            const t = document.createElement('div');
            t.className = 'tool ' + m.status;
            t.textContent = '← ' + m.tool_return.slice(0, 300);
            reply.appendChild(t);
          } else if (m.message_type === 'error_message') {
            status.textContent = 'error: ' + m.message;
          } else if (m.message_type === 'stop_reason') {
            status.textContent = 'done (' + m.stop_reason + ')';
          }
        }
      }
    });
  }
})();
