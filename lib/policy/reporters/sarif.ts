/**
 * SARIF 2.1.0 for GitHub code scanning: rule metadata in `tool.driver.rules`, the TypeScript file and line of
 * the construct's `new` as physical location, the construct path as logical location, stable
 * `partialFingerprints` (rule + construct path + property path), suppressed findings with `suppressions[]`.
 */
import type { CheckReport, Finding, RuleMeta, Severity } from '../types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

export interface SarifOptions {
  /** Tool version. @default the package version */
  readonly version?: string;
  /** `automationDetails.id` category, e.g. `amlcdk/prod/`. @default `amlcdk/<profile>/` */
  readonly category?: string;
  /**
   * File (relative to the repository root) to point at when a finding has no source line, e.g. the manifest file;
   * GitHub code scanning drops results without a physical location.
   * @default - such results carry only the logical location
   */
  readonly fallbackUri?: string;
}

function anchorsText(r: RuleMeta): string {
  const a = r.anchors;
  const parts = [
    a.checkov?.length ? `Checkov: ${a.checkov.join(', ')}` : '',
    a.psrule?.length ? `PSRule: ${a.psrule.join(', ')}` : '',
    a.azurePolicy?.length ? `Azure Policy: ${a.azurePolicy.join(', ')}` : '',
    a.other?.length ? `Also: ${a.other.join('; ')}` : '',
  ].filter(Boolean);
  return parts.join('\n');
}

function ruleDescriptor(r: RuleMeta): Record<string, unknown> {
  const tags = [
    r.pack,
    ...(r.pack === 'security' || r.pack === 'network' || r.pack === 'identity' ? ['security'] : []),
  ];
  const anchors = anchorsText(r);
  return {
    id: r.id,
    name: r.name,
    shortDescription: { text: r.title },
    fullDescription: { text: r.rationale },
    help: {
      text: `${r.rationale}\nApplies to: ${r.scope}${r.defaults ? `\nDefaults: ${r.defaults}` : ''}${anchors ? `\n${anchors}` : ''}`,
      markdown: `**${r.title}**\n\n${r.rationale}\n\n*Applies to:* ${r.scope}${r.defaults ? `\n\n*Defaults:* ${r.defaults}` : ''}${
        anchors
          ? `\n\n${anchors
              .split('\n')
              .map((l) => `- ${l}`)
              .join('\n')}`
          : ''
      }\n\nSee ${r.docs}.`,
    },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: {
      tags: [...new Set(tags)],
      'security-severity': SECURITY_SEVERITY[r.severity],
      precision: 'very-high',
      pack: r.pack,
    },
  };
}

function result(f: Finding, ruleIndex: number, fallbackUri?: string): Record<string, unknown> {
  const location: Record<string, unknown> = {
    logicalLocations: [
      { fullyQualifiedName: `${f.stack}/${f.logicalId}`.replace(/^([^/]+)\/\1(\/|$)/, '$1$2'), kind: 'resource' },
    ],
  };
  if (f.source) {
    location.physicalLocation = {
      artifactLocation: { uri: f.source.file, uriBaseId: '%SRCROOT%' },
      region: { startLine: f.source.line, ...(f.source.column ? { startColumn: f.source.column } : {}) },
    };
  } else if (fallbackUri) {
    location.physicalLocation = {
      artifactLocation: { uri: fallbackUri, uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    };
  }
  const valueText =
    f.value !== undefined
      ? ` [${f.path} = ${typeof f.value === 'string' ? f.value : JSON.stringify(f.value)} (${f.provenance ?? 'set'})]`
      : '';
  return {
    ruleId: f.ruleId,
    ruleIndex,
    // Not judged (a value known only at deploy time): for review, never a failure.
    ...(f.undetermined ? { kind: 'review', level: 'none' } : { level: LEVEL[f.severity] }),
    message: { text: `${f.message}.${valueText} Fix: ${f.fix}` },
    locations: [location],
    partialFingerprints: { 'amlcdk/v1': f.fingerprint },
    properties: {
      severity: f.severity,
      constructPath: f.logicalId,
      stack: f.stack,
      resourceType: f.resourceType,
      propertyPath: f.path,
      ...(f.provenance ? { provenance: f.provenance } : {}),
      ...(f.undetermined ? { undetermined: true } : {}),
    },
    ...(f.suppressed
      ? { suppressions: [{ kind: 'inSource', status: 'accepted', justification: f.suppressed.reason }] }
      : {}),
  };
}

/** Render the report as a SARIF 2.1.0 log (one run for the rules, one for Azure Policy results). */
export function renderSarif(report: CheckReport, options: SarifOptions = {}): string {
  const version = options.version ?? '0.1.0';
  const index = new Map(report.rules.map((r, i) => [r.id, i]));
  const runs: Record<string, unknown>[] = [
    {
      tool: {
        driver: {
          name: 'amlcdk',
          semanticVersion: version,
          version,
          informationUri: 'https://www.npmjs.com/package/amlcdk',
          rules: report.rules.map(ruleDescriptor),
        },
      },
      automationDetails: { id: options.category ?? `amlcdk/${report.profile}/` },
      columnKind: 'utf16CodeUnits',
      results: report.findings.map((f) => result(f, index.get(f.ruleId) ?? -1, options.fallbackUri)),
      properties: { profile: report.profile, failOn: report.failOn, packs: report.packs },
    },
  ];
  if (report.azurePolicy && report.azurePolicy.length) {
    const defs = [...new Set(report.azurePolicy.map((a) => a.definition))];
    const di = new Map(defs.map((d, i) => [d, i]));
    runs.push({
      tool: {
        driver: {
          name: 'amlcdk-azure-policy',
          semanticVersion: version,
          version,
          informationUri: 'https://learn.microsoft.com/azure/governance/policy/',
          rules: defs.map((d) => {
            const a = report.azurePolicy!.find((x) => x.definition === d)!;
            return { id: d, shortDescription: { text: a.displayName ?? d } };
          }),
        },
      },
      automationDetails: { id: `amlcdk-azure-policy/${report.profile}/` },
      results: report.azurePolicy.map((a) => ({
        ruleId: a.definition,
        ruleIndex: di.get(a.definition),
        level:
          a.outcome === 'Deny'
            ? 'error'
            : a.outcome === 'NotEvaluable' || a.outcome === 'Disabled'
              ? 'note'
              : 'warning',
        kind: a.outcome === 'NotEvaluable' ? 'review' : 'fail',
        message: {
          text: `Azure Policy "${a.displayName ?? a.definition}" would ${a.outcome === 'Deny' ? 'deny' : a.outcome === 'NotEvaluable' ? 'need a manual review of' : `apply ${a.outcome} to`} ${a.logicalId}${a.note ? ` (${a.note})` : ''}`,
        },
        locations: [
          {
            logicalLocations: [{ fullyQualifiedName: a.logicalId, kind: 'resource' }],
            ...(a.source
              ? {
                  physicalLocation: {
                    artifactLocation: { uri: a.source.file, uriBaseId: '%SRCROOT%' },
                    region: { startLine: a.source.line },
                  },
                }
              : {}),
          },
        ],
        properties: { outcome: a.outcome },
      })),
    });
  }
  return JSON.stringify({ $schema: SARIF_SCHEMA, version: '2.1.0', runs }, null, 2) + '\n';
}
