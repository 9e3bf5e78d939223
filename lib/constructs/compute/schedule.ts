/** Start/stop schedules of compute instances (cron in a Windows time zone). */

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

/**
 * A start or stop schedule of a compute instance, as an NCronTab expression (`minute hour day month weekday`).
 * At most 4 per instance.
 *
 * @example
 * ComputeSchedule.stopAt('0 19 * * 1-5', { timeZone: 'W. Europe Standard Time' })
 */
export class ComputeSchedule {
  public static startAt(cron: string, options: ScheduleOptions = {}): ComputeSchedule {
    return new ComputeSchedule('Start', cron, options ?? {});
  }
  public static stopAt(cron: string, options: ScheduleOptions = {}): ComputeSchedule {
    return new ComputeSchedule('Stop', cron, options ?? {});
  }
  private constructor(
    public readonly action: 'Start' | 'Stop',
    public readonly cron: string,
    public readonly options: ScheduleOptions,
  ) {}

  /** The ARM `ComputeStartStopSchedule`. */
  public render(): Record<string, unknown> {
    return {
      status: this.options.enabled === false ? 'Disabled' : 'Enabled',
      action: this.action,
      triggerType: 'Cron',
      cron: {
        expression: String(this.cron).trim(),
        timeZone: this.options.timeZone ?? 'UTC',
        ...(this.options.startTime ? { startTime: this.options.startTime } : {}),
      },
    };
  }
}
