import { describe, expect, it } from 'vitest';
import { barChart, lineChart } from './svg-charts';

describe('charts of incomplete iterations', () => {
  const categories = ['iteration 1', 'iteration 2', 'iteration 3'];

  it('shade and label an iteration that holds only part of its pairs, and draw its points hollow', () => {
    const chart = lineChart({
      title: 'Acceptance',
      categories,
      incomplete: [null, 'partial', null],
      yMax: 1,
      format: (value) => `${Math.round(value * 100)}%`,
      series: [{ name: 'acceptance', color: '#2563eb', values: [0.5, 0.25, null] }],
    }).value;
    expect(chart.match(/data-incomplete="partial"/g)).toHaveLength(1);
    expect(chart).toContain('class="incomplete-label">partial</text>');
    // The whole iteration's point is filled, the partial one hollow with a note.
    expect(chart).toMatch(/r="4" fill="#2563eb"><title>acceptance, iteration 1: 50%<\/title>/);
    expect(chart).toMatch(
      /r="4" fill="#fff" stroke="#2563eb" stroke-width="2"><title>acceptance, iteration 2 \(partial\): 25%<\/title>/,
    );
  });

  it('fade the bar of an incomplete iteration', () => {
    const chart = barChart({
      title: 'Cost',
      categories,
      incomplete: [null, null, 'so far'],
      color: '#9333ea',
      format: (value) => `$${value}`,
      values: [1, 2, 0.5],
    }).value;
    expect(chart).toContain('data-incomplete="so far"');
    expect(chart.match(/fill-opacity="0.45"/g)).toHaveLength(1);
    expect(chart).toContain('<title>iteration 3 (so far): $0.5</title>');
  });

  it('draw nothing extra when every iteration is whole', () => {
    const chart = barChart({
      title: 'Cost',
      categories,
      color: '#000',
      format: String,
      values: [1, 2, 3],
    }).value;
    expect(chart).not.toContain('data-incomplete');
    expect(chart).not.toContain('fill-opacity');
  });
});
