/**
 * `VmSize`: an enum-like class for VM sizes, with constants for the sizes Azure ML teams use most.
 */
import { findVmSize, type VmSizeInfo } from './vm-sizes.js';
import { ValidationError } from '../core/errors.js';
import { hasBrand } from '../core/brand.js';

const VM_SIZE = Symbol.for('amlcdk.VmSize');

/**
 * A VM size for a compute instance or a compute cluster.
 *
 * Use a constant (`VmSize.STANDARD_NC24ADS_A100_V4`) or `VmSize.of('Standard_…')` for sizes without one. `of`
 * accepts any casing and normalizes known sizes to their canonical ARM spelling; unknown names are kept as given
 * (validation reports them with close matches, so new Azure sizes are not blocked by an old catalog).
 *
 * @example
 * new ComputeCluster(ws, 'Gpu', { vmSize: VmSize.STANDARD_NC24ADS_A100_V4, maxNodeCount: 4 });
 * VmSize.of('standard_ds3_v2').name // 'Standard_DS3_v2'
 */
export class VmSize {
  // CPU
  public static readonly STANDARD_DS1_V2 = new VmSize('Standard_DS1_v2');
  public static readonly STANDARD_DS2_V2 = new VmSize('Standard_DS2_v2');
  public static readonly STANDARD_DS3_V2 = new VmSize('Standard_DS3_v2');
  public static readonly STANDARD_DS4_V2 = new VmSize('Standard_DS4_v2');
  public static readonly STANDARD_DS5_V2 = new VmSize('Standard_DS5_v2');
  public static readonly STANDARD_DS11_V2 = new VmSize('Standard_DS11_v2');
  public static readonly STANDARD_DS12_V2 = new VmSize('Standard_DS12_v2');
  public static readonly STANDARD_DS13_V2 = new VmSize('Standard_DS13_v2');
  public static readonly STANDARD_DS14_V2 = new VmSize('Standard_DS14_v2');
  public static readonly STANDARD_D2_V2 = new VmSize('Standard_D2_v2');
  public static readonly STANDARD_D3_V2 = new VmSize('Standard_D3_v2');
  public static readonly STANDARD_D12_V2 = new VmSize('Standard_D12_v2');
  public static readonly STANDARD_D2S_V3 = new VmSize('Standard_D2s_v3');
  public static readonly STANDARD_D4S_V3 = new VmSize('Standard_D4s_v3');
  public static readonly STANDARD_D8S_V3 = new VmSize('Standard_D8s_v3');
  public static readonly STANDARD_D16S_V3 = new VmSize('Standard_D16s_v3');
  public static readonly STANDARD_D4DS_V4 = new VmSize('Standard_D4ds_v4');
  public static readonly STANDARD_D4S_V5 = new VmSize('Standard_D4s_v5');
  public static readonly STANDARD_D8S_V5 = new VmSize('Standard_D8s_v5');
  public static readonly STANDARD_D16S_V5 = new VmSize('Standard_D16s_v5');
  public static readonly STANDARD_D4DS_V5 = new VmSize('Standard_D4ds_v5');
  public static readonly STANDARD_E4S_V3 = new VmSize('Standard_E4s_v3');
  public static readonly STANDARD_E8S_V3 = new VmSize('Standard_E8s_v3');
  public static readonly STANDARD_E16S_V3 = new VmSize('Standard_E16s_v3');
  public static readonly STANDARD_E4S_V5 = new VmSize('Standard_E4s_v5');
  public static readonly STANDARD_E8S_V5 = new VmSize('Standard_E8s_v5');
  public static readonly STANDARD_F4S_V2 = new VmSize('Standard_F4s_v2');
  public static readonly STANDARD_F8S_V2 = new VmSize('Standard_F8s_v2');
  public static readonly STANDARD_F16S_V2 = new VmSize('Standard_F16s_v2');
  // GPU, current
  public static readonly STANDARD_NC4AS_T4_V3 = new VmSize('Standard_NC4as_T4_v3');
  public static readonly STANDARD_NC8AS_T4_V3 = new VmSize('Standard_NC8as_T4_v3');
  public static readonly STANDARD_NC16AS_T4_V3 = new VmSize('Standard_NC16as_T4_v3');
  public static readonly STANDARD_NC64AS_T4_V3 = new VmSize('Standard_NC64as_T4_v3');
  public static readonly STANDARD_NC24ADS_A100_V4 = new VmSize('Standard_NC24ads_A100_v4');
  public static readonly STANDARD_NC48ADS_A100_V4 = new VmSize('Standard_NC48ads_A100_v4');
  public static readonly STANDARD_NC96ADS_A100_V4 = new VmSize('Standard_NC96ads_A100_v4');
  public static readonly STANDARD_NC40ADS_H100_V5 = new VmSize('Standard_NC40ads_H100_v5');
  public static readonly STANDARD_NC80ADIS_H100_V5 = new VmSize('Standard_NC80adis_H100_v5');
  public static readonly STANDARD_ND96ASR_V4 = new VmSize('Standard_ND96asr_v4');
  public static readonly STANDARD_ND96AMSR_A100_V4 = new VmSize('Standard_ND96amsr_A100_v4');
  public static readonly STANDARD_ND96ISR_H100_V5 = new VmSize('Standard_ND96isr_H100_v5');
  public static readonly STANDARD_ND96ISR_H200_V5 = new VmSize('Standard_ND96isr_H200_v5');
  public static readonly STANDARD_NV6ADS_A10_V5 = new VmSize('Standard_NV6ads_A10_v5');
  public static readonly STANDARD_NV12ADS_A10_V5 = new VmSize('Standard_NV12ads_A10_v5');
  public static readonly STANDARD_NV36ADS_A10_V5 = new VmSize('Standard_NV36ads_A10_v5');
  // GPU, previous generation (kept so that programs using them get a clear "retired" error, not a type error)
  public static readonly STANDARD_NC6S_V3 = new VmSize('Standard_NC6s_v3');
  public static readonly STANDARD_NC12S_V3 = new VmSize('Standard_NC12s_v3');
  public static readonly STANDARD_NC24S_V3 = new VmSize('Standard_NC24s_v3');
  public static readonly STANDARD_NC6 = new VmSize('Standard_NC6');
  public static readonly STANDARD_NV12S_V3 = new VmSize('Standard_NV12s_v3');
  public static readonly STANDARD_ND40RS_V2 = new VmSize('Standard_ND40rs_v2');

  /** True for any VmSize (symbol-based, works across copies of the library). */
  public static isVmSize(x: unknown): x is VmSize {
    return hasBrand(x, VM_SIZE);
  }

  /**
   * A size by name. Known sizes are normalized to their ARM spelling (`STANDARD_NC6` → `Standard_NC6`); unknown
   * names are kept verbatim (trimmed) and reported by validation.
   */
  public static of(name: string): VmSize {
    if (typeof name !== 'string' && typeof name !== 'number') {
      // String() of a null-prototype object, a Proxy or a throwing toString would crash here: say what it is.
      throw new ValidationError(
        'InvalidPropType',
        `VmSize.of needs a size name, got ${describeType(name)}`,
        '<VmSize>',
        {
          allowed: 'a VM size name such as "Standard_DS3_v2", or a VmSize constant',
          fix: 'use VmSize.STANDARD_DS3_V2 or VmSize.of("Standard_DS3_v2")',
        },
      );
    }
    const info = typeof name === 'string' ? findVmSize(name.trim()) : undefined;
    return new VmSize(info ? info.name : String(name).trim());
  }

  /** ARM VM size name, e.g. `Standard_DS3_v2`. */
  public readonly name: string;

  private constructor(name: string) {
    Object.defineProperty(this, VM_SIZE, { value: true });
    this.name = name;
  }

  /** What the catalog knows about this size (`undefined` for sizes not in the catalog). */
  public get info(): VmSizeInfo | undefined {
    return findVmSize(this.name);
  }

  /** Same size (case-insensitive). */
  public equals(other: VmSize): boolean {
    return this.name.toLowerCase() === other.name.toLowerCase();
  }

  public toString(): string {
    return this.name;
  }

  public toJSON(): string {
    return this.name;
  }
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v === 'undefined' ? 'undefined' : `a ${typeof v}`;
  return Array.isArray(v) ? 'an array' : 'an object';
}
