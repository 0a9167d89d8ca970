import { fitLine } from './stats';

/** One reading of the service process: when (ms since the soak's start), resident memory and open descriptors. */
export interface ResourceSample {
  readonly atMs: number;
  readonly rssKiB: number;
  readonly fds: number;
}

/**
 * What a soak fails on. RSS: the least-squares slope after the warm-up, in MiB per hour, when the fitted line also
 * rises by more than `minRssRiseMiB` over the window (a short soak's first minutes of allocator growth are a steep
 * slope of a few hundred KiB, not a leak). Descriptors: a sustained
 * rise, i.e. even the fewest descriptors open in the last third of the window are more than the most open in its
 * first third (in-flight connections make single readings jump, a leak lifts the floor), and a positive slope.
 */
export interface GrowthLimits {
  readonly maxRssMiBPerHour: number;
  /** The fitted rise over the window that the slope must also exceed, in MiB. */
  readonly minRssRiseMiB: number;
  /** Part of the soak left out of the fits while caches and pools fill (0..0.5). */
  readonly warmupFraction: number;
  /** At most this much warm-up, whatever the fraction. */
  readonly maxWarmupMs: number;
  /** Fewer samples after the warm-up leave the growth unjudged (reported, not failed). */
  readonly minSamples: number;
}

/**
 * 16 MiB/hour: a Parsec at rest varies by a few hundred KiB between readings, which over a 10-minute window is a
 * slope of ±2 MiB/hour; 16 would be 384 MiB a day, a leak no deployment survives, and clear of that noise.
 */
export const DEFAULT_GROWTH_LIMITS: GrowthLimits = {
  maxRssMiBPerHour: 16,
  minRssRiseMiB: 2,
  warmupFraction: 0.1,
  maxWarmupMs: 60_000,
  minSamples: 6,
};

/** A measure that grew beyond its limit: what the expectation files can explain, by `core/soak/<measure>-growth`. */
export interface GrowthFinding {
  readonly measure: 'resident-memory' | 'file-descriptors';
  /** The fitted slope: MiB per hour for memory, descriptors per hour. */
  readonly perHour: number;
  readonly problem: string;
}

export interface GrowthVerdict {
  readonly judged: boolean;
  /** Why not judged, or why it failed; empty when it passed. */
  readonly problems: readonly string[];
  /** The same failures, by measure (empty when not judged or passed). */
  readonly findings: readonly GrowthFinding[];
  readonly warmupMs: number;
  readonly samplesFitted: number;
  readonly rssMiBPerHour?: number;
  readonly fdsPerHour?: number;
  readonly fdFirstThirdMax?: number;
  readonly fdLastThirdMin?: number;
  readonly rssFirstKiB?: number;
  readonly rssLastKiB?: number;
}

const HOUR_MS = 3_600_000;
const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Judges a soak's samples against the limits; `durationMs` is the soak's planned length. */
export function judgeGrowth(
  samples: readonly ResourceSample[],
  durationMs: number,
  limits: GrowthLimits = DEFAULT_GROWTH_LIMITS,
): GrowthVerdict {
  const warmupMs = Math.min(limits.maxWarmupMs, Math.round(durationMs * limits.warmupFraction));
  const fitted = samples.filter((s) => s.atMs >= warmupMs);
  if (fitted.length < limits.minSamples) {
    return {
      judged: false,
      problems: [
        `${fitted.length} sample(s) after the ${warmupMs} ms warm-up, fewer than the ${limits.minSamples} a growth verdict needs: run longer or sample more often`,
      ],
      findings: [],
      warmupMs,
      samplesFitted: fitted.length,
    };
  }
  const rss = fitLine(fitted.map((s) => [s.atMs / HOUR_MS, s.rssKiB / 1024]));
  const fd = fitLine(fitted.map((s) => [s.atMs / HOUR_MS, s.fds]));
  const third = Math.max(1, Math.floor(fitted.length / 3));
  const fdFirstThirdMax = Math.max(...fitted.slice(0, third).map((s) => s.fds));
  const fdLastThirdMin = Math.min(...fitted.slice(-third).map((s) => s.fds));
  const findings: GrowthFinding[] = [];
  const rssSlope = rss?.slope ?? 0;
  const fdSlope = fd?.slope ?? 0;
  const windowHours = ((fitted[fitted.length - 1]?.atMs ?? 0) - (fitted[0]?.atMs ?? 0)) / HOUR_MS;
  if (rssSlope > limits.maxRssMiBPerHour && rssSlope * windowHours > limits.minRssRiseMiB) {
    findings.push({
      measure: 'resident-memory',
      perHour: round(rssSlope),
      problem: `resident memory grows ${round(rssSlope)} MiB/hour after the warm-up (limit ${limits.maxRssMiBPerHour} MiB/hour), ${round(rssSlope * windowHours)} MiB over the window (limit ${limits.minRssRiseMiB} MiB): ${fitted[0]?.rssKiB} KiB → ${fitted[fitted.length - 1]?.rssKiB} KiB`,
    });
  }
  if (fdLastThirdMin > fdFirstThirdMax && fdSlope > 0) {
    findings.push({
      measure: 'file-descriptors',
      perHour: round(fdSlope),
      problem: `open file descriptors grow: at least ${fdLastThirdMin} in the last third of the window, at most ${fdFirstThirdMax} in its first third (${round(fdSlope)} per hour)`,
    });
  }
  return {
    judged: true,
    problems: findings.map((f) => f.problem),
    findings,
    warmupMs,
    samplesFitted: fitted.length,
    rssMiBPerHour: round(rssSlope),
    fdsPerHour: round(fdSlope),
    fdFirstThirdMax,
    fdLastThirdMin,
    rssFirstKiB: fitted[0]?.rssKiB,
    rssLastKiB: fitted[fitted.length - 1]?.rssKiB,
  };
}
