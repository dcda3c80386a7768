/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';

export interface SparkPoint {
  share: { value: number; low: number; high: number } | null;
  lowN: boolean;
}

const W = 150;
const H = 34;
const PAD = 3;

/**
 * A server-drawn share line with its 95% interval band: it reads without JavaScript. An empty
 * bucket is a gap (no point, the line breaks); a low-N bucket's point is hollow.
 */
export const Sparkline: FC<{ points: SparkPoint[]; label: string }> = ({ points, label }) => {
  const top = Math.max(0.05, ...points.map((p) => p.share?.high ?? 0));
  const x = (i: number) => PAD + (points.length <= 1 ? (W - 2 * PAD) / 2 : (i * (W - 2 * PAD)) / (points.length - 1));
  const y = (v: number) => H - PAD - (v / top) * (H - 2 * PAD);
  // runs of consecutive non-empty buckets: each is one line and one band
  const runs: number[][] = [];
  let run: number[] = [];
  points.forEach((p, i) => {
    if (p.share) run.push(i);
    else if (run.length) {
      runs.push(run);
      run = [];
    }
  });
  if (run.length) runs.push(run);
  const f = (n: number) => n.toFixed(1);
  return (
    <svg class="spark" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
      <title>{label}</title>
      {runs.map((r) => {
        const upper = r.map((i) => `${f(x(i))},${f(y(points[i]!.share!.high))}`);
        const lower = r
          .slice()
          .reverse()
          .map((i) => `${f(x(i))},${f(y(points[i]!.share!.low))}`);
        return <polygon class="band" points={[...upper, ...lower].join(' ')} />;
      })}
      {runs.map((r) => (
        <polyline class="line" points={r.map((i) => `${f(x(i))},${f(y(points[i]!.share!.value))}`).join(' ')} />
      ))}
      {points.map((p, i) => (p.share ? <circle class={p.lowN ? 'pt lown' : 'pt'} cx={f(x(i))} cy={f(y(p.share.value))} r="1.8" /> : ''))}
    </svg>
  );
};
