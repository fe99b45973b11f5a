import type { UsageTotals } from '@parley/llm';
import {
  formatCount,
  formatDuration,
  formatPercent,
  formatRate,
  formatTime,
  formatUsd,
} from './format-values';
import { html, type SafeHtml } from './html-template';
import type { IterationView, RunSummaryView, RunView } from './run-view';
import { barChart, CHART_COLORS, lineChart } from './svg-charts';

function statusBadge(status: string): SafeHtml {
  return html`<span class="badge ${status}" data-status="${status}">${status}</span>`;
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
          <td class="left">${statusBadge(summary.run.status)}</td>
          <td class="left">${summary.run.phase}</td>
          <td>${summary.run.iteration}/${summary.run.iterations}</td>
          <td class="left">${progressBar(summary.progress.fraction)}
            <span class="note">${formatCount(summary.progress.pairsDone)} / ${formatCount(summary.progress.pairsPlanned)}</span></td>
          <td class="${rateClass(summary.acceptanceRate)}">${formatPercent(summary.acceptanceRate)}</td>
          <td>${formatCount(summary.totalTokens)}</td>
          <td>${formatUsd(summary.costUsd)}</td>
          <td>${formatRate(summary.progress.pairsPerMinute)}</td>
          <td>${summary.terminal ? '–' : formatDuration(summary.progress.etaMs)}</td>
          <td>${formatTime(summary.run.createdAt)}</td>
        </tr>`,
      )}
      </tbody>
    </table></div>`;
}

function tile(label: string, value: string, hint?: string, id?: string): SafeHtml {
  return html`<div class="card tile"${id ? html` data-tile="${id}"` : ''}><div class="label">${label}</div><div class="value">${value}</div>${hint ? html`<div class="hint">${hint}</div>` : ''}</div>`;
}

function expertNames(iterations: IterationView[]): string[] {
  return [...new Set(iterations.flatMap((iteration) => Object.keys(iteration.experts)))].sort();
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
      (iteration) => html`<tr data-iteration="${iteration.iteration}">
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

/** Pass rate of every filter expert, one row per iteration (hover a cell for the counts). */
function expertTable(iterations: IterationView[]): SafeHtml {
  const experts = expertNames(iterations);
  if (experts.length === 0) return html`<div class="card note">No expert has judged a candidate yet.</div>`;
  return html`<div class="table-wrap"><table id="experts">
    <thead><tr><th>iteration</th>${experts.map((expert) => html`<th>${expert}</th>`)}</tr></thead>
    <tbody>
    ${iterations.map(
      (iteration) => html`<tr data-iteration="${iteration.iteration}">
        <td>${iteration.iteration}</td>
        ${experts.map((expert) => {
          const pass = iteration.experts[expert];
          return html`<td data-expert="${expert}" class="${rateClass(pass?.passRate ?? null, 0.9, 0.7)}" title="${pass ? `${pass.passed} of ${pass.total} candidates passed` : ''}">${formatPercent(pass?.passRate ?? null)}${pass ? html` <span class="note">${pass.passed}/${pass.total}</span>` : ''}</td>`;
        })}
      </tr>`,
    )}
    </tbody>
  </table></div>`;
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
  const experts = expertNames(view.iterations);
  const acceptance = lineChart({
    title: withLosingRate ? 'Acceptance and losing rate' : 'Acceptance rate',
    categories,
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
    title: 'Expert pass rates',
    categories,
    yMax: 1,
    format: (value) => formatPercent(value, 0),
    series: experts.map((expert, index) => ({
      name: expert,
      color: CHART_COLORS[(index + 1) % CHART_COLORS.length]!,
      values: view.iterations.map((iteration) => iteration.experts[expert]?.passRate ?? null),
    })),
  });
  const cost = barChart({
    title: 'Cost per iteration',
    categories,
    color: CHART_COLORS[3]!,
    format: formatUsd,
    values: view.iterations.map((iteration) => iteration.costUsd),
  });
  return html`<div class="charts">${acceptance}${passRates}${cost}</div>`;
}

/** One run: where it stands, its iterations, charts and model usage. */
export function renderRunContent(view: RunView): SafeHtml {
  const { run, progress, usage } = view;
  const withLosingRate = view.iterations.some((iteration) => iteration.losingRate !== null);
  const accepted = view.iterations.reduce((sum, iteration) => sum + iteration.accepted, 0);
  const done = progress.pairsDone;
  const errors = usage.total.failedCalls + usage.total.invalidOutputs;
  const latestLosing = [...view.iterations].reverse().find((iteration) => iteration.losingRate !== null);
  const evaluationNote = view.evaluation?.problem
    ? html`<div class="alert">eval.json: ${view.evaluation.problem}</div>`
    : view.evaluation
      ? ''
      : html`<p class="note">No evaluation yet: <code>parley eval</code> writes <code>eval.json</code> into the run folder, and its losing rate per iteration shows here.</p>`;
  return html`<p class="subtitle"><a href="/">Runs</a> / ${run.id}</p>
    <h1>${run.name} ${statusBadge(run.status)}</h1>
    <div class="facts">
      <span>run <b>${run.id}</b></span>
      <span>phase <b>${run.phase}</b></span>
      <span>iteration <b>${run.iteration}/${run.iterations}</b></span>
      <span>created <b>${formatTime(run.createdAt)}</b></span>
      <span>elapsed <b>${formatDuration(progress.elapsedMs)}</b></span>
      <span>folder <code>${run.runFolder}</code></span>
    </div>
    ${run.error ? html`<div class="alert">${run.error}</div>` : ''}
    ${run.cancelRequested && !view.terminal ? html`<div class="alert">Cancellation requested: no new jobs start.</div>` : ''}
    <div class="card spaced">
      <div class="facts"><span>pairs <b data-field="pairs-done">${formatCount(done)}</b> of <b>${formatCount(progress.pairsPlanned)}</b></span>
        <span>pace <b>${formatRate(progress.pairsPerMinute)}</b></span>
        <span>ETA <b data-field="eta">${view.terminal ? 'done' : formatDuration(progress.etaMs)}</b></span></div>
      ${progressBar(progress.fraction, true)}
    </div>
    <div class="tiles">
      ${tile('acceptance', formatPercent(done > 0 ? accepted / done : null), `${formatCount(accepted)} of ${formatCount(done)} pairs`, 'acceptance')}
      ${tile('cost', formatUsd(usage.total.costUsd), `${formatCount(usage.total.calls)} LLM calls`, 'cost')}
      ${tile('tokens', formatCount(usage.total.inputTokens + usage.total.outputTokens), `${formatCount(usage.total.inputTokens)} in · ${formatCount(usage.total.outputTokens)} out`, 'tokens')}
      ${tile('errors', formatCount(errors), `${formatCount(usage.total.retries)} retries · ${formatCount(usage.total.rateLimited)} × 429`, 'errors')}
      ${latestLosing ? tile('losing rate', formatPercent(latestLosing.losingRate), `iteration ${latestLosing.iteration} (Turing test)`, 'losing-rate') : ''}
    </div>
    <h2>Per iteration</h2>
    ${charts(view, withLosingRate)}
    <div class="spaced">${iterationTable(view.iterations, withLosingRate)}</div>
    <p class="note">Tokens and cost per iteration are those recorded with the iteration's pairs (generation, filters and vote), priced at the run's model prices; the run's totals above also hold stage 1–3 calls and retried calls.</p>
    ${evaluationNote}
    <h2>Expert pass rates</h2>
    ${expertTable(view.iterations)}
    <p class="note">Share of the candidates each filter judged that it passed; the filters run in order, so a later filter judges only the survivors of the earlier ones.</p>
    <h2>Tokens and cost per model</h2>
    ${usageTable(usage.byModel)}
    <p class="note">JSON: <a href="/api/runs/${encodeURIComponent(run.id)}">/api/runs/${run.id}</a> · jobs: <a href="/queues/">Bull Board</a></p>`;
}
