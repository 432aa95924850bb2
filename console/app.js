/* global document, window, location, history, sessionStorage, fetch, URLSearchParams, crypto, btoa */
// The review console: plain JavaScript, no framework, no build step. It talks only to the HTTP API
// (/api/*) with the bearer token the sign-in gave it; evidence and reports are rendered on the server.

const TOKEN_KEY = 'mrv-console-token';
const view = () => document.getElementById('view');

/** A sign-in redirect puts the token in the fragment (`#id_token=…`, or `#token=…` locally): keep it for this tab only. */
function takeTokenFromFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('id_token') || params.get('token') || params.get('access_token');
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', `${location.pathname}#/queue`);
  }
}

// Sign-in on AWS: the user pool's hosted UI with the authorization-code grant and PKCE (S256); the
// code is exchanged for tokens by this page, and the id token kept for this tab only. Locally there is
// no sign-in page: `npm start` prints one link per local identity (#token=…).
const PKCE_KEY = 'mrv-console-pkce';
const b64url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const redirectUri = () => `${location.origin}/`;

async function signIn(config) {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.signIn.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  });
  location.assign(`${config.signIn.domain}/oauth2/authorize?${query}`);
}

async function takeCodeFromQuery(config) {
  const query = new URLSearchParams(location.search);
  const code = query.get('code');
  if (!code || !config.signIn) return;
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) || '{}');
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', `${location.pathname}#/queue`);
  if (!saved.state || saved.state !== query.get('state')) throw new Error('The sign-in answer does not match this tab (state): sign in again.');
  const response = await fetch(`${config.signIn.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.signIn.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: saved.verifier,
    }),
  });
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok || !tokens.id_token) throw new Error(`Sign-in failed: ${tokens.error || response.statusText}`);
  sessionStorage.setItem(TOKEN_KEY, tokens.id_token);
}

let config;

async function api(path, options = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(path, { ...options, headers: { ...(options.headers || {}), ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
  return body;
}

const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const statusCell = (s) => `<span class="status-${esc(s.status)}">${esc(s.status)}</span>${s.statusReason ? ` — ${esc(s.statusReason)}` : ''}`;
const period = (s) => (s.periodText ? esc(s.periodText) : s.period ? `${esc(s.period.start)} – ${esc(s.period.end)}` : '');
const kindOf = (s) => (s.kind === 'monitoring-report' ? 'Monitoring report' : 'Upload');

let me;

function queueLists(q) {
  const rows = (list, decided) =>
    list.length
      ? `<table class="queue"><thead><tr><th>Item</th><th>Project</th><th>Period</th><th>ER tCO2e</th><th>Units</th><th>${decided ? 'Decision' : 'Materiality %'}</th><th>Status</th></tr></thead><tbody>${list
          .map(
            (s) =>
              `<tr data-upload="${esc(s.uploadId)}" data-kind="${esc(s.kind)}"><td><strong>${kindOf(s)}</strong> <a href="#/submissions/${esc(s.uploadId)}">${esc(s.uploadId.slice(0, 12))}…</a><br><small>${esc(s.file)}</small>${s.inReport ? `<br><small class="in-report">${s.inReport.status === 'approved' ? 'issued in' : 'in'} monitoring report <a href="#/submissions/${esc(s.inReport.reportId)}">${esc(s.inReport.reportId.slice(0, 12))}…</a>${s.inReport.status === 'approved' ? '' : ': decide the report'}</small>` : ''}</td><td><a href="#/projects/${esc(s.projectId)}/ledger">${esc(s.projectId)}</a></td><td>${period(s)}</td><td>${esc(s.er ?? '')}</td><td>${esc(s.units ?? '')}</td><td>${decided ? (s.decision ? `${esc(s.decision.decision)} by ${esc(s.decision.verifier)}` : '') : esc(s.materiality ?? '')}</td><td>${statusCell(s)}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : `<p>${decided ? 'Nothing decided yet.' : 'Nothing waits for review.'}</p>`;
  return `<h2>Waiting for review (${q.pending.length})</h2>${rows(q.pending, false)}
    <h2>Decided (${q.decided.length})</h2>${rows(q.decided, true)}`;
}

async function showQueue() {
  const q = await api('/api/queue');
  const site = me.role === 'site';
  const form = site && mayAssemble(me.projectId) ? assembleForm(me.projectId, q) : '';
  view().innerHTML = `<h1>${site ? `Project ${esc(me.projectId)}: uploads, reports and decisions` : `Review queue of ${esc(me.body ?? '')}`}</h1>
    ${site ? '<p class="readonly">The site submits its monitoring reports; decisions are made by the verifier.</p>' : ''}
    ${form}<div id="queue-lists">${queueLists(q)}</div>`;
  if (form)
    wireAssemble(me.projectId, async () => {
      document.getElementById('queue-lists').innerHTML = queueLists(await api('/api/queue'));
    });
}

// Submitting a monitoring report (POST /api/projects/<id>/monitoring-reports): the site of the project,
// or the registrar; core/access decides on the server, this only spares verifiers a form they cannot use.
const mayAssemble = (projectId) => Boolean(projectId) && ((me.role === 'site' && me.projectId === projectId) || me.role === 'registrar');

/** The first and last local day (both included) of a period as the queue gives it, on the site's clock. */
function localDays(p) {
  if (!p) return undefined;
  const isDay = (v) => /^\d{4}-\d{2}-\d{2}$/.test(v);
  // Legacy periods are UTC days, first and last included.
  if (isDay(p.start) && isDay(p.end)) return { first: p.start, last: p.end };
  const start = Date.parse(p.start);
  const end = Date.parse(p.end);
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return undefined;
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: p.timeZone || 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });
  const day = (ms) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return `${parts.year}-${parts.month}-${parts.day}`;
  };
  // The end is the first instant after the period: its last day is the day of the instant before.
  return { first: day(start), last: day(end - 1) };
}

function assembleForm(projectId, q) {
  // Accepted uploads of the project that wait for review and are in no waiting or approved report.
  const waiting = q.pending.filter((s) => s.kind === 'upload' && s.projectId === projectId && !s.inReport);
  const spans = waiting.map((s) => localDays(s.period)).filter(Boolean);
  const first = spans.length ? spans.map((d) => d.first).sort()[0] : '';
  const last = spans.length
    ? spans
        .map((d) => d.last)
        .sort()
        .at(-1)
    : '';
  const choices = waiting.length
    ? `<fieldset class="uploads"><legend>Uploads (optional; none ticked: every accepted upload in the period)</legend>${waiting
        .map(
          (s) =>
            `<label><input type="checkbox" name="upload" value="${esc(s.uploadId)}"> <code>${esc(s.uploadId.slice(0, 12))}…</code> ${esc(s.file)} · ${period(s)}</label>`,
        )
        .join('')}</fieldset>`
    : '<p class="note">No accepted upload of this project waits for review outside a monitoring report.</p>';
  return `<section class="panel" id="assemble" aria-labelledby="assemble-title"><h3 id="assemble-title">Submit a monitoring report</h3>
    <form id="assemble-form" data-project="${esc(projectId)}">
      <p class="note">The monitoring period on the site's clock: its first and last local day, both included. The uploads must cover it without gaps or overlaps; a verifier then reviews the report.</p>
      <p class="dates"><label for="period-first">First day</label> <input type="date" id="period-first" name="first" required value="${esc(first)}">
        <label for="period-last">Last day</label> <input type="date" id="period-last" name="last" required value="${esc(last)}"></p>
      ${choices}
      <p><button type="submit" id="assemble-submit">Submit the monitoring report</button></p>
    </form>
    <div id="assemble-result" role="status" aria-live="polite"></div></section>`;
}

function wireAssemble(projectId, refresh) {
  document.getElementById('assemble-form').addEventListener('submit', (event) => {
    event.preventDefault();
    submitReport(projectId, refresh);
  });
}

/** What the route answered, in words: queued, assembled before, refused with its problems, or the error. */
function assembleOutcome(status, body) {
  const r = body.report;
  const link = (id) => `<a href="#/submissions/${esc(id)}">${esc(id)}</a>`;
  const what = r ? `${r.uploads?.length ?? 0} upload(s)` : '';
  if (status === 201 && r)
    return `<p class="ok" id="assemble-outcome" data-outcome="queued" data-report="${esc(r.reportId)}">Queued for review: monitoring report ${link(r.reportId)} of ${what}. It is listed under "Waiting for review".</p>`;
  if (status === 200 && r)
    return `<p class="pending" id="assemble-outcome" data-outcome="existing" data-report="${esc(r.reportId)}">Assembled before: monitoring report ${link(r.reportId)} of ${what} has these uploads for this period; nothing new was queued.</p>`;
  if (status === 422 && r)
    return `<div id="assemble-outcome" data-outcome="refused" data-report="${esc(r.reportId)}"><p class="error">Refused: the monitoring report ${esc(r.reportId)} was not queued for review.</p><ul id="assemble-problems">${(r.problems ?? []).map((p) => `<li>${esc(p)}</li>`).join('')}</ul></div>`;
  return `<p class="error" id="assemble-outcome" data-outcome="error" data-status="${esc(status)}">Not submitted (${esc(status)}): ${esc(body.error || 'the server gave no reason')}${body.code ? ` (${esc(body.code)})` : ''}</p>`;
}

async function submitReport(projectId, refresh) {
  const first = document.getElementById('period-first').value;
  const last = document.getElementById('period-last').value;
  const result = document.getElementById('assemble-result');
  const button = document.getElementById('assemble-submit');
  if (!first || !last) {
    result.innerHTML = '<p class="error" id="assemble-outcome" data-outcome="invalid">Give the first and the last day of the period.</p>';
    return;
  }
  if (first > last) {
    result.innerHTML = '<p class="error" id="assemble-outcome" data-outcome="invalid">The first day is after the last day.</p>';
    return;
  }
  const uploadIds = [...document.querySelectorAll('#assemble-form input[name="upload"]:checked')].map((i) => i.value);
  button.disabled = true;
  result.textContent = 'Assembling the monitoring report…';
  try {
    const token = sessionStorage.getItem(TOKEN_KEY);
    // Not api(): a refusal (422) carries the report and its problems, which the page shows.
    const response = await fetch(`/api/projects/${encodeURIComponent(projectId)}/monitoring-reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ period: `${first}..${last}`, ...(uploadIds.length ? { uploadIds } : {}) }),
    });
    const body = await response.json().catch(() => ({}));
    result.innerHTML = assembleOutcome(response.status, body);
    if (response.status === 201 || response.status === 200) await refresh?.();
  } catch (error) {
    result.innerHTML = `<p class="error" id="assemble-outcome" data-outcome="error">${esc(error.message)}</p>`;
  } finally {
    button.disabled = false;
  }
}

function decisionPanel(s, firstApproval) {
  if (s.status !== 'pending-review') return '';
  const pending = firstApproval
    ? `<p id="first-approval" class="pending">First approval by ${esc(firstApproval.by)} (${esc(firstApproval.body)}) at ${esc(firstApproval.decidedAt)}, pending technical review: a second verifier of the same body must approve.</p>`
    : '';
  if (me.role !== 'verifier') return `<div class="panel readonly">${pending}Waiting for the verifier's decision.</div>`;
  return `<div class="panel" id="decide"><h3>Your decision</h3>${pending}
    <label for="reason">Reason (required to reject; sent back to the site)</label>
    <textarea id="reason" name="reason"></textarea>
    <p><button class="approve" id="approve">Approve</button><button class="reject" id="reject">Reject</button></p>
    <p id="decision-status" role="status"></p></div>`;
}

function outcomePanel(s, reports) {
  if (!s.decision) return '';
  const ledger = s.ledger
    ? ` Ledger entry <a href="#/projects/${esc(s.projectId)}/ledger" id="ledger-link">#${esc(s.ledger.seq)}</a>, hash <code>${esc(s.ledger.hash)}</code>.`
    : '';
  const links = reports
    ? `<p class="links"><a id="report-html" href="${esc(reports.html)}" data-report="html">Verification report (HTML)</a><a id="report-pdf" href="${esc(reports.pdf)}" data-report="pdf">Verification report (PDF)</a></p>`
    : '';
  const first = s.decision.firstApproval
    ? ` Independent review: first approval by ${esc(s.decision.firstApproval.by)} at ${esc(s.decision.firstApproval.decidedAt)}.`
    : '';
  return `<div class="panel" id="outcome"><strong class="status-${esc(s.status)}">${esc(s.status === 'pending-review' ? 'being recorded' : s.status)}</strong>: ${esc(s.decision.decision)} by ${esc(s.decision.verifier)} at ${esc(s.decision.decidedAt)}${s.decision.reason ? ` — ${esc(s.decision.reason)}` : ''}${s.statusReason ? ` (${esc(s.statusReason)})` : ''}.${first}${ledger}${links}</div>`;
}

async function showSubmission(id) {
  view().innerHTML = '<p>Loading the evidence (charts are drawn on the server)…</p>';
  const e = await api(`/api/submissions/${id}`);
  const s = e.submission;
  view().innerHTML = `<h1>${kindOf(s)} ${esc(s.uploadId)}</h1>
    <p>Project <a href="#/projects/${esc(s.projectId)}/ledger">${esc(s.projectId)}</a> · ${period(s)} · ${esc(s.methodology ?? '')} · status ${statusCell(s)}</p>
    ${outcomePanel(s, e.reports)}${decisionPanel(s, e.firstApproval)}
    <article class="evidence">${e.html}</article>`;
  for (const a of document.querySelectorAll('a[data-report]')) a.addEventListener('click', (event) => openReport(event, a, s));
  const approve = document.getElementById('approve');
  if (approve) {
    approve.addEventListener('click', () => decide(s, 'approve'));
    document.getElementById('reject').addEventListener('click', () => decide(s, 'reject'));
  }
}

/** Reports need the bearer token, which a plain link cannot send: fetch, then hand the browser a blob. */
async function openReport(event, link, s) {
  event.preventDefault();
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(link.getAttribute('href'), { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    link.insertAdjacentHTML('afterend', ` <span class="error">${esc((await response.json().catch(() => ({}))).error || response.statusText)}</span>`);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  if (link.dataset.report === 'pdf') a.download = `verification-${s.projectId}-${s.uploadId}.pdf`;
  else a.target = '_blank';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function decide(s, decision) {
  const reason = document.getElementById('reason').value.trim();
  const status = document.getElementById('decision-status');
  if (decision === 'reject' && !reason) {
    status.innerHTML = '<span class="error">A rejection needs a reason: it is sent back to the site.</span>';
    return;
  }
  for (const b of document.querySelectorAll('#decide button')) b.disabled = true;
  try {
    const sent = await api(`/api/submissions/${s.uploadId}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision, ...(reason ? { reason } : {}) }),
    });
    status.textContent = 'Decision sent; waiting for the outcome…';
    // The decision function records it asynchronously: poll (bounded) the submission and what it told this sender.
    for (let i = 0; i < 60; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = await api(`/api/submissions/${s.uploadId}`);
      if (now.submission.status !== 'pending-review') return showSubmission(s.uploadId);
      const told = sent.outcome ? await api(sent.outcome).catch(() => undefined) : undefined;
      if (told && told.outcome === 'pending-technical-review') {
        await showSubmission(s.uploadId);
        document.getElementById('decision-status').innerHTML =
          `<span class="status-pending" id="told">Recorded as the first approval, pending technical review: ${esc(told.reason)}.</span>`;
        return;
      }
      if (told && told.outcome !== 'approved' && told.outcome !== 'rejected') {
        status.innerHTML = `<span class="error" id="told">Refused: the ${esc(decision === 'approve' ? 'approval' : 'rejection')} was not recorded: ${esc(told.reason ?? told.outcome)}${told.code ? ` (${esc(told.code)})` : ''}.</span>`;
        for (const b of document.querySelectorAll('#decide button')) b.disabled = false;
        return;
      }
    }
    status.textContent = 'No outcome after 60 s: the decision is queued; reload later.';
  } catch (error) {
    status.innerHTML = `<span class="error">${esc(error.message)}</span>`;
    for (const b of document.querySelectorAll('#decide button')) b.disabled = false;
  }
}

async function showLedger(projectId) {
  const l = await api(`/api/projects/${projectId}/ledger`);
  const v = l.verification;
  const form = mayAssemble(projectId) ? assembleForm(projectId, await api('/api/queue')) : '';
  view().innerHTML = `<h1>Ledger of ${esc(projectId)}</h1>${form}
    <p id="chain" class="${v.ok ? 'status-approved' : 'status-rejected'}">${v.ok ? `Chain intact: ${esc(v.length)} entr${v.length === 1 ? 'y' : 'ies'}${v.length ? `, head ${esc(v.lastHash)}` : ''}.` : `Chain BROKEN at entry ${esc(v.seq)} (${esc(v.reason)}): ${esc(v.message)}`}</p>
    ${
      l.entries.length
        ? `<table class="ledger"><thead><tr><th>#</th><th>Period</th><th>ER tCO2e</th><th>Units</th><th>To participants</th><th>Upload</th><th>Approved by</th><th>Hash</th></tr></thead><tbody>${l.entries
            .map(
              (e) =>
                `<tr><td>${esc(e.seq)}</td><td>${esc(e.period.start)} – ${esc(e.period.end)}${e.period.timeZone ? `<br><small>${esc(e.period.timeZone)}, end excluded</small>` : ''}</td><td>${esc(e.er)}</td><td>${esc(e.issuance.units)}</td><td>${esc(e.issuance.toParticipants)}</td><td><a href="#/submissions/${esc(e.uploadId)}">${esc(e.uploadId.slice(0, 12))}…</a></td><td>${esc(e.approvedBy ? `${e.approvedBy.name} (${e.approvedBy.body ?? ''})` : e.verifier)}${e.firstApproval ? `<br><small>first approval ${esc(e.firstApproval.by.name)}</small>` : ''}<br><small>${esc(e.approvedAt)}</small></td><td><code>${esc(e.hash.slice(0, 16))}…</code></td></tr>`,
            )
            .join('')}</tbody></table>`
        : '<p>No approved periods yet.</p>'
    }`;
  if (form) wireAssemble(projectId);
}

async function route() {
  try {
    config ??= await fetch('/console/config.json')
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}));
    await takeCodeFromQuery(config);
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      if (config.signIn) {
        view().innerHTML = '<p><button id="sign-in">Sign in</button> with your verifier or site account.</p>';
        document.getElementById('sign-in').addEventListener('click', () => signIn(config));
      } else
        view().innerHTML =
          '<p class="error">Not signed in. Open the console with a sign-in link (locally: one of the links <code>npm start</code> printed).</p>';
      return;
    }
    me ??= await api('/api/me');
    document.getElementById('who').textContent = `${me.name} · ${me.role}${me.body ? ` of ${me.body}` : ''}${me.projectId ? ` of ${me.projectId}` : ''}`;
    const h = location.hash;
    let m;
    if ((m = /^#\/submissions\/([0-9a-f]{32})$/.exec(h))) return await showSubmission(m[1]);
    if ((m = /^#\/projects\/([a-z0-9-]+)\/ledger$/.exec(h))) return await showLedger(m[1]);
    return await showQueue();
  } catch (error) {
    view().innerHTML = `<p class="error">${esc(error.message)}</p>`;
  }
}

takeTokenFromFragment();
window.addEventListener('hashchange', route);
route();
