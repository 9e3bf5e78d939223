/**
 * Generates docs/constructs.md from the TSDoc of the construct classes and their props interfaces, with the
 * TypeScript compiler API: every construct below lib/constructs, every prop (inherited ones included) with its
 * type, whether it is required, its description and its `@default`; plus the enum-like helper classes.
 *
 *   node --import tsx scripts/gen-constructs-doc.ts           # write docs/constructs.md
 *   node --import tsx scripts/gen-constructs-doc.ts --check   # exit 1 when the file is out of date
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { MAX_CONSTRUCT_ID_LENGTH } from '../lib/core/construct-id.js';
import { MAX_PROP_ARRAY_ITEMS, MAX_PROP_DEPTH } from '../lib/core/props.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'docs', 'constructs.md');
/** Helper classes documented as "building blocks" (static factories), not constructs. */
const HELPERS = [
  'SshAccess',
  'ComputeSchedule',
  'SetupScript',
  'ComputeIdentity',
  'AttachTarget',
  'Secret',
  'Duration',
  'Principal',
  'Names',
  'Annotations',
  'Aspects',
  'VmSize',
  'BuiltInRole',
];

/**
 * String-valued types used in props, documented as building blocks with their values (and their enum-like
 * constants when a `const` of the same name holds them, as `VmPriority.LOW_PRIORITY`).
 */
const VALUE_TYPES = ['VmPriority', 'IsolationMode', 'DeletePolicy', 'RecurrenceFrequency', 'WeekDay'];

interface PropDoc {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly doc: string;
  readonly default?: string;
  readonly from: string;
}

function docOf(checker: ts.TypeChecker, sym: ts.Symbol): string {
  return ts
    .displayPartsToString(sym.getDocumentationComment(checker))
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

function tag(sym: ts.Symbol, name: string, checker: ts.TypeChecker): string | undefined {
  const t = sym.getJsDocTags(checker).find((x) => x.name === name);
  return t ? ts.displayPartsToString(t.text).trim() : undefined;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n+/g, ' ').trim();
}

function relFile(node: ts.Node): string {
  return relative(ROOT, node.getSourceFile().fileName).split(sep).join('/');
}

export function generate(): string {
  const program = ts.createProgram([join(ROOT, 'lib', 'index.ts')], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(join(ROOT, 'lib', 'index.ts'));
  if (!index) throw new Error('lib/index.ts not found');
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(index)!);

  const constructs: Array<{
    name: string;
    file: string;
    doc: string;
    example?: string;
    props: PropDoc[];
    propsName?: string;
    statics: string[];
  }> = [];
  const supporting: Array<{ name: string; file: string; doc: string; props: PropDoc[] }> = [];
  const helpers: Array<{
    name: string;
    file: string;
    doc: string;
    methods: Array<{ name: string; signature: string; doc: string }>;
  }> = [];

  const valueTypes: Array<{
    name: string;
    file: string;
    doc: string;
    values: string[];
    constants: Array<{ name: string; value: string; doc: string }>;
  }> = [];

  for (const exp of exports) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    const alias = sym.declarations?.find(ts.isTypeAliasDeclaration);
    if (alias && VALUE_TYPES.includes(alias.name.text)) {
      const t = checker.getDeclaredTypeOfSymbol(sym);
      const values = (t.isUnion() ? t.types : [t])
        .filter((x): x is ts.StringLiteralType => x.isStringLiteral())
        .map((x) => x.value);
      const constDecl = sym.declarations?.find(ts.isVariableDeclaration);
      const constants: Array<{ name: string; value: string; doc: string }> = [];
      const init = constDecl?.initializer;
      const obj = init && ts.isAsExpression(init) ? init.expression : init;
      if (obj && ts.isObjectLiteralExpression(obj)) {
        for (const p of obj.properties) {
          if (!ts.isPropertyAssignment(p)) continue;
          const v = ts.isAsExpression(p.initializer) ? p.initializer.expression : p.initializer;
          const ps = checker.getSymbolAtLocation(p.name);
          constants.push({
            name: p.name.getText(),
            value: ts.isStringLiteral(v) ? v.text : v.getText(),
            doc: ps ? docOf(checker, ps) : '',
          });
        }
      }
      // The const's own comment ("Enum-like constants for …") says nothing the section does not.
      const doc = docOf(checker, sym).replace(/\s*Enum-like constants for \{@link \w+\}\.?/, '');
      valueTypes.push({ name: alias.name.text, file: relFile(alias), doc, values, constants });
      continue;
    }
    const iface = sym.declarations?.find(ts.isInterfaceDeclaration);
    if (iface && /^lib\/(constructs|core)\//.test(relFile(iface)) && !/^I[A-Z]/.test(iface.name.text)) {
      const t = checker.getDeclaredTypeOfSymbol(sym);
      supporting.push({
        name: iface.name.text,
        file: relFile(iface),
        doc: docOf(checker, sym),
        props: propsOf(checker, t),
      });
      continue;
    }
    const decl = sym.declarations?.find(ts.isClassDeclaration);
    if (!decl || !decl.name) continue;
    const file = relFile(decl);
    const name = decl.name.text;
    const classType = checker.getDeclaredTypeOfSymbol(sym);
    const isConstruct =
      checker.getBaseTypes(classType as ts.InterfaceType).length > 0 && extendsConstruct(checker, classType);
    if (
      isConstruct &&
      (file.startsWith('lib/constructs/') || file === 'lib/core/app.ts' || file === 'lib/core/stack.ts') &&
      !(decl.modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.AbstractKeyword)
    ) {
      const ctor = decl.members.find(ts.isConstructorDeclaration);
      const propsParam = name === 'App' ? ctor?.parameters[0] : ctor?.parameters[2];
      let props: PropDoc[] = [];
      let propsName: string | undefined;
      if (propsParam) {
        const t = checker.getTypeAtLocation(propsParam);
        propsName = propsParam.type ? propsParam.type.getText() : checker.typeToString(t);
        props = propsOf(checker, t);
      }
      const statics = decl.members
        .filter(
          (m): m is ts.MethodDeclaration =>
            ts.isMethodDeclaration(m) &&
            (m.modifiers ?? []).some((x) => x.kind === ts.SyntaxKind.StaticKeyword) &&
            (m.modifiers ?? []).some((x) => x.kind === ts.SyntaxKind.PublicKeyword),
        )
        .map((m) => m.name.getText());
      constructs.push({
        name,
        file,
        doc: docOf(checker, sym),
        example: tag(sym, 'example', checker),
        props,
        propsName,
        statics,
      });
    } else if (HELPERS.includes(name)) {
      const methods = decl.members
        .filter(
          (m): m is ts.MethodDeclaration =>
            ts.isMethodDeclaration(m) &&
            (m.modifiers ?? []).some((x) => x.kind === ts.SyntaxKind.StaticKeyword) &&
            (m.modifiers ?? []).some((x) => x.kind === ts.SyntaxKind.PublicKeyword),
        )
        .map((m) => {
          const s = checker.getSymbolAtLocation(m.name);
          const sig = checker.getSignatureFromDeclaration(m);
          return {
            name: m.name.getText(),
            signature: sig ? checker.signatureToString(sig).replace(/import\("[^"]+"\)\./g, '') : '',
            doc: s ? docOf(checker, s) : '',
          };
        });
      helpers.push({ name, file, doc: docOf(checker, sym), methods });
    }
  }
  constructs.sort((a, b) => a.file.localeCompare(b.file) || a.name.localeCompare(b.name));
  const documentedProps = new Set(constructs.map((c) => c.propsName));
  const extra = supporting
    .filter((x) => !documentedProps.has(x.name) && x.props.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
  helpers.sort((a, b) => a.name.localeCompare(b.name));

  const lines: string[] = [
    '# Constructs',
    '',
    '<!-- Generated by scripts/gen-constructs-doc.ts from the TSDoc in lib/. Do not edit by hand: run `node --import tsx scripts/gen-constructs-doc.ts`. -->',
    '',
    'Every construct of `amlcdk` with its props. Required props come first; `@default` says what happens when an',
    'optional prop is left out. The errors and warnings synthesis can report are listed under',
    '[Error codes and warnings](#error-codes-and-warnings) and tested in `test/constructs/` and `test/core/`.',
    '',
    '## Contents',
    '',
    '- [References, dependencies and escape hatches](#references-dependencies-and-escape-hatches)',
    ...constructs.map((c) => `- [${c.name}](#${c.name.toLowerCase()}) (\`${c.file}\`)`),
    '- [Building blocks](#building-blocks)',
    '- [Prop values and construct ids](#prop-values-and-construct-ids)',
    '- [Error codes and warnings](#error-codes-and-warnings)',
    '- [Option types](#option-types)',
    '',
  ];
  // The construct model in prose (references, the dependency graph, moves), kept in a Markdown file of its own.
  lines.push(readFileSync(join(ROOT, 'scripts', 'constructs-model.md'), 'utf8').trimEnd(), '');
  for (const c of constructs) {
    lines.push(`## ${c.name}`, '', `Source: \`${c.file}\``, '', c.doc || '_(no description)_', '');
    if (c.statics.length) lines.push(`Static members: ${c.statics.map((s) => `\`${c.name}.${s}()\``).join(', ')}`, '');
    if (c.example) lines.push('```ts', c.example.replace(/^\s*\n/, ''), '```', '');
    if (c.props.length) {
      lines.push(`Props (\`${c.propsName}\`):`, '', ...propTable(c.props), '');
    }
  }
  lines.push('## Building blocks', '', 'Enum-like classes, value types and helpers used in props.', '');
  const blocks: Array<{ name: string; lines: string[] }> = helpers.map((h) => ({
    name: h.name,
    lines: [
      `### ${h.name}`,
      '',
      `Source: \`${h.file}\``,
      '',
      h.doc || '',
      '',
      ...(h.methods.length
        ? [
            '| Factory | Signature | Description |',
            '|---|---|---|',
            ...h.methods.map((m) => `| \`${h.name}.${m.name}\` | \`${cell(m.signature)}\` | ${cell(m.doc)} |`),
            '',
          ]
        : []),
    ],
  }));
  for (const v of valueTypes)
    blocks.push({
      name: v.name,
      lines: [
        `### ${v.name}`,
        '',
        `Source: \`${v.file}\``,
        '',
        v.doc || '',
        '',
        `Values: ${v.values.map((x) => `\`'${x}'\``).join(', ')}`,
        '',
        ...(v.constants.length
          ? [
              '| Constant | Value | Description |',
              '|---|---|---|',
              ...v.constants.map((c) => `| \`${v.name}.${c.name}\` | \`'${c.value}'\` | ${cell(c.doc)} |`),
              '',
            ]
          : []),
      ],
    });
  for (const missing of VALUE_TYPES.filter((n) => !valueTypes.some((v) => v.name === n)))
    throw new Error(`${missing} is in VALUE_TYPES but not a string type exported by lib/index.ts`);
  blocks.sort((a, b) => a.name.localeCompare(b.name));
  for (const b of blocks) lines.push(...b.lines);
  lines.push(...propRules());
  lines.push(...diagnosticCodes());
  lines.push('## Option types', '', 'Interfaces used inside props (nested options, factory options).', '');
  for (const x of extra) {
    lines.push(`### ${x.name}`, '', `Source: \`${x.file}\``, '', x.doc || '', '', ...propTable(x.props), '');
  }
  return (
    lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

/** The run-time checks every prop value and construct id goes through (lib/core/props.ts, lib/core/construct-id.ts). */
function propRules(): string[] {
  return [
    '## Prop values and construct ids',
    '',
    'TypeScript checks prop types at compile time; JavaScript callers, casts and values read from files are checked',
    'again when the construct is created: a wrong value is recorded as a coded error naming the construct path and the prop,',
    'which `app.synth()` reports (`SynthesisFailed` lists them all), never a `TypeError` from inside synthesis:',
    '',
    '| Value | Allowed | Error |',
    '|---|---|---|',
    `| Array props (\`schedules\`, \`customApplications\`, \`fileShareMounts\`, \`sourceCidrs\`, members…) | at most ${MAX_PROP_ARRAY_ITEMS.toLocaleString('en-US')} items, no holes (every index from 0 to \`length - 1\` set), no getters | \`InvalidPropType\` |`,
    `| Nested plain data (objects and arrays in props) | at most ${MAX_PROP_DEPTH} levels deep, no cycles, no functions, no getters | \`InvalidPropType\` |`,
    '| Values no prop accepts | not a `BigInt`, a symbol, a `Proxy` or an object without a prototype | `InvalidPropType` |',
    '| A prop of the wrong type (a string where a number belongs, a construct where an object literal belongs…) | the type in the props table above | `InvalidPropType` (the prop is dropped, so one mistake gives one error) |',
    '| The props argument | an object literal | `InvalidPropType` |',
    `| Construct ids | 1–${MAX_CONSTRUCT_ID_LENGTH} characters, no \`/\`, not a name every JavaScript object has (\`__proto__\`, \`constructor\`, \`valueOf\`, \`toString\`…) | \`InvalidConstructId\` (thrown when the construct is created) |`,
    '',
    'Each error says what was given without printing it when printing it could run user code (a `toString`, a getter or',
    'a Proxy trap) or echo a secret, what is allowed, and how to fix it.',
    '',
  ];
}

/** Every error code and warning id raised by the core, the manifest pipeline and the constructs, from the sources. */
function diagnosticCodes(): string[] {
  const dirs = [
    'lib/core',
    'lib/manifest',
    'lib/constructs/workspace',
    'lib/constructs/compute',
    'lib/constructs/network',
    'lib/constructs/rbac',
    'lib/constructs/storage',
    'lib/constructs/assets',
    'lib/constructs/generic',
    'lib/catalog',
  ];
  const found = new Map<string, { level: 'error' | 'warning'; files: Set<string> }>();
  const patterns: Array<[RegExp, 'error' | 'warning']> = [
    [/addError\(\s*'([A-Za-z]+)'/g, 'error'],
    [/new ValidationError\(\s*'([A-Za-z]+)'/g, 'error'],
    [/level: 'error',\s*code: '([A-Za-z]+)'/g, 'error'],
    [/addWarning\(\s*'([a-z]+:[A-Za-z:]+)'/g, 'warning'],
    [/level: 'warning',\s*code: '([a-z]+:[A-Za-z:]+)'/g, 'warning'],
  ];
  for (const dir of dirs) {
    const abs = join(ROOT, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs)
      .filter((x) => x.endsWith('.ts'))
      .sort()) {
      const text = readFileSync(join(abs, f), 'utf8');
      for (const [re, level] of patterns) {
        for (const m of text.matchAll(re)) {
          const e = found.get(m[1]) ?? { level, files: new Set<string>() };
          e.files.add(`${dir}/${f}`);
          found.set(m[1], e);
        }
      }
    }
  }
  const rows = [...found.entries()].sort((a, b) =>
    a[1].level === b[1].level ? a[0].localeCompare(b[0]) : a[1].level === 'error' ? -1 : 1,
  );
  return [
    '## Error codes and warnings',
    '',
    `Stable codes (errors) and ids (warnings) that synthesis can report, found in the sources (${rows.filter((r) => r[1].level === 'error').length} error codes,`,
    `${rows.filter((r) => r[1].level === 'warning').length} warning ids). Each diagnostic carries the construct path, the value, what is allowed and a fix;`,
    'warnings can be acknowledged with `Annotations.of(construct).acknowledgeWarning(id, reason)`.',
    '',
    '| Code / id | Level | Raised in |',
    '|---|---|---|',
    ...rows.map(([code, e]) => `| \`${code}\` | ${e.level} | ${[...e.files].map((x) => `\`${x}\``).join(', ')} |`),
    '',
  ];
}

function propsOf(checker: ts.TypeChecker, t: ts.Type): PropDoc[] {
  const props: PropDoc[] = [];
  for (const p of checker.getPropertiesOfType(t)) {
    const pd = p.declarations?.[0];
    if (pd && (ts.isMethodSignature(pd) || ts.isMethodDeclaration(pd))) continue;
    const type = pd
      ? checker.typeToString(checker.getTypeOfSymbolAtLocation(p, pd), undefined, ts.TypeFormatFlags.NoTruncation)
      : '?';
    props.push({
      name: p.name,
      type: type.replace(/import\("[^"]+"\)\./g, '').replace(/ \| undefined$/, ''),
      required: !(p.flags & ts.SymbolFlags.Optional),
      doc: docOf(checker, p),
      default: tag(p, 'default', checker),
      from: pd && ts.isPropertySignature(pd) && ts.isInterfaceDeclaration(pd.parent) ? pd.parent.name.text : '',
    });
  }
  return props.sort((a, b) => Number(b.required) - Number(a.required) || a.name.localeCompare(b.name));
}

function propTable(props: readonly PropDoc[]): string[] {
  const out = ['| Prop | Type | Required | Default | Description |', '|---|---|---|---|---|'];
  for (const p of props)
    out.push(
      `| \`${p.name}\` | \`${cell(p.type)}\` | ${p.required ? 'yes' : 'no'} | ${p.default ? cell(p.default) : p.required ? '' : '_none_'} | ${cell(p.doc)} |`,
    );
  return out;
}

function extendsConstruct(checker: ts.TypeChecker, type: ts.Type): boolean {
  const seen = new Set<ts.Type>();
  const walk = (t: ts.Type): boolean => {
    if (seen.has(t)) return false;
    seen.add(t);
    if (t.symbol?.name === 'Construct') return true;
    const bases = t.isClassOrInterface() ? checker.getBaseTypes(t) : [];
    return bases.some(walk);
  };
  return walk(type);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = generate();
  if (process.argv.includes('--check')) {
    const current = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(
        'docs/constructs.md is out of date: run `node --import tsx scripts/gen-constructs-doc.ts`\n',
      );
      process.exit(1);
    }
    process.stdout.write('docs/constructs.md is up to date\n');
  } else {
    writeFileSync(OUT, text);
    process.stdout.write(`wrote ${relative(ROOT, OUT)}\n`);
  }
}
