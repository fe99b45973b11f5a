import type { ExpertVerdict, PersonaAttribute, RunRecord, Turn } from '@parley/core';
import {
  CONVERSATION_OUTCOMES,
  CONVERSATION_SPLITS,
  type ConversationPage,
  type ConversationQuery,
  DEFAULT_PAGE_SIZE,
  rejectingVerdict,
} from './conversation-browser';
import type { ConversationEntry } from './conversation-lines';
import { formatCount } from './format-values';
import { html, SafeHtml } from './html-template';

/** Filters a link sets; the page number resets unless given. */
export type ConversationLinkQuery = Partial<ConversationQuery>;

/** `/runs/<run>/conversations?outcome=rejected&expert=grounding`: the browser, filtered. */
export function conversationsLink(runId: string, query: ConversationLinkQuery = {}): string {
  const search = new URLSearchParams();
  if (query.outcome) search.set('outcome', query.outcome);
  if (query.expert) search.set('expert', query.expert);
  if (query.iteration !== undefined) search.set('iteration', String(query.iteration));
  if (query.split) search.set('split', query.split);
  if (query.reason) search.set('reason', query.reason);
  if (query.page !== undefined && query.page > 1) search.set('page', String(query.page));
  if (query.pageSize !== undefined && query.pageSize !== DEFAULT_PAGE_SIZE) {
    search.set('pageSize', String(query.pageSize));
  }
  const text = search.toString();
  return `/runs/${encodeURIComponent(runId)}/conversations${text ? `?${text}` : ''}`;
}

/** What the page needs besides the entries. */
export interface ConversationBrowserContext {
  run: Pick<RunRecord, 'id' | 'name' | 'status' | 'iterations'>;
  /** Filter experts in cascade order (the config's), offered as filters. */
  experts: readonly string[];
}

// Only what the shared layout lacks; inline styles are allowed by the page's policy.
const STYLE = `
.filters{display:grid;gap:6px;margin:12px 0 16px}.filters .facts a,.filters .facts b{margin-right:2px}
article.conversation{margin:0 0 14px}
article.conversation .head{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;color:var(--muted)}
article.conversation .head b{color:var(--text)}
.rejection{margin:10px 0 0;padding:8px 12px;border-radius:8px;background:#fff7ed;border:1px solid #fed7aa;color:#7c2d12;white-space:pre-wrap;word-break:break-word}
.rejection.failed{background:#fef2f2;border-color:#fecaca;color:#991b1b}
.personas{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:12px;margin:12px 0}
.personas h3{font-size:13px;margin:0 0 4px}.personas ul{margin:0;padding-left:18px;color:#334155}
ol.turns{list-style:none;padding:0;margin:0 0 12px;display:grid;gap:4px}
ol.turns li{padding:6px 10px;border-radius:8px;background:#f1f5f9;max-width:85%;white-space:pre-wrap;word-break:break-word}
ol.turns li.user2{background:#e0ecff;margin-left:auto}ol.turns li .speaker{display:block;font-size:11px;color:var(--muted);font-weight:600}
table.verdicts td.rationale{white-space:pre-wrap;word-break:break-word;max-width:720px;text-align:left}
table.verdicts tr.rejecting td{background:#fff7ed}
pre.raw{white-space:pre-wrap;word-break:break-word;background:#f8fafc;padding:8px;border-radius:6px;max-height:240px;overflow:auto}
.pager{display:flex;gap:18px;align-items:center;margin:16px 0}
`;

const OUTCOME_LABELS: Record<(typeof CONVERSATION_OUTCOMES)[number], string> = {
  accepted: 'accepted',
  rejected: 'rejected (filtered or outvoted)',
  filtered: 'filtered',
  'lost-vote': 'lost the vote',
  failed: 'failed',
  unparseable: 'with an unparseable verdict',
};

/** /runs/:runId/conversations: a page of a run's conversations, its filters and pager. */
export function renderConversationBrowser(
  context: ConversationBrowserContext,
  page: ConversationPage,
): SafeHtml {
  const { run } = context;
  const { query } = page;
  const current: ConversationLinkQuery = { ...query, page: undefined };
  const first = (query.page - 1) * query.pageSize + 1;
  const shown =
    page.entries.length === 0
      ? html`<div class="card empty" id="conversations" data-entries="0">${emptyText(page)}</div>`
      : html`<p class="note" data-field="range">Entries ${formatCount(first)}–${formatCount(first + page.entries.length - 1)}${page.more ? ', more follow' : ''}.</p>
        <div id="conversations" data-entries="${page.entries.length}">${page.entries.map(entryCard)}</div>`;
  return html`<style>${new SafeHtml(STYLE)}</style>
    <p class="subtitle"><a href="/">Runs</a> / <a href="/runs/${encodeURIComponent(run.id)}">${run.id}</a> / conversations</p>
    <h1>Conversations of ${run.name} <span class="badge ${run.status}" data-status="${run.status}">${run.status}</span></h1>
    <p class="note" data-field="source" data-source="${page.source}">${sourceText(page)}</p>
    ${filterBar(context, current)}
    ${shown}
    ${pager(run.id, query, page.more)}
    ${page.scanCapped ? html`<p class="note" data-field="scan-capped">Stopped after looking at ${formatCount(page.scannedLines)} lines; narrow the filters to see further.</p>` : ''}
    ${page.unreadableLines > 0 ? html`<p class="note" data-field="unreadable">${formatCount(page.unreadableLines)} line${page.unreadableLines === 1 ? '' : 's'} could not be read as a record and ${page.unreadableLines === 1 ? 'is' : 'are'} left out (${page.unreadableLocations.join(', ')}${page.unreadableLines > page.unreadableLocations.length ? ', …' : ''}); during a run the last line may still be being written.</p>` : ''}
    ${page.duplicates > 0 ? html`<p class="note">${formatCount(page.duplicates)} repeated line${page.duplicates === 1 ? '' : 's'} of the work files left out, as the release leaves them out.</p>` : ''}
    <p class="note">JSON: <a href="/api${conversationsLink(run.id, { ...current, page: query.page })}" data-link="json">this page as JSON</a></p>`;
}

function sourceText(page: ConversationPage): string {
  switch (page.source) {
    case 'release':
      return "From the run's release: conversations.jsonl (accepted) and rejected.jsonl, in release order (iteration, pair; a pair's winner before the candidates it beat).";
    case 'work':
      return 'From the work files of the run so far: each iteration’s accepted lines, then its rejected ones, as they settled (repeats left out). Reload for pairs settled since. Splits are assigned when the release is written, so lines have none yet.';
    case 'none':
      return 'No conversation lines yet: nothing has settled, or the run folder is on another machine’s disk and this server cannot see it.';
  }
}

function emptyText(page: ConversationPage): string {
  if (page.source === 'none') return 'Nothing to show.';
  return page.query.page > 1 ? 'No more entries match.' : 'No entry matches these filters.';
}

/** Plain links, one row per filter: no script and no form (the page's policy allows neither). */
function filterBar(context: ConversationBrowserContext, current: ConversationLinkQuery): SafeHtml {
  const runId = context.run.id;
  const option = (label: string, change: ConversationLinkQuery, selected: boolean, data: string) =>
    selected
      ? html`<b data-selected="${data}">${label}</b>`
      : html`<a href="${conversationsLink(runId, { ...current, ...change })}" data-filter="${data}">${label}</a>`;
  const join = (items: SafeHtml[]) => items.map((item, index) => html`${index > 0 ? ' · ' : ''}${item}`);
  const outcomes = [
    option('all', { outcome: undefined }, current.outcome === undefined, 'outcome:all'),
    ...CONVERSATION_OUTCOMES.map((outcome) =>
      option(OUTCOME_LABELS[outcome], { outcome }, current.outcome === outcome, `outcome:${outcome}`),
    ),
  ];
  const expertNames = [...context.experts];
  if (current.expert && !expertNames.includes(current.expert)) expertNames.push(current.expert);
  const experts = [
    option('any', { expert: undefined }, current.expert === undefined, 'expert:any'),
    ...expertNames.map((expert) => option(expert, { expert }, current.expert === expert, `expert:${expert}`)),
  ];
  const iterationNumbers = Array.from(
    { length: Math.min(context.run.iterations, 50) },
    (_, index) => index + 1,
  );
  if (current.iteration !== undefined && !iterationNumbers.includes(current.iteration)) {
    iterationNumbers.push(current.iteration);
  }
  const iterations = [
    option('any', { iteration: undefined }, current.iteration === undefined, 'iteration:any'),
    ...iterationNumbers.map((iteration) =>
      option(String(iteration), { iteration }, current.iteration === iteration, `iteration:${iteration}`),
    ),
  ];
  const splits = [
    option('any', { split: undefined }, current.split === undefined, 'split:any'),
    ...CONVERSATION_SPLITS.map((split) =>
      option(split === 'none' ? 'in no split' : split, { split }, current.split === split, `split:${split}`),
    ),
  ];
  return html`<div class="filters card">
    <div class="facts"><span>outcome: ${join(outcomes)}</span></div>
    <div class="facts"><span title="a rejected candidate: the expert that rejected it; an accepted one: an expert whose verdict it carries">expert: ${join(experts)}</span></div>
    <div class="facts"><span>iteration: ${join(iterations)}${context.run.iterations > 50 ? html` <span class="note">(add <code>iteration=N</code> to the address for others)</span>` : ''}</span></div>
    <div class="facts"><span>split: ${join(splits)}</span></div>
    ${current.reason ? html`<div class="facts"><span>reason: <b data-field="reason-filter">${current.reason}</b> · <a href="${conversationsLink(runId, { ...current, reason: undefined })}" data-filter="reason:clear">any reason</a></span></div>` : ''}
  </div>`;
}

function pager(runId: string, query: ConversationQuery, more: boolean): SafeHtml {
  const filters: ConversationLinkQuery = { ...query };
  if (query.page === 1 && !more) return html``;
  return html`<div class="pager">
    ${query.page > 1 ? html`<a href="${conversationsLink(runId, { ...filters, page: query.page - 1 })}" data-link="previous" rel="prev">← previous</a>` : html`<span class="note">← previous</span>`}
    <span data-field="page">page ${query.page}</span>
    ${more ? html`<a href="${conversationsLink(runId, { ...filters, page: query.page + 1 })}" data-link="next" rel="next">next →</a>` : html`<span class="note">next →</span>`}
  </div>`;
}

/** How a line ended, in one word, and its badge colour. */
function outcomeOf(entry: ConversationEntry): { label: string; badge: string } {
  if (entry.kind === 'accepted') return { label: 'accepted', badge: 'completed' };
  switch (entry.record.outcome) {
    case 'failed':
      return { label: 'failed', badge: 'failed' };
    case 'lost-vote':
      return { label: 'lost the vote', badge: 'cancelled' };
    case 'filtered':
      return rejectingVerdict(entry)?.unparseable
        ? { label: 'unparseable', badge: 'partial' }
        : { label: 'rejected', badge: 'cancelled' };
  }
}

function entryCard(entry: ConversationEntry): SafeHtml {
  const { record } = entry;
  const outcome = outcomeOf(entry);
  const conversation = entry.kind === 'accepted' ? entry.record : entry.record.conversation;
  const id = entry.kind === 'accepted' ? entry.record.id : (entry.record.conversation?.id ?? '');
  const rejectingExpert = entry.kind === 'rejected' ? entry.record.expert : undefined;
  return html`<article class="conversation card" data-kind="${entry.kind}" data-outcome="${entry.kind === 'accepted' ? 'accepted' : entry.record.outcome}"${rejectingExpert ? html` data-expert="${rejectingExpert}"` : ''} data-id="${id}">
    <div class="head">
      <span class="badge ${outcome.badge}" data-field="outcome">${outcome.label}</span>
      <span>iteration <b data-field="iteration">${record.iteration}</b></span>
      <span>pair <b data-field="pair">${record.pair}</b>${record.profilePair && record.profilePair !== record.pair ? html` (<code>${record.profilePair}</code>)` : ''}</span>
      <span>candidate <b>${record.candidate ?? '–'}</b></span>
      <span>split <b data-field="split">${record.split ?? (record.split === null ? 'none (profiles straddle splits)' : '–')}</b></span>
      ${entry.kind === 'accepted' ? html`<span>judge score <b>${formatScore(entry.record.judgeScore)}</b></span><span>generator <code>${entry.record.generator.model}</code></span>` : ''}
      ${id ? html`<span><code>${id}</code></span>` : ''}
    </div>
    ${
      entry.kind === 'rejected'
        ? html`<div class="rejection${entry.record.outcome === 'failed' ? ' failed' : ''}" data-field="rejection"><b>${rejectionHead(entry)}</b> <span data-field="rejecting-expert">${entry.record.expert ?? ''}</span> (${entry.record.outcome}): <span data-field="reason">${entry.record.reason}</span></div>`
        : ''
    }
    ${
      conversation
        ? html`<div class="personas">
        ${personaList('User 1', record.user1Profile, conversation.user1Persona)}
        ${personaList('User 2', record.user2Profile, conversation.user2Persona)}
      </div>
      <ol class="turns" data-turns="${conversation.turns.length}">${conversation.turns.map(turnItem)}</ol>`
        : html`<p class="note">No conversation: the pair failed before a candidate existed.</p>`
    }
    ${verdictTable(record.verdicts, rejectingExpert)}
  </article>`;
}

function rejectionHead(entry: Extract<ConversationEntry, { kind: 'rejected' }>): string {
  switch (entry.record.outcome) {
    case 'filtered':
      return 'rejected by';
    case 'lost-vote':
      return 'lost the vote:';
    case 'failed':
      return 'failed in';
  }
}

function personaList(label: string, profile: string | undefined, persona: PersonaAttribute[]): SafeHtml {
  return html`<div data-field="persona-${label === 'User 1' ? 'user1' : 'user2'}"><h3>${label}${profile ? html` <code>${profile}</code>` : ''}</h3>
    <ul>${persona.map((attribute) => html`<li>${attribute}</li>`)}</ul></div>`;
}

function turnItem(turn: Turn): SafeHtml {
  const speaker = turn.speaker === 'user1' ? 'User 1' : turn.speaker === 'user2' ? 'User 2' : 'no speaker';
  return html`<li class="${turn.speaker ?? 'none'}"><span class="speaker">${speaker}</span>${turn.text}</li>`;
}

function verdictTable(verdicts: ExpertVerdict[], rejectingExpert: string | undefined): SafeHtml {
  if (verdicts.length === 0) return html`<p class="note">No expert verdict.</p>`;
  return html`<div class="table-wrap"><table class="verdicts">
    <thead><tr><th>expert</th><th class="left">kind</th><th class="left">verdict</th><th>score</th><th class="left">rationale</th></tr></thead>
    <tbody>${verdicts.map((verdict) => {
      const state = verdictState(verdict);
      const rejecting = verdict.expert === rejectingExpert && verdict.passed === false;
      return html`<tr data-expert="${verdict.expert}" data-verdict="${state}"${rejecting ? html` class="rejecting"` : ''}>
        <td class="left">${verdict.expert}${verdict.model ? html` <span class="note">${verdict.model}</span>` : ''}</td>
        <td class="left">${verdict.kind}</td>
        <td class="left ${state === 'passed' ? 'good' : state === 'failed' ? 'poor' : state === 'unparseable' ? 'mid' : ''}">${state}</td>
        <td>${verdict.score === undefined ? '–' : formatScore(verdict.score)}${verdict.wins !== undefined && verdict.comparisons !== undefined ? html` <span class="note">wins ${verdict.wins}/${verdict.comparisons}</span>` : ''}</td>
        <td class="rationale" data-field="rationale">${verdict.rationale}${verdict.rawOutput ? html`<details><summary>raw output</summary><pre class="raw">${truncate(verdict.rawOutput, 2_000)}</pre></details>` : ''}</td>
      </tr>`;
    })}</tbody>
  </table></div>`;
}

/** passed / failed for a filter, unparseable when its model gave no usable answer, scored for a ranker. */
function verdictState(verdict: ExpertVerdict): 'passed' | 'failed' | 'unparseable' | 'scored' {
  if (verdict.unparseable) return 'unparseable';
  if (verdict.passed === true) return 'passed';
  if (verdict.passed === false) return 'failed';
  return 'scored';
}

function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(3);
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}… (${text.length - length} more characters)` : text;
}
