/**
 * Start/stop schedules of compute instances: an NCronTab expression, or a recurrence (every n minutes, hours,
 * days, weeks or months at given hours and minutes), each in a Windows time zone.
 *
 * The ARM shape is `ComputeStartStopSchedule` (azure-rest-api-specs MachineLearningServices stable 2025-12-01
 * openapi.json): `triggerType: Cron` with `cron{expression, startTime, timeZone}`, or `triggerType: Recurrence` with
 * `recurrence{frequency: Minute|Hour|Day|Week|Month, interval, startTime, timeZone, schedule{hours, minutes,
 * weekDays}}` (`schedule.hours` and `schedule.minutes` required; see shared/reference/azureml-api.md §4.2).
 */

/** Options of a schedule. */
export interface ScheduleOptions {
  /**
   * Windows time zone id, e.g. `W. Europe Standard Time`.
   * @default 'UTC'
   */
  readonly timeZone?: string;
  /**
   * When the schedule starts applying (`yyyy-MM-ddTHH:mm:ss`).
   * @default - immediately
   */
  readonly startTime?: string;
  /**
   * Whether the schedule is active.
   * @default true
   */
  readonly enabled?: boolean;
}

/** How often a recurrence schedule fires (ARM `ComputeRecurrenceFrequency`). */
export type RecurrenceFrequency = 'Minute' | 'Hour' | 'Day' | 'Week' | 'Month';

/** A day of the week, as ARM `ComputeWeekDay` spells it. */
export type WeekDay = 'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday';

/** The days of the week, Monday first (the order ARM's enum lists them). */
export const WEEK_DAYS: readonly WeekDay[] = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];

/**
 * A recurrence: every `interval` × `frequency`, at the given hours and minutes (and, weekly, on the given days).
 *
 * @example
 * { frequency: 'Week', weekDays: ['Monday', 'Wednesday'], hours: [8], minutes: [30] }
 */
export interface ComputeRecurrence {
  /** Unit of the interval. */
  readonly frequency: RecurrenceFrequency;
  /**
   * Fire every `interval` units of `frequency`.
   * @default 1
   */
  readonly interval?: number;
  /**
   * Hours of the day (0–23) it fires at. An empty list is sent as one, as az ml does for a recurrence without
   * `schedule`; Azure documents no meaning for it, so list the hours you mean.
   */
  readonly hours: readonly number[];
  /** Minutes of the hour (0–59) it fires at. Empty: as for `hours`. */
  readonly minutes: readonly number[];
  /**
   * Days of the week it fires on.
   * @default - every day
   */
  readonly weekDays?: readonly WeekDay[];
}

/**
 * A start or stop schedule of a compute instance: an NCronTab expression (`minute hour day month weekday`), or a
 * recurrence. At most 4 per instance.
 *
 * @example
 * ComputeSchedule.stopAt('0 19 * * 1-5', { timeZone: 'W. Europe Standard Time' })
 * ComputeSchedule.startRecurring({ frequency: 'Week', weekDays: ['Monday'], hours: [8], minutes: [0] })
 */
export class ComputeSchedule {
  /** Start the instance at the times of a cron expression. */
  public static startAt(cron: string, options: ScheduleOptions = {}): ComputeSchedule {
    return new ComputeSchedule('Start', cron, undefined, options ?? {});
  }
  /** Stop the instance at the times of a cron expression. */
  public static stopAt(cron: string, options: ScheduleOptions = {}): ComputeSchedule {
    return new ComputeSchedule('Stop', cron, undefined, options ?? {});
  }
  /** Start the instance on a recurrence (ARM `triggerType: Recurrence`). */
  public static startRecurring(recurrence: ComputeRecurrence, options: ScheduleOptions = {}): ComputeSchedule {
    return new ComputeSchedule('Start', undefined, recurrence, options ?? {});
  }
  /** Stop the instance on a recurrence (ARM `triggerType: Recurrence`). */
  public static stopRecurring(recurrence: ComputeRecurrence, options: ScheduleOptions = {}): ComputeSchedule {
    return new ComputeSchedule('Stop', undefined, recurrence, options ?? {});
  }
  private constructor(
    public readonly action: 'Start' | 'Stop',
    /** The cron expression; `undefined` for a recurrence. */
    public readonly cron: string | undefined,
    /** The recurrence; `undefined` for a cron schedule. */
    public readonly recurrence: ComputeRecurrence | undefined,
    public readonly options: ScheduleOptions,
  ) {}

  /** The ARM `ComputeStartStopSchedule`. */
  public render(): Record<string, unknown> {
    const status = this.options.enabled === false ? 'Disabled' : 'Enabled';
    const when = {
      ...(this.options.startTime ? { startTime: this.options.startTime } : {}),
      timeZone: this.options.timeZone ?? 'UTC',
    };
    const r = this.recurrence;
    if (r) {
      return {
        status,
        action: this.action,
        triggerType: 'Recurrence',
        recurrence: {
          frequency: r.frequency,
          interval: r.interval ?? 1,
          ...when,
          schedule: {
            hours: [...(r.hours ?? [])],
            minutes: [...(r.minutes ?? [])],
            ...(r.weekDays?.length ? { weekDays: [...r.weekDays] } : {}),
          },
        },
      };
    }
    return {
      status,
      action: this.action,
      triggerType: 'Cron',
      cron: {
        expression: String(this.cron).trim(),
        timeZone: when.timeZone,
        ...(this.options.startTime ? { startTime: this.options.startTime } : {}),
      },
    };
  }
}

/** Problems of a recurrence (empty when valid): what is wrong, for an `InvalidRecurrence` error. */
export function recurrenceProblems(r: ComputeRecurrence): string[] {
  const out: string[] = [];
  const freqs: readonly string[] = ['Minute', 'Hour', 'Day', 'Week', 'Month'];
  if (!freqs.includes(r.frequency))
    out.push(`frequency ${JSON.stringify(r.frequency)} is not one of ${freqs.join(', ')}`);
  if (r.interval !== undefined && (!Number.isInteger(r.interval) || r.interval < 1))
    out.push(`interval ${JSON.stringify(r.interval)} is not a whole number of at least 1`);
  const ints = (name: string, v: unknown, max: number): void => {
    // Empty lists are allowed: az ml sends them for a recurrence without `schedule` (see lib/cli/azml-yaml/read.ts).
    if (!Array.isArray(v)) out.push(`${name} must be a list of values 0–${max}`);
    else if (v.some((x) => !Number.isInteger(x) || (x as number) < 0 || (x as number) > max))
      out.push(`${name} must hold whole numbers 0–${max}, got ${JSON.stringify(v)}`);
  };
  ints('hours', r.hours, 23);
  ints('minutes', r.minutes, 59);
  if (r.weekDays !== undefined) {
    const days: readonly unknown[] = Array.isArray(r.weekDays) ? (r.weekDays as readonly unknown[]) : [r.weekDays];
    if (!Array.isArray(r.weekDays) || days.some((d) => !(WEEK_DAYS as readonly unknown[]).includes(d)))
      out.push(`weekDays must list day names (${WEEK_DAYS.join(', ')}), got ${JSON.stringify(r.weekDays)}`);
  }
  return out;
}
