import { test, describe } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  VM_SIZES,
  findVmSize,
  isRetired,
  isGpuSize,
  ZERO_QUOTA_BY_DEFAULT_FAMILIES,
  PRICE_REGION,
  PRICE_DATE,
  closestVmSizes,
  sizesInFamily,
  VmSize,
} from '../../lib/catalog/index.js';

describe('VM size catalog', () => {
  test('names are unique (case-insensitively) and use the Standard_ prefix', () => {
    const seen = new Set<string>();
    for (const v of VM_SIZES) {
      assert.match(v.name, /^Standard_[A-Za-z0-9_]+$/, v.name);
      assert.ok(!seen.has(v.name.toLowerCase()), `duplicate ${v.name}`);
      seen.add(v.name.toLowerCase());
    }
    assert.ok(VM_SIZES.length > 100);
  });

  test('every entry is internally consistent', () => {
    for (const v of VM_SIZES) {
      assert.ok(Number.isInteger(v.vCpus) && v.vCpus > 0, `${v.name} vCpus`);
      assert.ok(v.memoryGiB > 0, `${v.name} memory`);
      assert.ok(v.gpus >= 0, `${v.name} gpus`);
      if (v.gpus > 0) {
        assert.ok(v.gpuModel && v.gpuMemoryGiB && v.gpuMemoryGiB > 0, `${v.name} GPU details`);
        assert.ok(ZERO_QUOTA_BY_DEFAULT_FAMILIES.has(v.family), `${v.name} GPU family is zero-quota by default`);
      } else {
        assert.equal(v.gpuModel, undefined);
        assert.ok(
          !ZERO_QUOTA_BY_DEFAULT_FAMILIES.has(v.family),
          `${v.name}: CPU family must not be listed as zero quota`,
        );
      }
      assert.match(v.family, /^standard[A-Za-z0-9_]+Family$/, v.family);
      assert.match(v.quotaFamily, /^Standard \S+ Family Cluster Dedicated vCPUs$/, v.quotaFamily);
      if (v.retirement?.status === 'retired') {
        assert.deepEqual(v.allowedFor, { instance: false, cluster: false }, `${v.name} retired sizes are not allowed`);
        assert.equal(v.linuxPricePerHourUsd, undefined, `${v.name} retired sizes have no price`);
        assert.ok(
          v.replacement && findVmSize(v.replacement) && !findVmSize(v.replacement)!.retirement,
          `${v.name} has a current replacement`,
        );
      }
      if (v.retirement) assert.match(v.retirement.date, /^\d{4}-\d{2}-\d{2}$/);
      if (v.linuxPricePerHourUsd !== undefined)
        assert.ok(v.linuxPricePerHourUsd > 0 && v.linuxPricePerHourUsd < 200, `${v.name} price`);
    }
    assert.match(PRICE_DATE, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(PRICE_REGION, 'eastus');
  });

  // GIVEN the sizes the issue names, WHEN looked up, THEN the published numbers come back
  const known: Array<[string, number, number, number, string]> = [
    ['Standard_DS3_v2', 4, 14, 0, 'standardDSv2Family'],
    ['Standard_DS11_v2', 2, 14, 0, 'standardDSv2Family'],
    ['Standard_DS12_v2', 4, 28, 0, 'standardDSv2Family'],
    ['Standard_D4s_v3', 4, 16, 0, 'standardDSv3Family'],
    ['Standard_E64s_v3', 64, 432, 0, 'standardESv3Family'],
    ['Standard_E96s_v5', 96, 672, 0, 'standardESv5Family'],
    ['Standard_F72s_v2', 72, 144, 0, 'standardFSv2Family'],
    ['Standard_NC4as_T4_v3', 4, 28, 1, 'standardNCASv3_T4Family'],
    ['Standard_NC24ads_A100_v4', 24, 220, 1, 'standardNCADSA100v4Family'],
    ['Standard_NC80adis_H100_v5', 80, 640, 2, 'standardNCadsH100v5Family'],
    ['Standard_ND96asr_v4', 96, 900, 8, 'standardNDASv4_A100Family'],
    ['Standard_ND96amsr_A100_v4', 96, 1900, 8, 'standardNDAMSv4_A100Family'],
    ['Standard_ND96isr_H100_v5', 96, 1900, 8, 'standardNDSH100v5Family'],
    ['Standard_ND96isr_H200_v5', 96, 1850, 8, 'standardNDISRH200V5Family'],
    ['Standard_NV36ads_A10_v5', 36, 440, 1, 'standardNVADSA10v5Family'],
    ['Standard_NC6s_v3', 6, 112, 1, 'standardNCSv3Family'],
    ['Standard_ND40rs_v2', 40, 672, 8, 'standardNDSv2Family'],
  ];
  for (const [name, cpu, mem, gpus, family] of known) {
    test(`${name}: ${cpu} vCPU, ${mem} GiB, ${gpus} GPU, ${family}`, () => {
      const v = findVmSize(name);
      assert.ok(v, name);
      assert.equal(v.vCpus, cpu);
      assert.equal(v.memoryGiB, mem);
      assert.equal(v.gpus, gpus);
      assert.equal(v.family, family);
    });
  }

  test('lookup ignores case, underscores and a missing Standard_ prefix', () => {
    assert.equal(findVmSize('STANDARD_NC6')?.name, 'Standard_NC6');
    assert.equal(findVmSize('standard_nc24ads_a100_v4')?.name, 'Standard_NC24ads_A100_v4');
    assert.equal(findVmSize('DS3_v2')?.name, 'Standard_DS3_v2');
    assert.equal(findVmSize('Standard_Nope_v9'), undefined);
    assert.equal(findVmSize(''), undefined);
    assert.equal(findVmSize(undefined as unknown as string), undefined);
  });

  test('retirements: NCv3 2025-09-30, NC/NCv2 2023-08-31, ND/NV 2023-09-06, NVv3/NVv4 2026-09-30, Dv2/DSv2 2028-05-01, Fsv2 2028-11-15', () => {
    assert.deepEqual(findVmSize('Standard_NC6s_v3')!.retirement, { date: '2025-09-30', status: 'retired' });
    for (const [n, d] of [
      ['Standard_NC6', '2023-08-31'],
      ['Standard_NC6s_v2', '2023-08-31'],
      ['Standard_ND6s', '2023-09-06'],
      ['Standard_NV6', '2023-09-06'],
    ] as const) {
      assert.deepEqual(findVmSize(n)!.retirement, { date: d, status: 'retired' }, n);
      assert.ok(isRetired(findVmSize(n)!, '2020-01-01'), 'retired sizes are retired whatever the date');
    }
    const ds3 = findVmSize('Standard_DS3_v2')!;
    assert.deepEqual(ds3.retirement, { date: '2028-05-01', status: 'announced' });
    assert.equal(ds3.replacement, 'Standard_D4s_v5');
    assert.equal(findVmSize('Standard_DS12_v2')!.replacement, 'Standard_E4s_v5');
    assert.equal(isRetired(ds3, '2026-11-23'), false);
    assert.deepEqual(ds3.allowedFor, { instance: true, cluster: true }, 'announced sizes stay usable');
    assert.deepEqual(findVmSize('Standard_F4s_v2')!.retirement, { date: '2028-11-15', status: 'announced' });
    for (const v of VM_SIZES) {
      if (v.replacement) {
        const r = findVmSize(v.replacement);
        assert.ok(r && !r.retirement, `${v.name} → ${v.replacement} is a current size in the catalog`);
        if (v.gpus > 0) assert.ok(r.gpus > 0, `${v.name} → ${v.replacement} stays a GPU size`);
        else assert.equal(r.gpus, 0, `${v.name} → ${v.replacement} stays a CPU size`);
        assert.ok(
          r.vCpus >= v.vCpus || r.memoryGiB >= v.memoryGiB,
          `${v.name} → ${v.replacement} is not smaller in both vCPU and memory`,
        );
      }
    }
    const nv3 = findVmSize('Standard_NV12s_v3')!;
    assert.deepEqual(nv3.retirement, { date: '2026-09-30', status: 'announced' });
    assert.equal(isRetired(nv3, '2026-09-29'), false);
    assert.equal(isRetired(nv3, '2026-09-30'), true);
    assert.equal(isRetired(nv3, new Date('2027-01-01T00:00:00Z')), true);
    assert.equal(isRetired(findVmSize('Standard_NV4as_v4')!, '2026-10-01'), true);
    assert.equal(isRetired(findVmSize('Standard_NC24ads_A100_v4')!, '2030-01-01'), false);
    assert.equal(findVmSize('Standard_NC6s_v3')!.replacement, 'Standard_NC24ads_A100_v4');
  });

  test('allowedFor: FX and the ND sizes Azure ML does not list are cluster-only, NVv4 (AMD) nowhere, listed series everywhere', () => {
    for (const n of [
      'Standard_FX4mds',
      'Standard_FX48mds',
      'Standard_ND96amsr_A100_v4',
      'Standard_ND96isr_H100_v5',
      'Standard_ND96isr_H200_v5',
    ]) {
      assert.deepEqual(findVmSize(n)!.allowedFor, { instance: false, cluster: true }, n);
    }
    for (const n of ['Standard_ND96asr_v4', 'Standard_ND40rs_v2']) {
      assert.deepEqual(
        findVmSize(n)!.allowedFor,
        { instance: true, cluster: true },
        `${n}: NDasrA100_v4 and NDv2 are listed for instances`,
      );
    }
    assert.deepEqual(findVmSize('Standard_NV8as_v4')!.allowedFor, { instance: false, cluster: false });
    for (const n of ['Standard_DS3_v2', 'Standard_NC24ads_A100_v4', 'Standard_NC4as_T4_v3', 'Standard_NV6ads_A10_v5']) {
      assert.deepEqual(findVmSize(n)!.allowedFor, { instance: true, cluster: true }, n);
    }
  });

  test('GPU families are zero-quota by default; the quota family name follows the AML quota API', () => {
    assert.ok(ZERO_QUOTA_BY_DEFAULT_FAMILIES.has('standardNCADSA100v4Family'));
    assert.ok(!ZERO_QUOTA_BY_DEFAULT_FAMILIES.has('standardDSv2Family'));
    assert.equal(findVmSize('Standard_NC6s_v3')!.quotaFamily, 'Standard NCv3 Family Cluster Dedicated vCPUs');
    assert.equal(findVmSize('Standard_DS3_v2')!.quotaFamily, 'Standard DSv2 Family Cluster Dedicated vCPUs');
    assert.ok(isGpuSize(findVmSize('Standard_NV6ads_A10_v5')!));
    assert.ok(!isGpuSize(findVmSize('Standard_D2s_v3')!));
    assert.equal(sizesInFamily('STANDARDNCADSA100V4FAMILY').length, 3);
  });

  test('prices are present for current sizes and scale with size inside a family', () => {
    for (const v of VM_SIZES.filter(
      (x) =>
        x.retirement?.status !== 'retired' &&
        x.name !== 'Standard_ND96isr_H200_v5' &&
        !x.name.startsWith('Standard_FX'),
    )) {
      assert.ok(v.linuxPricePerHourUsd !== undefined, `${v.name} has a price`);
    }
    const a = findVmSize('Standard_NC24ads_A100_v4')!.linuxPricePerHourUsd!;
    const b = findVmSize('Standard_NC96ads_A100_v4')!.linuxPricePerHourUsd!;
    assert.ok(b > a * 3.5);
  });

  test('closestVmSizes suggests near names', () => {
    assert.equal(closestVmSizes('Standard_DS3v2')[0], 'Standard_DS3_v2');
    assert.ok(closestVmSizes('Standard_NC24ads_A100_v5').includes('Standard_NC24ads_A100_v4'));
  });
});

describe('VmSize', () => {
  test('constants carry catalog info; of() normalizes known names and keeps unknown ones', () => {
    assert.equal(VmSize.STANDARD_NC24ADS_A100_V4.info?.gpus, 1);
    assert.equal(VmSize.of('standard_ds3_v2').name, 'Standard_DS3_v2');
    assert.equal(VmSize.of(' STANDARD_NC6 ').name, 'Standard_NC6');
    const unknown = VmSize.of('Standard_Future99_v9');
    assert.equal(unknown.name, 'Standard_Future99_v9');
    assert.equal(unknown.info, undefined);
    assert.equal(String(VmSize.STANDARD_DS3_V2), 'Standard_DS3_v2');
    assert.equal(JSON.stringify({ s: VmSize.STANDARD_DS3_V2 }), '{"s":"Standard_DS3_v2"}');
    assert.ok(VmSize.isVmSize(VmSize.STANDARD_DS3_V2));
    assert.ok(!VmSize.isVmSize({ name: 'Standard_DS3_v2' }));
    assert.ok(VmSize.of('STANDARD_DS3_V2').equals(VmSize.STANDARD_DS3_V2));
  });

  test('every VmSize constant is in the catalog', () => {
    for (const [k, v] of Object.entries(VmSize)) {
      if (VmSize.isVmSize(v)) assert.ok(v.info, `VmSize.${k} (${v.name}) is in VM_SIZES`);
    }
  });
});
