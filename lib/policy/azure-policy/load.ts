/**
 * Loading Azure Policy definitions (`--azure-policy <file|dir>`) and assignment parameters
 * (`--azure-policy-params <file>`).
 *
 * Accepted definition files: a definition as exported by Azure (`{ name, properties: { policyRule, ... } }`),
 * a bare `{ policyRule, parameters?, mode? }`, an array of those, or an ARM template whose resources include
 * `Microsoft.Authorization/policyDefinitions` (Azure Landing Zones style; `[[` escapes are undone).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { jsonErrorLine } from '../json-position.js';
import type { AzurePolicyInput, PolicyDefinition } from './evaluate.js';

function parseJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError('AzurePolicyUnreadable', `cannot read ${file}: ${(e as Error).message}`, { file, fix: 'check the --azure-policy path' });
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new InputError('AzurePolicyInvalidJson', `${file} is not valid JSON: ${(e as Error).message}`, { file, line: jsonErrorLine(text), fix: 'fix the JSON syntax of the policy definition' });
  }
}

/** Undo the ARM template `[[` escape in every string (`[[parameters('x')]` → `[parameters('x')]`). */
function unescapeTemplate(v: unknown): unknown {
  if (typeof v === 'string') return v.startsWith('[[') ? v.slice(1) : v;
  if (Array.isArray(v)) return v.map(unescapeTemplate);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescapeTemplate(x)]));
  return v;
}

function toDefinition(raw: unknown, file: string, index: number): PolicyDefinition {
  const o = (raw ?? {}) as Record<string, unknown>;
  const props = (o.properties && typeof o.properties === 'object' ? o.properties : o) as Record<string, unknown>;
  const rule = props.policyRule as PolicyDefinition['policyRule'] | undefined;
  if (!rule || typeof rule !== 'object' || !rule.if || typeof rule.if !== 'object' || !rule.then || typeof rule.then !== 'object' || rule.then.effect === undefined) {
    throw new InputError('AzurePolicyInvalid', `${file}${index ? ` (definition ${index + 1})` : ''} has no policyRule with "if" and "then.effect"`, { file, fix: 'use a policy definition JSON as exported by `az policy definition show`' });
  }
  const name = typeof o.name === 'string' && !o.name.startsWith('[') ? o.name : basename(file).replace(/\.json$/i, '') + (index ? `#${index + 1}` : '');
  return {
    name,
    ...(typeof props.displayName === 'string' ? { displayName: props.displayName } : {}),
    ...(typeof props.mode === 'string' ? { mode: props.mode } : {}),
    ...(props.parameters && typeof props.parameters === 'object' ? { parameters: props.parameters as PolicyDefinition['parameters'] } : {}),
    policyRule: rule,
    file,
  };
}

function definitionsIn(doc: unknown, file: string): PolicyDefinition[] {
  if (Array.isArray(doc)) return doc.map((d, i) => toDefinition(d, file, i));
  const o = doc as Record<string, unknown>;
  if (o && Array.isArray(o.resources) && typeof o.$schema === 'string' && /deploymentTemplate/i.test(o.$schema)) {
    const defs = (o.resources as Record<string, unknown>[]).filter((r) => String(r.type).toLowerCase() === 'microsoft.authorization/policydefinitions');
    if (defs.length === 0) throw new InputError('AzurePolicyInvalid', `${file} is an ARM template without Microsoft.Authorization/policyDefinitions resources`, { file, fix: 'pass the policy definition JSON itself' });
    return defs.map((d, i) => toDefinition(unescapeTemplate(d), file, i));
  }
  return [toDefinition(doc, file, 0)];
}

/** Load definitions from a JSON file, or from every `*.json` file of a directory. */
export function loadPolicyDefinitions(path: string): PolicyDefinition[] {
  if (!existsSync(path)) throw new InputError('AzurePolicyNotFound', `no Azure Policy definition at ${path}`, { file: path, fix: 'pass a definition JSON file or a directory of them to --azure-policy' });
  const files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => f.toLowerCase().endsWith('.json')).sort().map((f) => join(path, f)) : [path];
  if (files.length === 0) throw new InputError('AzurePolicyNotFound', `no *.json policy definitions in ${path}`, { file: path, fix: 'put definition JSON files in the directory' });
  return files.flatMap((f) => definitionsIn(parseJson(f), f));
}

/**
 * Load assignment parameters: `{ "<definition name or displayName or *>": { "<param>": value } }`, or an ARM
 * parameters file `{ "parameters": { "<param>": { "value": v } } }` that applies to every definition.
 */
export function loadPolicyParameters(file: string): NonNullable<AzurePolicyInput['parameters']> {
  const doc = parseJson(file);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError('AzurePolicyParamsInvalid', `${file} must hold a JSON object`, { file, fix: 'write { "*": { "effect": "Deny" } } or { "<definition>": { ... } }' });
  const o = doc as Record<string, unknown>;
  if (o.parameters && typeof o.parameters === 'object' && (typeof o.$schema === 'string' || Object.keys(o).every((k) => k === 'parameters' || k === 'contentVersion' || k === '$schema'))) {
    return { '*': o.parameters as Record<string, unknown> };
  }
  for (const [k, v] of Object.entries(o)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InputError('AzurePolicyParamsInvalid', `${file}: "${k}" must map parameter names to values`, { file, fix: `write "${k}": { "effect": "Deny" }` });
  }
  return o as Record<string, Record<string, unknown>>;
}

/** Load definitions and (optionally) parameters, and check that every parameter without a default has a value. */
export function loadAzurePolicyInput(path: string, paramsFile?: string): AzurePolicyInput {
  const definitions = loadPolicyDefinitions(path);
  const parameters = paramsFile ? loadPolicyParameters(paramsFile) : {};
  for (const d of definitions) {
    for (const [p, spec] of Object.entries(d.parameters ?? {})) {
      const given = [parameters['*'], parameters[d.name], d.displayName ? parameters[d.displayName] : undefined].some((g) => g && Object.keys(g).some((k) => k.toLowerCase() === p.toLowerCase()));
      if (!given && spec.defaultValue === undefined) {
        throw new InputError('AzurePolicyParameterMissing', `parameter "${p}" of definition ${d.displayName ?? d.name} has no default and no value`, { file: d.file, fix: `pass --azure-policy-params with { "${d.name}": { "${p}": ... } }` });
      }
      const allowed = spec.allowedValues;
      const value = [parameters[d.name], d.displayName ? parameters[d.displayName] : undefined].map((g) => g && Object.entries(g).find(([k]) => k.toLowerCase() === p.toLowerCase())?.[1]).find((x) => x !== undefined);
      const v = value && typeof value === 'object' && !Array.isArray(value) && 'value' in value ? (value as { value: unknown }).value : value;
      if (v !== undefined && Array.isArray(allowed) && !Array.isArray(v) && !allowed.some((a) => String(a).toLowerCase() === String(v).toLowerCase())) {
        throw new InputError('AzurePolicyParameterNotAllowed', `parameter "${p}" of definition ${d.displayName ?? d.name} is ${JSON.stringify(v)}; allowed: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, { file: paramsFile, fix: `use one of the allowed values for ${p}` });
      }
    }
  }
  return { definitions, parameters };
}
