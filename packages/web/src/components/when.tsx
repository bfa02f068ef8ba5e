import { useEffect, useState } from "react";

// A moment as a person reads it: the local date and time with its time zone, and how far away it
// is ("in 5 minutes"), kept current while the page stays open.

const absolute = (epochSeconds: number) =>
  // dateStyle/timeStyle cannot be combined with timeZoneName, so the parts are spelled out.
  new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(epochSeconds * 1000));

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
];

export function relative(epochSeconds: number, nowMs: number): string {
  const seconds = epochSeconds - nowMs / 1000;
  const [unit, size] = UNITS.find(([, size]) => Math.abs(seconds) >= size) ?? UNITS[UNITS.length - 1]!;
  return new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(Math.round(seconds / size), unit);
}

export function When({ epochSeconds, testId }: { epochSeconds: number; testId?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time dateTime={new Date(epochSeconds * 1000).toISOString()} data-testid={testId}>
      {absolute(epochSeconds)} ({relative(epochSeconds, now)})
    </time>
  );
}
