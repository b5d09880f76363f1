// The results table, also used by the cross-package benchmarks (benchmarks/lib/report.mjs):
// figure, target, ratio, verdict (`PASS`, `MISS`, or `info` for figures without a target).

/** A table of results; a benchmark script makes one (or uses the default) and prints it at the end. */
export function createReport() {
  const rows = [];
  return {
    /**
     * Adds a row. `verdict` is computed from `pass` (a boolean) unless `pass` is undefined, which
     * makes the row informational. `ratio` is an optional string shown next to the verdict.
     */
    add({ name, figure, target = '—', ratio = '', pass }) {
      const verdict = pass === undefined ? 'info' : pass ? 'PASS' : 'MISS';
      rows.push({ name, figure, target, ratio, verdict });
    },
    /** The rows added so far. */
    rows,
    /** Prints the rows as one aligned text table. */
    print(title) {
      const head = {
        name: 'benchmark',
        figure: 'figure',
        target: 'target',
        ratio: 'ratio',
        verdict: 'verdict',
      };
      const cols = Object.keys(head);
      const width = Object.fromEntries(
        cols.map((c) => [c, Math.max(...[head, ...rows].map((r) => String(r[c]).length))]),
      );
      const line = (r) => `| ${cols.map((c) => String(r[c]).padEnd(width[c])).join(' | ')} |`;
      const rule = `|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`;
      console.log(`\n${title}`);
      console.log(line(head));
      console.log(rule);
      for (const r of rows) console.log(line(r));
      const misses = rows.filter((r) => r.verdict === 'MISS').length;
      const passes = rows.filter((r) => r.verdict === 'PASS').length;
      console.log(`${passes} PASS, ${misses} MISS, ${rows.length - passes - misses} info`);
    },
  };
}

/** The table every core benchmark adds to; run.mjs prints it once at the end. */
const shared = createReport();

/** Adds a row to the core benchmarks' table (see `createReport().add`). */
export const addRow = (row) => shared.add(row);

/** Prints the core benchmarks' table. */
export const printTable = (title) => shared.print(title);
