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
import { jsonErrorLine } from '../../core/json.js';
import type { AzurePolicyInput, PolicyDefinition } from './evaluate.js';
import { ExpressionError, evaluateValue } from './expression.js';
import { text } from '../../core/text.js';

/** A policy set (initiative): member definitions with parameter values, possibly from the set's parameters. */
export interface PolicySetDefinition {
  readonly name: string;
  readonly displayName?: string;
  readonly parameters?: PolicyDefinition['parameters'];
  readonly members: readonly {
    readonly definitionId: string;
    readonly referenceId?: string;
    readonly parameters?: Readonly<Record<string, unknown>>;
  }[];
  readonly file: string;
}

function parseJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError('AzurePolicyUnreadable', `cannot read ${file}: ${(e as Error).message}`, {
      file,
      fix: 'check the --azure-policy path',
    });
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new InputError('AzurePolicyInvalidJson', `${file} is not valid JSON: ${(e as Error).message}`, {
      file,
      line: jsonErrorLine(text),
      fix: 'fix the JSON syntax of the policy definition',
    });
  }
}

/** Undo the ARM template `[[` escape in every string (`[[parameters('x')]` → `[parameters('x')]`). */
function unescapeTemplate(v: unknown): unknown {
  if (typeof v === 'string') return v.startsWith('[[') ? v.slice(1) : v;
  if (Array.isArray(v)) return v.map(unescapeTemplate);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescapeTemplate(x)]));
  return v;
}

function toDefinition(raw: unknown, file: string, index: number): PolicyDefinition {
  const o = (raw ?? {}) as Record<string, unknown>;
  const props = (o.properties && typeof o.properties === 'object' ? o.properties : o) as Record<string, unknown>;
  const rule = props.policyRule as PolicyDefinition['policyRule'] | undefined;
  if (
    !rule ||
    typeof rule !== 'object' ||
    !rule.if ||
    typeof rule.if !== 'object' ||
    !rule.then ||
    typeof rule.then !== 'object' ||
    rule.then.effect === undefined
  ) {
    throw new InputError(
      'AzurePolicyInvalid',
      `${file}${index ? ` (definition ${index + 1})` : ''} has no policyRule with "if" and "then.effect"`,
      { file, fix: 'use a policy definition JSON as exported by `az policy definition show`' },
    );
  }
  const name =
    typeof o.name === 'string' && !o.name.startsWith('[')
      ? o.name
      : basename(file).replace(/\.json$/i, '') + (index ? `#${index + 1}` : '');
  return {
    name,
    ...(typeof props.displayName === 'string' ? { displayName: props.displayName } : {}),
    ...(typeof props.mode === 'string' ? { mode: props.mode } : {}),
    ...(props.parameters && typeof props.parameters === 'object'
      ? { parameters: props.parameters as PolicyDefinition['parameters'] }
      : {}),
    policyRule: rule,
    file,
  };
}

function toSet(raw: Record<string, unknown>, file: string): PolicySetDefinition | undefined {
  const props = (raw.properties && typeof raw.properties === 'object' ? raw.properties : raw) as Record<
    string,
    unknown
  >;
  if (!Array.isArray(props.policyDefinitions)) return undefined;
  const members = (props.policyDefinitions as Record<string, unknown>[]).map((m, i) => {
    if (!m || typeof m.policyDefinitionId !== 'string') {
      throw new InputError('AzurePolicyInvalid', `${file}: policyDefinitions[${i}] has no policyDefinitionId`, {
        file,
        fix: 'give every member of the set a policyDefinitionId',
      });
    }
    return {
      definitionId: m.policyDefinitionId,
      ...(typeof m.policyDefinitionReferenceId === 'string' ? { referenceId: m.policyDefinitionReferenceId } : {}),
      ...(m.parameters && typeof m.parameters === 'object'
        ? { parameters: m.parameters as Record<string, unknown> }
        : {}),
    };
  });
  return {
    name: typeof raw.name === 'string' && !raw.name.startsWith('[') ? raw.name : basename(file).replace(/\.json$/i, ''),
    ...(typeof props.displayName === 'string' ? { displayName: props.displayName } : {}),
    ...(props.parameters && typeof props.parameters === 'object'
      ? { parameters: props.parameters as PolicyDefinition['parameters'] }
      : {}),
    members,
    file,
  };
}

interface Loaded {
  definitions: PolicyDefinition[];
  sets: PolicySetDefinition[];
}

function definitionsIn(doc: unknown, file: string, into: Loaded = { definitions: [], sets: [] }): Loaded {
  const one = (d: unknown, i: number): void => {
    const set = d && typeof d === 'object' ? toSet(d as Record<string, unknown>, file) : undefined;
    if (set) into.sets.push(set);
    else into.definitions.push(toDefinition(d, file, i));
  };
  if (Array.isArray(doc)) {
    doc.forEach(one);
    return into;
  }
  const o = doc as Record<string, unknown>;
  if (o && Array.isArray(o.resources) && typeof o.$schema === 'string' && /deploymentTemplate/i.test(o.$schema)) {
    const defs = (o.resources as Record<string, unknown>[]).filter((r) =>
      /^microsoft\.authorization\/policy(set)?definitions$/.test(String(r.type).toLowerCase()),
    );
    if (defs.length === 0)
      throw new InputError(
        'AzurePolicyInvalid',
        `${file} is an ARM template without Microsoft.Authorization/policyDefinitions resources`,
        { file, fix: 'pass the policy definition JSON itself' },
      );
    defs.forEach((d, i) => one(unescapeTemplate(d), i));
    return into;
  }
  one(doc, 0);
  return into;
}

/** Load definitions and policy sets from a JSON file, or from every `*.json` file of a directory. */
export function loadPolicyFiles(path: string): Loaded {
  if (!existsSync(path))
    throw new InputError('AzurePolicyNotFound', `no Azure Policy definition at ${path}`, {
      file: path,
      fix: 'pass a definition JSON file or a directory of them to --azure-policy',
    });
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.toLowerCase().endsWith('.json'))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (files.length === 0)
    throw new InputError('AzurePolicyNotFound', `no *.json policy definitions in ${path}`, {
      file: path,
      fix: 'put definition JSON files in the directory',
    });
  const into: Loaded = { definitions: [], sets: [] };
  for (const f of files) definitionsIn(parseJson(f), f, into);
  return into;
}

/** Load the (non-set) definitions from a JSON file or a directory. */
export function loadPolicyDefinitions(path: string): PolicyDefinition[] {
  return loadPolicyFiles(path).definitions;
}

function pick(params: Readonly<Record<string, unknown>> | undefined, name: string): unknown {
  if (!params) return undefined;
  const key = Object.keys(params).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return undefined;
  const v = params[key];
  return v && typeof v === 'object' && !Array.isArray(v) && 'value' in v ? v.value : v;
}

/**
 * Expand policy sets into one derived definition per member (`<set>/<referenceId>`), with the member's parameter
 * values resolved from the set's parameters. Definitions that belong to a set are evaluated through it only.
 */
function expandSets(
  loaded: Loaded,
  parameters: Record<string, Record<string, unknown>>,
): { definitions: PolicyDefinition[]; notes: NonNullable<AzurePolicyInput['notes']>[number][] } {
  if (loaded.sets.length === 0) return { definitions: loaded.definitions, notes: [] };
  const byName = new Map(loaded.definitions.map((d) => [d.name.toLowerCase(), d]));
  const referenced = new Set<string>();
  const derived: PolicyDefinition[] = [];
  const notes: NonNullable<AzurePolicyInput['notes']>[number][] = [];
  for (const set of loaded.sets) {
    const setValue = (p: string): unknown => {
      const declared = Object.keys(set.parameters ?? {}).find((k) => k.toLowerCase() === p.toLowerCase());
      if (!declared)
        throw new InputError(
          'AzurePolicyInvalid',
          `${set.file}: a member of policy set ${set.displayName ?? set.name} uses parameters('${p}'), which the set does not declare`,
          { file: set.file, fix: `declare "${p}" in the set's parameters` },
        );
      const given =
        pick(parameters[set.name], declared) ??
        (set.displayName ? pick(parameters[set.displayName], declared) : undefined);
      const value = given ?? set.parameters?.[declared]?.defaultValue;
      if (value === undefined)
        throw new InputError(
          'AzurePolicyParameterMissing',
          `parameter "${declared}" of policy set ${set.displayName ?? set.name} has no default and no value`,
          { file: set.file, fix: `pass --azure-policy-params with { "${set.name}": { "${declared}": ... } }` },
        );
      return value;
    };
    for (const m of set.members) {
      const defName = m.definitionId.split('/').pop()!.toLowerCase();
      const name = `${set.name}/${m.referenceId ?? defName}`;
      const def = byName.get(defName);
      if (!def) {
        notes.push({
          definition: name,
          displayName: `${set.displayName ?? set.name}: ${m.referenceId ?? defName}`,
          note: `member definition ${m.definitionId} is not among the loaded files`,
        });
        continue;
      }
      referenced.add(defName);
      const values: Record<string, unknown> = {};
      for (const [k, raw] of Object.entries(m.parameters ?? {})) {
        const v = raw && typeof raw === 'object' && !Array.isArray(raw) && 'value' in raw ? raw.value : raw;
        try {
          values[k] = evaluateValue(v, {
            parameter: setValue,
            field: () => {
              throw new ExpressionError('field() cannot be used in set parameters');
            },
            current: () => {
              throw new ExpressionError('current() cannot be used in set parameters');
            },
          });
        } catch (e) {
          if (e instanceof ExpressionError)
            throw new InputError(
              'AzurePolicyInvalid',
              `${set.file}: parameter "${k}" of member ${m.referenceId ?? defName}: ${e.message}`,
              { file: set.file, fix: "use a literal or [parameters('<set parameter>')]" },
            );
          throw e;
        }
      }
      derived.push({ ...def, name, displayName: `${set.displayName ?? set.name}: ${def.displayName ?? def.name}` });
      parameters[name] = { ...values, ...(parameters[name] ?? {}) };
    }
  }
  return {
    definitions: [...loaded.definitions.filter((d) => !referenced.has(d.name.toLowerCase())), ...derived],
    notes,
  };
}

/**
 * Load assignment parameters: `{ "<definition name or displayName or *>": { "<param>": value } }`, or an ARM
 * parameters file `{ "parameters": { "<param>": { "value": v } } }` that applies to every definition.
 */
export function loadPolicyParameters(file: string): NonNullable<AzurePolicyInput['parameters']> {
  const doc = parseJson(file);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new InputError('AzurePolicyParamsInvalid', `${file} must hold a JSON object`, {
      file,
      fix: 'write { "*": { "effect": "Deny" } } or { "<definition>": { ... } }',
    });
  const o = doc as Record<string, unknown>;
  if (
    o.parameters &&
    typeof o.parameters === 'object' &&
    (typeof o.$schema === 'string' ||
      Object.keys(o).every((k) => k === 'parameters' || k === 'contentVersion' || k === '$schema'))
  ) {
    return { '*': o.parameters as Record<string, unknown> };
  }
  for (const [k, v] of Object.entries(o)) {
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw new InputError('AzurePolicyParamsInvalid', `${file}: "${k}" must map parameter names to values`, {
        file,
        fix: `write "${k}": { "effect": "Deny" }`,
      });
  }
  return o as Record<string, Record<string, unknown>>;
}

/**
 * Parameters (lower-case) the offline evaluation reads: those named in `if`, `then.effect` and `then.details`
 * except the deployment template of deployIfNotExists (used only when Azure remediates). A data-plane definition is
 * never evaluated (it is reported as not evaluable), so it reads none.
 */
function evaluatedParameters(d: PolicyDefinition): Set<string> {
  const mode = (d.mode ?? 'Indexed').toLowerCase();
  if (mode !== 'all' && mode !== 'indexed') return new Set();
  const details = d.policyRule.then.details;
  const { deployment: _deployment, ...rest } =
    details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : {};
  const src = JSON.stringify([d.policyRule.if, d.policyRule.then.effect, rest]);
  return new Set([...src.matchAll(/parameters\(\s*'([^']+)'\s*\)/gi)].map((m) => m[1].toLowerCase()));
}

/** Load definitions and (optionally) parameters, and check that every parameter the evaluation reads has a value. */
export function loadAzurePolicyInput(path: string, paramsFile?: string): AzurePolicyInput {
  const parameters: Record<string, Record<string, unknown>> = {
    ...(paramsFile ? loadPolicyParameters(paramsFile) : {}),
  };
  const { definitions, notes } = expandSets(loadPolicyFiles(path), parameters);
  for (const d of definitions) {
    const used = evaluatedParameters(d);
    for (const [p, spec] of Object.entries(d.parameters ?? {})) {
      const given = [parameters['*'], parameters[d.name], d.displayName ? parameters[d.displayName] : undefined].some(
        (g) => g && Object.keys(g).some((k) => k.toLowerCase() === p.toLowerCase()),
      );
      if (!given && spec.defaultValue === undefined && used.has(p.toLowerCase())) {
        throw new InputError(
          'AzurePolicyParameterMissing',
          `parameter "${p}" of definition ${d.displayName ?? d.name} has no default and no value`,
          { file: d.file, fix: `pass --azure-policy-params with { "${d.name}": { "${p}": ... } }` },
        );
      }
      const allowed = spec.allowedValues;
      const value = [parameters[d.name], d.displayName ? parameters[d.displayName] : undefined]
        .map((g) => g && Object.entries(g).find(([k]) => k.toLowerCase() === p.toLowerCase())?.[1])
        .find((x) => x !== undefined);
      const v = value && typeof value === 'object' && !Array.isArray(value) && 'value' in value ? value.value : value;
      if (
        v !== undefined &&
        Array.isArray(allowed) &&
        !Array.isArray(v) &&
        !allowed.some((a) => text(a).toLowerCase() === text(v).toLowerCase())
      ) {
        throw new InputError(
          'AzurePolicyParameterNotAllowed',
          `parameter "${p}" of definition ${d.displayName ?? d.name} is ${JSON.stringify(v)}; allowed: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
          { file: d.name.includes('/') ? d.file : paramsFile, fix: `use one of the allowed values for ${p}` },
        );
      }
    }
  }
  return { definitions, parameters, ...(notes.length ? { notes } : {}) };
}
