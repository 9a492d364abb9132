/**
 * What a run of the Performance Law figure shows, read from its artefact
 * (./fig-performance-law-figure.ts) and set against the claims of the Performance Law paper:
 * (1) its form fits HR and NDCG and predicts held-out sizes, (2) each size term rises and then
 * falls (an optimal size), (3) ApEn is a better measure of data than quantity (D linear in
 * tokens / ApEn), (4) ApEn measures how predictable the data is.
 */
import { sampleRankCorrelation } from 'simple-statistics';
import type { DataTermsRecord, HoldoutRecord, PerfLawArtefact } from './fig-performance-law-figure';

const signed = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(2)}%`;
const meanAbs = (xs: readonly number[]): number => xs.reduce((s, x) => s + Math.abs(x), 0) / xs.length;
const f3 = (v: number | null): string => (v === null ? '-' : v.toFixed(3));

/** One dataset and metric: both laws' held-out errors and which predicts better. */
export function holdoutFinding(h: HoldoutRecord): string {
  const head = `${h.dataset}, ${h.metric}`;
  const pl = h.performanceLaw, pw = h.powerLaw;
  if ('error' in pl || 'error' in pw) return `${head}: no held-out fit (${'error' in pl ? pl.error : (pw as { error: string }).error})`;
  const sizes = pl.heldOut.map((p) => `${p.shape} ${signed(p.errorPct)} vs ${signed(pw.heldOut.find((q) => q.size === p.size)!.errorPct)}`).join(', ');
  const a = meanAbs(pl.heldOut.map((p) => p.errorPct)), b = meanAbs(pw.heldOut.map((p) => p.errorPct));
  const verdict = Math.abs(a - b) < 0.05 ? 'they predict alike' : a < b ? 'the Performance Law predicts better' : 'the power law predicts better';
  return `${head}: fitted on ${pl.n} runs (Performance Law R² ${pl.r2.toFixed(3)}, power law on 1 − ${h.metric} R² ${pw.r2.toFixed(3)}); held out, Performance Law vs power law: ${sizes}; mean |error| ${a.toFixed(2)}% vs ${b.toFixed(2)}%: ${verdict}`;
}

/** Where the fitted size terms peak, and whether inside the measured sizes. */
export function peaksFinding(h: HoldoutRecord, a: PerfLawArtefact): string | undefined {
  const pl = h.performanceLaw;
  if ('error' in pl) return undefined;
  const runs = a.points.filter((p) => p.dataset === h.dataset && p.fraction === 1);
  const one = (what: string, peak: number | null, values: number[]) => {
    const lo = Math.min(...values), hi = Math.max(...values);
    if (peak === null) return `${what}: no maximum (its term only falls, or falls then rises)`;
    const inside = peak >= lo * (1 - 1e-9) && peak <= hi * (1 + 1e-9);
    return `${what} peaks at ${peak < 1e4 ? peak.toFixed(1) : peak.toExponential(1)} (${inside ? 'inside' : 'outside'} the measured ${lo}..${hi})`;
  };
  return `${h.dataset}, ${h.metric} size terms: ${one('layers', pl.peaks.layers, runs.map((r) => r.numLayers))}; ${one('width', pl.peaks.dim, runs.map((r) => r.dim))}`;
}

/** The data terms against ApEn and tokens, and the two data-given laws. */
export function dataTermFindings(d: DataTermsRecord, a: PerfLawArtefact): string[] {
  if ('error' in d.fit) return [`${d.metric} data terms: no fit (${d.fit.error})`];
  const terms = d.terms.map((t) => `${t.group} ${t.term.toFixed(4)} (ApEn ${t.apen.toFixed(4)}, D ${t.tokens.toLocaleString('en-US')})`).join('; ');
  const c = d.correlation;
  const corr = c.apen.spearman === null
    ? `fewer than 3 groups: no correlation`
    : `Spearman over ${d.terms.length} groups: with ApEn ${f3(c.apen.spearman)}, with ln D ${f3(c.lnTokens.spearman)}, with ln(D / ApEn) ${f3(c.lnTokensPerApEn.spearman)} (Pearson ${f3(c.apen.pearson)}, ${f3(c.lnTokens.pearson)}, ${f3(c.lnTokensPerApEn.pearson)}); the law expects T_g to rise with D / ApEn`;
  const law = (x: DataTermsRecord['dataLaws']['tokens']) => ('error' in x ? `no fit (${x.error})` : `R² ${x.r2.toFixed(4)}`);
  const lines = [
    `${d.metric} data terms (size terms shared by every group, R² ${d.fit.r2.toFixed(3)} over ${d.fit.n} runs): ${terms}`,
    `${d.metric}: ${corr}`,
    `${d.metric} with D given: D = tokens ${law(d.dataLaws.tokens)}, D = tokens / ApEn ${law(d.dataLaws.tokensPerApEn)}` +
      (d.terms.length <= 2 ? ' (with 2 data sizes any reading of D fits alike)' : ''),
  ];
  for (const ds of new Set(a.groups.map((g) => g.dataset))) {
    const gs = a.groups.filter((g) => g.dataset === ds);
    if (gs.length < 2) continue;
    const apens = gs.map((g) => g.apen.rank), tokens = gs.map((g) => g.tokens);
    const change = (100 * (Math.max(...apens) - Math.min(...apens))) / Math.min(...apens);
    lines.push(`${ds}: over its subsamples D goes ${Math.min(...tokens).toLocaleString('en-US')}..${Math.max(...tokens).toLocaleString('en-US')} while ApEn changes by ${change.toFixed(1)}%` +
      (change < 10 ? ' (whole users are sampled: ApEn, a mean over users, barely moves, so D / ApEn is D up to a constant here)' : ''));
  }
  return lines;
}

/** Where exact-match id ApEn is only a function of length, and how ApEn follows the teacher's entropy. */
export function apenFindings(a: PerfLawArtefact): string[] {
  const lines = a.groups.filter((g) => g.fraction === 1).map((g) => {
    const trivial = Math.abs(g.apen.id - g.apen.noRepeat) <= 0.02 * g.apen.noRepeat;
    return `${g.dataset}: id ApEn ${g.apen.id.toFixed(4)}, ${g.apen.noRepeat.toFixed(4)} if no item repeated${trivial ? ' (within 2%: exact matching measures little beyond length here)' : ''}; rank ApEn (r ${g.apen.rankR}) ${g.apen.rank.toFixed(4)}` +
      (g.apen.domain === null ? '' : `, domain ApEn ${g.apen.domain.toFixed(4)}`);
  });
  const t = [...a.temperature].sort((p, q) => p.temperature - q.temperature);
  if (t.length >= 3) {
    const e = t.map((r) => r.entropy);
    const rho = (v: (r: (typeof t)[number]) => number | null) => {
      const ys = t.map(v);
      return ys.every((y): y is number => y !== null) && new Set(ys).size > 1 ? sampleRankCorrelation(e, ys).toFixed(2) : '-';
    };
    lines.push(`synthetic:${a.temperaturePreset} at temperatures ${t.map((r) => r.temperature).join(', ')}: teacher's entropy ${e.map((x) => x.toFixed(2)).join(', ')} nats; ` +
      `Spearman of ApEn with it: id ${rho((r) => r.id)}, rank ${rho((r) => r.rank)}, domain ${rho((r) => r.domain)} (+1 if ApEn tracked unpredictability)`);
  }
  return lines;
}

/** Every finding of a run, in the order of the paper's claims. */
export function perfLawFindings(a: PerfLawArtefact): string[] {
  const held = a.fits.heldOut;
  return [
    ...held.map(holdoutFinding),
    ...held.filter((h) => h.metric === 'NDCG@10').map((h) => peaksFinding(h, a)).filter((x): x is string => x !== undefined),
    ...a.fits.dataTerms.filter((d) => d.metric === 'NDCG@10').flatMap((d) => dataTermFindings(d, a)),
    ...apenFindings(a),
  ];
}
