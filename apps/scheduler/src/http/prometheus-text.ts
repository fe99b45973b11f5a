/** Labels of one sample; values are escaped as the text exposition format requires. */
export type MetricLabels = Record<string, string | number>;

interface MetricFamily {
  help: string;
  type: 'gauge' | 'counter';
  samples: Array<{ labels: MetricLabels; value: number }>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * Builds Prometheus text exposition (format 0.0.4): one HELP and TYPE line per family, then
 * its samples. Families are declared once; samples may be added in any order.
 */
export class PrometheusText {
  private readonly families = new Map<string, MetricFamily>();

  declare(name: string, type: 'gauge' | 'counter', help: string): this {
    if (!METRIC_NAME.test(name)) throw new Error(`metric name ${JSON.stringify(name)} is not valid`);
    if (!this.families.has(name)) this.families.set(name, { help, type, samples: [] });
    return this;
  }

  add(name: string, labels: MetricLabels, value: number): this {
    const family = this.families.get(name);
    if (!family) throw new Error(`metric ${name} was not declared`);
    for (const label of Object.keys(labels)) {
      if (!LABEL_NAME.test(label)) throw new Error(`label name ${JSON.stringify(label)} is not valid`);
    }
    family.samples.push({ labels, value });
    return this;
  }

  toString(): string {
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} ${family.type}`);
      for (const sample of family.samples) {
        const labels = Object.entries(sample.labels)
          .map(([label, value]) => `${label}="${escapeLabelValue(String(value))}"`)
          .join(',');
        lines.push(`${name}${labels ? `{${labels}}` : ''} ${formatValue(sample.value)}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

/** The content type Prometheus expects for the text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
