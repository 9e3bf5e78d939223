/**
 * VM sizes that Azure Machine Learning compute instances and compute clusters can use, as data.
 *
 * Sources (per-size numbers):
 * - MicrosoftDocs/azure-compute-docs `articles/virtual-machines/sizes/gpu-accelerated/<series>.md` and
 *   `includes/<series>-specs.md` (vCPU, memory, GPU count/model/memory);
 * - MicrosoftDocs/azure-compute-docs `sizes/retirement/retired-sizes-list.md` (ms.date 2025-06-13, with entries
 *   announced up to 2026-04-15: Dv2/DSv2 retire 2028-05-01, Fsv2 2028-11-15, NVv3/NVv4 2026-09-30, NCv3 retired) and
 *   MicrosoftDocs/azure-docs `articles/virtual-machines/ncv3-nc6s-nc12s-nc24s-retirement.md` (retirement dates);
 * - MicrosoftDocs/azure-docs `articles/virtual-machines/dv2-dsv2-series*.md`, `dv3-dsv3-series.md`, `dv4-dsv4-series.md`,
 *   `ddv4-ddsv4-series.md`, `dv5-dsv5-series.md`, `ddv5-ddsv5-series.md`, `ev3-esv3-series.md`, `ev4-esv4-series.md`,
 *   `ev5-esv5-series.md`, `fsv2-series.md` (CPU sizes);
 * - Compute usage API family names (`standardNCADSA100v4Family` …) as listed in ../shared/reference/azureml-api.md §12;
 *   the AML quota API names them `Standard <X> Family Cluster Dedicated vCPUs`
 *   (azure-rest-api-specs `stable/2025-09-01/examples/Quota/list.json`).
 *
 * Prices: indicative pay-as-you-go **Linux** hourly list prices in USD for {@link PRICE_REGION}, as listed on the
 * Azure Linux virtual-machines pricing page around {@link PRICE_DATE} (consumption, not Spot / Low Priority /
 * reserved). They were entered by hand, not fetched by a script, and sizes of one series are priced per vCPU where
 * the list price is linear; check them against the Retail Prices API (`https://prices.azure.com/api/retail/prices`,
 * `serviceName eq 'Virtual Machines' and armRegionName eq 'eastus'`) before relying on a figure. They feed the
 * plan's cost *estimate* only; real prices vary by region, agreement and date. Retired sizes carry no price (they
 * cannot be bought), nor do ND H200 v5 and FX (no list price recorded).
 *
 * `allowedFor` follows the "Supported VM series" table of azure-ai-docs `machine-learning/concept-compute-target.md`
 * ("Supported by: Compute clusters and instance", except FX: "Compute clusters"), which lists NDasrA100_v4 and NDv2
 * for instances too. Where that table is silent, the rule chosen here is:
 * - ND96amsr_A100_v4 (NDm A100 v4), ND96isr_H100_v5 and ND96isr_H200_v5 are **cluster-only**: not in the table, built
 *   for multi-node InfiniBand training, and a single-user instance would hold 96 vCPUs of scarce quota while idle
 *   (Learn: "Stopping the compute instance doesn't release quota"). **UNVERIFIED** against `az ml compute list-sizes`;
 * - NVv4 (AMD Radeon Instinct MI25) is allowed for neither: not in the table, and Azure ML images ship NVIDIA drivers;
 * - current sizes newer than the table (NCads H100 v5, NC A100 v4, NVads A10 v5, Dv5/Ev5 …) are allowed for both;
 * - retired sizes are allowed for neither.
 */

/** One VM size and what amlcdk knows about it. */
export interface VmSizeInfo {
  /** Canonical ARM name, e.g. `Standard_NC24ads_A100_v4`. */
  readonly name: string;
  readonly vCpus: number;
  readonly memoryGiB: number;
  /** GPUs per VM; fractional for partitioned GPUs (NVadsA10_v5: 1/6 … 1). 0 for CPU sizes. */
  readonly gpus: number;
  /** GPU model, e.g. `NVIDIA A100 80GB PCIe`. */
  readonly gpuModel?: string;
  /** Total GPU memory of the VM in GiB. */
  readonly gpuMemoryGiB?: number;
  /** Compute (usage API) family key, e.g. `standardNCADSA100v4Family`. The emulator keys quota by this. */
  readonly family: string;
  /** Azure ML quota name, e.g. `Standard NCADSA100v4 Family Cluster Dedicated vCPUs`. */
  readonly quotaFamily: string;
  /** Whether Azure ML accepts the size for a compute instance / a compute cluster. */
  readonly allowedFor: { readonly instance: boolean; readonly cluster: boolean };
  /** Retirement: `retired` (gone) or `announced` (goes away on `date`, ISO yyyy-mm-dd). */
  readonly retirement?: { readonly date: string; readonly status: 'retired' | 'announced' };
  /** Suggested successor size for retired/retiring sizes. */
  readonly replacement?: string;
  /** Indicative pay-as-you-go Linux price, USD per hour, in {@link PRICE_REGION} at {@link PRICE_DATE}. */
  readonly linuxPricePerHourUsd?: number;
}

/** Region of the indicative prices in {@link VM_SIZES}. */
export const PRICE_REGION = 'eastus';
/** Date the indicative prices were recorded (ISO). */
export const PRICE_DATE = '2025-06-01';

/**
 * Compute families whose quota is zero in a new pay-as-you-go subscription: every GPU family (Learn "Manage and
 * increase quotas": "specialized compute such as GPUs have zero quota by default"; Azure/azure-quickstart-templates
 * PR #12006 removed its GPU cluster for that reason). Validation warns when one of these is used.
 */
export const ZERO_QUOTA_BY_DEFAULT_FAMILIES: ReadonlySet<string> = new Set<string>();

interface Row {
  n: string;
  /** Per-size replacement (overrides the series'). */
  r?: string;
  c: number;
  m: number;
  g?: number;
  gm?: string;
  gmem?: number;
  p?: number;
}

interface Series {
  family: string;
  /** `X` of `Standard X Family Cluster Dedicated vCPUs`; derived from `family` when omitted. */
  quota?: string;
  rows: Row[];
  instance?: boolean;
  cluster?: boolean;
  retirement?: { date: string; status: 'retired' | 'announced' };
  replacement?: string;
}

function quotaName(s: Series): string {
  const core = s.quota ?? s.family.replace(/^standard/i, '').replace(/Family$/, '');
  return `Standard ${core} Family Cluster Dedicated vCPUs`;
}

const SERIES: Series[] = [
  // ---------------------------------------------------------------- CPU: general purpose
  // Dv2/DSv2: retired-sizes-list.md (azure-compute-docs) "Announced" 2025-03-31 for retirement on 2028-05-01;
  // replacements follow the migration guide's "same vCPU, v5 generation" advice (memory-optimised D11-D14 → Ev5).
  {
    family: 'standardDv2Family',
    retirement: { date: '2028-05-01', status: 'announced' },
    rows: [
      { n: 'Standard_D1_v2', c: 1, m: 3.5, p: 0.073, r: 'Standard_D2_v5' },
      { n: 'Standard_D2_v2', c: 2, m: 7, p: 0.146, r: 'Standard_D2_v5' },
      { n: 'Standard_D3_v2', c: 4, m: 14, p: 0.293, r: 'Standard_D4_v5' },
      { n: 'Standard_D4_v2', c: 8, m: 28, p: 0.585, r: 'Standard_D8_v5' },
      { n: 'Standard_D5_v2', c: 16, m: 56, p: 1.17, r: 'Standard_D16_v5' },
      // Dv2 memory optimised (D11-D14) share the Dv2 family quota.
      { n: 'Standard_D11_v2', c: 2, m: 14, p: 0.185, r: 'Standard_E2_v5' },
      { n: 'Standard_D12_v2', c: 4, m: 28, p: 0.371, r: 'Standard_E4_v5' },
      { n: 'Standard_D13_v2', c: 8, m: 56, p: 0.741, r: 'Standard_E8_v5' },
      { n: 'Standard_D14_v2', c: 16, m: 112, p: 1.482, r: 'Standard_E16_v5' },
    ],
  },
  {
    family: 'standardDSv2Family',
    retirement: { date: '2028-05-01', status: 'announced' },
    rows: [
      { n: 'Standard_DS1_v2', c: 1, m: 3.5, p: 0.073, r: 'Standard_D2s_v5' },
      { n: 'Standard_DS2_v2', c: 2, m: 7, p: 0.146, r: 'Standard_D2s_v5' },
      { n: 'Standard_DS3_v2', c: 4, m: 14, p: 0.293, r: 'Standard_D4s_v5' },
      { n: 'Standard_DS4_v2', c: 8, m: 28, p: 0.585, r: 'Standard_D8s_v5' },
      { n: 'Standard_DS5_v2', c: 16, m: 56, p: 1.17, r: 'Standard_D16s_v5' },
      { n: 'Standard_DS11_v2', c: 2, m: 14, p: 0.185, r: 'Standard_E2s_v5' },
      { n: 'Standard_DS12_v2', c: 4, m: 28, p: 0.371, r: 'Standard_E4s_v5' },
      { n: 'Standard_DS13_v2', c: 8, m: 56, p: 0.741, r: 'Standard_E8s_v5' },
      { n: 'Standard_DS14_v2', c: 16, m: 112, p: 1.482, r: 'Standard_E16s_v5' },
    ],
  },
  { family: 'standardDv3Family', rows: sizes4('Standard_D{n}_v3', [2, 4, 8, 16, 32, 64], 4, 0.048) },
  { family: 'standardDSv3Family', rows: sizes4('Standard_D{n}s_v3', [2, 4, 8, 16, 32, 64], 4, 0.048) },
  { family: 'standardDv4Family', rows: sizes4('Standard_D{n}_v4', [2, 4, 8, 16, 32, 48, 64], 4, 0.048) },
  { family: 'standardDSv4Family', rows: sizes4('Standard_D{n}s_v4', [2, 4, 8, 16, 32, 48, 64], 4, 0.048) },
  { family: 'standardDDSv4Family', rows: sizes4('Standard_D{n}ds_v4', [2, 4, 8, 16, 32, 48, 64], 4, 0.0565) },
  { family: 'standardDv5Family', rows: sizes4('Standard_D{n}_v5', [2, 4, 8, 16, 32, 48, 64, 96], 4, 0.048) },
  { family: 'standardDSv5Family', rows: sizes4('Standard_D{n}s_v5', [2, 4, 8, 16, 32, 48, 64, 96], 4, 0.048) },
  { family: 'standardDDSv5Family', rows: sizes4('Standard_D{n}ds_v5', [2, 4, 8, 16, 32, 48, 64, 96], 4, 0.0565) },
  // ---------------------------------------------------------------- CPU: memory optimised
  { family: 'standardEv3Family', rows: esizes('Standard_E{n}_v3', [2, 4, 8, 16, 32, 48, 64], 432, 0.063) },
  { family: 'standardESv3Family', rows: esizes('Standard_E{n}s_v3', [2, 4, 8, 16, 32, 48, 64], 432, 0.063) },
  { family: 'standardEv4Family', rows: esizes('Standard_E{n}_v4', [2, 4, 8, 16, 32, 48, 64], 504, 0.063) },
  { family: 'standardESv4Family', rows: esizes('Standard_E{n}s_v4', [2, 4, 8, 16, 32, 48, 64], 504, 0.063) },
  { family: 'standardEv5Family', rows: esizes('Standard_E{n}_v5', [2, 4, 8, 16, 32, 48, 64, 96], 672, 0.063) },
  { family: 'standardESv5Family', rows: esizes('Standard_E{n}s_v5', [2, 4, 8, 16, 32, 48, 64, 96], 672, 0.063) },
  // ---------------------------------------------------------------- CPU: compute optimised
  // Fsv2: retired-sizes-list.md "Announced" 2025-10-15 for retirement on 2028-11-15 (successors are the v6 F-series,
  // not in this catalog; no replacement is suggested rather than a guessed one).
  {
    family: 'standardFSv2Family',
    retirement: { date: '2028-11-15', status: 'announced' },
    rows: [2, 4, 8, 16, 32, 48, 64, 72].map((c) => ({ n: `Standard_F${c}s_v2`, c, m: c * 2, p: round4(c * 0.0423) })),
  },

  // FX (FXmds): concept-compute-target.md lists FX as supported by compute clusters only. Sizes from
  // azure-docs `virtual-machines/fx-series.md`; no list price recorded.
  {
    family: 'standardFXMDVSFamily',
    quota: 'FXMDVS',
    instance: false,
    rows: [
      { n: 'Standard_FX4mds', c: 4, m: 84 },
      { n: 'Standard_FX12mds', c: 12, m: 252 },
      { n: 'Standard_FX24mds', c: 24, m: 504 },
      { n: 'Standard_FX36mds', c: 36, m: 756 },
      { n: 'Standard_FX48mds', c: 48, m: 1008 },
    ],
  },

  // ---------------------------------------------------------------- GPU: current
  {
    family: 'standardNCASv3_T4Family',
    quota: 'NCASv3_T4',
    rows: [
      { n: 'Standard_NC4as_T4_v3', c: 4, m: 28, g: 1, gm: 'NVIDIA Tesla T4', gmem: 16, p: 0.526 },
      { n: 'Standard_NC8as_T4_v3', c: 8, m: 56, g: 1, gm: 'NVIDIA Tesla T4', gmem: 16, p: 0.752 },
      { n: 'Standard_NC16as_T4_v3', c: 16, m: 110, g: 1, gm: 'NVIDIA Tesla T4', gmem: 16, p: 1.204 },
      { n: 'Standard_NC64as_T4_v3', c: 64, m: 440, g: 4, gm: 'NVIDIA Tesla T4', gmem: 64, p: 4.352 },
    ],
  },
  {
    family: 'standardNCADSA100v4Family',
    quota: 'NCADSA100v4',
    rows: [
      { n: 'Standard_NC24ads_A100_v4', c: 24, m: 220, g: 1, gm: 'NVIDIA A100 80GB PCIe', gmem: 80, p: 3.673 },
      { n: 'Standard_NC48ads_A100_v4', c: 48, m: 440, g: 2, gm: 'NVIDIA A100 80GB PCIe', gmem: 160, p: 7.346 },
      { n: 'Standard_NC96ads_A100_v4', c: 96, m: 880, g: 4, gm: 'NVIDIA A100 80GB PCIe', gmem: 320, p: 14.692 },
    ],
  },
  {
    family: 'standardNCadsH100v5Family',
    quota: 'NCadsH100v5',
    rows: [
      { n: 'Standard_NC40ads_H100_v5', c: 40, m: 320, g: 1, gm: 'NVIDIA H100 NVL 94GB', gmem: 94, p: 6.98 },
      { n: 'Standard_NC80adis_H100_v5', c: 80, m: 640, g: 2, gm: 'NVIDIA H100 NVL 94GB', gmem: 188, p: 13.96 },
    ],
  },
  {
    family: 'standardNDASv4_A100Family',
    quota: 'NDASv4_A100',
    rows: [{ n: 'Standard_ND96asr_v4', c: 96, m: 900, g: 8, gm: 'NVIDIA A100 40GB SXM', gmem: 320, p: 27.197 }],
  },
  {
    family: 'standardNDAMSv4_A100Family',
    quota: 'NDAMSv4_A100',
    instance: false,
    rows: [{ n: 'Standard_ND96amsr_A100_v4', c: 96, m: 1900, g: 8, gm: 'NVIDIA A100 80GB SXM', gmem: 640, p: 32.77 }],
  },
  {
    family: 'standardNDSH100v5Family',
    quota: 'NDSH100v5',
    instance: false,
    rows: [{ n: 'Standard_ND96isr_H100_v5', c: 96, m: 1900, g: 8, gm: 'NVIDIA H100 80GB SXM', gmem: 640, p: 98.32 }],
  },
  {
    family: 'standardNDISRH200V5Family',
    quota: 'NDISRH200V5',
    instance: false,
    rows: [
      // No stable public list price recorded for H200 at PRICE_DATE; left without a price rather than guessed.
      { n: 'Standard_ND96isr_H200_v5', c: 96, m: 1850, g: 8, gm: 'NVIDIA H200 141GB SXM', gmem: 1128 },
    ],
  },
  {
    family: 'standardNVADSA10v5Family',
    quota: 'NVADSA10v5',
    rows: [
      { n: 'Standard_NV6ads_A10_v5', c: 6, m: 55, g: 1 / 6, gm: 'NVIDIA A10 (1/6 partition)', gmem: 4, p: 0.454 },
      { n: 'Standard_NV12ads_A10_v5', c: 12, m: 110, g: 1 / 3, gm: 'NVIDIA A10 (1/3 partition)', gmem: 8, p: 0.908 },
      { n: 'Standard_NV18ads_A10_v5', c: 18, m: 220, g: 1 / 2, gm: 'NVIDIA A10 (1/2 partition)', gmem: 12, p: 1.6 },
      { n: 'Standard_NV36ads_A10_v5', c: 36, m: 440, g: 1, gm: 'NVIDIA A10', gmem: 24, p: 3.2 },
      { n: 'Standard_NV36adms_A10_v5', c: 36, m: 880, g: 1, gm: 'NVIDIA A10', gmem: 24, p: 4.52 },
      { n: 'Standard_NV72ads_A10_v5', c: 72, m: 880, g: 2, gm: 'NVIDIA A10', gmem: 48, p: 6.52 },
    ],
  },

  // ---------------------------------------------------------------- GPU: previous generation / retiring
  {
    family: 'standardNDSv2Family',
    quota: 'NDSv2',
    rows: [{ n: 'Standard_ND40rs_v2', c: 40, m: 672, g: 8, gm: 'NVIDIA V100 32GB SXM', gmem: 256, p: 22.03 }],
  },
  // NVv3 and NVv4: retired-sizes-list.md "Announced", retirement 2026-09-30; migrate to NVads A10 v5.
  {
    family: 'standardNVSv3Family',
    quota: 'NVSv3',
    retirement: { date: '2026-09-30', status: 'announced' },
    replacement: 'Standard_NV36ads_A10_v5',
    rows: [
      {
        n: 'Standard_NV12s_v3',
        r: 'Standard_NV36ads_A10_v5',
        c: 12,
        m: 112,
        g: 1,
        gm: 'NVIDIA Tesla M60',
        gmem: 8,
        p: 1.14,
      },
      {
        n: 'Standard_NV24s_v3',
        r: 'Standard_NV72ads_A10_v5',
        c: 24,
        m: 224,
        g: 2,
        gm: 'NVIDIA Tesla M60',
        gmem: 16,
        p: 2.28,
      },
      {
        n: 'Standard_NV48s_v3',
        r: 'Standard_NV72ads_A10_v5',
        c: 48,
        m: 448,
        g: 4,
        gm: 'NVIDIA Tesla M60',
        gmem: 32,
        p: 4.56,
      },
    ],
  },
  {
    family: 'standardNVSv4Family',
    quota: 'NVSv4',
    instance: false,
    cluster: false,
    retirement: { date: '2026-09-30', status: 'announced' },
    replacement: 'Standard_NV6ads_A10_v5',
    rows: [
      {
        n: 'Standard_NV4as_v4',
        r: 'Standard_NV6ads_A10_v5',
        c: 4,
        m: 14,
        g: 1 / 8,
        gm: 'AMD Radeon Instinct MI25 (1/8 partition)',
        gmem: 2,
        p: 0.17,
      },
      {
        n: 'Standard_NV8as_v4',
        r: 'Standard_NV12ads_A10_v5',
        c: 8,
        m: 28,
        g: 1 / 4,
        gm: 'AMD Radeon Instinct MI25 (1/4 partition)',
        gmem: 4,
        p: 0.34,
      },
      {
        n: 'Standard_NV16as_v4',
        r: 'Standard_NV18ads_A10_v5',
        c: 16,
        m: 56,
        g: 1 / 2,
        gm: 'AMD Radeon Instinct MI25 (1/2 partition)',
        gmem: 8,
        p: 0.68,
      },
      {
        n: 'Standard_NV32as_v4',
        r: 'Standard_NV36ads_A10_v5',
        c: 32,
        m: 112,
        g: 1,
        gm: 'AMD Radeon Instinct MI25',
        gmem: 16,
        p: 1.36,
      },
    ],
  },
  // NCv3 (V100): ncv3-nc6s-nc12s-nc24s-retirement.md: retired 2025-09-30; successor NC A100 v4.
  {
    family: 'standardNCSv3Family',
    quota: 'NCv3',
    retirement: { date: '2025-09-30', status: 'retired' },
    replacement: 'Standard_NC24ads_A100_v4',
    rows: [
      {
        n: 'Standard_NC6s_v3',
        r: 'Standard_NC24ads_A100_v4',
        c: 6,
        m: 112,
        g: 1,
        gm: 'NVIDIA Tesla V100 16GB',
        gmem: 16,
      },
      {
        n: 'Standard_NC12s_v3',
        r: 'Standard_NC48ads_A100_v4',
        c: 12,
        m: 224,
        g: 2,
        gm: 'NVIDIA Tesla V100 16GB',
        gmem: 32,
      },
      {
        n: 'Standard_NC24s_v3',
        r: 'Standard_NC96ads_A100_v4',
        c: 24,
        m: 448,
        g: 4,
        gm: 'NVIDIA Tesla V100 16GB',
        gmem: 64,
      },
      {
        n: 'Standard_NC24rs_v3',
        r: 'Standard_NC96ads_A100_v4',
        c: 24,
        m: 448,
        g: 4,
        gm: 'NVIDIA Tesla V100 16GB',
        gmem: 64,
      },
    ],
  },
  // NC (K80) and NCv2 (P100): retired 2023-08-31 (azure-docs machine-learning/includes/retiring-vms.md: "retiring on
  // August 31, 2023"; the first notices, nc-series-retirement.md, had said 2022-08-31). ND (P40) and NV (M60):
  // retired 2023-09-06 per the previous-gen size pages (../shared/reference/azureml-api.md §12).
  {
    family: 'standardNCFamily',
    quota: 'NC',
    retirement: { date: '2023-08-31', status: 'retired' },
    replacement: 'Standard_NC4as_T4_v3',
    rows: [
      {
        n: 'Standard_NC6',
        r: 'Standard_NC8as_T4_v3',
        c: 6,
        m: 56,
        g: 1,
        gm: 'NVIDIA Tesla K80 (half board)',
        gmem: 12,
      },
      {
        n: 'Standard_NC12',
        r: 'Standard_NC16as_T4_v3',
        c: 12,
        m: 112,
        g: 2,
        gm: 'NVIDIA Tesla K80 (half board)',
        gmem: 24,
      },
      {
        n: 'Standard_NC24',
        r: 'Standard_NC64as_T4_v3',
        c: 24,
        m: 224,
        g: 4,
        gm: 'NVIDIA Tesla K80 (half board)',
        gmem: 48,
      },
      {
        n: 'Standard_NC24r',
        r: 'Standard_NC64as_T4_v3',
        c: 24,
        m: 224,
        g: 4,
        gm: 'NVIDIA Tesla K80 (half board)',
        gmem: 48,
      },
    ],
  },
  {
    family: 'standardNCSv2Family',
    quota: 'NCv2',
    retirement: { date: '2023-08-31', status: 'retired' },
    replacement: 'Standard_NC24ads_A100_v4',
    rows: [
      {
        n: 'Standard_NC6s_v2',
        r: 'Standard_NC24ads_A100_v4',
        c: 6,
        m: 112,
        g: 1,
        gm: 'NVIDIA Tesla P100 16GB',
        gmem: 16,
      },
      {
        n: 'Standard_NC12s_v2',
        r: 'Standard_NC48ads_A100_v4',
        c: 12,
        m: 224,
        g: 2,
        gm: 'NVIDIA Tesla P100 16GB',
        gmem: 32,
      },
      {
        n: 'Standard_NC24s_v2',
        r: 'Standard_NC96ads_A100_v4',
        c: 24,
        m: 448,
        g: 4,
        gm: 'NVIDIA Tesla P100 16GB',
        gmem: 64,
      },
      {
        n: 'Standard_NC24rs_v2',
        r: 'Standard_NC96ads_A100_v4',
        c: 24,
        m: 448,
        g: 4,
        gm: 'NVIDIA Tesla P100 16GB',
        gmem: 64,
      },
    ],
  },
  {
    family: 'standardNDSFamily',
    quota: 'NDS',
    retirement: { date: '2023-09-06', status: 'retired' },
    replacement: 'Standard_NC24ads_A100_v4',
    rows: [
      { n: 'Standard_ND6s', r: 'Standard_NC24ads_A100_v4', c: 6, m: 112, g: 1, gm: 'NVIDIA Tesla P40 24GB', gmem: 24 },
      {
        n: 'Standard_ND12s',
        r: 'Standard_NC48ads_A100_v4',
        c: 12,
        m: 224,
        g: 2,
        gm: 'NVIDIA Tesla P40 24GB',
        gmem: 48,
      },
      {
        n: 'Standard_ND24s',
        r: 'Standard_NC96ads_A100_v4',
        c: 24,
        m: 448,
        g: 4,
        gm: 'NVIDIA Tesla P40 24GB',
        gmem: 96,
      },
      {
        n: 'Standard_ND24rs',
        r: 'Standard_NC96ads_A100_v4',
        c: 24,
        m: 448,
        g: 4,
        gm: 'NVIDIA Tesla P40 24GB',
        gmem: 96,
      },
    ],
  },
  {
    family: 'standardNVFamily',
    quota: 'NV',
    retirement: { date: '2023-09-06', status: 'retired' },
    replacement: 'Standard_NV12ads_A10_v5',
    rows: [
      {
        n: 'Standard_NV6',
        r: 'Standard_NV12ads_A10_v5',
        c: 6,
        m: 56,
        g: 1,
        gm: 'NVIDIA Tesla M60 (half board)',
        gmem: 8,
      },
      {
        n: 'Standard_NV12',
        r: 'Standard_NV18ads_A10_v5',
        c: 12,
        m: 112,
        g: 2,
        gm: 'NVIDIA Tesla M60 (half board)',
        gmem: 16,
      },
      {
        n: 'Standard_NV24',
        r: 'Standard_NV36ads_A10_v5',
        c: 24,
        m: 224,
        g: 4,
        gm: 'NVIDIA Tesla M60 (half board)',
        gmem: 32,
      },
    ],
  },
];

/** General-purpose D sizes: `perVcpu` GiB per vCPU, price linear in vCPUs. */
function sizes4(pattern: string, counts: number[], perVcpu: number, pricePerVcpu: number): Row[] {
  return counts.map((c) => ({ n: pattern.replace('{n}', String(c)), c, m: c * perVcpu, p: round4(c * pricePerVcpu) }));
}

/** Memory-optimised E sizes: 8 GiB per vCPU, except the 64/96-vCPU sizes which are capped at `maxMem`. */
function esizes(pattern: string, counts: number[], maxMem: number, pricePerVcpu: number): Row[] {
  // E64(s)_v3 has 432 GiB and is priced below the linear rate (3.629 USD/h in PRICE_REGION).
  return counts.map((c) => ({
    n: pattern.replace('{n}', String(c)),
    c,
    m: Math.min(c * 8, c >= 64 ? maxMem : c * 8),
    p: c === 64 && maxMem === 432 ? 3.629 : round4(c * pricePerVcpu),
  }));
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function build(): VmSizeInfo[] {
  const out: VmSizeInfo[] = [];
  const zero = ZERO_QUOTA_BY_DEFAULT_FAMILIES as Set<string>;
  for (const s of SERIES) {
    const retired = s.retirement?.status === 'retired';
    for (const r of s.rows) {
      const gpus = r.g ?? 0;
      if (gpus > 0) zero.add(s.family);
      out.push(
        Object.freeze({
          name: r.n,
          vCpus: r.c,
          memoryGiB: r.m,
          gpus,
          ...(r.gm !== undefined ? { gpuModel: r.gm } : {}),
          ...(r.gmem !== undefined ? { gpuMemoryGiB: r.gmem } : {}),
          family: s.family,
          quotaFamily: quotaName(s),
          allowedFor: Object.freeze({
            instance: !retired && (s.instance ?? true),
            cluster: !retired && (s.cluster ?? true),
          }),
          ...(s.retirement ? { retirement: Object.freeze({ ...s.retirement }) } : {}),
          ...((r.r ?? s.replacement) ? { replacement: r.r ?? s.replacement } : {}),
          ...(r.p !== undefined && !retired ? { linuxPricePerHourUsd: r.p } : {}),
        }),
      );
    }
  }
  return out;
}

/** Every VM size amlcdk knows, CPU first, then current GPU lines, then previous/retired ones. */
export const VM_SIZES: readonly VmSizeInfo[] = Object.freeze(build());

const BY_KEY = new Map<string, VmSizeInfo>(VM_SIZES.map((v) => [sizeKey(v.name), v]));

/** Case- and underscore-insensitive key: `STANDARD_NC6`, `standard_nc6` and `Standard_NC6` are one size. */
function sizeKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]/g, '');
}

/**
 * Look a size up by name, ignoring case (`STANDARD_DS3_V2` finds `Standard_DS3_v2`). A missing `Standard_` prefix
 * is accepted too (`DS3_v2`).
 *
 * @example
 * findVmSize('standard_nc24ads_a100_v4')?.gpus // 1
 */
export function findVmSize(name: string): VmSizeInfo | undefined {
  if (typeof name !== 'string' || name.length === 0) return undefined;
  const key = sizeKey(name);
  return BY_KEY.get(key) ?? BY_KEY.get(`standard${key}`);
}

/**
 * Whether a size is retired on a date: retired sizes always, announced ones from their retirement date on.
 *
 * @param onDate a `Date` or ISO `yyyy-mm-dd` string.
 * @example
 * isRetired(findVmSize('Standard_NV12s_v3')!, '2026-10-01') // true
 */
export function isRetired(info: VmSizeInfo, onDate?: Date | string): boolean {
  if (!info.retirement) return false;
  if (info.retirement.status === 'retired') return true;
  const day =
    onDate === undefined
      ? todayUtc()
      : typeof onDate === 'string'
        ? onDate.slice(0, 10)
        : onDate.toISOString().slice(0, 10);
  return day >= info.retirement.date;
}

// Today's UTC date (yyyy-mm-dd), formatted once per day: validation asks for it for every compute.
let today = '';
let todayStart = 0;
let todayEnd = 0;

function todayUtc(): string {
  const now = Date.now();
  if (now < todayStart || now >= todayEnd) {
    today = new Date(now).toISOString().slice(0, 10);
    todayStart = Date.parse(`${today}T00:00:00.000Z`);
    todayEnd = todayStart + 86_400_000;
  }
  return today;
}

/** Whether the size has at least one (possibly partial) GPU. */
export function isGpuSize(info: VmSizeInfo): boolean {
  return info.gpus > 0;
}

/** Sizes that share a Compute family (useful for quota sums). */
export function sizesInFamily(family: string): VmSizeInfo[] {
  const f = family.toLowerCase();
  return VM_SIZES.filter((v) => v.family.toLowerCase() === f);
}

/** Up to `max` known size names closest to `name` (for "did you mean" hints). */
export function closestVmSizes(name: string, max = 3): string[] {
  const key = sizeKey(String(name));
  return VM_SIZES.map((v) => ({ n: v.name, d: editDistance(key, sizeKey(v.name)) }))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, max)
    .map((x) => x.n);
}

/** Levenshtein distance; small inputs only (names). */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
