/**
 * `amlcdk check --arm-template <file>`: an ARM template (hand-written or compiled from Bicep) read as a manifest, so
 * that the same rules review it.
 *
 * - Parameters take their value from `--arm-parameters` (an ARM parameters file), else their `defaultValue`
 *   (evaluated), else they are unknown. `subscription()` and `resourceGroup()` members come from the scope options,
 *   else they are unknown.
 * - Expressions are evaluated offline (expression.ts); what only exists at deployment becomes an unknown value in the
 *   body (`{ "unknown": { expression, reason } }`, lib/manifest/unknown.ts), which rules never judge.
 * - Resources: the `resources` array or the symbolic-name object of `languageVersion` 2.0 (Bicep), child resources
 *   nested in `resources`, `copy` loops, `condition`, `existing` references (skipped), extension resources (`scope`, or
 *   the `<type>/providers/<extension>` form), and nested deployments (`Microsoft.Resources/deployments` with an inline
 *   `template`, inner or outer expression scope, as Bicep modules compile), whose outputs `reference()` can read.
 * - Every resource carries the template line it was declared at; `lineOf` gives the line of a body path.
 *
 * ARM template structure: learn.microsoft.com/azure/azure-resource-manager/templates/syntax (resources, copy,
 * condition, scope), .../templates/linked-templates (nested templates, expressionEvaluationOptions),
 * .../bicep/... `languageVersion` 2.0 (symbolic names).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../../core/errors.js';
import { JsonLines } from '../../core/json-lines.js';
import { parseJsonText } from '../../core/json.js';
import { text } from '../../core/text.js';
import { contentHash } from '../../manifest/canonical.js';
import { MANIFEST_SCHEMA_VERSION, type Manifest, type ManifestResource } from '../../manifest/types.js';
import { UNKNOWN_CLOSE, UNKNOWN_OPEN, type UnknownValue } from '../../manifest/unknown.js';
import { ExpressionError, Unknown, evaluateTemplateValue, type TemplateEnv, type TemplateValue } from './expression.js';

/** What `subscription()` / `resourceGroup()` return, when known (`--subscription-id`, `--resource-group`, ...). */
export interface TemplateScope {
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  readonly location?: string;
  readonly tenantId?: string;
}

export interface ReadTemplateOptions {
  /** Parameter values (an ARM parameters file's `parameters`, `{ name: { value } }`, or plain `{ name: value }`). */
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly scope?: TemplateScope;
  /** The file as reports should name it (relative to the working directory). @default the file's base name */
  readonly displayFile?: string;
}

/** A resource the reader could not place for sure, and why (reports mark its findings "not judged"). */
export interface UncertainResource {
  readonly logicalId: string;
  readonly why: string;
}

export interface ReadTemplateResult {
  readonly manifest: Manifest;
  /** 1-based line of a body path (dotted) of a resource, else of the resource itself. */
  lineOf(logicalId: string, path: string): number | undefined;
  /** Resources deployed only under a condition or loop count known at deploy time. */
  readonly uncertain: readonly UncertainResource[];
  /** What was not reviewed (linked templates, ...), with the line. */
  readonly notes: readonly { readonly line?: number; readonly message: string }[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;

/** Unknowns become manifest markers; everything else is copied. */
function toManifestValue(v: TemplateValue): unknown {
  // A secure parameter is a secret ARM passes at deployment: the manifest refers to it, it never holds the value.
  if (isUnknown(v) && v.secretParameter) return { secretRef: `armParameter:${v.secretParameter}` };
  if (isUnknown(v) && v.isResourceId) return v.text;
  if (isUnknown(v)) return { unknown: { expression: v.expression, reason: v.reason } } satisfies UnknownValue;
  if (Array.isArray(v)) return v.map(toManifestValue);
  if (v && typeof v === 'object') {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toManifestValue(x);
    return out;
  }
  return v;
}

/** A string for names and ids: an unknown keeps its ⟨symbolic⟩ text. */
function asText(v: TemplateValue): string {
  return isUnknown(v) ? v.text : text(v);
}

/** Members of the resource declaration that are not part of the ARM PUT body. */
const DECLARATION_KEYS = new Set([
  'type',
  'apiversion',
  'name',
  'dependson',
  'condition',
  'copy',
  'comments',
  'resources',
  'scope',
  'existing',
  'import',
  'metadata',
  'subscriptionid',
  'resourcegroup',
]);

interface Frame {
  readonly template: Json;
  /** Path of the template inside the file (for lines). */
  readonly at: (string | number)[];
  readonly params: Map<string, () => TemplateValue>;
  readonly scope: { subscriptionId: TemplateValue; resourceGroup: TemplateValue; location: TemplateValue };
  readonly tenantId: TemplateValue;
  /** Nested deployments declared in this template, by evaluated name (lower case) → their outputs. */
  readonly deployments: Map<string, () => TemplateValue>;
}

class Reader {
  private readonly resources: (ManifestResource & { readonly at: (string | number)[] })[] = [];
  public readonly uncertain: UncertainResource[] = [];
  public readonly notes: { line?: number; message: string }[] = [];
  private readonly usedIds = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly lines: JsonLines,
    private readonly stack: string,
  ) {}

  /** Evaluate in a frame; expression syntax errors are input errors with the line. */
  private value(
    frame: Frame,
    v: TemplateValue,
    at: (string | number)[],
    copy?: Map<string, number | Unknown>,
  ): TemplateValue {
    const env = this.env(frame, copy);
    try {
      return evaluateTemplateValue(v, env);
    } catch (e) {
      if (e instanceof ExpressionError)
        throw new InputError('ArmTemplateInvalidExpression', `${this.file}: ${e.message}`, {
          file: this.file,
          line: this.lines.lineOf(at),
          fix: 'fix the template expression (it must deploy with ARM too)',
        });
      throw e;
    }
  }

  private env(frame: Frame, copy?: Map<string, number | Unknown>): TemplateEnv {
    const variables = obj(frame.template.variables);
    const cache = new Map<string, TemplateValue>();
    const resolving = new Set<string>();
    const env: TemplateEnv = {
      parameter: (name) => {
        const key = [...frame.params.keys()].find((k) => k.toLowerCase() === name.toLowerCase());
        if (key === undefined)
          throw new ExpressionError(`parameters('${name}') is not declared in the template's parameters`);
        return frame.params.get(key)!();
      },
      variable: (name) => {
        const key = Object.keys(variables).find((k) => k.toLowerCase() === name.toLowerCase());
        if (key === undefined)
          throw new ExpressionError(`variables('${name}') is not declared in the template's variables`);
        if (cache.has(key)) return cache.get(key);
        if (resolving.has(key)) throw new ExpressionError(`variables('${name}') refers to itself`);
        resolving.add(key);
        const v = evaluateTemplateValue(variables[key], env);
        resolving.delete(key);
        cache.set(key, v);
        return v;
      },
      scope: (kind) => {
        const s = frame.scope;
        if (kind === 'subscription')
          return {
            subscriptionId: s.subscriptionId,
            id: isUnknown(s.subscriptionId)
              ? new Unknown('[subscription().id]', s.subscriptionId.reason)
              : `/subscriptions/${text(s.subscriptionId)}`,
            tenantId: frame.tenantId,
            displayName: new Unknown('[subscription().displayName]', 'the subscription is named in Azure'),
          };
        if (kind === 'resourceGroup')
          return {
            name: s.resourceGroup,
            location: s.location,
            id:
              isUnknown(s.subscriptionId) || isUnknown(s.resourceGroup)
                ? new Unknown('[resourceGroup().id]', 'the resource group is known at deployment')
                : `/subscriptions/${text(s.subscriptionId)}/resourceGroups/${text(s.resourceGroup)}`,
            properties: new Unknown('[resourceGroup().properties]', 'resource group properties are read at deployment'),
          };
        return { tenantId: frame.tenantId };
      },
      copyIndex: (loop) => {
        if (!copy || copy.size === 0) throw new ExpressionError('copyIndex() is used outside a copy loop');
        const v = loop ? copy.get(loop.toLowerCase()) : [...copy.values()].pop();
        if (v === undefined)
          return new Unknown(`[copyIndex('${loop ?? ''}')]`, 'the loop count is known only at deployment');
        return v;
      },
      reference: (target, src) => {
        // The outputs of a nested deployment of this template are known when its own expressions are.
        const id = isUnknown(target) ? target.text : typeof target === 'string' ? target : undefined;
        if (id !== undefined) {
          const m = /\/providers\/Microsoft\.Resources\/deployments\/([^/]+)$/i.exec(id) ?? /^([^/]+)$/.exec(id);
          const outputs = m ? frame.deployments.get(m[1].toLowerCase()) : undefined;
          if (outputs) return { outputs: outputs() };
        }
        return new Unknown(src, 'reference() reads deployed state');
      },
    };
    return env;
  }

  /** Read one template (the file, or a nested deployment's inline template). */
  public readTemplate(frame: Frame): TemplateValue {
    const t = frame.template;
    // Declared nested deployments first, so that reference() can read their outputs in any order.
    const list = this.declarations(t.resources, [...frame.at, 'resources']);
    for (const d of list) {
      if (String(d.decl.type).toLowerCase() !== 'microsoft.resources/deployments') continue;
      // Keyed by the name as it reads (unknown parts ⟨symbolic⟩), as reference() will look it up.
      const name = asText(this.value(frame, d.decl.name, [...d.at, 'name']));
      frame.deployments.set(
        name.toLowerCase(),
        lazy(() => this.nestedOutputs(frame, d.decl, d.at)),
      );
    }
    for (const d of list) this.resource(frame, d.decl, d.at, undefined, undefined);
    const outputs: Json = {};
    for (const [k, o] of Object.entries(obj(t.outputs)))
      outputs[k] = { value: this.value(frame, obj(o).value, [...frame.at, 'outputs', k]) };
    return outputs;
  }

  private declarations(resources: unknown, at: (string | number)[]): { decl: Json; at: (string | number)[] }[] {
    if (Array.isArray(resources)) return resources.map((r, i) => ({ decl: obj(r), at: [...at, i] }));
    // languageVersion 2.0: { symbolicName: resource }
    if (resources && typeof resources === 'object')
      return Object.entries(resources as Json).map(([k, r]) => ({ decl: obj(r), at: [...at, k] }));
    return [];
  }

  private nestedFrame(
    outer: Frame,
    decl: Json,
    at: (string | number)[],
    copy?: Map<string, number | Unknown>,
  ): Frame | undefined {
    const props = obj(decl.properties);
    const template = props.template;
    if (!template || typeof template !== 'object') return undefined;
    const inner = text(obj(props.expressionEvaluationOptions).scope).toLowerCase() === 'inner';
    const tAt = [...at, 'properties', 'template'];
    const given = obj(props.parameters);
    const params = new Map<string, () => TemplateValue>();
    const frame: Frame = {
      template: obj(template),
      at: tAt,
      params,
      scope: { ...outer.scope },
      tenantId: outer.tenantId,
      deployments: new Map(),
    };
    if (decl.resourceGroup !== undefined)
      frame.scope.resourceGroup = this.value(outer, decl.resourceGroup, [...at, 'resourceGroup'], copy);
    if (decl.subscriptionId !== undefined)
      frame.scope.subscriptionId = this.value(outer, decl.subscriptionId, [...at, 'subscriptionId'], copy);
    if (!inner) {
      // Outer scope: the nested template's expressions see the outer parameters and variables.
      return {
        ...frame,
        params: outer.params,
        template: { ...obj(template), variables: obj(outer.template.variables) },
      };
    }
    for (const [name, spec] of Object.entries(obj(obj(template).parameters))) {
      const key = Object.keys(given).find((k) => k.toLowerCase() === name.toLowerCase());
      params.set(
        name,
        lazy(() => {
          if (isSecure(obj(spec))) return secureParameter(name);
          if (key !== undefined) {
            const g = obj(given[key]);
            if ('value' in g)
              return this.value(outer, g.value, [...at, 'properties', 'parameters', key, 'value'], copy);
            return new Unknown(
              `[parameters('${name}')]`,
              `parameter '${name}' of the nested deployment comes from a Key Vault reference`,
            );
          }
          return this.parameterDefault(frame, name, obj(spec), [...tAt, 'parameters', name]);
        }),
      );
    }
    return frame;
  }

  private nestedOutputs(outer: Frame, decl: Json, at: (string | number)[]): TemplateValue {
    const frame = this.nestedFrame(outer, decl, at);
    if (!frame) return new Unknown('[reference(deployment).outputs]', 'the nested deployment uses a linked template');
    const out: Json = {};
    for (const [k, o] of Object.entries(obj(frame.template.outputs)))
      out[k] = { value: this.value(frame, obj(o).value, [...frame.at, 'outputs', k]) };
    return out;
  }

  public parameterDefault(frame: Frame, name: string, spec: Json, at: (string | number)[]): TemplateValue {
    // A literal default of a secure parameter is a secret written in the template: kept, so AML-DATA-001 sees it.
    if ('defaultValue' in spec) return this.value(frame, spec.defaultValue, [...at, 'defaultValue']);
    if (isSecure(spec)) return secureParameter(name);
    return new Unknown(`[parameters('${name}')]`, `parameter '${name}' has no value and no defaultValue`);
  }

  private resource(
    frame: Frame,
    decl: Json,
    at: (string | number)[],
    parent: { type: string; name: string; id: string } | undefined,
    copy: Map<string, number | Unknown> | undefined,
    uncertainWhy?: string,
  ): void {
    if (decl.existing === true) return;
    // copy loops: one resource per index when the count is known.
    if (decl.copy && copy?.has(text(obj(decl.copy).name).toLowerCase()) !== true) {
      const c = obj(decl.copy);
      const loop = text(c.name).toLowerCase();
      const count = this.value(frame, c.count, [...at, 'copy', 'count'], copy);
      if (isUnknown(count) || typeof count !== 'number') {
        const next = new Map([
          ...(copy ?? []),
          [loop, new Unknown(`[copyIndex('${loop}')]`, 'the loop count is known only at deployment')],
        ]);
        this.resource(frame, decl, at, parent, next, `its copy count ${text(c.count)} is known only at deployment`);
        return;
      }
      for (let i = 0; i < count; i++)
        this.resource(frame, decl, at, parent, new Map([...(copy ?? []), [loop, i]]), uncertainWhy);
      return;
    }
    let why = uncertainWhy;
    if (decl.condition !== undefined) {
      const cond = this.value(frame, decl.condition, [...at, 'condition'], copy);
      if (isUnknown(cond)) why ??= `it is deployed only if ${text(decl.condition)}, known at deployment`;
      else if (!(cond === true || text(cond).toLowerCase() === 'true')) return;
    }
    const rawType = String(this.value(frame, decl.type, [...at, 'type'], copy));
    const rawName = asText(this.value(frame, decl.name, [...at, 'name'], copy));
    const apiVersion = asText(this.value(frame, decl.apiVersion ?? '', [...at, 'apiVersion'], copy));

    if (rawType.toLowerCase() === 'microsoft.resources/deployments') {
      const nested = this.nestedFrame(frame, decl, at, copy);
      if (!nested) {
        const link = obj(obj(decl.properties).templateLink);
        this.notes.push({
          line: this.lines.lineOf(at),
          message: `nested deployment ${rawName} links a template (${text(link.uri ?? link.id ?? 'no uri')}) that was not reviewed; review it with its own --arm-template`,
        });
        return;
      }
      this.readTemplate(nested);
      return;
    }

    const placed = this.place(frame, decl, at, rawType, rawName, parent, copy);
    const body: Json = {};
    for (const [k, v] of Object.entries(decl)) {
      if (DECLARATION_KEYS.has(k.toLowerCase())) continue;
      const ev = this.value(frame, v, [...at, k], copy);
      if (ev !== undefined) body[k] = toManifestValue(ev);
    }
    if (placed.scopeId !== undefined) body.scope = placed.scopeId;
    const logicalId = this.logicalId(placed.type, placed.fullName);
    this.resources.push({
      logicalId,
      type: placed.type,
      apiVersion: apiVersion || '0000-00-00',
      id: placed.id,
      name: placed.fullName.split('/').pop() || placed.fullName,
      body,
      dependsOn: [],
      options: { protect: false, deletePolicy: 'Delete' },
      source: { file: this.file, line: this.lines.lineOf(at) ?? 1 },
      at,
    });
    if (why) this.uncertain.push({ logicalId, why });
    for (const child of this.declarations(decl.resources, [...at, 'resources']))
      this.resource(
        frame,
        child.decl,
        child.at,
        { type: placed.type, name: placed.fullName, id: placed.id },
        copy,
        why,
      );
  }

  /** Type, full name and id of a declaration (child, extension and top-level forms). */
  private place(
    frame: Frame,
    decl: Json,
    at: (string | number)[],
    rawType: string,
    rawName: string,
    parent: { type: string; name: string; id: string } | undefined,
    copy: Map<string, number | Unknown> | undefined,
  ): { type: string; fullName: string; id: string; scopeId?: string } {
    let type = rawType;
    let name = rawName;
    if (parent && !/^[A-Za-z0-9]+\.[A-Za-z0-9.]+\//.test(type)) type = `${parent.type}/${type}`;
    if (parent && name.split('/').length < type.split('/').length - 1) name = `${parent.name}/${name}`;
    const s = frame.scope;
    const rgScope = `/subscriptions/${asText(s.subscriptionId)}/resourceGroups/${asText(s.resourceGroup)}`;
    // `<type>/providers/<namespace>/<extension type>` with `name` `<name>/<namespace>/<extension name>`.
    const ext = /^(.+?)\/providers\/([^/]+\/[^/]+)$/i.exec(type);
    if (ext) {
      const segs = name.split('/');
      const baseTypes = ext[1].split('/').length - 1;
      const baseName = segs.slice(0, baseTypes).join('/');
      const extName = segs.slice(baseTypes + 1).join('/');
      const baseId = idOf(rgScope, ext[1], baseName);
      return { type: ext[2], fullName: extName, id: `${baseId}/providers/${ext[2]}/${extName}`, scopeId: baseId };
    }
    if (decl.scope !== undefined) {
      const scope = asText(this.value(frame, decl.scope, [...at, 'scope'], copy));
      // A relative id (`Microsoft.X/y/name`) is in the deployment's resource group.
      const scopeId = scope.startsWith('/') ? scope : `${rgScope}/providers/${scope}`;
      return { type, fullName: name, id: `${scopeId}/providers/${type}/${name}`, scopeId };
    }
    return { type, fullName: name, id: idOf(rgScope, type, name) };
  }

  private logicalId(type: string, fullName: string): string {
    const base = `${this.stack}/${type.split('/').pop()}/${fullName}`;
    const n = (this.usedIds.get(base) ?? 0) + 1;
    this.usedIds.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  }

  public result(scope: Frame['scope']): ReadTemplateResult {
    const resources = this.resources.map(({ at: _at, ...r }) => r);
    const doc = {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      stack: {
        name: this.stack,
        subscriptionId: asText(scope.subscriptionId),
        resourceGroup: asText(scope.resourceGroup),
        location: asText(scope.location),
        tags: {},
      },
      resources,
    };
    const byId = new Map(this.resources.map((r) => [r.logicalId, r.at]));
    return {
      manifest: { ...doc, hash: contentHash(doc) } as Manifest,
      lineOf: (logicalId, path) => {
        const at = byId.get(logicalId);
        if (!at) return undefined;
        const segs = path ? path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)) : [];
        return this.lines.lineOf([...at, ...segs]);
      },
      uncertain: this.uncertain,
      notes: this.notes,
    };
  }
}

/** `/subscriptions/s/resourceGroups/g/providers/A.B/t1/n1/t2/n2`. */
function idOf(rgScope: string, type: string, name: string): string {
  const types = type.split('/');
  const names = name.split('/');
  let id = `${rgScope}/providers/${types[0]}/${types[1]}/${names[0] ?? ''}`;
  for (let i = 2; i < types.length; i++) id += `/${types[i]}/${names[i - 1] ?? ''}`;
  return id;
}

function lazy<T>(fn: () => T): () => T {
  let done = false;
  let v: T;
  return () => {
    if (!done) {
      v = fn();
      done = true;
    }
    return v;
  };
}

function isSecure(spec: Json): boolean {
  return /^secure/i.test(text(spec.type));
}

/** A secure parameter's value: unknown here, a secret reference in the body. */
function secureParameter(name: string): Unknown {
  return new Unknown(`[parameters('${name}')]`, `secure parameter '${name}' is passed at deployment`, undefined, name);
}

/** Unwrap `{ "value": v }`; Key Vault references and secure values stay references, for parameter files. */
function parameterValue(raw: unknown, name: string, spec: Json): TemplateValue {
  const o = obj(raw);
  if (isSecure(spec)) return secureParameter(name);
  if ('reference' in o && !('value' in o))
    return new Unknown(
      `[parameters('${name}')]`,
      `parameter '${name}' is a Key Vault reference resolved at deployment`,
    );
  return 'value' in o ? o.value : raw;
}

/** Read an ARM template file into a manifest (see the module comment). */
export function readArmTemplate(file: string, options: ReadTemplateOptions = {}): ReadTemplateResult {
  const display = options.displayFile ?? basename(file);
  let source: string;
  try {
    source = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new InputError('ArmTemplateUnreadable', `cannot read ${display} (${why})`, {
      file: display,
      fix: 'check the --arm-template path',
    });
  }
  return readArmTemplateText(source, display, options);
}

/** The same, from the template's text (`display` names it in errors and reports). */
export function readArmTemplateText(
  source: string,
  display: string,
  options: ReadTemplateOptions = {},
): ReadTemplateResult {
  const lines = new JsonLines(source);
  let doc: unknown;
  try {
    doc = JSON.parse(source);
  } catch {
    // ARM accepts comments in templates: parse with jsonc semantics through the line map's parser when plain JSON fails.
    doc = parseJsonText(stripComments(source), {
      code: 'ArmTemplateInvalidJson',
      file: display,
      what: display,
      fix: 'fix the JSON syntax of the template',
    });
  }
  const t = obj(doc);
  if (
    typeof t.$schema !== 'string' ||
    !/deploymentTemplate\.json/i.test(t.$schema) ||
    (t.resources === undefined && t.outputs === undefined)
  ) {
    throw new InputError(
      'ArmTemplateInvalid',
      `${display} is not an ARM deployment template ($schema …/deploymentTemplate.json# with resources)`,
      {
        file: display,
        line: 1,
        fix: 'pass an ARM template (or `az bicep build` output); for a parameters file use --arm-parameters',
      },
    );
  }
  const schema = String(t.$schema);
  if (
    !/\/(\d{4}-\d{2}-\d{2})\/deploymentTemplate\.json/i.test(schema) ||
    /subscriptionDeploymentTemplate|managementGroupDeploymentTemplate|tenantDeploymentTemplate/i.test(schema)
  ) {
    throw new InputError(
      'ArmTemplateScopeUnsupported',
      `${display} targets ${schema.split('/').pop()}: only resource-group deployment templates are reviewed`,
      { file: display, line: lines.lineOf(['$schema']), fix: 'review the resource-group templates it deploys' },
    );
  }
  const scopeOpt = options.scope ?? {};
  const unknownScope = (expr: string, flag: string): Unknown =>
    new Unknown(expr, `known at deployment (give it with ${flag})`);
  const scope = {
    subscriptionId: scopeOpt.subscriptionId ?? unknownScope('[subscription().subscriptionId]', '--subscription-id'),
    resourceGroup: scopeOpt.resourceGroup ?? unknownScope('[resourceGroup().name]', '--resource-group'),
    location: scopeOpt.location ?? unknownScope('[resourceGroup().location]', '--location'),
  };
  const tenantId = scopeOpt.tenantId ?? unknownScope('[subscription().tenantId]', '--tenant-id');
  const stack =
    basename(display)
      .replace(/\.json$/i, '')
      .replace(/[^A-Za-z0-9_.-]/g, '-') || 'template';
  const reader = new Reader(display, lines, stack);
  const given = options.parameters ?? {};
  const params = new Map<string, () => TemplateValue>();
  const frame: Frame = { template: t, at: [], params, scope, tenantId, deployments: new Map() };
  const declared = obj(t.parameters);
  for (const [k] of Object.entries(given)) {
    if (!Object.keys(declared).some((d) => d.toLowerCase() === k.toLowerCase()))
      throw new InputError('ArmParameterUnknown', `--arm-parameters gives "${k}", which ${display} does not declare`, {
        file: display,
        fix: `declared parameters: ${Object.keys(declared).join(', ') || '(none)'}`,
      });
  }
  for (const [name, spec] of Object.entries(declared)) {
    const key = Object.keys(given).find((k) => k.toLowerCase() === name.toLowerCase());
    params.set(
      name,
      lazy(() =>
        key !== undefined
          ? parameterValue(given[key], name, obj(spec))
          : reader.parameterDefault(frame, name, obj(spec), ['parameters', name]),
      ),
    );
  }
  reader.readTemplate(frame);
  return reader.result(scope);
}

/** Remove `//` and `/* *\/` comments outside strings (ARM templates may hold them). */
function stripComments(s: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      out += c;
      if (c === '\\') out += s[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      const chunk = s.slice(i, end < 0 ? s.length : end + 2);
      out += chunk.replace(/[^\n]/g, ' ');
      i = end < 0 ? s.length : end + 1;
    } else out += c;
  }
  return out;
}

/**
 * Read an ARM parameters file: `{ "parameters": { "x": { "value": 1 } } }` (or a plain `{ "x": 1 }` map).
 * `displayFile` names it in errors (the path as the user gave it, relative to the working directory): an absolute
 * path of the machine never reaches a message.
 */
export function readArmParameters(file: string, displayFile: string = basename(file)): Record<string, unknown> {
  let textIn: string;
  try {
    textIn = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    // The errno code only: Node's message repeats the absolute path.
    const why = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError('ArmParametersUnreadable', `cannot read ${displayFile} (${why})`, {
      file: displayFile,
      fix: 'check the --arm-parameters path',
    });
  }
  const doc = obj(
    parseJsonText(textIn, {
      code: 'ArmParametersInvalidJson',
      file: displayFile,
      what: displayFile,
      fix: 'fix the JSON syntax',
    }),
  );
  const params = doc.parameters !== undefined ? obj(doc.parameters) : doc;
  return params;
}

export { UNKNOWN_OPEN, UNKNOWN_CLOSE };
