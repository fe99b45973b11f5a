import type { UsageTotals } from '@parley/llm';
import { RunFolder } from '../run-folder';
import { conversationsLink } from './conversation-browser-page';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatEta,
  formatPercent,
  formatRate,
  formatTime,
  formatUsd,
} from './format-values';
import { html, type SafeHtml } from './html-template';
import type { RejectionReasonsView } from './rejection-reasons';
import { RUN_JOB_STATES, type RunJobsQuery, type RunJobsView } from './run-jobs';
import type { IterationView, RunSummaryView, RunView } from './run-view';
import { barChart, CHART_COLORS, lineChart } from './svg-charts';

/** The status badge, as the CLI says it; a failed run's reason rides along as its tooltip. */
function statusBadge(status: string, reason?: string): SafeHtml {
  return html`<span class="badge ${status}" data-status="${status}"${reason ? html` title="${reason}"` : ''}>${status}</span>`;
}

function progressBar(fraction: number, big = false): SafeHtml {
  const percent = Math.round(Math.max(0, Math.min(1, fraction)) * 1000) / 10;
  return html`<div class="progress${big ? ' big' : ''}" role="progressbar" aria-valuenow="${percent}" aria-valuemin="0" aria-valuemax="100"><span style="width:${percent}%"></span></div>`;
}

/** Colour class of a rate: how a reader should feel about it at a glance. */
function rateClass(rate: number | null, good = 0.8, fair = 0.5): string {
  if (rate === null) return '';
  return rate >= good ? 'good' : rate >= fair ? 'mid' : 'poor';
}

function runLink(runId: string): string {
  return `/runs/${encodeURIComponent(runId)}`;
}

function jobsLink(runId: string, query: Partial<RunJobsQuery> = {}): string {
  const search = new URLSearchParams();
  if (query.queue) search.set('queue', query.queue);
  if (query.state) search.set('state', query.state);
  const text = search.toString();
  return `${runLink(runId)}/jobs${text ? `?${text}` : ''}`;
}

/** The runs list: newest first, with progress, acceptance and cost. */
export function renderRunsContent(runs: RunSummaryView[]): SafeHtml {
  if (runs.length === 0) {
    return html`<h1>Runs</h1>
      <div class="card empty">No runs yet. Start one with <code>parley run jobs/demo.yaml --dashboard</code>,
      or <code>POST /api/runs</code> with a job file for a running scheduler.</div>`;
  }
  const active = runs.filter((run) => !run.terminal).length;
  return html`<h1>Runs</h1>
    <p class="subtitle">${runs.length} run${runs.length === 1 ? '' : 's'}, ${active} in progress</p>
    <div class="table-wrap"><table id="runs">
      <thead><tr>
        <th>run</th><th class="left">status</th><th class="left">phase</th><th>iteration</th>
        <th class="left">pairs</th><th>acceptance</th><th>tokens</th><th>cost</th><th>pace</th><th>ETA</th><th>created</th>
      </tr></thead>
      <tbody>
      ${runs.map(
        (summary) => html`<tr data-run="${summary.run.id}">
          <td><a href="${runLink(summary.run.id)}">${summary.run.id}</a></td>
          <td class="left">${statusBadge(summary.run.status, summary.run.error)}${
            summary.run.error ? html`<div class="reason" data-field="reason">${summary.run.error}</div>` : ''
          }</td>
          <td class="left">${summary.run.phase}</td>
          <td>${summary.run.iteration}/${summary.run.iterations}</td>
          <td class="left">${progressBar(summary.progress.fraction)}
            <span class="note">${formatCount(summary.progress.pairsDone)} / ${formatCount(summary.progress.pairsPlanned)}</span></td>
          <td class="${rateClass(summary.acceptanceRate)}">${formatPercent(summary.acceptanceRate)}</td>
          <td>${formatCount(summary.totalTokens)}</td>
          <td>${formatUsd(summary.costUsd)}</td>
          <td>${formatRate(summary.progress.pairsPerMinute)}</td>
          <td title="${summary.progress.eta ? formatEta(summary.progress.eta) : ''}">${summary.terminal ? '–' : `${summary.progress.eta?.rough ? '~' : ''}${formatDuration(summary.progress.etaMs)}`}</td>
          <td>${formatTime(summary.run.createdAt)}</td>
        </tr>`,
      )}
      </tbody>
    </table></div>`;
}

function tile(label: string, value: string, hint?: string, id?: string): SafeHtml {
  return html`<div class="card tile"${id ? html` data-tile="${id}"` : ''}><div class="label">${label}</div><div class="value">${value}</div>${hint ? html`<div class="hint">${hint}</div>` : ''}</div>`;
}

/** What a chart marks on an iteration that does not hold all its pairs (yet). */
function incompleteNote(iteration: IterationView): string | null {
  if (iteration.state === 'partial') return 'partial';
  if (iteration.state === 'running') return 'so far';
  return null;
}

function iterationTable(iterations: IterationView[], withLosingRate: boolean): SafeHtml {
  return html`<div class="table-wrap"><table id="iterations">
    <thead><tr>
      <th>iteration</th><th class="left">state</th><th>pairs done</th><th>accepted</th><th>rejected</th><th>failed</th>
      <th>acceptance</th><th>input tokens</th><th>output tokens</th><th>cost</th><th>pace</th><th>duration</th>
      ${withLosingRate ? html`<th>losing rate</th>` : ''}
    </tr></thead>
    <tbody>
    ${iterations.map(
      (iteration) => html`<tr data-iteration="${iteration.iteration}" data-state="${iteration.state}">
        <td>${iteration.iteration}</td>
        <td class="left">${statusBadge(iteration.state)}</td>
        <td data-field="done">${formatCount(iteration.done)} / ${iteration.planned > 0 ? formatCount(iteration.planned) : '–'}</td>
        <td data-field="accepted">${formatCount(iteration.accepted)}</td>
        <td data-field="rejected">${formatCount(iteration.rejected)}</td>
        <td data-field="failed">${formatCount(iteration.failed)}</td>
        <td data-field="acceptance" class="${rateClass(iteration.acceptanceRate)}">${formatPercent(iteration.acceptanceRate)}</td>
        <td>${formatCount(iteration.inputTokens)}</td>
        <td>${formatCount(iteration.outputTokens)}</td>
        <td data-field="cost">${formatUsd(iteration.costUsd)}</td>
        <td>${formatRate(iteration.pairsPerMinute)}</td>
        <td>${formatDuration(iteration.durationMs)}</td>
        ${withLosingRate ? html`<td data-field="losing-rate">${formatPercent(iteration.losingRate)}</td>` : ''}
      </tr>`,
    )}
    </tbody>
  </table></div>`;
}

/** One expert's cell: rate, its denominator, and unreadable answers apart. */
function expertCell(
  expert: string,
  pass: { passed: number; total: number; unparseable: number; passRate: number | null } | undefined,
): SafeHtml {
  if (!pass) return html`<td data-expert="${expert}">–</td>`;
  return html`<td data-expert="${expert}" class="${rateClass(pass.passRate, 0.9, 0.7)}" title="${pass.passed} of ${pass.total} real verdicts passed${pass.unparseable > 0 ? `; ${pass.unparseable} answers could not be read as a verdict` : ''}">${formatPercent(pass.passRate)} <span class="note">${pass.passed}/${pass.total}</span>${
    pass.unparseable > 0
      ? html` <span class="unparseable" data-field="unparseable">+${pass.unparseable} unparseable</span>`
      : ''
  }</td>`;
}

/**
 * Pass rate of every filter expert, in the order the Critic runs them (a funnel: each judges
 * only what the ones before it passed), one row per iteration and one for the whole run.
 */
function expertTable(view: RunView): SafeHtml {
  const experts = view.expertOrder;
  if (experts.length === 0) return html`<div class="card note">No expert has judged a candidate yet.</div>`;
  const all = Object.fromEntries(
    experts.map((expert) => {
      const sum = { passed: 0, total: 0, unparseable: 0 };
      for (const iteration of view.iterations) {
        const counts = iteration.experts[expert];
        if (!counts) continue;
        sum.passed += counts.passed;
        sum.total += counts.total;
        sum.unparseable += counts.unparseable;
      }
      return [expert, { ...sum, passRate: sum.total > 0 ? sum.passed / sum.total : null }];
    }),
  );
  return html`<div class="table-wrap"><table id="experts">
    <thead><tr><th>iteration</th>${experts.map((expert, index) => html`<th data-expert="${expert}">${index + 1}. ${expert}</th>`)}</tr></thead>
    <tbody>
    ${view.iterations.map(
      (iteration) => html`<tr data-iteration="${iteration.iteration}">
        <td>${iteration.iteration}${incompleteNote(iteration) ? html` <span class="note">(${incompleteNote(iteration)})</span>` : ''}</td>
        ${experts.map((expert) => expertCell(expert, iteration.experts[expert]))}
      </tr>`,
    )}
    <tr data-iteration="all" class="total"><td>all</td>${experts.map((expert) => expertCell(expert, all[expert]))}</tr>
    </tbody>
  </table></div>`;
}

/**
 * Why candidates were rejected: per filter expert (cascade order), its rejections and top
 * normalised reasons with counts, each linking into the conversation browser.
 */
function rejectionReasonsSection(view: RunView, reasons: RejectionReasonsView | undefined): SafeHtml {
  if (!reasons) return html``;
  const runId = view.run.id;
  const browse = html`<a href="${conversationsLink(runId, { outcome: 'rejected' })}" data-link="rejections">browse every rejected candidate</a>`;
  if (reasons.problem) {
    return html`<div class="alert" id="rejection-reasons" data-experts="0">Rejected lines could not be read: ${reasons.problem}</div>`;
  }
  if (reasons.experts.length === 0) {
    return html`<p class="note" id="rejection-reasons" data-experts="0">${reasons.source === 'none' ? 'No settled pair to read yet.' : 'No filter has rejected a candidate.'} ${browse}.</p>`;
  }
  const order = new Map(view.expertOrder.map((expert, index) => [expert, index]));
  const experts = [...reasons.experts].sort(
    (a, b) =>
      (order.get(a.expert) ?? Number.MAX_SAFE_INTEGER) - (order.get(b.expert) ?? Number.MAX_SAFE_INTEGER) ||
      a.expert.localeCompare(b.expert),
  );
  return html`<div class="table-wrap"><table id="rejection-reasons" data-experts="${experts.length}">
    <thead><tr><th>expert</th><th>rejected</th><th class="left">top reasons (count × reason)</th></tr></thead>
    <tbody>${experts.map(
      (expert) => html`<tr data-expert="${expert.expert}">
        <td><a href="${conversationsLink(runId, { outcome: 'rejected', expert: expert.expert })}" data-link="expert-rejections">${expert.expert}</a></td>
        <td data-field="rejections">${formatCount(expert.rejections)}</td>
        <td class="left wrap"><ol class="reasons">${expert.reasons.map(
          (reason) =>
            html`<li data-reason="${reason.reason}"><b data-field="count">${formatCount(reason.count)}</b> × <a href="${conversationsLink(runId, { outcome: 'rejected', expert: expert.expert, reason: reason.reason })}" title="${reason.example}" data-link="reason">${reason.reason}</a></li>`,
        )}</ol>${expert.otherReasons > 0 ? html`<span class="note">and ${formatCount(expert.otherReasons)} other reason${expert.otherReasons === 1 ? '' : 's'}</span>` : ''}</td>
      </tr>`,
    )}</tbody>
  </table></div>
  <p class="note">From ${reasons.source === 'release' ? "the release's rejected.jsonl" : 'the lines settled so far'}${reasons.capped ? html` (<b data-field="reasons-capped">the first part only</b>: the read stops at its size limit)` : ''}. Reasons are grouped with their numbers, ids and quoted text left out; a rejection naming several problems counts under each. Each expert and reason links to its candidates in the conversation browser; or ${browse}.</p>`;
}

function usageTable(byModel: Record<string, UsageTotals>): SafeHtml {
  const models = Object.entries(byModel).sort(([a], [b]) => a.localeCompare(b));
  if (models.length === 0) return html`<div class="card note">No LLM call recorded yet.</div>`;
  return html`<div class="table-wrap"><table id="models">
    <thead><tr><th>model</th><th>calls</th><th>failed</th><th>cached</th><th>input tokens</th><th>output tokens</th>
      <th>cost</th><th>retries</th><th>429s</th><th>invalid outputs</th></tr></thead>
    <tbody>${models.map(
      ([model, usage]) => html`<tr data-model="${model}">
        <td>${model}</td><td>${formatCount(usage.calls)}</td><td>${formatCount(usage.failedCalls)}</td>
        <td>${formatCount(usage.cachedCalls)}</td><td>${formatCount(usage.inputTokens)}</td>
        <td>${formatCount(usage.outputTokens)}</td><td>${formatUsd(usage.costUsd)}</td>
        <td>${formatCount(usage.retries)}</td><td>${formatCount(usage.rateLimited)}</td>
        <td>${formatCount(usage.invalidOutputs)}</td>
      </tr>`,
    )}</tbody>
  </table></div>`;
}

function charts(view: RunView, withLosingRate: boolean): SafeHtml {
  const categories = view.iterations.map((iteration) => `iteration ${iteration.iteration}`);
  const incomplete = view.iterations.map(incompleteNote);
  const acceptance = lineChart({
    title: withLosingRate ? 'Acceptance and losing rate' : 'Acceptance rate',
    categories,
    incomplete,
    yMax: 1,
    format: (value) => formatPercent(value, 0),
    series: [
      {
        name: 'acceptance',
        color: CHART_COLORS[0]!,
        values: view.iterations.map((iteration) => iteration.acceptanceRate),
      },
      ...(withLosingRate
        ? [
            {
              name: 'losing rate (Turing test)',
              color: CHART_COLORS[2]!,
              dashed: true,
              values: view.iterations.map((iteration) => iteration.losingRate),
            },
          ]
        : []),
    ],
  });
  const passRates = lineChart({
    title: 'Expert pass rates (cascade order)',
    categories,
    incomplete,
    yMax: 1,
    format: (value) => formatPercent(value, 0),
    series: view.expertOrder.map((expert, index) => ({
      name: `${index + 1}. ${expert}`,
      color: CHART_COLORS[(index + 1) % CHART_COLORS.length]!,
      values: view.iterations.map((iteration) => iteration.experts[expert]?.passRate ?? null),
    })),
  });
  const cost = barChart({
    title: 'Cost per iteration',
    categories,
    incomplete,
    color: CHART_COLORS[3]!,
    format: formatUsd,
    values: view.iterations.map((iteration) => iteration.costUsd),
  });
  return html`<div class="charts">${acceptance}${passRates}${cost}</div>`;
}

/** Who drives the run, said plainly when nobody does. */
function driverNotice(view: RunView): SafeHtml {
  const driver = view.driver;
  if (!driver || driver.state === 'scheduler') return html``;
  if (driver.state === 'waiting-for-scheduler') {
    return html`<div class="alert warn" data-field="driver" data-driver="waiting-for-scheduler">Waiting for a scheduler: start <code>parley scheduler</code> (with the same Redis and <code>PARLEY_NAMESPACE</code>) to run it, or cancel it. No scheduler has taken this run yet.</div>`;
  }
  return html`<div class="alert warn" data-field="driver" data-driver="no-scheduler">No scheduler is driving this run now (its lease lapsed): the next <code>parley scheduler</code> to start resumes it from where it stands.</div>`;
}

/** Pairs in each stage of the running iteration, from the queues. */
function inFlightFacts(view: RunView): SafeHtml {
  const running = view.iterations.find((iteration) => iteration.inFlight);
  const now = running?.inFlight;
  if (!running || !now) return html``;
  const atLeast = now.capped ? '≥ ' : '';
  return html`<div class="facts" data-field="in-flight">
    <span>iteration ${running.iteration} now:</span>
    <span><b data-stage="generating">${atLeast}${formatCount(now.generating)}</b> generating</span>
    <span><b data-stage="critiquing">${atLeast}${formatCount(now.critiquing)}</b> critiquing</span>
    <span><b data-stage="voting">${atLeast}${formatCount(now.voting)}</b> voting</span>
    <span>pairs with a job waiting or running in that stage</span>
  </div>`;
}

/** The release: written (counts and links), or why not (yet). */
function releaseCard(view: RunView): SafeHtml {
  const release = view.release;
  const attributes = (state: string) => html`id="release" class="card spaced" data-release-state="${state}"`;
  switch (release.state) {
    case 'written': {
      const counts = release.counts;
      return html`<div ${attributes('written')}>
        <div class="facts"><span><span class="badge completed">release written</span></span>
          <span><b data-field="release-conversations">${formatCount(counts.conversations)}</b> conversations</span>
          <span>pairs <b>${formatCount(counts.accepted)}</b> accepted · <b>${formatCount(counts.rejected)}</b> rejected · <b>${formatCount(counts.failed)}</b> failed${counts.unsettled > 0 ? html` · <b>${formatCount(counts.unsettled)}</b> unsettled` : ''} of <b>${formatCount(counts.pairsPlanned)}</b></span>
          <span>acceptance <b>${formatPercent(counts.acceptanceRate)}</b></span>
          <span>split ${Object.entries(counts.split).map(([split, count], index) => html`${index > 0 ? ' · ' : ''}${split} <b>${formatCount(count)}</b>`)}</span>
          <span><b>${formatCount(counts.rejectedLines)}</b> rejected lines</span>
          <span><b>${formatCount(counts.files)}</b> files, ${formatBytes(counts.bytes)}</span></div>
        <p class="note"><a href="${release.links.manifest}" data-link="manifest">manifest.json</a> · <a href="${release.links.card}" data-link="card">dataset card (README.md)</a> · folder <code>${view.run.runFolder}</code></p>
      </div>`;
    }
    case 'pending':
      return html`<div ${attributes('pending')}><span class="note">The release is written when the last iteration ends.</span></div>`;
    case 'writing':
      return html`<div ${attributes('writing')}><span class="badge releasing">writing the release</span></div>`;
    case 'none':
      return html`<div ${attributes('none')}><span class="note">No release: ${release.reason}.${view.failures.length > 0 ? html` Every failure and its reason stays in <code>${new RunFolder(view.run.runFolder).workIterationsFolder}</code>.` : ''}</span></div>`;
    case 'not-visible':
      return html`<div ${attributes('not-visible')}><span class="note">The release is on the disk of the scheduler that ran it; this server cannot see <code>${view.run.runFolder}</code>.</span></div>`;
    case 'invalid':
      return html`<div ${attributes('invalid')} ><div class="alert">Release: ${release.problem}</div></div>`;
  }
}

/** Failures by category, most common first, with where to look next. */
function failuresSection(view: RunView): SafeHtml {
  if (view.failures.length === 0) {
    return html`<p class="note" id="failures" data-failures="0">No pair or candidate has failed.</p>`;
  }
  const total = view.failures.reduce((sum, failure) => sum + failure.count, 0);
  return html`<div class="table-wrap"><table id="failures" data-failures="${total}">
    <thead><tr><th>reason</th><th>failures</th><th>share</th>${view.iterations.map((iteration) => html`<th>it. ${iteration.iteration}</th>`)}</tr></thead>
    <tbody>${view.failures.map(
      (failure) => html`<tr data-category="${failure.category}">
        <td>${failure.category}</td><td data-field="count">${formatCount(failure.count)}</td>
        <td>${formatPercent(failure.count / total)}</td>
        ${view.iterations.map((iteration) => html`<td>${formatCount(iteration.failures[failure.category] ?? 0)}</td>`)}
      </tr>`,
    )}</tbody>
  </table></div>
  <p class="note">Each failed candidate, or pair that failed as a whole, counts once under the reason it failed with. The jobs behind them: <a href="${jobsLink(view.run.id, { state: 'failed' })}" data-link="failed-jobs">failed jobs of this run</a>.</p>`;
}

function budgetHint(spent: string, max: string | null, fraction: number | null): string {
  const share = formatPercent(fraction, fraction !== null && fraction > 0 && fraction < 0.1 ? 1 : 0);
  return max === null ? 'no budget set' : `${spent} of ${max} budget (${share})`;
}

/** One run: where it stands, its iterations, charts and model usage (and, given, why candidates were rejected). */
export function renderRunContent(view: RunView, reasons?: RejectionReasonsView): SafeHtml {
  const { run, progress, usage, budget } = view;
  const withLosingRate = view.iterations.some((iteration) => iteration.losingRate !== null);
  const accepted = view.iterations.reduce((sum, iteration) => sum + iteration.accepted, 0);
  const failedPairs = view.iterations.reduce((sum, iteration) => sum + iteration.failed, 0);
  const done = progress.pairsDone;
  const callErrors = usage.total.failedCalls + usage.total.invalidOutputs;
  const latestLosing = [...view.iterations].reverse().find((iteration) => iteration.losingRate !== null);
  const description = view.config?.description;
  const evaluationNote = view.evaluation?.problem
    ? html`<div class="alert">eval.json: ${view.evaluation.problem}</div>`
    : view.evaluation
      ? ''
      : html`<p class="note">No evaluation yet: <code>parley eval</code> writes <code>eval.json</code> into the run folder, and its losing rate per iteration shows here.</p>`;
  const top = view.failures[0];
  return html`<p class="subtitle"><a href="/">Runs</a> / ${run.id}</p>
    <h1>${run.name} ${statusBadge(run.status, run.error)}</h1>
    ${description ? html`<p class="description" data-field="description">${description}</p>` : ''}
    <div class="facts">
      <span>run <b>${run.id}</b></span>
      <span>phase <b>${run.phase}</b></span>
      <span>iteration <b>${run.iteration}/${run.iterations}</b></span>
      <span>created <b>${formatTime(run.createdAt)}</b></span>
      ${run.finishedAt ? html`<span>ended <b>${formatTime(run.finishedAt)}</b></span>` : ''}
      <span>elapsed <b>${formatDuration(progress.elapsedMs)}</b></span>
      <span>folder <code>${run.runFolder}</code></span>
    </div>
    ${run.error ? html`<div class="alert" data-field="reason"><b>${run.status}:</b> ${run.error}</div>` : ''}
    ${driverNotice(view)}
    ${run.cancelRequested && !view.terminal ? html`<div class="alert">Cancellation requested: no new jobs start.</div>` : ''}
    <div class="card spaced">
      <div class="facts"><span>pairs <b data-field="pairs-done">${formatCount(done)}</b> of <b>${formatCount(progress.pairsPlanned)}</b></span>
        <span>pace <b>${formatRate(progress.pairsPerMinute)}</b></span>
        <span>ETA <b data-field="eta">${view.terminal ? 'done' : formatEta(progress.eta)}</b></span></div>
      ${progressBar(progress.fraction, true)}
      ${inFlightFacts(view)}
    </div>
    <div class="tiles">
      ${tile('acceptance', formatPercent(done > 0 ? accepted / done : null), `${formatCount(accepted)} of ${formatCount(done)} pairs`, 'acceptance')}
      ${tile('cost', formatUsd(budget.costUsd), `${budgetHint(formatUsd(budget.costUsd), budget.maxCostUsd === null ? null : formatUsd(budget.maxCostUsd), budget.maxCostUsd ? budget.costUsd / budget.maxCostUsd : null)} · ${formatCount(usage.total.calls)} LLM calls`, 'cost')}
      ${tile('tokens', formatCount(budget.tokens), budget.maxTokens === null ? `${formatCount(usage.total.inputTokens)} in · ${formatCount(usage.total.outputTokens)} out` : budgetHint(formatCount(budget.tokens), formatCount(budget.maxTokens), budget.tokens / budget.maxTokens), 'tokens')}
      ${tile('failed pairs', formatCount(failedPairs), top ? `most: ${top.count} × ${top.category}` : 'none', 'failed')}
      ${tile('LLM call errors', formatCount(callErrors), `${formatCount(usage.total.failedCalls)} calls given up · ${formatCount(usage.total.invalidOutputs)} invalid outputs · ${formatCount(usage.total.retries)} retries · ${formatCount(usage.total.rateLimited)} × 429`, 'errors')}
      ${latestLosing ? tile('losing rate', formatPercent(latestLosing.losingRate), `iteration ${latestLosing.iteration} (Turing test)`, 'losing-rate') : ''}
    </div>
    <h2>Release</h2>
    ${releaseCard(view)}
    <h2>Per iteration</h2>
    ${charts(view, withLosingRate)}
    <div class="spaced">${iterationTable(view.iterations, withLosingRate)}</div>
    <p class="note">Tokens and cost per iteration are those recorded with the iteration's pairs (generation, filters and vote), priced at the run's model prices; the run's totals above also hold stage 1–3 calls and retried calls. A shaded iteration in the charts holds only part of its pairs: "so far" while it runs, "partial" when the run ended before it finished.</p>
    ${evaluationNote}
    <h2>Failures</h2>
    ${failuresSection(view)}
    <h2>Expert pass rates</h2>
    ${expertTable(view)}
    <p class="note">Filters in the order the Critic runs them (offline ones first): each judges only the candidates every filter before it passed, so read left to right as a funnel. <i>passed/total</i> counts real verdicts; answers the expert's model gave that could not be read as a verdict are shown apart as unparseable.</p>
    ${reasons ? html`<h2>Why candidates were rejected</h2>${rejectionReasonsSection(view, reasons)}` : ''}
    <h2>Tokens and cost per model</h2>
    ${usageTable(usage.byModel)}
    <p class="note">Conversations: <a href="${conversationsLink(run.id)}" data-link="conversations">browse accepted and rejected conversations</a> · JSON: <a href="/api/runs/${encodeURIComponent(run.id)}">/api/runs/${run.id}</a> · jobs: <a href="${jobsLink(run.id)}" data-link="run-jobs">filter jobs by run</a> · <a href="/queues/">Bull Board</a></p>`;
}

/** /runs/:runId/jobs: the run's jobs in one state (failed by default), with their reasons. */
export function renderRunJobsContent(
  view: { run: RunView['run'] },
  query: RunJobsQuery,
  jobs: RunJobsView,
  queueNames: readonly string[],
): SafeHtml {
  const { run } = view;
  const stateLinks = RUN_JOB_STATES.map((state) =>
    state === query.state
      ? html`<b>${state}</b>`
      : html`<a href="${jobsLink(run.id, { queue: query.queue, state })}">${state}</a>`,
  );
  const queueLinks = [undefined, ...queueNames].map((queue) =>
    queue === query.queue
      ? html`<b>${queue ?? 'every queue'}</b>`
      : html`<a href="${jobsLink(run.id, { queue: queue as RunJobsQuery['queue'], state: query.state })}">${queue ?? 'every queue'}</a>`,
  );
  const join = (items: SafeHtml[]) => items.map((item, index) => html`${index > 0 ? ' · ' : ''}${item}`);
  return html`<p class="subtitle"><a href="/">Runs</a> / <a href="${runLink(run.id)}">${run.id}</a> / jobs</p>
    <h1>Jobs of ${run.id} ${statusBadge(run.status, run.error)}</h1>
    <div class="facts"><span>state: ${join(stateLinks)}</span></div>
    <div class="facts"><span>queue: ${join(queueLinks)}</span></div>
    ${
      jobs.jobs.length === 0
        ? html`<div class="card note spaced" id="jobs" data-jobs="0">No ${query.state} job of this run${query.queue ? ` in ${query.queue}` : ''}.${query.state === 'completed' ? ' Completed jobs are removed at once; their results live on in the run folder.' : ''}</div>`
        : html`<div class="table-wrap spaced"><table id="jobs" data-jobs="${jobs.jobs.length}">
      <thead><tr><th>job</th><th class="left">queue</th><th>attempts</th><th>created</th><th>finished</th><th class="left">reason</th><th class="left">category</th></tr></thead>
      <tbody>${jobs.jobs.map(
        (job) => html`<tr data-job="${job.id}" data-queue="${job.queue}">
          <td><a href="${job.boardLink}" data-link="board">${job.id}</a></td>
          <td class="left">${job.queue}</td><td>${job.attemptsMade}</td>
          <td>${formatTime(job.createdAt)}</td><td>${formatTime(job.finishedAt)}</td>
          <td class="left wrap" data-field="reason">${job.failedReason ?? '–'}</td>
          <td class="left" data-field="category">${job.category ?? '–'}</td>
        </tr>`,
      )}</tbody>
    </table></div>`
    }
    ${jobs.more ? html`<p class="note">More jobs match; the first ${jobs.jobs.length} are listed.</p>` : ''}
    ${jobs.capped ? html`<p class="note">Only the newest jobs of each queue in this state were looked at.</p>` : ''}
    <p class="note">Each job links to its page in <a href="/queues/">Bull Board</a>. Failed jobs are kept a day.</p>`;
}
