import { html, type SafeHtml } from './html-template';

/** One line of a line chart: a value per category (iteration), null where there is none yet. */
export interface ChartSeries {
  name: string;
  color: string;
  values: Array<number | null>;
  /** Drawn dashed (a secondary measure such as the losing rate). @defaultValue false */
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  /** Category labels along the x axis (e.g. "it. 1"). */
  categories: string[];
  series: ChartSeries[];
  /** Top of the y axis. @defaultValue the largest value */
  yMax?: number;
  /** Formats axis ticks and tooltips. */
  format: (value: number) => string;
  /** Accessible description. */
  description?: string;
  /**
   * Per category, a note when its values cover only part of what was planned ("partial", "so
   * far"): the category is shaded and labelled, its points drawn hollow.
   */
  incomplete?: Array<string | null>;
}

export interface BarChartOptions {
  title: string;
  categories: string[];
  values: Array<number | null>;
  color: string;
  format: (value: number) => string;
  description?: string;
  /** As for line charts; the bars of such a category are drawn faded. */
  incomplete?: Array<string | null>;
}

/** Colours that stay apart from each other on white and in print. */
export const CHART_COLORS = [
  '#2563eb',
  '#16a34a',
  '#dc2626',
  '#9333ea',
  '#ea580c',
  '#0891b2',
  '#ca8a04',
  '#db2777',
  '#4b5563',
  '#65a30d',
];

const WIDTH = 420;
const HEIGHT = 230;
const MARGIN = { top: 18, right: 14, bottom: 30, left: 54 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;

/** Centre of category `index` of `count` (categories are bands, so one iteration sits mid-chart). */
function xOf(index: number, count: number): number {
  return MARGIN.left + ((index + 0.5) / Math.max(count, 1)) * PLOT_WIDTH;
}

function yOf(value: number, yMax: number): number {
  return MARGIN.top + PLOT_HEIGHT - (yMax > 0 ? Math.min(value, yMax) / yMax : 0) * PLOT_HEIGHT;
}

function round(value: number): string {
  return value.toFixed(1);
}

/** Four gridlines with labels, from 0 to yMax. */
function axes(categories: string[], yMax: number, format: (value: number) => string): SafeHtml {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((step) => step * yMax);
  return html`<g class="axis">
    ${ticks.map(
      (
        tick,
      ) => html`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${round(yOf(tick, yMax))}" y2="${round(yOf(tick, yMax))}" class="grid"/>
      <text x="${MARGIN.left - 6}" y="${round(yOf(tick, yMax) + 4)}" text-anchor="end">${format(tick)}</text>`,
    )}
    ${categories.map(
      (category, index) =>
        html`<text x="${round(xOf(index, categories.length))}" y="${HEIGHT - 10}" text-anchor="middle">${category}</text>`,
    )}
  </g>`;
}

/**
 * A shaded band behind each incomplete category, with its note, so a reader does not
 * compare an unfinished iteration's numbers with whole ones.
 */
function incompleteBands(incomplete: Array<string | null> | undefined, count: number): SafeHtml {
  if (!incomplete?.some((note) => note)) return html``;
  const band = PLOT_WIDTH / Math.max(count, 1);
  return html`<g class="incomplete">${incomplete.map((note, index) =>
    note
      ? html`<rect x="${round(MARGIN.left + index * band)}" y="${MARGIN.top}" width="${round(band)}" height="${PLOT_HEIGHT}" fill="#f1f5f9" data-incomplete="${note}"><title>${note}: not every planned pair of this iteration has settled</title></rect>
        <text x="${round(xOf(index, count))}" y="${MARGIN.top + 10}" text-anchor="middle" class="incomplete-label">${note}</text>`
      : '',
  )}</g>`;
}

/** A round top for the y axis whose quarter gridlines are round too. */
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 4, 8, 10].find((candidate) => candidate * magnitude >= value) ?? 10;
  return step * magnitude;
}

/** Legend with each series' latest value: lines that overlap (several experts at 100%) stay readable. */
function legend(series: ChartSeries[], format: (value: number) => string): SafeHtml {
  return html`<ul class="legend">${series.map((item) => {
    const latest = [...item.values].reverse().find((value) => value !== null);
    return html`<li><span class="swatch${item.dashed ? ' dashed' : ''}" style="--swatch:${item.color}"></span>${item.name}${
      latest === undefined || latest === null ? '' : html` <b>${format(latest)}</b>`
    }</li>`;
  })}</ul>`;
}

/** A line chart of a few series over the iterations, as inline SVG (no script, no external asset). */
export function lineChart(options: LineChartOptions): SafeHtml {
  const all = options.series
    .flatMap((series) => series.values)
    .filter((value): value is number => value !== null);
  const yMax = options.yMax ?? niceMax(Math.max(0, ...all));
  const count = options.categories.length;
  const lines = options.series.map((series) => {
    // A gap (null) breaks the line instead of pretending the value was zero.
    const segments: string[] = [];
    let current: string[] = [];
    series.values.forEach((value, index) => {
      if (value === null) {
        if (current.length > 0) segments.push(current.join(' '));
        current = [];
        return;
      }
      current.push(
        `${current.length === 0 ? 'M' : 'L'}${round(xOf(index, count))},${round(yOf(value, yMax))}`,
      );
    });
    if (current.length > 0) segments.push(current.join(' '));
    return html`<g class="series" data-series="${series.name}">
      ${segments.map(
        (segment) =>
          html`<path d="${segment}" fill="none" stroke="${series.color}" stroke-width="2.5"${series.dashed ? html` stroke-dasharray="6 4"` : ''}/>`,
      )}
      ${series.values.map((value, index) => {
        if (value === null) return '';
        const note = options.incomplete?.[index];
        return html`<circle cx="${round(xOf(index, count))}" cy="${round(yOf(value, yMax))}" r="4" fill="${note ? '#fff' : series.color}"${note ? html` stroke="${series.color}" stroke-width="2"` : ''}><title>${series.name}, ${options.categories[index] ?? ''}${note ? ` (${note})` : ''}: ${options.format(value)}</title></circle>`;
      })}
    </g>`;
  });
  return html`<figure class="chart">
    <figcaption>${options.title}</figcaption>
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${options.description ?? options.title}" preserveAspectRatio="xMidYMid meet">
      ${incompleteBands(options.incomplete, count)}
      ${axes(options.categories, yMax, options.format)}
      ${lines}
    </svg>
    ${legend(options.series, options.format)}
  </figure>`;
}

/** A bar chart, one bar per iteration, as inline SVG. */
export function barChart(options: BarChartOptions): SafeHtml {
  const present = options.values.filter((value): value is number => value !== null);
  const yMax = niceMax(Math.max(0, ...present));
  const count = options.categories.length;
  const band = PLOT_WIDTH / Math.max(count, 1);
  const barWidth = Math.min(64, band * 0.6);
  return html`<figure class="chart">
    <figcaption>${options.title}</figcaption>
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${options.description ?? options.title}" preserveAspectRatio="xMidYMid meet">
      ${incompleteBands(options.incomplete, count)}
      ${axes(options.categories, yMax, options.format)}
      ${options.values.map((value, index) => {
        if (value === null) return '';
        const top = yOf(value, yMax);
        const x = xOf(index, count) - barWidth / 2;
        const note = options.incomplete?.[index];
        return html`<rect x="${round(x)}" y="${round(top)}" width="${round(barWidth)}" height="${round(MARGIN.top + PLOT_HEIGHT - top)}" rx="3" fill="${options.color}"${note ? html` fill-opacity="0.45" stroke="${options.color}" stroke-dasharray="4 3"` : ''}><title>${options.categories[index] ?? ''}${note ? ` (${note})` : ''}: ${options.format(value)}</title></rect>
        <text x="${round(xOf(index, count))}" y="${round(top - 5)}" text-anchor="middle" class="bar-label">${options.format(value)}</text>`;
      })}
    </svg>
  </figure>`;
}
