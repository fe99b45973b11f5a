/** Five-number summary plus mean of a set of scores. */
export interface ScoreSummary {
  count: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  mean: number;
  max: number;
}

/** Quartiles by linear interpolation between order statistics (type 7, as numpy and R default). */
export function summarizeScores(scores: readonly number[]): ScoreSummary | null {
  const values = scores.filter((score) => Number.isFinite(score)).sort((a, b) => a - b);
  if (values.length === 0) return null;
  const quantile = (p: number) => {
    const position = (values.length - 1) * p;
    const lower = Math.floor(position);
    const upper = Math.ceil(position);
    return values[lower]! + (values[upper]! - values[lower]!) * (position - lower);
  };
  return {
    count: values.length,
    min: values[0]!,
    q1: quantile(0.25),
    median: quantile(0.5),
    q3: quantile(0.75),
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
    max: values[values.length - 1]!,
  };
}
