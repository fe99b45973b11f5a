/** Least-squares line through points: y ≈ intercept + slope · x. */
export function linearFit(points: ReadonlyArray<{ x: number; y: number }>): {
  slope: number;
  intercept: number;
} {
  const count = points.length;
  if (count === 0) return { slope: 0, intercept: 0 };
  const meanX = points.reduce((sum, point) => sum + point.x, 0) / count;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / count;
  let covariance = 0;
  let variance = 0;
  for (const point of points) {
    covariance += (point.x - meanX) * (point.y - meanY);
    variance += (point.x - meanX) ** 2;
  }
  const slope = variance === 0 ? 0 : covariance / variance;
  return { slope, intercept: meanY - slope * meanX };
}

/** Slope of each consecutive segment: (y₂ − y₁) / (x₂ − x₁). */
export function segmentSlopes(points: ReadonlyArray<{ x: number; y: number }>): number[] {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  return sorted.slice(1).map((point, index) => {
    const previous = sorted[index]!;
    return (point.y - previous.y) / (point.x - previous.x);
  });
}
