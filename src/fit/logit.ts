// Two small, dependency-free fitters for the answerer's weights: a conditional logit (softmax over the
// candidates of one question, the right ones as the target: a ranker) and a weighted logistic regression (the
// probability that an answer is right: the refusal model). Both standardise the features, run full-batch Adam
// with L2, and return weights for the raw features.

export interface Sample {
  x: number[];
  y: 0 | 1;
  weight: number;
}

export interface Group {
  xs: number[][];
  gold: boolean[];
  weight: number;
}

interface FitOptions {
  l2: number;
  iterations?: number;
  learningRate?: number;
}

function stats(rows: number[][], dim: number): { mean: number[]; sd: number[] } {
  const mean = new Array<number>(dim).fill(0);
  const sq = new Array<number>(dim).fill(0);
  for (const r of rows) for (let j = 0; j < dim; j++) mean[j] = (mean[j] ?? 0) + (r[j] ?? 0);
  const n = Math.max(rows.length, 1);
  for (let j = 0; j < dim; j++) mean[j] = (mean[j] ?? 0) / n;
  for (const r of rows) for (let j = 0; j < dim; j++) sq[j] = (sq[j] ?? 0) + ((r[j] ?? 0) - (mean[j] ?? 0)) ** 2;
  return { mean, sd: sq.map((s) => Math.sqrt(s / n) || 1) };
}

/** Adam over a gradient function; w is updated in place. */
function adam(w: number[], grad: (w: number[]) => number[], iterations: number, lr: number): void {
  const m = new Array<number>(w.length).fill(0);
  const v = new Array<number>(w.length).fill(0);
  for (let t = 1; t <= iterations; t++) {
    const g = grad(w);
    for (let j = 0; j < w.length; j++) {
      const gj = g[j] ?? 0;
      m[j] = 0.9 * (m[j] ?? 0) + 0.1 * gj;
      v[j] = 0.999 * (v[j] ?? 0) + 0.001 * gj * gj;
      const mh = (m[j] ?? 0) / (1 - 0.9 ** t);
      const vh = (v[j] ?? 0) / (1 - 0.999 ** t);
      w[j] = (w[j] ?? 0) - (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
}

/**
 * Ranker weights: maximises the weighted log-probability that the softmax over a question's candidates puts on
 * its right ones. Weights are for raw features (no intercept: a softmax ignores one).
 */
export function fitConditionalLogit(groups: Group[], dim: number, options: FitOptions): number[] {
  const { mean, sd } = stats(
    groups.flatMap((g) => g.xs),
    dim,
  );
  const z = groups.map((g) => ({ ...g, xs: g.xs.map((x) => x.map((v, j) => (v - (mean[j] ?? 0)) / (sd[j] ?? 1))) }));
  const totalWeight = z.reduce((s, g) => s + g.weight, 0) || 1;
  const w = new Array<number>(dim).fill(0);
  adam(
    w,
    (wt) => {
      const g = wt.map((wj) => options.l2 * wj);
      for (const grp of z) {
        const s = grp.xs.map((x) => x.reduce((a, v, j) => a + v * (wt[j] ?? 0), 0));
        const max = Math.max(...s);
        const e = s.map((v) => Math.exp(v - max));
        const sum = e.reduce((a, b) => a + b, 0);
        const goldSum = e.reduce((a, v, i) => a + (grp.gold[i] ? v : 0), 0);
        // d(-log Σ_gold p)/dw = Σ_all p x − Σ_gold (p / p_gold) x
        for (let i = 0; i < grp.xs.length; i++) {
          const p = (e[i] ?? 0) / sum;
          const q = grp.gold[i] ? (e[i] ?? 0) / goldSum : 0;
          const x = grp.xs[i] ?? [];
          for (let j = 0; j < dim; j++) g[j] = (g[j] ?? 0) + (grp.weight / totalWeight) * (p - q) * (x[j] ?? 0);
        }
      }
      return g;
    },
    options.iterations ?? 300,
    options.learningRate ?? 0.05,
  );
  return w.map((wj, j) => wj / (sd[j] ?? 1));
}

/** Logistic regression weights for raw features; `interceptIndex` is the constant-1 feature (not scaled). */
export function fitLogistic(
  samples: Sample[],
  dim: number,
  options: FitOptions & { interceptIndex: number },
): number[] {
  const { mean, sd } = stats(
    samples.map((s) => s.x),
    dim,
  );
  const k = options.interceptIndex;
  mean[k] = 0;
  sd[k] = 1;
  const z = samples.map((s) => ({ ...s, x: s.x.map((v, j) => (v - (mean[j] ?? 0)) / (sd[j] ?? 1)) }));
  const totalWeight = z.reduce((s, x) => s + x.weight, 0) || 1;
  const w = new Array<number>(dim).fill(0);
  adam(
    w,
    (wt) => {
      const g = wt.map((wj, j) => (j === k ? 0 : options.l2 * wj));
      for (const s of z) {
        const p = 1 / (1 + Math.exp(-s.x.reduce((a, v, j) => a + v * (wt[j] ?? 0), 0)));
        for (let j = 0; j < dim; j++) g[j] = (g[j] ?? 0) + (s.weight / totalWeight) * (p - s.y) * (s.x[j] ?? 0);
      }
      return g;
    },
    options.iterations ?? 500,
    options.learningRate ?? 0.05,
  );
  // Back to raw features: w·(x − mean)/sd = Σ (w_j/sd_j) x_j − Σ w_j mean_j / sd_j, the last folded into the intercept.
  const raw = w.map((wj, j) => wj / (sd[j] ?? 1));
  raw[k] = (raw[k] ?? 0) - w.reduce((a, wj, j) => a + (j === k ? 0 : (wj * (mean[j] ?? 0)) / (sd[j] ?? 1)), 0);
  return raw;
}
