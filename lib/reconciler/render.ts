/**
 * The human view of a plan: one line per changed resource with a `+ ~ -/+ -` sign, the changed paths with
 * old → new values, the reason for each replacement, a summary line and the estimated monthly cost delta.
 * Colors come from the caller (picocolors, enabled only on a TTY).
 */
import { splitPath } from '../catalog/field-tables.js';
import { formatUsd } from './cost.js';
import type { Plan, ResourceChange } from './plan.js';

export interface Painter {
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export const plainPainter: Painter = {
  green: (s) => s,
  yellow: (s) => s,
  red: (s) => s,
  cyan: (s) => s,
  magenta: (s) => s,
  dim: (s) => s,
  bold: (s) => s,
};

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 120 ? s.slice(0, 117) + '...' : s;
}

function sign(c: ResourceChange, p: Painter): string {
  const a = c.change.actions;
  if (a.length === 2) return p.magenta(a[0] === 'delete' ? '-/+' : '+/-');
  switch (a[0]) {
    case 'create':
      return p.green('+');
    case 'delete':
      return p.red('-');
    case 'forget':
      return p.dim('.');
    case 'adopt':
      return p.cyan('=');
    case 'no-op':
      return ' ';
    default:
      return p.yellow('~');
  }
}

function verb(c: ResourceChange): string {
  const a = c.change.actions;
  if (a.length === 2) return a[0] === 'delete' ? 'replaced (delete, then create)' : 'replaced (create, then delete)';
  switch (a[0]) {
    case 'create':
      return 'created';
    case 'update':
      return 'updated in place (PUT)';
    case 'patch':
      return 'updated (PATCH)';
    case 'action':
      return 'updated by POST action';
    case 'delete':
      return 'deleted';
    case 'forget':
      return 'forgotten (kept in Azure)';
    case 'adopt':
      return 'adopted into the state (it exists under another name; nothing is written)';
    default:
      return 'left unchanged';
  }
}

export interface RenderOptions {
  readonly painter?: Painter;
  /** Also list unchanged resources. @default false */
  readonly showNoop?: boolean;
}

export function renderPlan(plan: Plan, options: RenderOptions = {}): string {
  const p = options.painter ?? plainPainter;
  const lines: string[] = [];
  lines.push(p.bold(`Stack ${plan.stack}${plan.mode === 'destroy' ? ' (destroy)' : ''}`));
  for (const c of plan.resource_changes) {
    if (c.change.actions[0] === 'no-op' && !options.showNoop) continue;
    const short = c.type.split('/').slice(1).join('/');
    lines.push(
      `${sign(c, p)} ${p.bold(c.address)} ${p.dim(`(${short} ${c.name})`)} will be ${verb(c)}${c.source ? p.dim(`  ${c.source.file}:${c.source.line}`) : ''}`,
    );
    for (const path of c.change.paths) {
      const where = path.path ? splitPath(path.path).join('.') : '(resource)';
      const change = path.path ? `${show(path.before)} → ${show(path.after)}` : '';
      const tag = path.update === 'replace' ? p.red(path.reason) : p.dim(path.reason);
      lines.push(`    ${where}: ${change}${change ? '  ' : ''}${tag}`);
    }
    for (const n of c.notes ?? []) lines.push(`    ${p.dim(n)}`);
  }
  for (const e of plan.errors) lines.push(`${p.red('error')} [${e.address}] ${e.code}: ${e.message}\n  fix: ${e.fix}`);
  lines.push(summaryLine(plan, p));
  return lines.join('\n') + '\n';
}

export function summaryLine(plan: Plan, p: Painter = plainPainter): string {
  const s = plan.summary;
  const adopt = s.adopt ?? 0;
  const changed = s.create + s.update + s.replace + s.delete + s.forget + adopt;
  if (changed === 0 && plan.errors.length === 0) return p.green(`No changes. ${s.noop} resource(s) up to date.`);
  const parts = [`${s.create} to create`, `${s.update} to update`, `${s.replace} to replace`, `${s.delete} to delete`];
  if (s.forget) parts.push(`${s.forget} to forget`);
  if (adopt) parts.push(`${adopt} to adopt`);
  parts.push(`${s.noop} unchanged`);
  const cost = plan.cost.monthlyDeltaUsd;
  return `${p.bold('Plan:')} ${parts.join(', ')}. Estimated monthly cost ${formatUsd(cost)}/month${plan.cost.unknownSizes?.length ? ` (no price for ${plan.cost.unknownSizes.join(', ')})` : ''}.`;
}
