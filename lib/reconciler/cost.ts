/**
 * Estimated monthly cost of compute, from the VM catalog's indicative Linux list prices
 * (lib/catalog/vm-sizes.ts, `linuxPricePerHourUsd`). Assumptions, stated in every plan:
 * - a compute instance runs 730 h/month (24 × 365 / 12) unless the program stops it after creation;
 * - a compute cluster costs its `minNodeCount` nodes for 730 h/month (nodes above the minimum depend on jobs);
 * - low-priority/spot nodes are priced at the dedicated list price (an upper bound);
 * - attached compute, workspaces, storage, networking and everything else are not estimated.
 */
import { findVmSize, PRICE_DATE, PRICE_REGION } from '../catalog/vm-sizes.js';

export const HOURS_PER_MONTH = 730;

export const COST_ASSUMPTIONS: readonly string[] = [
  `prices: indicative pay-as-you-go Linux list prices, ${PRICE_REGION}, around ${PRICE_DATE} (lib/catalog/vm-sizes.ts)`,
  `compute instance: ${HOURS_PER_MONTH} h/month when running (0 when the program stops it after creation)`,
  `compute cluster: minNodeCount nodes × ${HOURS_PER_MONTH} h/month (nodes above the minimum depend on jobs)`,
  'low-priority nodes priced at the dedicated price (upper bound)',
  'attached compute, workspaces, storage and networking are not estimated',
];

export interface CostEstimate {
  readonly monthlyUsd: number;
  /** The VM size was not found in the catalog or has no price. */
  readonly unknownSize?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Monthly cost of one resource body (0 when not estimated). */
export function monthlyCost(type: string, body: unknown, opts: { stoppedAfterCreate?: boolean } = {}): CostEstimate {
  if (
    type.toLowerCase() !== 'microsoft.machinelearningservices/workspaces/computes' ||
    !body ||
    typeof body !== 'object'
  )
    return { monthlyUsd: 0 };
  const props = (body as { properties?: { computeType?: unknown; properties?: Record<string, unknown> } }).properties;
  const inner = props?.properties ?? {};
  const size = str(inner.vmSize);
  if (!size) return { monthlyUsd: 0 };
  const info = findVmSize(size);
  const price = info?.linuxPricePerHourUsd;
  if (price === undefined) return { monthlyUsd: 0, unknownSize: size };
  if (props?.computeType === 'ComputeInstance')
    return { monthlyUsd: opts.stoppedAfterCreate ? 0 : price * HOURS_PER_MONTH };
  if (props?.computeType === 'AmlCompute') {
    const scale = inner.scaleSettings as { minNodeCount?: unknown } | undefined;
    const min = typeof scale?.minNodeCount === 'number' ? scale.minNodeCount : 0;
    return { monthlyUsd: price * HOURS_PER_MONTH * min };
  }
  return { monthlyUsd: 0 };
}

export function formatUsd(delta: number): string {
  const sign = delta > 0 ? '+' : delta < 0 ? '-' : '±';
  return `${sign}$${Math.abs(delta).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
