import { dayColumns, type DailyUsage, daysEndingOn, usageRows, type VersionUsage } from "./usage-data";
import { formatBytes, formatCount } from "./format";

// A key's usage: a table per version and a bar chart of the last days, both fed by the API's
// counters (usage-data.ts). The chart is a few SVG rectangles: no chart library for one bar chart
// (bundle size), and the numbers it draws are also in the table and in each bar's title.

export function UsageTable({
  usage,
  versions,
}: {
  usage: readonly VersionUsage[];
  versions: readonly number[];
}) {
  const rows = usageRows(usage, versions);
  return (
    <table className="data" data-testid="usage-table">
      <caption className="muted">Use per key version since it was made</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col" className="num">
            Encrypts
          </th>
          <th scope="col" className="num">
            Decrypts
          </th>
          <th scope="col" className="num">
            Bytes
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.version}>
            <th scope="row">v{row.version}</th>
            <td className="num">{formatCount(row.encrypts)}</td>
            <td className="num">{formatCount(row.decrypts)}</td>
            <td className="num">{formatBytes(row.bytes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const WIDTH = 320;
const HEIGHT = 120;
const AXIS = 16;

/** Stacked bars: one column per day (encrypts + decrypts), one colour per version. */
export function UsageChart({
  rows,
  lastDay,
  days,
}: {
  rows: readonly DailyUsage[];
  lastDay: string;
  days: number;
}) {
  const columns = dayColumns(rows, daysEndingOn(lastDay, days));
  const highest = Math.max(1, ...columns.map((column) => column.operations));
  const slot = WIDTH / columns.length;
  const versions = columns[0]?.byVersion.map((part) => part.version) ?? [];
  const total = columns.reduce((sum, column) => sum + column.operations, 0);
  if (total === 0)
    return (
      <p className="muted" data-testid="usage-chart">
        No encrypts or decrypts in the last {days} days.
      </p>
    );
  return (
    <figure className="usage-chart" data-testid="usage-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`}
        role="img"
        aria-label={`Operations per day over the last ${days} days: ${formatCount(total)} in all, at most ${formatCount(
          highest === 1 && total === 0 ? 0 : highest,
        )} in a day.`}
      >
        {columns.map((column, i) => {
          let top = HEIGHT;
          return (
            <g key={column.day}>
              <title>{`${column.day}: ${formatCount(column.operations)} operations`}</title>
              {column.byVersion.map((part) => {
                const height = (part.operations / highest) * (HEIGHT - 4);
                top -= height;
                return part.operations > 0 ? (
                  <rect
                    key={part.version}
                    className={`v${versionColour(versions, part.version)}`}
                    x={i * slot + slot * 0.15}
                    y={top}
                    width={slot * 0.7}
                    height={height}
                  />
                ) : null;
              })}
              {(i === 0 || i === columns.length - 1) && (
                <text x={i * slot + slot / 2} y={HEIGHT + AXIS - 3} textAnchor="middle" className="axis">
                  {column.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
        <line x1={0} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} className="axis-line" />
      </svg>
      <figcaption className="muted">
        Encrypts + decrypts per day (UTC), last {days} days.{" "}
        {versions.map((version) => (
          <span key={version} className="legend">
            <span className={`swatch v${versionColour(versions, version)}`} aria-hidden="true" /> v{version}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Four colours, the newest version always the accent. */
function versionColour(versions: readonly number[], version: number): number {
  return (versions.length - 1 - versions.indexOf(version)) % 4;
}
