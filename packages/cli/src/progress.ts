import cliProgress from "cli-progress";

// A live bar on stderr, for campaigns and large files. Only on a terminal: a pipe or a log file gets
// no control characters, and --json or --no-progress turn it off.

export interface Progress {
  update(done: number, extra?: { total?: number; detail?: string }): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

export function startProgress(options: {
  enabled: boolean;
  total: number;
  /** "bytes" shows sizes in MiB; anything else is a plain count. */
  unit: "bytes" | "records";
  label: string;
}): Progress {
  if (!options.enabled || !process.stderr.isTTY) return silent;
  const scale = options.unit === "bytes" ? 1024 * 1024 : 1;
  const unit = options.unit === "bytes" ? " MiB" : "";
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${options.label} [{bar}] {percentage}% | {value}/{total}${unit} | {detail}`,
      hideCursor: true,
      clearOnComplete: false,
      formatValue: (value, _options, type) =>
        type === "value" || type === "total"
          ? options.unit === "bytes"
            ? value.toFixed(1)
            : String(value)
          : String(value),
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.total / scale, 0, { detail: "" });
  return {
    update(done, extra) {
      if (extra?.total !== undefined) bar.setTotal(extra.total / scale);
      bar.update(done / scale, { detail: extra?.detail ?? "" });
    },
    stop: () => bar.stop(),
  };
}
