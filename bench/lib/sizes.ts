// Message sizes by the names the figures use.
export const KiB = 1024;
export const MiB = 1024 * KiB;

export const sizeLabel = (bytes: number): string =>
  bytes >= MiB && bytes % MiB === 0
    ? `${bytes / MiB}MiB`
    : bytes >= KiB && bytes % KiB === 0
      ? `${bytes / KiB}KiB`
      : `${bytes}B`;
